-- The first rows (by row key) of each check one run quarantined.
select table_name, check_name, row_key, doc_id, reason, raw_text, evidence
from quarantine.rows
where run_id = $run_id
qualify row_number() over (partition by table_name, check_name order by row_key) <= $head_rows
order by table_name, check_name, row_key
