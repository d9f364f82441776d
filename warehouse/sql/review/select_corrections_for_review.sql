-- The corrections in the repository as review items: a stale one waits for a person (impact 1:
-- update or delete it); an applied one sits at the end of the queue (impact 0), so an exported
-- queue carries every correction and importing it writes the same files again.
with fields as (
    select correction_id, string_agg(field || ' = ' || value, '; ' order by field) as fields
    from core.correction_fields
    group by correction_id
)
select
    case s.status when 'stale' then 'stale correction' else 'correction' end as item,
    case s.status when 'stale' then 1.0 else 0.0 end as impact,
    case s.status when 'stale' then s.stale_reason
         else 'applied to ' || s.facts || ' fact' || case when s.facts = 1 then '' else 's' end end as detail,
    c.fact_type as fact,
    c.doc_id as document,
    d.source_path as source,
    c.span_start,
    c.span_end,
    c.match_value as value,
    c.evidence,
    case s.status when 'stale' then 'update or delete this correction' else '' end as suggested,
    c.action,
    f.fields as "set",
    c.reason,
    c.author,
    c.corrected_on as "date",
    c.source_file as file,
    c.source_line as line
from core.corrections as c
join audit.correction_status as s using (correction_id)
left join fields as f using (correction_id)
left join raw.current_documents as d using (doc_id)
order by c.source_file, c.source_line
