-- Open-data table: named officials and the titles a report gives them, with provenance.
select
    r.fact_id,
    r.person_id,
    p.name as person_name,
    array_to_string(r.titles, '; ') as titles,
    r.province_code,
    d.province_name,
    coalesce(d.event_date, d.published_date) as document_date,
    r.doc_id,
    d.source_path,
    r.raw_text,
    r.evidence,
    r.span_start,
    r.span_end
from {schema}.fact_person_role as r
join {schema}.dim_person as p using (person_id)
join {schema}.dim_document as d using (doc_id)
order by r.doc_id, r.span_start, r.fact_id
