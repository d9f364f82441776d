-- (source_path, size_bytes, modified_at) at which the current version of a wanted path was read:
-- when it was first seen, and whenever the same bytes were found again under other stats.
select distinct source_path, size_bytes, modified_at
from raw.current_file_stats
where source_path in (select source_path from wanted);
