-- Open-data table: DTI ranks (overall and per pillar) read from province reports, with provenance.
select
    r.fact_id,
    r.province_code,
    p.name as province_name,
    r.edition_year,
    r.pillar,
    r.rank,
    r.out_of,
    r.score,
    r.doc_id,
    d.source_path,
    coalesce(d.event_date, d.published_date) as document_date,
    r.raw_text,
    r.evidence,
    r.span_start,
    r.span_end
from {schema}.fact_dti_rank as r
join {schema}.dim_document as d using (doc_id)
left join {schema}.dim_province as p
    on p.province_code = r.province_code
   and p.regime = case when coalesce(d.event_date, d.published_date) >= date '2025-07-01' then '34' else '63' end
order by r.province_code, r.edition_year, r.pillar, r.doc_id, r.span_start
