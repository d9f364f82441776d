-- The latest $page_rows cited documents of each province, numbered (page_order) in the order its catalog page lists them.
select *, row_number() over page as page_order
from legal_refs
where province_code is not null
window page as (
    partition by province_code
    order by document_date desc nulls last, kind nulls last, number nulls last, doc_id, span_start
)
qualify page_order <= $page_rows
