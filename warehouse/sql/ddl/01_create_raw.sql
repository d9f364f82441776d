-- raw: what was read, untouched. One row per document text (doc_id = sha256 of the NFC text),
-- one row per file version seen, one row per file that could not be read.
create schema if not exists raw;

create table if not exists raw.documents (
    doc_id        varchar primary key,   -- sha256 of the normalised text
    text          varchar not null,      -- NFC text; fact offsets point into it
    title         varchar,
    encoding      varchar not null,      -- how the bytes were decoded (utf-8, windows-1258, pdf, ...)
    first_path    varchar not null,      -- source path (relative to the source root) it was first read from
    ingested_at   timestamp not null,
    run_id        varchar not null
);

create table if not exists raw.files (
    source_path   varchar not null,      -- relative to the source root
    file_sha256   varchar not null,      -- sha256 of the raw bytes
    size_bytes    bigint not null,
    modified_at   timestamp not null,
    doc_id        varchar,               -- null when the file could not be read (see raw.ingest_errors)
    first_seen_at timestamp not null,
    run_id        varchar not null,
    source_url     varchar,              -- where the file came from: its sidecar, else the page's canonical URL
    published_date date,                 -- sidecar, else page metadata, else a date in the URL
    meta_warning   varchar,              -- why (part of) a sidecar was ignored; the document is read anyway
    primary key (source_path, file_sha256)
);
-- Warehouses created before source metadata was read get the columns (null for what they hold).
alter table raw.files add column if not exists source_url varchar;
alter table raw.files add column if not exists published_date date;
alter table raw.files add column if not exists meta_warning varchar;

-- A known version found again under a new size or modification time (the file touched, or copied
-- without its times): the stats it was read at, so the next run skips it without reading it again.
create table if not exists raw.file_stats (
    source_path   varchar not null,
    file_sha256   varchar not null,      -- the known version (raw.files) the file still holds
    size_bytes    bigint not null,
    modified_at   timestamp not null,
    seen_at       timestamp not null,
    run_id        varchar not null,
    primary key (source_path, size_bytes, modified_at)
);

create table if not exists raw.ingest_errors (
    source_path   varchar not null,
    file_sha256   varchar not null,
    size_bytes    bigint not null,
    reason        varchar not null,      -- a sentence a person can act on
    first_seen_at timestamp not null,
    run_id        varchar not null,
    primary key (source_path, file_sha256)
);

-- What `cds collect` fetched: one row per article URL, replaced by each later fetch of it. A URL
-- here is not fetched again unless its feed or sitemap says it changed since fetched_at.
create table if not exists raw.fetched_urls (
    url            varchar primary key,  -- as the feed, sitemap or listing gave it
    source         varchar not null,     -- the sources.yml source that found it
    province_code  varchar not null,
    final_url      varchar not null,     -- after redirects
    status         integer not null,
    content_type   varchar not null,
    content_sha256 varchar not null,
    snapshot_path  varchar,              -- relative to the snapshot folder; null when not about CĐS
    relevant       boolean not null,     -- about digital transformation (the relevance filter)
    etag           varchar,
    last_modified  varchar,
    published_date date,
    fetched_at     timestamp not null,
    run_id         varchar not null
);

-- Every fetch that failed or was refused, with its reason; the run went on without it.
create table if not exists raw.fetch_errors (
    url            varchar not null,
    source         varchar not null,
    stage          varchar not null,     -- feed | sitemap | listing | article
    reason         varchar not null,     -- a sentence a person can act on
    status         integer,              -- the HTTP status, when there was one
    failed_at      timestamp not null,
    run_id         varchar not null,
    primary key (url, run_id)
);
