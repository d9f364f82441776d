-- Open-data table: percentages and counted amounts stated in province reports, with provenance,
-- each a result or a target (with its deadline), with the period and level of government it is about.
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
    m.fact_id,
    m.province_code,
    case when m.province_code is not null then d.document_regime end as province_regime,
    pr.province_name,
    pr.current_province_code,
    pr.current_province_name,
    d.document_date,
    m.kind,
    m.value,
    m.unit,
    m.subject,
    m.indicator_code,
    m.is_target,
    m.target_year,
    m.period_start,
    m.period_end,
    m.admin_level,
    m.doc_id,
    d.source_path,
    m.raw_text,
    m.evidence,
    m.span_start,
    m.span_end,
    m.confidence,
    m.corrected_by
from {schema}.fact_metric as m
join documents as d using (doc_id)
left join {schema}.province_names as pr
    on pr.province_code = m.province_code and pr.province_regime = d.document_regime
order by m.doc_id, m.span_start, m.fact_id
