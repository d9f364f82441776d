-- The latest $page_rows officials of each province, in the order its catalog page lists them.
select *
from officials
where province_code is not null
qualify row_number() over (
    partition by province_code
    order by document_date desc nulls last, person_name nulls last, doc_id, span_start
) <= $page_rows
