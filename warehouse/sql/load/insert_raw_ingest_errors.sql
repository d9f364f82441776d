-- Files that could not be read, with the reason; the run goes on without them.
insert or ignore into raw.ingest_errors by name
select source_path, file_sha256, size_bytes, reason, now()::timestamp as first_seen_at, $run_id as run_id
from incoming
where reason is not null;
