-- Positions (`at`) of the listed files whose path, size and modification time are not those at
-- which the current version of the path was read or matched: the files ingest opens. Only the
-- current version's stats count, so a file restored to an earlier version with that version's
-- old times is read, and becomes current again. A file that could not be stat'ed has no size,
-- matches nothing and is kept, so reading it records why.
with ingested as (
    select f.source_path, f.size_bytes, f.modified_at
    from raw.files as f
    semi join raw.current_files using (source_path, file_sha256)
    union all
    select s.source_path, s.size_bytes, s.modified_at
    from raw.file_stats as s
    semi join raw.current_files using (source_path, file_sha256)
)
select listed.at
from listed
anti join ingested using (source_path, size_bytes, modified_at)
order by listed.at;
