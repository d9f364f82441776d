-- Each province page's latest figure per indicator (the newest document, then the larger value),
-- with the label of its province: the bars of the indicator charts. One bar per province: a former
-- province ("Bắc Ninh (cũ)") and the merged one that took its name ("Bắc Ninh") are two bars.
-- The window ranks narrow rows (key, page, order columns); only the chosen rows are read whole.
with latest as (
    select f.fact_id, coalesce(pg.page, f.province_code) as page, coalesce(pg.label, f.province_name) as label
    from metrics as f
    left join province_pages as pg using (province_code, province_regime)
    where f.indicator_code is not null and f.province_code is not null
    qualify row_number() over (
        partition by f.indicator_code, coalesce(pg.page, f.province_code)
        order by f.document_date desc nulls last, f.value desc nulls last, f.doc_id, f.span_start
    ) = 1
)
select f.*, l.page, l.label
from latest as l
join metrics as f using (fact_id)
order by f.indicator_code, l.page
