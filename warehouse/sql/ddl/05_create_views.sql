-- Which documents are current: the newest readable version of every source path.
-- A changed file is a new version; the facts of the version it replaced leave core on the next merge.
create or replace view raw.current_files as
select source_path, file_sha256, doc_id, source_url, published_date
from (
    select
        source_path,
        file_sha256,
        doc_id,
        source_url,
        published_date,
        row_number() over (partition by source_path order by first_seen_at desc, file_sha256) as version_rank
    from raw.files
    where doc_id is not null
)
where version_rank = 1;

-- A document's source path, URL and published date are those of its first current file (by path).
create or replace view raw.current_documents as
select
    doc_id,
    min(source_path) as source_path,
    arg_min_null(source_url, source_path) as source_url,
    arg_min_null(published_date, source_path) as published_date
from raw.current_files
group by doc_id;

-- audit: what core would hold after merging staging — the state the quality gate checks
-- before anything is published (write, audit, then publish).
create schema if not exists audit;

create or replace view audit.dim_province as select * from core.dim_province;
create or replace view audit.dim_indicator as select * from core.dim_indicator;

create or replace view audit.dim_document as
select * from core.dim_document
where doc_id in (select doc_id from raw.current_documents)
  and doc_id not in (select doc_id from staging.documents)
union all by name
select s.*, c.source_path, c.source_url
from staging.documents as s
join raw.current_documents as c using (doc_id);

create or replace view audit.dim_person as
select * from core.dim_person
union all by name
select person_id, any_value(person_name order by person_name) as name
from staging.person_roles
where person_id not in (select person_id from core.dim_person)
group by person_id;
