-- Every indicator series point without its evidence text, with the catalog page and label of its
-- province: what the series charts on province pages draw (results as a line, targets as marks).
select
    f.* exclude (raw_text, evidence),
    coalesce(pg.page, f.province_code) as page,
    coalesce(pg.label, f.province_name, f.province_code) as label
from indicator_series as f
left join province_pages as pg using (province_code, province_regime)
