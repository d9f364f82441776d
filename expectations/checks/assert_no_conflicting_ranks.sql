-- severity: warn
-- A failure means different documents give different DTI ranks for the same province, edition and
-- pillar (one document stating two ranks for a key is not a disagreement between sources):
-- at most one rank can be right, and a reader cannot tell which. Each row is one of the competing
-- ranks with how many documents state it and which ones (the first ten by id, the first three
-- source paths), so the report grows with the number of conflicts, not with pairs of documents.
-- The release carries it in quality/no_conflicting_ranks.csv for an editor to resolve.
with ranks as (
    select
        r.province_code,
        r.edition_year,
        r.pillar,
        coalesce(r.out_of, 0) as out_of,
        r.rank,
        r.doc_id,
        d.source_path
    from audit.fact_dti_rank as r
    join audit.dim_document as d on d.doc_id = r.doc_id
    where r.province_code is not null and r.edition_year is not null and r.pillar is not null
),
conflicting as (
    select province_code, edition_year, pillar, out_of
    from ranks
    group by all
    having count(distinct rank) > 1 and count(distinct doc_id) > 1
)
select
    province_code,
    edition_year,
    pillar,
    nullif(out_of, 0) as out_of,
    rank,
    count(distinct doc_id) as documents,
    array_to_string(list_sort(list_distinct(list(doc_id)))[1:10], ' ') as doc_ids,
    array_to_string(list_sort(list_distinct(list(source_path)))[1:3], ' | ') as source_paths
from ranks
semi join conflicting using (province_code, edition_year, pillar, out_of)
group by province_code, edition_year, pillar, out_of, rank
order by province_code, edition_year, pillar, out_of, rank
