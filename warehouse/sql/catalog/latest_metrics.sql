-- The latest $page_rows figures of each province, numbered (page_order) in the order its catalog page lists them.
select *, row_number() over page as page_order
from metrics
where province_code is not null
window page as (
    partition by province_code
    order by document_date desc nulls last, indicator_code nulls last, doc_id, span_start
)
qualify page_order <= $page_rows
