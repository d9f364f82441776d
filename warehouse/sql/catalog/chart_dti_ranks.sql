-- Every DTI rank, as the columns the rank charts count votes over and label with, with the catalog
-- page and label of its province (no evidence, ids or paths: this is read whole into the catalog).
select
    f.province_code,
    f.province_regime,
    f.province_name,
    f.edition_year,
    f.pillar,
    f.rank,
    f.document_date,
    coalesce(pg.page, f.province_code) as page,
    pg.label
from dti_ranks as f
left join province_pages as pg using (province_code, province_regime)
