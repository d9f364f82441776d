-- The text of each document named in the registered frame `wanted` (doc_id), in doc_id order.
select d.doc_id, d.text
from raw.documents as d
semi join wanted using (doc_id)
order by d.doc_id;
