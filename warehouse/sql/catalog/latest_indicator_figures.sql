-- Each province's latest figure per indicator (the newest document, then the larger value):
-- the bars of the indicator charts.
select *
from metrics
where indicator_code is not null and province_code is not null
qualify row_number() over (
    partition by indicator_code, province_code
    order by document_date desc nulls last, value desc nulls last, doc_id, span_start
) = 1
