-- The text of each document named in the registered frame `wanted` (doc_id), in doc_id order, with the
-- published date its source metadata gives (the extractor resolves datelines without a year from it).
-- The date is raw.current_documents' (the first current file's, by path), worked out only over the
-- source paths that ever held a wanted document: the whole view costs a pass over every file
-- version, and this query runs once per wave of documents.
with wanted_paths as (
    select distinct source_path
    from raw.files
    semi join wanted using (doc_id)
),
current_files as (  -- raw.current_files, over those paths alone
    select source_path, doc_id, published_date
    from (
        select
            source_path,
            doc_id,
            published_date,
            row_number() over (partition by source_path order by last_seen_at desc, file_sha256) as version_rank
        from raw.file_versions_seen
        semi join wanted_paths using (source_path)
    )
    where version_rank = 1
),
dated as (
    select doc_id, arg_min_null(published_date, source_path) as published_date
    from current_files
    group by doc_id
)
select d.doc_id, d.text, c.published_date
from raw.documents as d
semi join wanted using (doc_id)
left join dated as c using (doc_id)
order by d.doc_id;
