-- Positions (`at`) of the listed files whose path, size and modification time are not those at
-- which the current version of the path was read or matched: the files ingest opens. Only the
-- current version's stats count, so a file restored to an earlier version with that version's
-- old times is read, and becomes current again. A file that could not be stat'ed has no size,
-- matches nothing and is kept, so reading it records why.
select listed.at
from listed
anti join raw.current_file_stats using (source_path, size_bytes, modified_at)
order by listed.at;
