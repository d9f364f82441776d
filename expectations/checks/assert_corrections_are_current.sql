-- severity: warn
-- A failure means a correction in corrections/*.yml no longer finds what it names: the extractor
-- no longer reads that fact (or now reads the fact an add supplied), or the document changed or was
-- removed. The correction is kept and applies again if its fact comes back; an editor should
-- update or delete it (`cds review` lists it with the reason).
select c.correction_id, c.action, c.fact_type, c.doc_id, c.span_start, c.span_end, c.match_value,
       s.stale_reason, c.source_file, c.source_line
from core.corrections as c
join audit.correction_status as s using (correction_id)
where s.status = 'stale'
order by c.source_file, c.source_line
