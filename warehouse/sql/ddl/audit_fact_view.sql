-- audit.extracted_{core_table}: core rows still current and not re-extracted, plus the freshly
-- staged rows, as extracted (audit.{core_table} applies the corrections: corrected_fact_view.sql).
create or replace view audit.extracted_{core_table} as
select * from core.{core_table}
where doc_id in (select doc_id from raw.current_documents)
  and doc_id not in (select doc_id from staging.documents)
union all by name
select {staging_columns} from staging.{staging_table};
