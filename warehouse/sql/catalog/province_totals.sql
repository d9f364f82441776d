-- Facts per catalog page (see province_pages.sql) and table: the counts on the province list and pages.
with facts as (
    select province_code, province_regime, 'dti_ranks' as table_name from dti_ranks
    union all
    select province_code, province_regime, 'metrics' from metrics
    union all
    select province_code, province_regime, 'officials' from officials
    union all
    select province_code, province_regime, 'legal_refs' from legal_refs
)
select coalesce(pg.page, f.province_code) as page, f.table_name, count(*) as facts
from facts as f
left join province_pages as pg using (province_code, province_regime)
where f.province_code is not null
group by all
