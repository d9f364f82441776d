-- (source_path, file_sha256) of every version of a wanted path already ingested, readable or not.
select source_path, file_sha256
from raw.files
where source_path in (select source_path from wanted);
