-- staging: the facts extracted in the current run, typed, before they are merged into core.
-- Emptied and refilled by every extraction; merged into core only after the quality gate passes.
create schema if not exists staging;

create table if not exists staging.documents (
    doc_id         varchar primary key,
    title          varchar,
    published_date date,
    province_code  varchar,
    province_name  varchar,
    event_date     date,
    extracted_at   timestamp not null
);

create table if not exists staging.dti_ranks (
    fact_id        varchar not null,    -- unique in core; duplicates are a quality failure, not a crash
    doc_id         varchar not null,
    province_code  varchar,
    edition_year   integer,
    pillar         varchar not null,
    rank           integer not null,
    out_of         integer,
    regime         integer,             -- the province table the rank was read in (63 or 34); null: derived
    score          double,
    raw_text       varchar not null,
    evidence       varchar not null,
    span_start     integer not null,
    span_end       integer not null,
    confidence     double               -- the extractor's confidence, 0..1 (null: stored before it had one)
);

create table if not exists staging.metrics (
    fact_id        varchar not null,    -- unique in core; duplicates are a quality failure, not a crash
    doc_id         varchar not null,
    province_code  varchar,
    kind           varchar not null,
    value          double not null,
    unit           varchar not null,
    raw_text       varchar not null,
    subject        varchar not null,
    indicator_code varchar,
    is_target      boolean,             -- a goal, plan or commitment, not a result; null: read before targets were
    target_year    integer,             -- a target's deadline year, when stated
    period_start   date,                -- the period the figure describes, when stated (else as of the event date)
    period_end     date,
    admin_level    varchar,             -- national | province | district | commune, when the text names one
    evidence       varchar not null,
    span_start     integer not null,
    span_end       integer not null,
    confidence     double               -- the extractor's confidence, 0..1 (null: stored before it had one)
);

create table if not exists staging.person_roles (
    fact_id        varchar not null,    -- unique in core; duplicates are a quality failure, not a crash
    doc_id         varchar not null,
    person_id      varchar not null,
    person_name    varchar not null,
    province_code  varchar,
    titles         varchar[] not null,
    raw_text       varchar not null,
    evidence       varchar not null,
    span_start     integer not null,
    span_end       integer not null,
    confidence     double               -- the extractor's confidence, 0..1 (null: stored before it had one)
);

create table if not exists staging.legal_refs (
    fact_id        varchar not null,    -- unique in core; duplicates are a quality failure, not a crash
    doc_id         varchar not null,
    province_code  varchar,
    kind           varchar not null,
    number         varchar not null,
    issued_date    date,
    issuer         varchar,
    raw_text       varchar not null,
    evidence       varchar not null,
    span_start     integer not null,
    span_end       integer not null,
    confidence     double               -- the extractor's confidence, 0..1 (null: stored before it had one)
);

-- Warehouses created before facts carried a confidence get the column (null: published as before).
alter table staging.dti_ranks add column if not exists confidence double;
alter table staging.metrics add column if not exists confidence double;
alter table staging.person_roles add column if not exists confidence double;
alter table staging.legal_refs add column if not exists confidence double;
