-- audit_staged: the audit state of the documents waiting in staging, and nothing else. Published
-- rows are built one row from one fact, its document and the dimensions, so a published table
-- built from here holds exactly the staged documents' rows of the same table built from `audit`;
-- the gate finds the staged rows that fail a row rule here without building every published row.
create schema if not exists audit_staged;

create or replace view audit_staged.dim_document as
select * from audit.dim_document where doc_id in (select doc_id from staging.documents);

create or replace view audit_staged.fact_metric as
select * from audit.fact_metric where doc_id in (select doc_id from staging.documents);

create or replace view audit_staged.fact_dti_rank as
select * from audit.fact_dti_rank where doc_id in (select doc_id from staging.documents);

create or replace view audit_staged.fact_legal_ref as
select * from audit.fact_legal_ref where doc_id in (select doc_id from staging.documents);

create or replace view audit_staged.fact_person_role as
select * from audit.fact_person_role where doc_id in (select doc_id from staging.documents);

create or replace view audit_staged.dim_person as select * from audit.dim_person;
create or replace view audit_staged.dim_province as select * from audit.dim_province;
create or replace view audit_staged.dim_indicator as select * from audit.dim_indicator;
create or replace view audit_staged.province_names as select * from audit.province_names;
