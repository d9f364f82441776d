-- {schema}.{core_table}: the facts of {facts} with core.corrections applied, the relation the
-- published tables are built from ({schema} = audit: what the gate checks; corrected: core as
-- released). Filled by warehouse/corrections.py with column lists read from the table itself.

-- Each fact a reject, set or accept names: same document and fact type, an overlapping span
-- (when the correction gives one) and the same value (when it gives one).
create or replace view {schema}.{core_table}_named as
select f.fact_id, f.doc_id, c.correction_id, c.action, c.corrected_on
from {facts} as f
join core.corrections as c
    on c.doc_id = f.doc_id
   and c.fact_type = '{fact_type}'
   and c.action in ('reject', 'set', 'accept')
   and (c.span_start is null or (f.span_start < c.span_end and c.span_start < f.span_end))
   and (c.match_value is null or {value_match});

-- Each add, with whether the extractor now finds a fact of its type at its span (then the add is
-- stale: applying it would publish the fact twice) and whether its document is published.
create or replace view {schema}.{core_table}_adds as
select
    c.*,
    exists (
        select 1 from {facts} as f
        where f.doc_id = c.doc_id and f.span_start < c.span_end and c.span_start < f.span_end
    ) as found_by_extractor,
    c.doc_id in (select doc_id from {schema}.dim_document) as document_published
from core.corrections as c
where c.action = 'add' and c.fact_type = '{fact_type}';

create or replace view {schema}.{core_table} as
with per_fact as (
    select
        fact_id,
        bool_or(action = 'reject') as rejected,
        string_agg(distinct correction_id, ' ' order by correction_id) as corrected_by
    from {schema}.{core_table}_named
    group by fact_id
),
latest_values as (  -- two sets of one field: the later correction (by date, then id) wins
    select n.fact_id, s.field, arg_max(s.value, n.corrected_on::varchar || n.correction_id) as value
    from {schema}.{core_table}_named as n
    join core.correction_fields as s using (correction_id)
    where n.action = 'set'
    group by n.fact_id, s.field
),
set_values as (
    select fact_id, map_from_entries(list((field, value))) as fields
    from latest_values
    group by fact_id
),
kept as (
    select f.* replace ({set_columns}), p.corrected_by
    from {facts} as f
    left join per_fact as p using (fact_id)
    left join set_values as s using (fact_id)
    where f.doc_id in (select doc_id from {schema}.dim_document)
      and not coalesce(p.rejected, false)
      -- below the confidence threshold a fact waits in review, unless a correction names it
      and (p.fact_id is not null
           or coalesce(f.confidence, 1) >= (select coalesce(any_value(min_confidence), 0) from core.review_policy))
),
added as (
    select {add_columns}, c.correction_id as corrected_by
    from {schema}.{core_table}_adds as c
    join raw.documents as d using (doc_id)
    left join (
        select correction_id, map_from_entries(list((field, value))) as fields
        from core.correction_fields
        group by correction_id
    ) as s using (correction_id)
    where c.document_published and not c.found_by_extractor
)
select * from kept
union all by name
select * from added
