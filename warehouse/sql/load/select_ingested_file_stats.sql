-- (source_path, size_bytes, modified_at) at which the current version of a wanted path was read:
-- when it was first seen, and whenever the same bytes were found again under other stats.
with current_versions as (
    select source_path, file_sha256
    from raw.current_files
    where source_path in (select source_path from wanted)
)
select f.source_path, f.size_bytes, f.modified_at
from raw.files as f
semi join current_versions using (source_path, file_sha256)
union
select s.source_path, s.size_bytes, s.modified_at
from raw.file_stats as s
semi join current_versions using (source_path, file_sha256);
