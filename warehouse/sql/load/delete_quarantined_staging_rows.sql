-- Leave quarantined rows out of what will be merged into core: a quarantined document takes its
-- facts with it; a quarantined fact goes alone.
delete from staging.documents where doc_id in (select row_key from failing where table_name = 'documents');
delete from staging.dti_ranks
where fact_id in (select row_key from failing where table_name = 'dti_ranks')
   or doc_id not in (select doc_id from staging.documents);
delete from staging.metrics
where fact_id in (select row_key from failing where table_name = 'metrics')
   or doc_id not in (select doc_id from staging.documents);
delete from staging.person_roles
where fact_id in (select row_key from failing where table_name = 'officials')
   or doc_id not in (select doc_id from staging.documents);
delete from staging.legal_refs
where fact_id in (select row_key from failing where table_name = 'legal_refs')
   or doc_id not in (select doc_id from staging.documents);
