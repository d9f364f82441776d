-- Open-data table: legal and administrative documents cited by province reports, with provenance.
with documents as (
    select
        doc_id,
        source_path,
        coalesce(event_date, published_date) as document_date,
        -- A document's facts are about its province in the regime of the period it reports on:
        -- the regime its province code was read in (see documents.sql).
        province_regime_on(coalesce(published_date, event_date)) as document_regime
    from {schema}.dim_document
)
select
    l.fact_id,
    l.kind,
    l.number,
    l.issued_date,
    l.issuer,
    l.province_code,
    case when l.province_code is not null then d.document_regime end as province_regime,
    pr.province_name,
    pr.current_province_code,
    pr.current_province_name,
    d.document_date,
    l.doc_id,
    d.source_path,
    l.raw_text,
    l.evidence,
    l.span_start,
    l.span_end,
    l.confidence,
    l.corrected_by
from {schema}.fact_legal_ref as l
join documents as d using (doc_id)
left join {schema}.province_names as pr
    on pr.province_code = l.province_code and pr.province_regime = d.document_regime
order by l.doc_id, l.span_start, l.fact_id
