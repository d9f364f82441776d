-- Replace core.{core_table} rows of re-extracted and superseded documents with the staged rows.
delete from core.{core_table}
where doc_id in (select doc_id from staging.documents)
   or doc_id not in (select doc_id from raw.current_documents);

insert into core.{core_table} by name
select {staging_columns} from staging.{staging_table};
