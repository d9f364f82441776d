-- Every name the facts give each province code: what a page is titled when the code is not in
-- the provinces table.
select distinct province_code, province_name from (
    select province_code, province_name from dti_ranks
    union all
    select province_code, province_name from metrics
    union all
    select province_code, province_name from officials
    union all
    select province_code, province_name from legal_refs
)
where province_code is not null and province_name is not null
order by province_code, province_name
