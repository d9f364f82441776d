insert into meta.runs (run_id, flow, source_dir, started_at, status)
values ($run_id, $flow, $source_dir, now()::timestamp, 'running')
on conflict (run_id) do nothing;
