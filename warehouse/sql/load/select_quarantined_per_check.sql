-- Rows one run quarantined, per published table and check.
select table_name, check_name, count(*) as rows
from quarantine.rows
where run_id = $run_id
group by all
order by table_name, check_name
