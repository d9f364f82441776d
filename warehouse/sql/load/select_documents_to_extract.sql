-- Current documents not yet in core: the only ones an extraction run needs to read.
select c.doc_id, d.text
from raw.current_documents as c
join raw.documents as d using (doc_id)
where c.doc_id not in (select doc_id from core.dim_document)
order by c.doc_id;
