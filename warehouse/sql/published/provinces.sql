-- Open-data table: provinces before (63) and after (34) the 2025-07-01 merger, with successors.
select province_code, name, regime, valid_from, valid_to, successor_code
from {schema}.dim_province
order by regime desc, province_code
