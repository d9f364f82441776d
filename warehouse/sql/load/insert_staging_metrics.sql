-- Stage extracted percents and quantities (see insert_staging_dti_ranks.sql for fact_id and raw_text).
insert into staging.metrics by name
select
    sha256(concat_ws('|', f.doc_id, 'metric', f.span_start, f.span_end, f.kind, f.value, f.unit)) as fact_id,
    f.*,
    substring(d.text, f.span_start + 1, f.span_end - f.span_start) as raw_text
from incoming as f
join wave_texts as d using (doc_id);
