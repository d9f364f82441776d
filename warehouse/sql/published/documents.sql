-- Open-data table: the reports every published fact comes from. The subject province is coded in the
-- regime in force on the document's date (the 63 former provinces before 2025-07-01, the 34 after).
with documents as (
    select
        d.*,
        case when d.province_code is not null then
            province_regime_on(coalesce(d.published_date, d.event_date))
        end as province_regime
    from {schema}.dim_document as d
)
select
    d.doc_id,
    d.source_path,
    d.source_url,
    d.title,
    d.published_date,
    d.event_date,
    d.province_code,
    d.province_regime,
    p.province_name,
    p.current_province_code,
    p.current_province_name
from documents as d
left join {schema}.province_names as p using (province_code, province_regime)
order by d.source_path, d.doc_id
