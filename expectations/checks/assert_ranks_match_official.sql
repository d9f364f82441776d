-- severity: warn
-- A failure means a rank read from a report differs from the official DTI results loaded as a
-- reference source (core.ref_dti_official, from the DTI portal): the report, the reading or the
-- reference is wrong. Reported for review; the extracted fact is still what the report says.
select
    r.province_code,
    r.edition_year,
    r.pillar,
    r.rank as reported_rank,
    o.rank as official_rank,
    r.doc_id,
    d.source_path,
    o.source_url
from audit.fact_dti_rank as r
join core.ref_dti_official as o
    on o.province_code = r.province_code
   and o.edition_year = r.edition_year
   and o.pillar = r.pillar
join audit.dim_document as d on d.doc_id = r.doc_id
where o.rank is not null and o.rank <> r.rank
  -- the reference ranks the province table it was published in: compare within the same regime
  and (o.out_of is null
       or o.out_of = province_regime_of_rank(
           r.regime, r.out_of, r.edition_year, coalesce(d.published_date, d.event_date)))
order by r.province_code, r.edition_year, r.pillar
