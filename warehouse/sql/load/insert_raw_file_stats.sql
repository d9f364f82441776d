-- Stats at which a file held a version already ingested: its bytes are not read again at these
-- while that version is current. Found again, the stats say when (seen_at): the version a file
-- holds is the one seen last (raw.current_files).
insert or replace into raw.file_stats by name
select source_path, file_sha256, size_bytes, modified_at, now()::timestamp as seen_at, $run_id as run_id
from incoming
where known_version;
