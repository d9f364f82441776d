-- (source_path, size_bytes, modified_at) at which a readable ingested version of a wanted path was
-- read: when it was first seen, and whenever the same bytes were found again under other stats.
select source_path, size_bytes, modified_at
from raw.files
where doc_id is not null and source_path in (select source_path from wanted)
union
select stats.source_path, stats.size_bytes, stats.modified_at
from raw.file_stats as stats
join raw.files as files using (source_path, file_sha256)
where files.doc_id is not null and stats.source_path in (select source_path from wanted);
