-- Open-data table: legal and administrative documents cited by province reports, with provenance.
select
    l.fact_id,
    l.kind,
    l.number,
    l.issued_date,
    l.issuer,
    l.province_code,
    d.province_name,
    coalesce(d.event_date, d.published_date) as document_date,
    l.doc_id,
    d.source_path,
    l.raw_text,
    l.evidence,
    l.span_start,
    l.span_end
from {schema}.fact_legal_ref as l
join {schema}.dim_document as d using (doc_id)
order by l.doc_id, l.span_start, l.fact_id
