-- Views in the published DuckDB file (cds_open_data.duckdb), for analysts.

-- The overall DTI rank of each province in each edition, as the most documents state it
-- (ties: the best rank), with how many documents state it and how many disagree.
create view province_dti_overall as
select
    province_code,
    any_value(province_name) as province_name,
    edition_year,
    mode(rank) as rank,
    any_value(out_of) as out_of,
    count(distinct doc_id) as documents,
    count(distinct rank) - 1 as other_ranks_stated
from dti_ranks
where pillar = 'overall' and province_code is not null and edition_year is not null
group by province_code, edition_year;

-- Coded indicators: every value stated for a standard indicator, with its label and evidence.
create view indicator_values as
select
    m.indicator_code,
    i.label_vi,
    i.label_en,
    m.province_code,
    m.province_name,
    m.document_date,
    m.value,
    m.unit,
    m.evidence,
    m.source_path
from metrics as m
join indicators as i using (indicator_code);
