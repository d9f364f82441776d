-- {schema}.correction_status: whether each correction found what it names. A correction whose fact,
-- or document, no longer exists is stale: it is kept, reported by the gate and `cds review`, and
-- applied again as soon as its target is back; it is never dropped in silence.
create or replace view {schema}.correction_status as
with named as (
    select correction_id, count(distinct fact_id) as facts
    from (
        select correction_id, fact_id from {schema}.fact_dti_rank_named
        union all select correction_id, fact_id from {schema}.fact_metric_named
        union all select correction_id, fact_id from {schema}.fact_person_role_named
        union all select correction_id, fact_id from {schema}.fact_legal_ref_named
    )
    group by correction_id
),
adds as (
    select correction_id, found_by_extractor, document_published from {schema}.fact_dti_rank_adds
    union all select correction_id, found_by_extractor, document_published from {schema}.fact_metric_adds
    union all select correction_id, found_by_extractor, document_published from {schema}.fact_person_role_adds
    union all select correction_id, found_by_extractor, document_published from {schema}.fact_legal_ref_adds
),
judged as (
    select
        c.correction_id,
        c.doc_id in (select doc_id from {schema}.extracted_dim_document) as document_found,
        case
            when c.action = 'retract' then null
            when c.action = 'add' then
                case when a.found_by_extractor then 'the extractor now reads a fact at this span: remove the add, or make it a set'
                     when not a.document_published then 'the document is not published (changed, removed or retracted)'
                end
            when coalesce(n.facts, 0) = 0 then 'no fact of this type at this span and value: the extractor no longer reads it'
        end as problem,
        case when c.action = 'add' then 1 else coalesce(n.facts, 0) end as facts
    from core.corrections as c
    left join named as n using (correction_id)
    left join adds as a using (correction_id)
)
select
    correction_id,
    case when not document_found or problem is not null then 'stale' else 'applied' end as status,
    case
        when not document_found then 'the document is not in the warehouse: its source file changed or was removed'
        else problem
    end as stale_reason,
    case when not document_found or problem is not null then 0 else facts end as facts
from judged;
