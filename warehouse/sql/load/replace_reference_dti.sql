-- DTI editions and the official results, from the CSV copies in warehouse/reference.
-- Official rows name provinces; they are coded with the regime in force for the edition (63).
delete from core.dim_dti_edition;
insert into core.dim_dti_edition by name
select edition, announced, provinces_ranked::varchar as provinces_ranked, framework, note
from read_csv($editions_csv, header = true, all_varchar = true);

delete from core.ref_dti_official;
insert into core.ref_dti_official by name
select
    p.province_code,
    o.province as province_name,
    o.year::integer as edition_year,
    o.pillar,
    nullif(o.rank, '')::integer as rank,
    nullif(o.out_of, '')::integer as out_of,
    nullif(o.score, '')::double as score,
    o.url as source_url
from read_csv($official_csv, header = true, all_varchar = true) as o
join core.dim_province as p on p.name = o.province and p.regime = '63';
