-- {schema}.indicator_series: coded figures as a tidy panel, one row per series point. A series is a
-- province (a GSO code in a regime: a former province among the 63, or a current one among the 34,
-- always rolled up to the current province it is part of), an indicator, a level of government and
-- whether the figures are results or targets; a point is a period of that series.
--
-- Which figures enter: coded ones (indicator_code) of a document with a province, told apart as a
-- result or a target (facts read before targets were told apart have is_target null and stay out).
-- A result's period is the one the text states, else the day of the document (its event date, else
-- its published date); a target's period is its deadline (the stated period, else its deadline
-- year); a target with no deadline cannot be placed in time and stays out. Everything left out is
-- still in `metrics`.
--
-- The choice rule, when several figures fall on one point: the latest document wins (document date,
-- then published date, then the document id so the choice is stable); within one document, the
-- figure stated first. `documents` and
-- `values_stated` say how many documents gave a figure for the point and how many different values
-- they gave; a point with more than one value is a disagreement, listed in the release's
-- quality/no_conflicting_series_values.csv. The chosen figure keeps its fact, document and evidence.
--
-- Targets and results never share a series: is_target is part of the series (and of series_id), and
-- the gate's check series_keep_targets_apart proves it on every release.
-- {schema}.indicator_series_figures: every figure that enters, placed on its series and period.
create or replace view {schema}.indicator_series_figures as
with documents as (
    select
        doc_id,
        source_path,
        published_date,
        coalesce(event_date, published_date) as document_date,
        -- A document's facts are about its province in the regime of the period it reports on.
        province_regime_on(coalesce(published_date, event_date)) as document_regime
    from {schema}.dim_document
),
candidates as (
    select
        m.fact_id,
        m.province_code,
        d.document_regime as province_regime,
        m.indicator_code,
        m.admin_level,
        m.is_target,
        case when m.is_target
            then coalesce(m.period_start, make_date(m.target_year, 1, 1))
            else coalesce(m.period_start, d.document_date)
        end as period_start,
        case when m.is_target
            then coalesce(m.period_end, make_date(m.target_year, 12, 31))
            else coalesce(m.period_end, d.document_date)
        end as period_end,
        m.target_year,
        m.value,
        m.unit,
        m.doc_id,
        d.source_path,
        d.document_date,
        d.published_date,
        m.raw_text,
        m.evidence,
        m.span_start,
        m.span_end
    from {schema}.fact_metric as m
    join documents as d using (doc_id)
    where m.indicator_code is not null and m.province_code is not null and m.is_target is not null
),
points as (
    select
        sha256(concat_ws('|', province_code, province_regime, indicator_code, coalesce(admin_level, ''),
                         case when is_target then 'target' else 'result' end)) as series_id,
        *
    from candidates
)
select *
from points
where period_start is not null and period_end is not null;

create or replace view {schema}.indicator_series as
-- A point is keyed by the columns series_id is hashed from, so that the choice ranks narrow rows
-- (keys, order and fact_id) and only the chosen figures are read whole: ranking every figure with
-- its evidence would hold them all in memory at once.
with stated as (
    select
        province_code,
        province_regime,
        indicator_code,
        admin_level,
        is_target,
        period_start,
        period_end,
        count(distinct doc_id) as documents,
        count(distinct value) as values_stated
    from {schema}.indicator_series_figures
    group by all
),
choice as (
    select fact_id
    from {schema}.indicator_series_figures
    qualify row_number() over (
        partition by province_code, province_regime, indicator_code, admin_level, is_target, period_start, period_end
        order by document_date desc nulls last, published_date desc nulls last, doc_id, span_start
    ) = 1
),
chosen as (
    select *
    from {schema}.indicator_series_figures
    semi join choice using (fact_id)
)
select
    c.series_id,
    c.province_code,
    c.province_regime,
    n.province_name,
    n.current_province_code,
    n.current_province_name,
    c.indicator_code,
    c.admin_level,
    c.is_target,
    c.period_start,
    c.period_end,
    c.target_year,
    c.value,
    c.unit,
    s.documents,
    s.values_stated,
    c.fact_id,
    c.doc_id,
    c.source_path,
    c.document_date,
    c.raw_text,
    c.evidence,
    c.span_start,
    c.span_end
from chosen as c
join stated as s
    on s.province_code = c.province_code
    and s.province_regime is not distinct from c.province_regime
    and s.indicator_code = c.indicator_code
    and s.admin_level is not distinct from c.admin_level
    and s.is_target = c.is_target
    and s.period_start = c.period_start
    and s.period_end = c.period_end
left join {schema}.province_names as n on n.province_code = c.province_code and n.province_regime = c.province_regime;
