-- Current documents' source files missing from this listing (frame `listed`: stored paths).
select count(*)
from raw.current_files
anti join listed using (source_path);
