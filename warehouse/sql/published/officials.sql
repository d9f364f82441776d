-- Open-data table: named officials and the titles a report gives them, with provenance.
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
    r.fact_id,
    r.person_id,
    p.name as person_name,
    array_to_string(r.titles, '; ') as titles,
    r.province_code,
    case when r.province_code is not null then d.document_regime end as province_regime,
    pr.province_name,
    pr.current_province_code,
    pr.current_province_name,
    d.document_date,
    r.doc_id,
    d.source_path,
    r.raw_text,
    r.evidence,
    r.span_start,
    r.span_end,
    r.confidence,
    r.corrected_by
from {schema}.fact_person_role as r
join {schema}.dim_person as p using (person_id)
join documents as d using (doc_id)
left join {schema}.province_names as pr
    on pr.province_code = r.province_code and pr.province_regime = d.document_regime
order by r.doc_id, r.span_start, r.fact_id
