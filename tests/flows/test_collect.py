"""`collect` end to end over real HTTP against a local provincial portal, then the nightly run on
what it snapshotted: the right articles, correct sidecars, robots.txt obeyed, the rate limit held,
a second run that fetches nothing new, every failure a raw.fetch_errors row, facts published with
their source URLs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import polars as pl
import pytest

from cds.settings import Settings, get_settings
from tests.portal import (
    ARTICLES,
    BOILERPLATE,
    HUGE_BYTES,
    PDF,
    PDF_PATH,
    PROVINCE,
    Portal,
    serve_portal,
    sources_yaml,
)
from warehouse.database import connect

pytestmark = pytest.mark.integration

RATE_SECONDS = 0.2
CONCURRENCY = 2
MAX_BYTES = 2_000_000
SNAPSHOTTED = {  # article URL path → the page it ends at
    "/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html": "/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html",
    "/tin-tuc/flaky.html": "/tin-tuc/flaky.html",
    "/tin-tuc/chinh-quyen-so-2023.html": "/tin-tuc/chinh-quyen-so-2023.html",
    "/cu/a4": "/tin-tuc/a4.html",
    "/tin-tuc/a5.html": "/tin-tuc/a5.html",
    PDF_PATH: PDF_PATH,
}
NOT_ABOUT_CDS = {"/tin-tuc/bong-da-u15.html", "/tin-tuc/a6.html"}
FAILURES = {  # article URL path → what its raw.fetch_errors reason says
    "/private/noi-bo.html": "forbidden by robots.txt",
    "/tin-tuc/khong-con.html": "HTTP 404",
    "/tin-tuc/slow.html": "timed out",
    "/tin-tuc/huge.html": "over the 2,000,000-byte cap",
    "/tin-tuc/loop-a.html": "redirect loop",
}


@pytest.fixture
def portal() -> Iterator[Portal]:
    with serve_portal() as served:
        yield served


@pytest.fixture
def collect_settings(flow_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    for name, value in {
        "CDS_COLLECT_RATE_SECONDS": str(RATE_SECONDS),
        "CDS_COLLECT_HOST_CONCURRENCY": str(CONCURRENCY),
        "CDS_COLLECT_TIMEOUT_SECONDS": "1.5",
        "CDS_COLLECT_MAX_BYTES": str(MAX_BYTES),
        "CDS_COLLECT_RETRIES": "2",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def sidecars(folder: Path) -> dict[str, dict[str, object]]:
    """URL → sidecar of every snapshot under `folder`, checked against the bytes beside it."""
    found = {}
    for path in folder.rglob("*.meta.json"):
        meta = json.loads(path.read_text(encoding="utf-8"))
        [body] = [p for p in path.parent.glob(path.name.removesuffix(".meta.json") + ".*") if p != path]
        assert body.stem == meta["sha256"] == __import__("hashlib").sha256(body.read_bytes()).hexdigest()
        found[str(meta["url"])] = meta | {"_body": body}
    return found


def test_collect_then_nightly_publishes_the_articles_facts_with_their_urls(
    prefect_server: None, collect_settings: Settings, portal: Portal, tmp_path: Path
) -> None:
    from flows.collect import collect
    from flows.nightly import nightly

    sources = tmp_path / "sources.yml"
    sources.write_text(sources_yaml(portal), encoding="utf-8")

    first = collect(str(sources))

    # The right articles are snapshotted, with correct sidecars.
    snapshots = collect_settings.snapshot_dir
    metas = sidecars(snapshots)
    assert set(metas) == {portal.url(p) for p in SNAPSHOTTED}
    for path, final in SNAPSHOTTED.items():
        meta = metas[portal.url(path)]
        assert meta["final_url"] == portal.url(final) and meta["status"] == 200
        assert (
            meta["source"] in {"portal-rss", "portal-sitemap", "portal-listing"}
            and meta["province"] == PROVINCE
        )
        assert meta["etag"] and meta["fetched_at"]
    assert metas[portal.url(PDF_PATH)]["_body"].read_bytes() == PDF  # the attachment, byte for byte
    assert metas[portal.url("/tin-tuc/chinh-quyen-so-2023.html")]["published_date"] == "2023-06-20"
    assert (
        metas[portal.url("/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html")]["published_date"] == "2023-01-10"
    )
    assert (first.snapshots_new, first.not_relevant, first.errors) == (6, 2, len(FAILURES))

    # The forbidden path is never requested; every request names the project.
    assert not portal.requests("/private/noi-bo.html")
    assert all(hit.user_agent.startswith("cds-pipeline/") for hit in portal.log)
    # The rate limit holds: no second holds more than 1/RATE_SECONDS request starts (+1 for the edge;
    # arrival times jitter by connection setup, so single gaps are only checked for bursts), and at
    # most CONCURRENCY requests are in flight at once.
    starts = sorted(hit.started for hit in portal.log)
    assert len(starts) > 20
    assert max(sum(s <= t < s + 1.0 for t in starts) for s in starts) <= 1 / RATE_SECONDS + 1
    assert min(b - a for a, b in pairwise(starts)) >= RATE_SECONDS / 4
    assert portal.max_in_flight <= CONCURRENCY
    # The 500 succeeded on retry; the 200 MB page was cut at the cap, never read whole.
    flaky = [hit.status for hit in portal.requests("/tin-tuc/flaky.html")]
    assert flaky[0] == 500 and flaky[-1] == 200
    assert portal.huge_bytes_sent < HUGE_BYTES / 10

    # Every failure is a raw.fetch_errors row with its reason.
    with connect(collect_settings.warehouse_path, read_only=True) as con:
        errors = dict(con.execute("select url, reason from raw.fetch_errors").fetchall())
        fetched = pl.from_arrow(con.sql("select * from raw.fetched_urls").to_arrow_table())
    assert set(errors) == {portal.url(p) for p in FAILURES}
    for path, reason in FAILURES.items():
        assert reason in errors[portal.url(path)], errors[portal.url(path)]
    assert isinstance(fetched, pl.DataFrame)
    assert set(fetched.filter(~pl.col("relevant"))["url"]) == {portal.url(p) for p in NOT_ABOUT_CDS}

    # A second run fetches nothing new: no article it has is requested again, indexes answer 304.
    before = len(portal.log)
    second = collect(str(sources))
    again = portal.log[before:]
    assert second.snapshots_new == 0 and second.articles_fetched == 0
    assert not {hit.path for hit in again} & (set(SNAPSHOTTED) | NOT_ABOUT_CDS)
    assert {
        hit.path: hit.status for hit in again if hit.path in {"/rss.xml", "/sitemap.xml", "/tin-tuc/"}
    } == {
        "/rss.xml": 304,
        "/sitemap.xml": 304,
        "/tin-tuc/": 304,
    }
    assert sidecars(snapshots).keys() == metas.keys()

    # The nightly run ingests the snapshots and publishes their facts with their source URLs.
    release = nightly()

    latest = collect_settings.public_dir / "latest"
    documents = pl.read_parquet(latest / "documents.parquet")
    by_url = {row["source_url"]: row for row in documents.iter_rows(named=True)}
    assert set(by_url) == {portal.url(p) for p in SNAPSHOTTED}
    assert release.row_counts["documents"] == len(SNAPSHOTTED)
    tong_ket = by_url[portal.url("/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html")]
    assert tong_ket["published_date"].isoformat() == "2023-01-10"
    ranks = pl.read_parquet(latest / "dti_ranks.parquet").filter(pl.col("doc_id") == tong_ket["doc_id"])
    assert ranks.select("province_code", "edition_year", "rank", "out_of").rows() == [("86", 2022, 30, 63)]
    metrics = pl.read_parquet(latest / "metrics.parquet")
    assert 68.5 in metrics.filter(pl.col("doc_id") == tong_ket["doc_id"])["value"].to_list()
    text = "\n".join(ARTICLES["/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html"].paragraphs)
    assert text  # the facts come from the article's own text, not from its page's chrome
    with connect(collect_settings.warehouse_path, read_only=True) as con:
        stored = con.execute(
            "select text from raw.documents where doc_id = ?", [tong_ket["doc_id"]]
        ).fetchone()
    assert stored is not None and not [line for line in BOILERPLATE if line in stored[0]]


def test_without_allow_private_the_portal_is_refused(
    prefect_server: None, collect_settings: Settings, portal: Portal
) -> None:
    from flows.collect import collect

    summary = collect(url=portal.url("/rss.xml"), province=PROVINCE)

    assert summary.errors == 1 and summary.articles_fetched == 0
    assert portal.log == []  # not one request reached it
    with connect(collect_settings.warehouse_path, read_only=True) as con:
        [(reason,)] = con.execute("select reason from raw.fetch_errors").fetchall()
    assert "private or loopback" in reason and "CDS_COLLECT_ALLOW_PRIVATE" in reason
    assert os.environ.get("CDS_COLLECT_ALLOW_PRIVATE") is None


def test_cds_collect_one_off_url_and_a_bad_sources_file(
    settings: Settings, portal: Portal, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from tests.conftest import cli_env

    env = cli_env(
        settings,
        tmp_path / "prefect-home",
        CDS_COLLECT_ALLOW_PRIVATE="true",
        CDS_COLLECT_RATE_SECONDS="0.05",
        CDS_COLLECT_TIMEOUT_SECONDS="1.5",
        CDS_COLLECT_MAX_BYTES=str(MAX_BYTES),
        CDS_COLLECT_RETRIES="1",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",  # a first start on a busy machine is slow
    )

    def cds(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cds.cli", *args], capture_output=True, text=True, env=env, timeout=300
        )

    done = cds("collect", "--url", portal.url("/sitemap.xml"), "--province", PROVINCE)

    assert done.returncode == 0, done.stderr
    assert "New snapshots:    3" in done.stdout and "Failed fetches:   0" in done.stdout
    assert len(sidecars(settings.source_dir / "collected" / "one-off")) == 3

    (tmp_path / "bad.yml").write_text(
        "sources:\n  - name: x\n    province: '86'\n    kind: rss\n", encoding="utf-8"
    )
    refused = cds("collect", "--sources", str(tmp_path / "bad.yml"))

    assert refused.returncode == 1
    assert "bad.yml: sources[0].kind: Input should be 'feed', 'sitemap' or 'listing'" in refused.stderr
    assert "bad.yml: sources[0].url: Field required" in refused.stderr
