-- severity: error
-- A failure means more than the allowed share ($max_quarantine_share, CDS_MAX_QUARANTINE_SHARE) of
-- this run's new facts failed row-level checks. One bad article is quarantined and the release
-- goes ahead; this many bad rows means the extraction or the input is broken, so nothing is published.
with quarantined as (
    select count(distinct row_key) as n
    from quarantine.rows
    where run_id = $run_id and table_name <> 'documents'
),
staged as (
    select (select count(*) from staging.dti_ranks) + (select count(*) from staging.metrics)
         + (select count(*) from staging.person_roles) + (select count(*) from staging.legal_refs) as n
)
select q.n as quarantined_facts, s.n as accepted_facts, q.n / (q.n + s.n) as quarantined_share
from quarantined as q, staged as s
where q.n + s.n > 0 and q.n / (q.n + s.n) > $max_quarantine_share
