-- Stats at which a file held a version already ingested: its bytes are not read again at these.
insert or ignore into raw.file_stats by name
select source_path, file_sha256, size_bytes, modified_at, now()::timestamp as seen_at, $run_id as run_id
from incoming
where known_version;
