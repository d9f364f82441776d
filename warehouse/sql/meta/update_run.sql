update meta.runs
set finished_at = now()::timestamp,
    status = $status,
    files_seen = $files_seen,
    documents_new = $documents_new,
    ingest_errors = $ingest_errors,
    facts_loaded = $facts_loaded,
    release_id = $release_id,
    message = $message
where run_id = $run_id;
