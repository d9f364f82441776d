-- A run still 'running' when a new run starts (under the writer lock) was killed or crashed.
update meta.runs
set status = 'interrupted',
    finished_at = now()::timestamp,
    message = 'the run stopped before finishing (killed or crashed); the next run picked up its work'
where status = 'running';
