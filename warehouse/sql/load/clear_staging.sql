-- Staging holds one extraction at a time.
delete from staging.documents;
delete from staging.dti_ranks;
delete from staging.metrics;
delete from staging.person_roles;
delete from staging.legal_refs;
