-- meta: one row per pipeline run, so analysts and operators can see what each run did.
create schema if not exists meta;

create table if not exists meta.runs (
    run_id          varchar primary key,
    flow            varchar not null,
    source_dir      varchar,
    started_at      timestamp not null,
    finished_at     timestamp,
    status          varchar not null,    -- running | completed | failed | blocked
    files_seen      integer,
    documents_new   integer,
    ingest_errors   integer,
    facts_loaded    integer,
    release_id      varchar,
    message         varchar
);

-- Every merge into core, numbered: a release records the merge it was built from, so a run can
-- tell whether core changed since the latest release (even when a crash cut the release short).
create table if not exists meta.core_merges (
    merge_id   bigint primary key,
    merged_at  timestamp not null
);
