-- Open-data table: provinces before (63) and after (34) the 2025-07-01 merger, with successors.
-- `label` tells a former province from the merged one that may share its name or code
-- ("Bắc Ninh (cũ)", code 27, against "Bắc Ninh", code 24).
select p.province_code, p.name, p.regime, n.province_label as label, p.valid_from, p.valid_to, p.successor_code
from {schema}.dim_province as p
join {schema}.province_names as n
    on n.province_code = p.province_code and n.province_regime = p.regime::integer
order by p.regime desc, p.province_code
