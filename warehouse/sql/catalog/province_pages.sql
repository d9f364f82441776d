-- Which catalog page shows each province (code, regime), and the label it is shown under. A former
-- province that was merged into a larger one has a page of its own ("63-24": Bắc Giang (cũ)), apart
-- from the merged province that took its code or name ("24": Bắc Ninh); a province that went on
-- unchanged (Hà Nội; Thừa Thiên Huế, now Huế) shares one page across both regimes.
with merged as (
    select successor_code, count(*) as former_provinces
    from provinces
    where regime = '63'
    group by successor_code
)
select
    p.province_code,
    p.regime::integer as province_regime,
    coalesce(p.label, p.name) as label,
    case
        when p.regime = '63' and m.former_provinces > 1 then '63-' || p.province_code
        else coalesce(p.successor_code, p.province_code)
    end as page,
    coalesce(p.successor_code, p.province_code) as current_page
from provinces as p
left join merged as m on m.successor_code = p.successor_code
