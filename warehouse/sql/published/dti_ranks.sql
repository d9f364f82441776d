-- Open-data table: DTI ranks (overall and per pillar) read from province reports, with provenance.
-- The province is (code, regime): the code of the table the rank was read in (63 former provinces
-- or 34 merged ones), named in that regime and rolled up to the current province it is part of.
with ranks as (
    select
        r.*,
        d.source_path,
        coalesce(d.event_date, d.published_date) as document_date,
        case when r.province_code is not null then
            province_regime_of_rank(r.regime, r.out_of, r.edition_year, coalesce(d.published_date, d.event_date))
        end as province_regime
    from {schema}.fact_dti_rank as r
    join {schema}.dim_document as d using (doc_id)
)
select
    r.fact_id,
    r.province_code,
    r.province_regime,
    p.province_name,
    p.current_province_code,
    p.current_province_name,
    r.edition_year,
    r.pillar,
    r.rank,
    r.out_of,
    r.score,
    r.doc_id,
    r.source_path,
    r.document_date,
    r.raw_text,
    r.evidence,
    r.span_start,
    r.span_end,
    r.confidence,
    r.corrected_by
from ranks as r
left join {schema}.province_names as p using (province_code, province_regime)
order by r.province_code, r.province_regime, r.edition_year, r.pillar, r.doc_id, r.span_start
