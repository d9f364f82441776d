-- Stage named officials with their titles. person_id identifies a name across documents
-- (case and spacing folded), so one person is one row of core.dim_person.
insert into staging.person_roles by name
select
    sha256(concat_ws('|', f.doc_id, 'person', f.span_start, f.span_end, f.person_name)) as fact_id,
    sha256(lower(regexp_replace(trim(f.person_name), '\s+', ' ', 'g'))) as person_id,
    f.*,
    substring(d.text, f.span_start + 1, f.span_end - f.span_start) as raw_text
from incoming as f
join wave_texts as d using (doc_id);
