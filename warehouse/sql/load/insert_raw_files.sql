-- Record file versions seen; a (path, content) pair seen before is left as it was.
insert or ignore into raw.files by name
select source_path, file_sha256, size_bytes, modified_at, doc_id, now()::timestamp as first_seen_at, $run_id as run_id,
       source_url, published_date, meta_warning
from incoming
where not known_version;
