-- severity: warn
-- A failure means different documents give different DTI ranks for the same province, regime,
-- edition and pillar (one document stating two ranks for a key is not a disagreement between
-- sources): at most one rank can be right, and a reader cannot tell which. A province is a code in
-- a regime: Yên Bái 12/63 and Lào Cai 11/34 (both code 15) in DTI 2024 are two rankings, not a
-- conflict. Each row is one conflict: the competing ranks with how many documents state each, and
-- which documents (the first ten by id, the first three source paths), so the report grows with
-- the number of conflicts, not with pairs of documents. The release carries it in
-- quality/no_conflicting_ranks.csv for an editor to resolve; the catalog counts its rows.
with ranks as (
    select
        r.province_code,
        province_regime_of_rank(
            r.regime, r.out_of, r.edition_year, coalesce(d.published_date, d.event_date)
        ) as province_regime,
        r.edition_year,
        r.pillar,
        r.rank,
        r.doc_id,
        d.source_path
    from audit.fact_dti_rank as r
    join audit.dim_document as d on d.doc_id = r.doc_id
    where r.province_code is not null and r.edition_year is not null and r.pillar is not null
),
conflicting as (
    select province_code, province_regime, edition_year, pillar
    from ranks
    group by all
    having count(distinct rank) > 1 and count(distinct doc_id) > 1
),
stated as (
    select province_code, province_regime, edition_year, pillar, rank, count(distinct doc_id) as documents
    from ranks
    semi join conflicting using (province_code, province_regime, edition_year, pillar)
    group by all
),
competing as (
    select
        province_code,
        province_regime,
        edition_year,
        pillar,
        string_agg(rank::varchar || ' (' || documents::varchar || ')', '; ' order by rank) as ranks_stated
    from stated
    group by all
)
select
    r.province_code,
    r.province_regime,
    any_value(n.province_name) as province_name,
    r.edition_year,
    r.pillar,
    any_value(c.ranks_stated) as ranks_stated,
    count(distinct r.doc_id) as documents,
    array_to_string(list_sort(list_distinct(list(r.doc_id)))[1:10], ' ') as doc_ids,
    array_to_string(list_sort(list_distinct(list(r.source_path)))[1:3], ' | ') as source_paths
from ranks as r
join competing as c using (province_code, province_regime, edition_year, pillar)
left join audit.province_names as n using (province_code, province_regime)
group by r.province_code, r.province_regime, r.edition_year, r.pillar
order by r.province_code, r.province_regime, r.edition_year, r.pillar
