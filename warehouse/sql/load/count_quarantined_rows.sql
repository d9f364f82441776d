-- Distinct rows one run quarantined (a row failing two checks counts once; keys are ids, unique across tables).
select count(distinct row_key)
from quarantine.rows
where run_id = $run_id
