-- A document named by its id, an id prefix of at least 12 characters, or a source path it was read
-- from (the current file first, else any version the warehouse has seen).
select doc_id, any_value(source_path order by is_current desc, source_path) as source_path
from (
    select f.doc_id, f.source_path, f.source_path in (select source_path from raw.current_files) as is_current
    from raw.files as f
    where f.doc_id is not null
      and (f.source_path = $wanted
           or f.doc_id = $wanted
           or (length($wanted) >= 12 and starts_with(f.doc_id, $wanted)))
)
group by doc_id
