-- Reference tables the quality gate checks against, the quarantine, and the release log.
create schema if not exists quarantine;
-- The rows each singular check (expectations/checks/assert_<check>.sql) found at the latest gate,
-- one table per check, replaced by every gate: a release copies them to quality/<check>.csv.
create schema if not exists findings;

-- Rows a row-level check rejected: left out of the release, kept here with the reason.
create table if not exists quarantine.rows (
    table_name     varchar not null,     -- published table the row belongs to
    row_key        varchar not null,     -- fact_id (or doc_id for documents)
    doc_id         varchar not null,
    check_name     varchar not null,
    reason         varchar not null,
    raw_text       varchar,
    evidence       varchar,
    run_id         varchar not null,
    quarantined_at timestamp not null,
    primary key (table_name, row_key, check_name)
);

-- DTI editions: data year, announcement, number of provinces ranked (warehouse/reference).
create table if not exists core.dim_dti_edition (
    edition          integer primary key,
    announced        varchar not null,
    provinces_ranked varchar not null,   -- '63', or '63 and 34' when ranked both ways
    framework        varchar,
    note             varchar
);

-- Official DTI results loaded as a reference source, to reconcile extracted ranks against.
create table if not exists core.ref_dti_official (
    province_code  varchar not null,
    province_name  varchar not null,
    edition_year   integer not null,
    pillar         varchar not null,
    rank           integer,
    out_of         integer,
    score          double,
    source_url     varchar not null
);

-- One row per published release and table, for row-count comparisons and the changelog.
create table if not exists meta.release_tables (
    release_id     varchar not null,
    table_name     varchar not null,
    row_count      bigint not null,
    published_at   timestamp not null,
    primary key (release_id, table_name)
);
