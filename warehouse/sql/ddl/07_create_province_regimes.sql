-- Province identity across the 2025-07-01 merger: a GSO code names one province among the 63
-- former ones (regime 63) and possibly another among the 34 merged ones (regime 34); 15 is Yên Bái
-- in the first and Lào Cai in the second. A fact's province is therefore (code, regime), never a
-- code alone, and its name is looked up in that regime.

-- The regime in force on a day (63 when the day is unknown: every merged code is also a former one).
create or replace macro province_regime_on(day) as
    case when day >= date '2025-07-01' then 34 else 63 end;

-- The table a DTI rank was read in: the extractor's reading when it recorded one; else the stated
-- denominator (63 or 34); else the edition (until DTI 2023 only 63 provinces were ranked; from DTI
-- 2025 only 34); else (DTI 2024, ranked both ways) the period of the document.
create or replace macro province_regime_of_rank(regime, out_of, edition_year, document_date) as
    coalesce(
        regime,
        case when out_of in (63, 34) then out_of end,
        case when edition_year <= 2023 then 63 when edition_year >= 2025 then 34 end,
        province_regime_on(document_date)
    );

-- Rank regimes stored before rankings recorded them are derived (province_regime_of_rank).
alter table staging.dti_ranks add column if not exists regime integer;
alter table core.fact_dti_rank add column if not exists regime integer;

-- Every (code, regime) with its name, a label no other province shares (a former province, one
-- that was merged into a larger one, is "<name> (cũ)"), and the current (34) province it is now
-- part of: what every published fact is named and rolled up with.
create or replace view core.province_names as
with predecessors as (
    select successor_code, count(*) as former_provinces
    from core.dim_province
    where regime = '63'
    group by successor_code
)
select
    p.province_code,
    p.regime::integer as province_regime,
    p.name as province_name,
    p.name || case when p.regime = '63' and n.former_provinces > 1 then ' (cũ)' else '' end
        as province_label,
    c.province_code as current_province_code,
    c.name as current_province_name
from core.dim_province as p
left join predecessors as n on n.successor_code = p.successor_code
join core.dim_province as c
    on c.regime = '34' and c.province_code = coalesce(p.successor_code, p.province_code);

create or replace view audit.province_names as select * from core.province_names;
