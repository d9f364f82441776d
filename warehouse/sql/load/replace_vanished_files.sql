-- Source files of current documents that this ingest did not find in the folder (frame `listed`:
-- the paths it found). A file back in the folder leaves the list; the first time it went missing is kept.
delete from raw.vanished_files
where source_path in (select source_path from listed)
   or source_path not in (select source_path from raw.current_files);

insert or ignore into raw.vanished_files by name
select f.source_path, f.doc_id, now()::timestamp as noticed_at, $run_id as run_id
from raw.current_files as f
where f.source_path not in (select source_path from listed);
