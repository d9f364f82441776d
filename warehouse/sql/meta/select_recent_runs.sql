select run_id, flow, status, started_at, finished_at, files_seen, documents_new, ingest_errors,
       facts_loaded, release_id, message
from meta.runs
order by started_at desc
limit $limit;
