-- Every name the facts give each catalog page: what a page is titled when its province is not in
-- the provinces table.
select distinct coalesce(pg.page, f.province_code) as page, f.province_name
from (
    select province_code, province_regime, province_name from dti_ranks
    union all
    select province_code, province_regime, province_name from metrics
    union all
    select province_code, province_regime, province_name from officials
    union all
    select province_code, province_regime, province_name from legal_refs
) as f
left join province_pages as pg using (province_code, province_regime)
where f.province_code is not null and f.province_name is not null
order by 1, 2
