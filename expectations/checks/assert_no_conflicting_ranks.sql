-- severity: warn
-- A failure means two documents give different DTI ranks for the same province, edition and
-- pillar: at most one of them can be right, and a reader cannot tell which. Each row names both
-- documents; the release carries them in quality/conflicts.csv for an editor to resolve.
select
    a.province_code,
    a.edition_year,
    a.pillar,
    a.rank as rank_a,
    a.doc_id as doc_a,
    da.source_path as source_a,
    b.rank as rank_b,
    b.doc_id as doc_b,
    db.source_path as source_b
from audit.fact_dti_rank as a
join audit.fact_dti_rank as b
    on a.province_code = b.province_code
   and a.edition_year = b.edition_year
   and a.pillar = b.pillar
   and coalesce(a.out_of, 0) = coalesce(b.out_of, 0)
   and a.rank <> b.rank
   and a.doc_id < b.doc_id
join audit.dim_document as da on da.doc_id = a.doc_id
join audit.dim_document as db on db.doc_id = b.doc_id
order by a.province_code, a.edition_year, a.pillar, a.doc_id, b.doc_id
