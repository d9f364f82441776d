-- Record a collect run's failed fetches (registered frame `failed`), once per URL and run.
insert or ignore into raw.fetch_errors by name
select *, $run_id as run_id
from failed;
