-- Stage cited legal documents (see insert_staging_dti_ranks.sql for fact_id and raw_text).
insert into staging.legal_refs by name
select
    sha256(concat_ws('|', f.doc_id, 'legal_ref', f.span_start, f.span_end, f.kind, f.number)) as fact_id,
    f.*,
    substring(d.text, f.span_start + 1, f.span_end - f.span_start) as raw_text
from incoming as f
join wave_texts as d using (doc_id);
