-- The source folders of the runs that read the documents now in core (a release's documents).
select distinct r.source_dir
from core.dim_document d
join raw.files f on f.doc_id = d.doc_id
join meta.runs r on r.run_id = f.run_id
where r.source_dir is not null;
