-- The latest $page_rows cited documents of each province, in the order its catalog page lists them.
select *
from legal_refs
where province_code is not null
qualify row_number() over (
    partition by province_code
    order by document_date desc nulls last, kind nulls last, number nulls last, doc_id, span_start
) <= $page_rows
