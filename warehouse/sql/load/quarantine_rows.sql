-- Keep the rows that failed a row-level check, with the check and the reason (frame `failing`).
insert or replace into quarantine.rows by name
select table_name, row_key, doc_id, check_name, reason, raw_text, evidence,
       $run_id as run_id, now()::timestamp as quarantined_at
from failing
