-- Views in the published DuckDB file (cds_open_data.duckdb), for analysts.

-- The DTI rank of each province in each ranking (63 or 34 provinces), edition and pillar, as the
-- most documents state it (ties: the best rank), with how many documents state it and how many other
-- ranks are stated. A province is (code, regime): DTI 2024 ranked the 63 former provinces and the 34
-- merged ones, so it has a row in each ranking. Rank and out_of come from the same facts.
create view province_dti_overall as
with ranks as (
    select *
    from dti_ranks
    where province_code is not null and edition_year is not null
),
votes as (
    select
        province_code,
        province_regime,
        edition_year,
        pillar,
        rank,
        max(out_of) as out_of,
        count(distinct doc_id) as stating
    from ranks
    group by all
),
chosen as (
    select *
    from votes
    qualify row_number() over (
        partition by province_code, province_regime, edition_year, pillar
        order by stating desc, rank
    ) = 1
),
totals as (
    select
        province_code,
        province_regime,
        edition_year,
        pillar,
        any_value(province_name) as province_name,
        any_value(current_province_code) as current_province_code,
        any_value(current_province_name) as current_province_name,
        count(distinct doc_id) as documents,
        count(distinct rank) - 1 as other_ranks_stated
    from ranks
    group by all
)
select
    c.province_code,
    c.province_regime,
    t.province_name,
    t.current_province_code,
    t.current_province_name,
    c.edition_year,
    c.pillar,
    c.rank,
    c.out_of,
    t.documents,
    t.other_ranks_stated
from chosen as c
join totals as t using (province_code, province_regime, edition_year, pillar)
order by c.province_code, c.province_regime, c.edition_year, c.pillar;

-- Coded indicators: every value stated for a standard indicator, with its label and evidence, a
-- result or a target, and the period it describes (indicator_series holds one chosen value per point).
create view indicator_values as
select
    m.indicator_code,
    i.label_vi,
    i.label_en,
    m.is_target,
    m.target_year,
    m.period_start,
    m.period_end,
    m.admin_level,
    m.province_code,
    m.province_regime,
    m.province_name,
    m.current_province_code,
    m.current_province_name,
    m.document_date,
    m.value,
    m.unit,
    m.evidence,
    m.source_path
from metrics as m
join indicators as i using (indicator_code);
