-- What a merge would change in core: staged documents, and core documents a newer file version
-- superseded. Both zero means core is exactly what the latest release was built from.
select
    (select count(*) from staging.documents) as staged_documents,
    (select count(*) from core.dim_document
     where doc_id not in (select doc_id from raw.current_documents)) as superseded_documents
