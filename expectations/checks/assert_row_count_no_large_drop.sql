-- severity: error
-- A failure means a published table would shrink by more than the allowed share ($max_row_drop,
-- CDS_MAX_ROW_DROP) against the previous release: facts do not disappear from an archive of
-- reports, so a drop like this means documents were lost or a load went wrong. Rows are counted
-- as extracted, before corrections: facts a reviewed correction rejects or retracts, or that wait
-- in review for their low confidence, leave on purpose (the CHANGELOG says why).
with next_release as (
    select 'dti_ranks' as table_name, count(*) as row_count from audit.extracted_fact_dti_rank
    union all select 'metrics', count(*) from audit.extracted_fact_metric
    union all select 'officials', count(*) from audit.extracted_fact_person_role
    union all select 'legal_refs', count(*) from audit.extracted_fact_legal_ref
    union all select 'documents', count(*) from audit.extracted_dim_document
),
previous_release as (
    select table_name, row_count
    from meta.release_tables
    where release_id = (select max(release_id) from meta.release_tables)
)
select p.table_name, p.row_count as previous_rows, n.row_count as next_rows
from previous_release as p
join next_release as n using (table_name)
where p.row_count > 0 and n.row_count < p.row_count * (1 - $max_row_drop)
