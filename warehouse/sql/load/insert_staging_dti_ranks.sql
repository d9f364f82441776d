-- Stage extracted DTI ranks. fact_id is stable across runs (same document, span and reading → same id);
-- raw_text is cut from the stored document text at the span (wave_texts: the staged documents' rows of
-- raw.documents), so provenance is checked against what the warehouse holds.
insert into staging.dti_ranks by name
select
    sha256(concat_ws('|', f.doc_id, 'dti_rank', f.span_start, f.span_end, f.pillar, f.rank,
                     coalesce(f.province_code, ''), coalesce(f.edition_year::varchar, ''))) as fact_id,
    f.*,
    substring(d.text, f.span_start + 1, f.span_end - f.span_start) as raw_text
from incoming as f
join wave_texts as d using (doc_id);
