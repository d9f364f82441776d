"""The collect steps as plain functions (flows/collect.py orchestrates them): plan, read each source's
index, choose the articles due, fetch and snapshot one article, record the run in the warehouse."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from cds.collect.config import Relevance, Source, SourcesFile, load_sources, one_off_source
from cds.collect.discover import Candidate, NotAnIndex, parse_index, relevant, select_articles
from cds.collect.http import EXTENSIONS, HTML, FetchConfig, Fetched, Fetcher, FetchError
from cds.collect.snapshots import snapshot_sidecar, write_snapshot
from cds.locking import writer_lock
from cds.settings import Settings
from cds.sources import decode_safely
from transforms.sidecar import parse_date
from warehouse.database import connect, ensure_schema
from warehouse.fetches import FETCH_ERROR_SCHEMA, FETCHED_SCHEMA, fetched_urls, record_fetches

MAX_SUB_SITEMAPS = 50  # of one sitemap index, per run
HTTP_CACHE = ".http-cache.sqlite"  # hidden: ingest never reads it as a report


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """One fetched article: a row of raw.fetched_urls, and whether a new snapshot was written."""

    row: dict[str, object]
    snapshot_created: bool


def plan(settings: Settings, sources_file: str | None, url: str | None, province: str | None) -> SourcesFile:
    """The sources of this run: a one-off `--url` source, or the enabled ones of sources.yml."""
    if url is not None:
        if province is None:
            raise ValueError("--url needs --province (the GSO code of the province the source is about)")
        return one_off_source(url, province, allow_private=settings.collect_allow_private)
    return load_sources(Path(sources_file) if sources_file else settings.sources_file)


def fetch_config(settings: Settings) -> FetchConfig:
    return FetchConfig(
        user_agent=settings.collect_user_agent,
        rate_seconds=settings.collect_rate_seconds,
        host_concurrency=settings.collect_host_concurrency,
        timeout_seconds=settings.collect_timeout_seconds,
        max_bytes=settings.collect_max_bytes,
        max_redirects=settings.collect_max_redirects,
        cache_path=settings.snapshot_dir / HTTP_CACHE,
        allow_private=settings.collect_allow_private,
    )


_fetchers: dict[FetchConfig, Fetcher] = {}
_fetchers_lock = threading.Lock()


def fetcher_for(config: FetchConfig) -> Fetcher:
    """One fetcher per configuration in this process, shared by a run's tasks (and so its host limits)."""
    with _fetchers_lock:
        if config not in _fetchers:
            _fetchers[config] = Fetcher(config)
        return _fetchers[config]


def close_fetcher(config: FetchConfig) -> None:
    with _fetchers_lock:
        fetcher = _fetchers.pop(config, None)
    if fetcher is not None:
        fetcher.close()


def read_index(fetcher: Fetcher, source: Source) -> list[Candidate]:
    """The article links of a source (a sitemap index's sub-sitemaps are read too), filtered."""
    fetched = fetcher.fetch(source.url, source.kind, allow_private=source.allow_private)
    try:
        index = parse_index(fetched.body, source.kind, fetched.final_url, source.link_pattern)
        found = list(index.articles)
        for sitemap in index.sitemaps[:MAX_SUB_SITEMAPS]:
            sub = fetcher.fetch(sitemap, "sitemap", allow_private=source.allow_private)
            found += parse_index(sub.body, "sitemap", sub.final_url).articles
    except NotAnIndex as exc:
        raise FetchError(f"not a {source.kind}: {exc}") from None
    return select_articles(tuple(found), source)


def due_articles(candidates: list[Candidate], seen: dict[str, datetime], limit: int) -> list[Candidate]:
    """Articles not fetched before, or changed (sitemap lastmod, feed updated) since they were."""
    due = [c for c in candidates if c.url not in seen or (c.changed is not None and c.changed > seen[c.url])]
    return due[:limit]


def collect_article(
    fetcher: Fetcher, source: Source, relevance: Relevance, candidate: Candidate, snapshot_dir: Path
) -> ArticleResult:
    """Fetch one article; snapshot it when it is about digital transformation. Raises FetchError."""
    fetched = fetcher.fetch(candidate.url, "article", allow_private=source.allow_private)
    document = decode_safely(fetched.body, EXTENSIONS[fetched.content_type])
    if isinstance(document, str):
        raise FetchError(f"fetched, but not readable: {document}", fetched.status)
    is_relevant, _terms = relevant(document.text, relevance)
    published = candidate.published or page_date(fetched)
    title = candidate.title or document.title
    snapshot_path, created = None, False
    if is_relevant:
        sidecar = snapshot_sidecar(fetched, source.name, source.province, published, title)
        snapshot = write_snapshot(
            snapshot_dir / source.name, fetched.body, EXTENSIONS[fetched.content_type], sidecar
        )
        snapshot_path, created = snapshot.path.relative_to(snapshot_dir).as_posix(), snapshot.created
    row = {
        "url": fetched.url,
        "source": source.name,
        "province_code": source.province,
        "final_url": fetched.final_url,
        "status": fetched.status,
        "content_type": fetched.content_type,
        "content_sha256": hashlib.sha256(fetched.body).hexdigest(),
        "snapshot_path": snapshot_path,
        "relevant": is_relevant,
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "published_date": published,
        "fetched_at": fetched.fetched_at,
    }
    return ArticleResult(row, created)


def page_date(fetched: Fetched) -> date | None:
    """The page's publication date as htmldate reads it from its markup and URL (no text guessing)."""
    if fetched.content_type not in HTML:
        return None
    from htmldate import find_date

    try:
        found = find_date(fetched.body, extensive_search=False, original_date=True, url=fetched.final_url)
    except Exception:  # a parser failure on odd markup only loses the date
        return None
    return parse_date(found) if found else None


def error_row(url: str, source: str, stage: str, error: BaseException) -> dict[str, object]:
    reason = error.reason if isinstance(error, FetchError) else f"{type(error).__name__}: {error}"
    return {
        "url": url,
        "source": source,
        "stage": stage,
        "reason": reason[:300],
        "status": error.status if isinstance(error, FetchError) else None,
        "failed_at": datetime.now(UTC).replace(tzinfo=None),
    }


def seen_urls(settings: Settings) -> dict[str, datetime]:
    with (
        writer_lock(settings.warehouse_path, settings.lock_wait_seconds),
        connect(settings.warehouse_path) as con,
    ):
        ensure_schema(con)
        return fetched_urls(con)


def record_run(
    settings: Settings, rows: list[dict[str, object]], errors: list[dict[str, object]], run_id: str
) -> None:
    fetched = pl.DataFrame(rows, schema=FETCHED_SCHEMA, orient="row")
    failed = pl.DataFrame(errors, schema=FETCH_ERROR_SCHEMA, orient="row")
    with (
        writer_lock(settings.warehouse_path, settings.lock_wait_seconds),
        connect(settings.warehouse_path) as con,
    ):
        ensure_schema(con)
        record_fetches(con, fetched, failed, run_id)
