-- Figures read before targets, periods and levels were: warehouses created then gain the columns
-- (null for the facts they hold: unknown, not "a result"; a forced backfill re-reads them), and the
-- indicator code list gains its measure, accepted units, definition and the national indicator it
-- mirrors (refilled from the shipped code list on every start).
alter table staging.metrics add column if not exists is_target boolean;
alter table staging.metrics add column if not exists target_year integer;
alter table staging.metrics add column if not exists period_start date;
alter table staging.metrics add column if not exists period_end date;
alter table staging.metrics add column if not exists admin_level varchar;
alter table core.fact_metric add column if not exists is_target boolean;
alter table core.fact_metric add column if not exists target_year integer;
alter table core.fact_metric add column if not exists period_start date;
alter table core.fact_metric add column if not exists period_end date;
alter table core.fact_metric add column if not exists admin_level varchar;

alter table core.dim_indicator add column if not exists measure varchar;
alter table core.dim_indicator add column if not exists units varchar;
alter table core.dim_indicator add column if not exists definition varchar;
alter table core.dim_indicator add column if not exists mirrors varchar;

-- Units compared as the extractor compares them (transforms.extract.text.fold): lower case, single
-- spaces, new-style tone marks ("hoá đơn" is "hóa đơn"), 'đ' for the Latin eth. The gate's unit-fit
-- rule uses it, so it needs no Python.
create or replace macro fold_unit(u) as
    trim(regexp_replace(
        replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
        replace(replace(replace(replace(
            lower(replace(replace(replace(replace(u, chr(208), 'Đ'), chr(240), 'đ'), chr(8239), ' '),
                          chr(8201), ' ')),
            'oà', 'òa'), 'oá', 'óa'), 'oả', 'ỏa'), 'oã', 'õa'), 'oạ', 'ọa'),
            'oè', 'òe'), 'oé', 'óe'), 'oẻ', 'ỏe'), 'oẽ', 'õe'), 'oẹ', 'ọe'),
            'uỳ', 'ùy'), 'uý', 'úy'), 'uỷ', 'ủy'), 'uỹ', 'ũy'), 'uỵ', 'ụy'),
            chr(160), ' '),
        '\s+', ' ', 'g'
    ));
