-- The latest $page_rows DTI ranks of each province, in the order its catalog page lists them:
-- newest edition first, the overall rank before the pillars.
select *
from dti_ranks
where province_code is not null
qualify row_number() over (
    partition by province_code
    order by edition_year desc nulls last, pillar <> 'overall', pillar, doc_id, span_start
) <= $page_rows
