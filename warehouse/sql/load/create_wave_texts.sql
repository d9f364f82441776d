-- The stored text of the documents being staged (registered frame `incoming`: their doc_ids),
-- read once per wave instead of once per fact table.
create or replace temp table wave_texts as
select d.doc_id, d.text
from raw.documents as d
semi join incoming using (doc_id);
