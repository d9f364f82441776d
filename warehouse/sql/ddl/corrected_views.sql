-- corrected: core as released, with core.corrections applied (the published tables are built from
-- here). Dimensions pass through; documents lose the retracted ones; the fact views are rendered
-- from corrected_fact_view.sql.
create schema if not exists corrected;

create or replace view corrected.dim_province as select * from core.dim_province;
create or replace view corrected.dim_indicator as select * from core.dim_indicator;
create or replace view corrected.dim_person as select * from core.dim_person;
create or replace view corrected.province_names as select * from core.province_names;
create or replace view corrected.extracted_dim_document as select * from core.dim_document;
create or replace view corrected.dim_document as
select * from core.dim_document
where doc_id not in (select doc_id from core.retracted_documents);
