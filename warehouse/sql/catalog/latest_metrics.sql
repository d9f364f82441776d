-- The latest $page_rows figures of each province, in the order its catalog page lists them.
select *
from metrics
where province_code is not null
qualify row_number() over (
    partition by province_code
    order by document_date desc nulls last, indicator_code nulls last, doc_id, span_start
) <= $page_rows
