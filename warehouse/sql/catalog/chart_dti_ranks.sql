-- Every DTI rank without its evidence text, with the catalog page and label of its province: what
-- the rank charts count votes over.
select f.* exclude (raw_text, evidence), coalesce(pg.page, f.province_code) as page, pg.label
from dti_ranks as f
left join province_pages as pg using (province_code, province_regime)
