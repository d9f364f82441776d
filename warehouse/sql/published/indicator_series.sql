-- Open-data table: coded figures as indicator time series, one row per point, results apart from
-- targets, with the chosen figure's document and evidence (see ddl/indicator_series_view.sql for
-- which figures enter and the choice rule).
select *
from {schema}.indicator_series
order by current_province_code, province_code, province_regime, indicator_code, admin_level nulls first,
    is_target, period_start, period_end
