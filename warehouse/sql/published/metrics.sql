-- Open-data table: percentages and counted amounts stated in province reports, with provenance.
select
    m.fact_id,
    m.province_code,
    d.province_name,
    coalesce(d.event_date, d.published_date) as document_date,
    m.kind,
    m.value,
    m.unit,
    m.subject,
    m.indicator_code,
    m.doc_id,
    d.source_path,
    m.raw_text,
    m.evidence,
    m.span_start,
    m.span_end
from {schema}.fact_metric as m
join {schema}.dim_document as d using (doc_id)
order by m.doc_id, m.span_start, m.fact_id
