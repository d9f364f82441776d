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
create table if not exists core.fact_dti_rank as select * from staging.dti_ranks with no data;
create unique index if not exists fact_dti_rank_pk on core.fact_dti_rank (fact_id);

create table if not exists core.fact_metric as select * from staging.metrics with no data;
create unique index if not exists fact_metric_pk on core.fact_metric (fact_id);

create table if not exists core.fact_person_role as
    select * exclude (person_name) from staging.person_roles with no data;
create unique index if not exists fact_person_role_pk on core.fact_person_role (fact_id);

create table if not exists core.fact_legal_ref as select * from staging.legal_refs with no data;
create unique index if not exists fact_legal_ref_pk on core.fact_legal_ref (fact_id);
