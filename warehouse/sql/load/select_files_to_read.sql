-- Positions (`at`) of the listed files whose path, size and modification time match no readable
-- version already ingested, at the stats it was first read at or found again under: the files
-- ingest opens. A file that could not be stat'ed has no size, matches nothing and is kept, so
-- reading it records why.
with ingested as (
    select source_path, size_bytes, modified_at from raw.files where doc_id is not null
    union all
    select stats.source_path, stats.size_bytes, stats.modified_at
    from raw.file_stats as stats
    join raw.files as files using (source_path, file_sha256)
    where files.doc_id is not null
)
select listed.at
from listed
anti join ingested using (source_path, size_bytes, modified_at)
order by listed.at;
