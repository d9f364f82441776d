-- Open-data table: the reports every published fact comes from.
select
    d.doc_id,
    d.source_path,
    d.source_url,
    d.title,
    d.published_date,
    d.event_date,
    d.province_code,
    d.province_name
from {schema}.dim_document as d
order by d.source_path, d.doc_id
