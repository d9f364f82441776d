-- audit.{core_table}: core rows still current and not re-extracted, plus the freshly staged rows.
create or replace view audit.{core_table} as
select * from core.{core_table}
where doc_id in (select doc_id from raw.current_documents)
  and doc_id not in (select doc_id from staging.documents)
union all by name
select {staging_columns} from staging.{staging_table};
