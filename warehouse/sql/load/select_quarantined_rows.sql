-- Every row one run quarantined, as the release lists them (quality/quarantine.csv).
select table_name, check_name, row_key, doc_id, reason, raw_text, evidence
from quarantine.rows
where run_id = $run_id
order by table_name, check_name, row_key
