-- Views of the staged documents alone (schema audit_staged) ran the gate out of memory on a
-- million-report full build; a warehouse that has them loses them here.
drop schema if exists audit_staged cascade;

-- Which documents are current: of every source path, the readable version the file held when it
-- was last read or matched. A changed file is a new version, and the facts of the version it
-- replaced leave core on the next merge; a file changed back to an earlier version (restored from
-- a backup) holds that version again, found under new stats in raw.file_stats.
create or replace view raw.file_versions_seen as
select
    f.source_path,
    f.file_sha256,
    f.doc_id,
    f.source_url,
    f.published_date,
    greatest(f.first_seen_at, coalesce(s.last_seen_at, f.first_seen_at)) as last_seen_at
from raw.files as f
left join (
    select source_path, file_sha256, max(seen_at) as last_seen_at
    from raw.file_stats
    group by source_path, file_sha256
) as s using (source_path, file_sha256)
where f.doc_id is not null;

create or replace view raw.current_files as
select source_path, file_sha256, doc_id, source_url, published_date
from (
    select
        *,
        row_number() over (partition by source_path order by last_seen_at desc, file_sha256) as version_rank
    from raw.file_versions_seen
)
where version_rank = 1;

-- The stats (path, size, modification time) at which each path's current version was read or found
-- again: a listed file at one of them is not read (warehouse/sql/load/select_files_to_read.sql).
create or replace view raw.current_file_stats as
select f.source_path, f.size_bytes, f.modified_at
from raw.files as f
semi join raw.current_files using (source_path, file_sha256)
union all
select s.source_path, s.size_bytes, s.modified_at
from raw.file_stats as s
semi join raw.current_files using (source_path, file_sha256);

-- A document's source path, URL and published date are those of its first current file (by path).
create or replace view raw.current_documents as
select
    doc_id,
    min(source_path) as source_path,
    arg_min_null(source_url, source_path) as source_url,
    arg_min_null(published_date, source_path) as published_date
from raw.current_files
group by doc_id;

-- Documents out of every release: retracted by a correction, or (with retract_vanished) gone from
-- the source folder with every file that carried them.
create or replace view core.retracted_documents as
select doc_id, correction_id, reason
from core.corrections
where action = 'retract'
union all
select doc_id, null as correction_id, 'source file removed from the folder' as reason
from (select distinct doc_id from raw.vanished_files) as v
where (select coalesce(any_value(retract_vanished), false) from core.review_policy)
  and doc_id not in (
      select doc_id from raw.current_files
      where source_path not in (select source_path from raw.vanished_files)
  )
  and doc_id not in (select doc_id from core.corrections where action = 'retract');

-- audit: what core would hold after merging staging — the state the quality gate checks
-- before anything is published (write, audit, then publish).
create schema if not exists audit;

create or replace view audit.dim_province as select * from core.dim_province;
create or replace view audit.dim_indicator as select * from core.dim_indicator;

-- Every extracted document, retracted or not (corrections are matched against these).
create or replace view audit.extracted_dim_document as
select * from core.dim_document
where doc_id in (select doc_id from raw.current_documents)
  and doc_id not in (select doc_id from staging.documents)
union all by name
select s.*, c.source_path, c.source_url
from staging.documents as s
join raw.current_documents as c using (doc_id);

create or replace view audit.dim_document as
select * from audit.extracted_dim_document
where doc_id not in (select doc_id from core.retracted_documents);

create or replace view audit.dim_person as
select * from core.dim_person
union all by name
select person_id, any_value(person_name order by person_name) as name
from staging.person_roles
where person_id not in (select person_id from core.dim_person)
group by person_id;
