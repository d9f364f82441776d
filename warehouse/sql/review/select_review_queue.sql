-- The review queue (`cds review`): what waits for a person, ordered by impact, each item with its
-- evidence, source and the correction to write. Impact is the number of published facts the item
-- touches, weighted by how much a reader leans on them (a DTI rank 3, a figure 2, any other fact 1);
-- a low-confidence fact weighs less the surer the extractor was. Read after the corrections are
-- loaded, against what the next release would hold (schema audit).
with weights as (
    select * from (values ('dti_rank', 3.0), ('metric', 2.0), ('official', 1.0), ('legal_ref', 1.0))
        as w(fact, weight)
),
extracted as (
    select 'dti_rank' as fact, fact_id, doc_id, span_start, span_end, rank::varchar as value, evidence, confidence
    from audit.extracted_fact_dti_rank
    union all
    select 'metric', fact_id, doc_id, span_start, span_end, value::varchar, evidence, confidence
    from audit.extracted_fact_metric
    union all
    select 'official', r.fact_id, r.doc_id, r.span_start, r.span_end, p.name, r.evidence, r.confidence
    from audit.extracted_fact_person_role as r
    left join audit.dim_person as p using (person_id)
    union all
    select 'legal_ref', fact_id, doc_id, span_start, span_end, number, evidence, confidence
    from audit.extracted_fact_legal_ref
),
named as (
    select fact_id from audit.fact_dti_rank_named
    union all select fact_id from audit.fact_metric_named
    union all select fact_id from audit.fact_person_role_named
    union all select fact_id from audit.fact_legal_ref_named
),
live as (  -- facts of documents that are published (not retracted)
    select * from extracted where doc_id in (select doc_id from audit.dim_document)
),
ranks as (
    select
        r.fact_id, r.doc_id, r.span_start, r.span_end, r.rank, r.evidence, r.province_code, r.edition_year,
        r.pillar,
        province_regime_of_rank(r.regime, r.out_of, r.edition_year, coalesce(d.published_date, d.event_date))
            as province_regime
    from audit.fact_dti_rank as r
    join audit.dim_document as d using (doc_id)
    where r.province_code is not null and r.edition_year is not null
),
stated as (
    select province_code, province_regime, edition_year, pillar, rank, count(distinct doc_id) as documents
    from ranks
    group by all
),
conflict_groups as (  -- the rank to keep: the official one, else the one most documents state (if one)
    select s.province_code, s.province_regime, s.edition_year, s.pillar,
           sum(s.documents) as facts,
           string_agg(s.rank::varchar || ' (' || s.documents || ')', ', ' order by s.rank) as ranks_stated,
           any_value(o.rank) as official_rank,
           case when count(*) filter (where s.documents = m.most) = 1
                then any_value(s.rank) filter (where s.documents = m.most) end as majority_rank
    from stated as s
    join (select province_code, province_regime, edition_year, pillar, max(documents) as most
          from stated group by all) as m using (province_code, province_regime, edition_year, pillar)
    left join core.ref_dti_official as o
        on o.province_code = s.province_code and o.edition_year = s.edition_year and o.pillar = s.pillar
       and (o.out_of is null or o.out_of = s.province_regime)
    where (s.province_code, s.province_regime, s.edition_year, s.pillar) in (
        select (province_code, province_regime, edition_year, pillar) from ranks
        group by all having count(distinct doc_id) > 1
    )
    group by s.province_code, s.province_regime, s.edition_year, s.pillar
    having count(*) > 1
),
items as (
    select
        'conflicting rank' as item,
        3.0 * g.facts as impact,
        'documents give ranks ' || g.ranks_stated || ' for province ' || r.province_code || ', DTI '
            || r.edition_year || ', ' || r.pillar as detail,
        'dti_rank' as fact, r.doc_id, r.span_start, r.span_end, r.rank::varchar as value, r.evidence,
        case when r.rank = coalesce(g.official_rank, g.majority_rank) then 'accept'
             when coalesce(g.official_rank, g.majority_rank) is not null then 'reject'
             else 'accept the right rank, reject the others' end as suggested
    from ranks as r
    join conflict_groups as g using (province_code, province_regime, edition_year, pillar)
    union all
    select
        'differs from official DTI',
        3.0,
        'official rank ' || o.rank || ' (' || o.source_url || ')',
        'dti_rank', r.doc_id, r.span_start, r.span_end, r.rank::varchar, r.evidence,
        'set: rank = ' || o.rank
    from ranks as r
    join core.ref_dti_official as o
        on o.province_code = r.province_code and o.edition_year = r.edition_year and o.pillar = r.pillar
    where o.rank is not null and o.rank <> r.rank and (o.out_of is null or o.out_of = r.province_regime)
    union all
    select
        'quarantined',
        w.weight,
        q.check_name || ': ' || q.reason,
        case q.table_name when 'dti_ranks' then 'dti_rank' when 'metrics' then 'metric'
                          when 'officials' then 'official' when 'legal_refs' then 'legal_ref' end,
        q.doc_id,
        s.span_start,
        s.span_start + length(q.raw_text),
        q.raw_text,
        q.evidence,
        'add (with the right fields under set)'
    from (select * from quarantine.rows
          where table_name <> 'documents'
          qualify row_number() over (partition by row_key order by quarantined_at desc, check_name) = 1) as q
    join raw.documents as d using (doc_id)
    cross join lateral (
        select strpos(d.text, q.evidence) + strpos(q.evidence, q.raw_text) - 2 as span_start
    ) as s
    left join weights as w
        on w.fact = case q.table_name when 'dti_ranks' then 'dti_rank' when 'metrics' then 'metric'
                                      when 'officials' then 'official' else 'legal_ref' end
    where q.doc_id in (select doc_id from audit.dim_document)
      and q.row_key not in (select fact_id from extracted)
    union all
    select
        'low confidence',
        w.weight * (1 - coalesce(l.confidence, 1)),
        'confidence ' || round(l.confidence, 2) || ' is below CDS_MIN_CONFIDENCE: not published',
        l.fact, l.doc_id, l.span_start, l.span_end, l.value, l.evidence,
        'accept, set or reject'
    from live as l
    join weights as w using (fact)
    where coalesce(l.confidence, 1) < (select coalesce(any_value(min_confidence), 0) from core.review_policy)
      and l.fact_id not in (select fact_id from named)
    union all
    select
        'vanished source',
        (select count(*) * 1.0 from extracted as e where e.doc_id = v.doc_id),
        'source file ' || v.source_path || ' is no longer in the folder; its facts are still published',
        null, v.doc_id, null, null, null, null,
        'retract'
    from raw.vanished_files as v
    where v.doc_id in (select doc_id from audit.dim_document)
)
select
    i.item,
    round(i.impact, 2) as impact,
    i.detail,
    i.fact,
    i.doc_id as document,
    c.source_path as source,
    i.span_start,
    i.span_end,
    i.value,
    i.evidence,
    i.suggested
from items as i
left join raw.current_documents as c using (doc_id)
order by i.impact desc, i.item, c.source_path, i.span_start
