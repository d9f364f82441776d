-- DTI ranks as the rank charts count votes over: one row per province, edition, pillar and stated
-- rank, with how many reports state it (reports) and the latest of their dates, with the catalog
-- page and label of the province (no evidence, ids or paths). Counted here, so what the catalog
-- holds is bounded by provinces, editions and pillars, not by the number of reports.
select
    f.province_code,
    f.province_regime,
    f.province_name,
    f.edition_year,
    f.pillar,
    f.rank,
    count(*) as reports,
    max(f.document_date) as document_date,
    coalesce(pg.page, f.province_code) as page,
    pg.label
from dti_ranks as f
left join province_pages as pg using (province_code, province_regime)
group by all
