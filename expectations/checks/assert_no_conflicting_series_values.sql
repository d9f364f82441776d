-- severity: warn
-- A failure means the reports give different values for one point of an indicator series (the same
-- province, indicator, level, period, and result or target): indicator_series shows the value the
-- choice rule picks (the latest document) and counts the others (documents, values_stated); this
-- lists each such point once, with every value stated and how many documents state it, and which
-- documents (the first ten by id, the first three source paths), for an editor to resolve. The
-- release carries it in quality/no_conflicting_series_values.csv; the catalog counts its rows.
-- The points come from indicator_series (values_stated > 1), built once and narrow; only their
-- figures are then read again, to list what each document states.
with conflicting as materialized (
    select
        series_id, province_code, province_regime, province_name, indicator_code, admin_level, is_target,
        period_start, period_end, value, documents
    from audit.indicator_series
    where values_stated > 1
),
figures as (
    select f.series_id, f.period_start, f.period_end, f.value, f.doc_id, f.source_path
    from audit.indicator_series_figures as f
    semi join conflicting using (series_id, period_start, period_end)
),
stated as (
    select series_id, period_start, period_end, value, count(distinct doc_id) as documents
    from figures
    group by all
),
competing as (
    select
        series_id,
        period_start,
        period_end,
        string_agg(value::varchar || ' (' || documents::varchar || ')', '; ' order by value) as stated
    from stated
    group by all
),
sources as (
    select
        series_id,
        period_start,
        period_end,
        array_to_string(list_sort(list_distinct(list(doc_id)))[1:10], ' ') as doc_ids,
        array_to_string(list_sort(list_distinct(list(source_path)))[1:3], ' | ') as source_paths
    from figures
    group by all
)
select
    s.province_code,
    s.province_regime,
    s.province_name,
    s.indicator_code,
    s.admin_level,
    s.is_target,
    s.period_start,
    s.period_end,
    s.value as chosen_value,
    c.stated as values_stated_by_documents,
    s.documents,
    f.doc_ids,
    f.source_paths
from conflicting as s
join competing as c using (series_id, period_start, period_end)
join sources as f using (series_id, period_start, period_end)
order by s.province_code, s.province_regime, s.indicator_code, s.admin_level nulls first, s.is_target,
    s.period_start, s.period_end
