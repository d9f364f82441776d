-- Store each distinct normalised text once, whatever the number of files carrying it.
insert or ignore into raw.documents by name
select doc_id, any_value(text) as text, any_value(title) as title, any_value(encoding) as encoding,
       min(source_path) as first_path, now()::timestamp as ingested_at, $run_id as run_id
from incoming
where doc_id is not null
group by doc_id;
