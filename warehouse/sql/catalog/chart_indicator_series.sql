-- The indicator series points the province pages chart, as the columns the charts draw (results as
-- a line, targets as marks), with the catalog page and label of their province (no evidence or ids).
-- A page charts an indicator with results in two periods, or a result and a target, and at most
-- $charts_per_page of them, those with the most points first (then by code): only their points are
-- read into the catalog, not every series of the release.
with points as (
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
),
reach as (
    select
        page,
        indicator_code,
        count(*) as points,
        count(*) filter (where not is_target) as results,
        count(*) filter (where is_target) as targets
    from points
    group by page, indicator_code
    having results >= 2 or (results >= 1 and targets >= 1)
),
charted as (
    select page, indicator_code
    from reach
    qualify row_number() over (partition by page order by points desc, indicator_code) <= $charts_per_page
)
select p.*
from points as p
semi join charted as c using (page, indicator_code)
