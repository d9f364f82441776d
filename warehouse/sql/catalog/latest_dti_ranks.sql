-- The latest $page_rows DTI ranks of each province, numbered (page_order) in the order its catalog page lists them:
-- newest edition first, the overall rank before the pillars.
select *, row_number() over page as page_order
from dti_ranks
where province_code is not null
window page as (
    partition by province_code
    order by edition_year desc nulls last, pillar <> 'overall', pillar, doc_id, span_start
)
qualify page_order <= $page_rows
