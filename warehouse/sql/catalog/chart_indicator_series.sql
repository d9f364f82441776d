-- Every indicator series point, as the columns the series charts on province pages draw (results as
-- a line, targets as marks), with the catalog page and label of its province (no evidence or ids:
-- this is read whole into the catalog).
select
    f.province_code,
    f.province_regime,
    f.indicator_code,
    f.admin_level,
    f.is_target,
    f.period_start,
    f.period_end,
    f.target_year,
    f.value,
    f.unit,
    f.documents,
    f.values_stated,
    f.source_path,
    coalesce(pg.page, f.province_code) as page,
    coalesce(pg.label, f.province_name, f.province_code) as label
from indicator_series as f
left join province_pages as pg using (province_code, province_regime)
