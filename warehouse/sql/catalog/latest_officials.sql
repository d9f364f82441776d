-- The latest $page_rows officials of each province page (see province_pages.sql), numbered (page_order) in
-- the order the page lists them.
-- The window ranks narrow rows (key, page, order columns); only the chosen rows are read whole.
with ranked as (
    select f.fact_id, coalesce(pg.page, f.province_code) as page, row_number() over page_window as page_order
    from officials as f
    left join province_pages as pg using (province_code, province_regime)
    where f.province_code is not null
    window page_window as (
        partition by coalesce(pg.page, f.province_code)
        order by f.document_date desc nulls last, f.person_name nulls last, f.doc_id, f.span_start
    )
    qualify page_order <= $page_rows
)
select f.*, r.page, r.page_order
from ranked as r
join officials as f using (fact_id)
order by r.page, r.page_order
