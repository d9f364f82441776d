-- severity: error
-- A target is never merged into a result series. Each failing row is a point of indicator_series
-- whose chosen figure is not what the series says it is (a target shown as a result, or the
-- reverse), or a series that holds both. The series are rebuilt from the state that would be
-- published (audit), and the figure's own reading is taken from the facts, not from the series.
-- The series are built once, narrow (a materialised CTE), for both halves of the check.
with series as materialized (
    select series_id, province_code, province_regime, indicator_code, period_start, period_end, is_target, fact_id
    from audit.indicator_series
)
select
    s.series_id,
    s.province_code,
    s.province_regime,
    s.indicator_code,
    s.period_start,
    s.period_end,
    s.is_target as series_is_target,
    m.is_target as figure_is_target,
    s.fact_id
from series as s
left join audit.fact_metric as m using (fact_id)
where m.is_target is distinct from s.is_target
union all
select
    series_id,
    any_value(province_code),
    any_value(province_regime),
    any_value(indicator_code),
    min(period_start),
    max(period_end),
    null,
    null,
    null
from series
group by series_id
having count(distinct is_target) > 1
order by 1, 5
