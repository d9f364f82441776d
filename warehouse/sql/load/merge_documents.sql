-- Replace the document rows of re-extracted and superseded documents, add new people.
delete from core.dim_document
where doc_id in (select doc_id from staging.documents)
   or doc_id not in (select doc_id from raw.current_documents);

insert into core.dim_document by name
select s.*, c.source_path, c.source_url
from staging.documents as s
join raw.current_documents as c using (doc_id);

insert into core.dim_person by name
select person_id, any_value(person_name order by person_name) as name
from staging.person_roles
where person_id not in (select person_id from core.dim_person)
group by person_id;
