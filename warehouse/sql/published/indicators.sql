-- Open-data table: the indicator code list metrics are coded with: what each code measures (a share
-- of a whole, a ratio to a plan, a count, a rate), the units a figure must have to carry it, its
-- definition and the national indicator it mirrors.
select indicator_code, kind, label_vi, label_en, definition, mirrors, measure, unit, units, code_list_version
from {schema}.dim_indicator
order by indicator_code
