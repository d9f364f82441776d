-- core: harmonised, province-coded facts. Every fact row carries its doc_id and character span.
create schema if not exists core;

create table if not exists core.dim_province (
    province_code  varchar not null,     -- General Statistics Office code
    name           varchar not null,
    regime         varchar not null,     -- '63' (until 2025-06-30) or '34' (from 2025-07-01)
    valid_from     date not null,
    valid_to       date,                 -- null while in force
    successor_code varchar,              -- code of the merged province a former one became part of
    primary key (province_code, regime)
);

create table if not exists core.dim_indicator (
    indicator_code varchar primary key,
    kind           varchar not null,     -- percent | quantity
    label_vi       varchar not null,
    label_en       varchar not null,
    unit           varchar not null,
    code_list_version varchar not null,
    measure        varchar,              -- share | ratio | count | rate (a ratio to a plan may exceed 100 %)
    units          varchar,              -- '|'-separated units a figure must have to carry the code
    definition     varchar,
    mirrors        varchar               -- the national indicator it mirrors, where there is one
);

create table if not exists core.dim_document (
    doc_id         varchar primary key,
    source_path    varchar not null,
    title          varchar,
    published_date date,
    province_code  varchar,
    province_name  varchar,
    event_date     date,
    extracted_at   timestamp not null,
    source_url     varchar               -- the page it was collected from (sidecar or page metadata)
);
alter table core.dim_document add column if not exists source_url varchar;

create table if not exists core.dim_person (
    person_id      varchar primary key,  -- sha256 of the lower-cased, space-normalised name
    name           varchar not null
);

-- Fact tables share their staging shape (02_create_staging.sql is the one definition).
-- fact_id is unique in each of them: the quality gate checks it over the state about to be merged
-- (contracts' primary_key), before anything reaches core. No unique index backs it: DuckDB keeps
-- such an index in memory whole, and at millions of facts merging into it outgrew the memory
-- limit. Warehouses created with the index lose it here.
create table if not exists core.fact_dti_rank as select * from staging.dti_ranks with no data;
drop index if exists core.fact_dti_rank_pk;

create table if not exists core.fact_metric as select * from staging.metrics with no data;
drop index if exists core.fact_metric_pk;

create table if not exists core.fact_person_role as
    select * exclude (person_name) from staging.person_roles with no data;
drop index if exists core.fact_person_role_pk;

create table if not exists core.fact_legal_ref as select * from staging.legal_refs with no data;
drop index if exists core.fact_legal_ref_pk;

-- Warehouses created before facts carried a confidence get the column (null: published as before).
alter table core.fact_dti_rank add column if not exists confidence double;
alter table core.fact_metric add column if not exists confidence double;
alter table core.fact_person_role add column if not exists confidence double;
alter table core.fact_legal_ref add column if not exists confidence double;

-- Corrections: the reviewed files of corrections/*.yml (cds/corrections.py), replaced as a whole on
-- every run before the quality gate. Facts stay in core as extracted; the `corrected` views (and
-- `audit` for the gate) apply these rows in SQL, so a correction survives re-extraction and a
-- correction removed from the repository gives the extracted fact back.
create table if not exists core.corrections (
    correction_id  varchar primary key,  -- 'c' + 10 hex of sha256(document, fact, span, value, action)
    doc_id         varchar not null,
    fact_type      varchar,              -- dti_rank | metric | official | legal_ref; null for retract
    action         varchar not null,     -- reject | set | add | accept | retract
    span_start     integer,
    span_end       integer,
    match_value    varchar,              -- the fact's rank, value, person name or number
    evidence       varchar,              -- an add's evidence sentence (default: the span's text)
    reason         varchar not null,
    author         varchar not null,
    corrected_on   date not null,
    source_file    varchar not null,
    source_line    integer not null
);

-- The fields a set changes (or an add gives), as text cast to each column's type when applied.
create table if not exists core.correction_fields (
    correction_id  varchar not null,
    field          varchar not null,
    value          varchar not null,
    primary key (correction_id, field)
);

-- What waits in review rather than being published: facts below min_confidence (CDS_MIN_CONFIDENCE)
-- that no correction names; with retract_vanished, documents whose every source file is gone.
create table if not exists core.review_policy (
    min_confidence   double not null,
    retract_vanished boolean not null
);

-- Source files of current documents that were not in the folder at the last ingest.
create table if not exists raw.vanished_files (
    source_path    varchar primary key,
    doc_id         varchar not null,
    noticed_at     timestamp not null,
    run_id         varchar not null
);
