-- Corrections that cannot be right against the stored document text: a span past its end, or an
-- add whose evidence sentence does not hold the text at its span. (A document the warehouse does
-- not hold is not an error here: the correction is reported as stale.)
select c.source_file, c.source_line,
       case when c.span_end > length(d.text)
            then 'span [' || c.span_start || ', ' || c.span_end || '] is outside the document ('
                 || length(d.text) || ' characters)'
            else 'evidence does not contain the text at the span ('''
                 || substring(d.text, c.span_start + 1, c.span_end - c.span_start) || ''')'
       end as problem
from core.corrections as c
join raw.documents as d using (doc_id)
where c.span_end > length(d.text)
   or (c.action = 'add' and c.evidence is not null
       and not contains(c.evidence, substring(d.text, c.span_start + 1, c.span_end - c.span_start)))
order by c.source_file, c.source_line
