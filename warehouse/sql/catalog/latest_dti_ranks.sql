-- The latest $page_rows DTI ranks of each province page, numbered (page_order) in the order the page
-- lists them: newest edition first, the current (34) ranking before the former (63) one, the
-- overall rank before the pillars.
-- The window ranks narrow rows (key, page, order columns); only the chosen rows are read whole.
with ranked as (
    select f.fact_id, coalesce(pg.page, f.province_code) as page, row_number() over page_window as page_order
    from dti_ranks as f
    left join province_pages as pg using (province_code, province_regime)
    where f.province_code is not null
    window page_window as (
        partition by coalesce(pg.page, f.province_code)
        order by f.edition_year desc nulls last, f.province_regime, f.pillar <> 'overall', f.pillar, f.doc_id,
            f.span_start
    )
    qualify page_order <= $page_rows
)
select f.*, r.page, r.page_order
from ranked as r
join dti_ranks as f using (fact_id)
order by r.page, r.page_order
