-- Read files (frame `incoming`) holding a version already ingested that is not the current one of
-- their path: a file changed back to an earlier version. Storing their stats makes it current again.
select count(*)
from (select source_path, file_sha256 from incoming where known_version) as found
anti join raw.current_files using (source_path, file_sha256);
