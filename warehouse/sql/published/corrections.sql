-- Open-data table: every correction in the repository (corrections/*.yml), what it did and whether
-- it found its fact; fact tables name the corrections applied to a row in `corrected_by`.
with fields as (
    select correction_id, string_agg(field || ' = ' || value, '; ' order by field) as fields
    from core.correction_fields
    group by correction_id
)
select
    c.correction_id,
    c.action,
    c.fact_type,
    c.doc_id,
    d.source_path,
    c.span_start,
    c.span_end,
    c.match_value as value,
    f.fields,
    c.reason,
    c.author,
    c.corrected_on,
    s.status,
    s.stale_reason,
    s.facts,
    c.source_file,
    c.source_line
from core.corrections as c
join {schema}.correction_status as s using (correction_id)
left join fields as f using (correction_id)
left join raw.current_documents as d using (doc_id)
order by c.corrected_on, c.correction_id
