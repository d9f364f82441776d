-- The latest $page_rows rows of fact table {table} on each province page (see province_pages.sql),
-- numbered (page_order) in the order the page lists them ({page_order}, from
-- warehouse.catalog.PAGE_ORDER). The window ranks narrow rows (key, page, order columns); only the
-- chosen rows are read whole.
with ranked as (
    select
        f.fact_id,
        coalesce(pg.page, f.province_code) as page,
        row_number() over (partition by coalesce(pg.page, f.province_code) order by {page_order}) as page_order
    from {table} as f
    left join province_pages as pg using (province_code, province_regime)
    where f.province_code is not null
    qualify page_order <= $page_rows
)
select f.*, r.page, r.page_order
from ranked as r
join {table} as f using (fact_id)
order by r.page, r.page_order
