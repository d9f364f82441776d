"""Flow `collect`: fetch new articles from the web sources into snapshots the nightly run ingests.

Thin: each fetch is a task (retried with backoff on 5xx and timeouts); the steps are the plain
functions of cds.collect.run. A failed fetch becomes a raw.fetch_errors row and the run goes on.
"""

from __future__ import annotations

from dataclasses import dataclass

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.runtime import flow_run
from prefect.states import State
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task, exponential_backoff

from cds.collect.config import Relevance, Source
from cds.collect.discover import Candidate
from cds.collect.http import FetchConfig, TransientFetchError
from cds.collect.run import (
    ArticleResult,
    close_fetcher,
    collect_article,
    due_articles,
    error_row,
    fetch_config,
    fetcher_for,
    plan,
    read_index,
    record_run,
    seen_urls,
)
from cds.settings import get_settings


def _transient(_task: Task[..., object], _run: TaskRun, state: State) -> bool:
    """Retry only what may pass (5xx, timeouts); a 404 or a robots.txt refusal stays refused."""
    return isinstance(state.result(raise_on_failure=False), TransientFetchError)


@task(name="read_index", cache_policy=NO_CACHE, retry_condition_fn=_transient)
def read_index_task(config: FetchConfig, source: Source) -> list[Candidate]:
    return read_index(fetcher_for(config), source)


@task(name="collect_article", cache_policy=NO_CACHE, retry_condition_fn=_transient)
def collect_article_task(
    config: FetchConfig, source: Source, relevance: Relevance, candidate: Candidate
) -> ArticleResult:
    return collect_article(fetcher_for(config), source, relevance, candidate, get_settings().snapshot_dir)


@dataclass(frozen=True, slots=True)
class CollectSummary:
    sources: int
    articles_fetched: int
    snapshots_new: int
    not_relevant: int
    errors: int


@flow(name="collect", task_runner=ThreadPoolTaskRunner(max_workers=8))  # type: ignore[arg-type]
def collect(
    sources_file: str | None = None, url: str | None = None, province: str | None = None
) -> CollectSummary:
    """Every enabled source's new or changed articles, snapshotted when they are about CĐS."""
    logger = get_run_logger()
    settings = get_settings()
    run_id = str(flow_run.get_id() or "local")
    sources = plan(settings, sources_file, url, province)
    config = fetch_config(settings)
    # Backoff 1 s, 2 s, 4 s…: computed for this many retries (a task computes it when it is built).
    retrying = {
        "retries": settings.collect_retries,
        "retry_delay_seconds": exponential_backoff(backoff_factor=1),
    }
    read_index_ = read_index_task.with_options(**retrying)  # type: ignore[arg-type]
    collect_article_ = collect_article_task.with_options(**retrying)  # type: ignore[arg-type]
    seen = seen_urls(settings)
    rows: list[dict[str, object]] = []
    errors: list[dict[str, object]] = []
    queued: set[str] = set()
    enabled: list[Source] = []
    new = 0
    try:
        enabled = [s for s in sources.sources if s.enabled]
        indexes = [(s, read_index_.submit(config, s)) for s in enabled]
        articles = []
        for source, index in indexes:
            found = index.result(raise_on_failure=False)
            if not isinstance(found, list):
                errors.append(error_row(source.url, source.name, source.kind, _exception(found)))
                continue
            limit = source.max_articles or settings.collect_max_articles
            for candidate in due_articles(found, seen, limit):
                if candidate.url in queued:  # listed by two sources: fetched once
                    continue
                queued.add(candidate.url)
                relevance = sources.relevance_of(source)
                future = collect_article_.submit(config, source, relevance, candidate)
                articles.append((source, candidate, future))
        for source, candidate, future in articles:
            result = future.result(raise_on_failure=False)
            if isinstance(result, ArticleResult):
                rows.append(result.row)
                new += result.snapshot_created
            else:
                errors.append(error_row(candidate.url, source.name, "article", _exception(result)))
    finally:
        close_fetcher(config)
    record_run(settings, rows, errors, run_id)
    for error in errors:
        logger.warning(
            "collect.failed url=%s source=%s reason=%s", error["url"], error["source"], error["reason"]
        )
    summary = CollectSummary(
        sources=len(enabled),
        articles_fetched=len(rows),
        snapshots_new=new,
        not_relevant=sum(not r["relevant"] for r in rows),
        errors=len(errors),
    )
    logger.info("collect.done %s", summary)
    return summary


def _exception(result: object) -> BaseException:
    return result if isinstance(result, BaseException) else RuntimeError(f"unexpected result {result!r}")
