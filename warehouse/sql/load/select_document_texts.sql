-- The text of each document named in the registered frame `wanted` (doc_id), in doc_id order, with the
-- published date its source metadata gives (the extractor resolves datelines without a year from it).
select d.doc_id, d.text, c.published_date
from raw.documents as d
semi join wanted using (doc_id)
left join raw.current_documents as c using (doc_id)
order by d.doc_id;
