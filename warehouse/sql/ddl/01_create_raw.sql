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

create table if not exists raw.ingest_errors (
    source_path   varchar not null,
    file_sha256   varchar not null,
    size_bytes    bigint not null,
    reason        varchar not null,      -- a sentence a person can act on
    first_seen_at timestamp not null,
    run_id        varchar not null,
    primary key (source_path, file_sha256)
);
