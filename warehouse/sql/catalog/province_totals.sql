-- Facts per province and table: the counts on the province list and pages.
select province_code, 'dti_ranks' as table_name, count(*) as facts from dti_ranks group by all
union all
select province_code, 'metrics', count(*) from metrics group by all
union all
select province_code, 'officials', count(*) from officials group by all
union all
select province_code, 'legal_refs', count(*) from legal_refs group by all
