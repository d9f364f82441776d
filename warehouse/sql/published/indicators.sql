-- Open-data table: the indicator code list metrics are coded with.
select indicator_code, kind, label_vi, label_en, unit, code_list_version
from {schema}.dim_indicator
order by indicator_code
