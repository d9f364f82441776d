"""The collect steps without Prefect: the fetcher's safety checks over real HTTP (content types,
redirects, private addresses, the size cap, conditional GET through the HTTP cache), sitemap
indexes, which articles are due, and snapshots written once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from cds.collect.config import parse_sources
from cds.collect.discover import Candidate
from cds.collect.http import FetchConfig, Fetcher, FetchError
from cds.collect.run import due_articles, read_index
from cds.collect.snapshots import write_snapshot
from tests.portal import PDF_PATH, SITEMAP_URLS, Portal, serve_portal


@pytest.fixture
def portal() -> Iterator[Portal]:
    with serve_portal() as served:
        yield served


def config(tmp_path: Path, **changes: object) -> FetchConfig:
    base = FetchConfig(
        user_agent="cds-pipeline/test",
        rate_seconds=0.0,
        host_concurrency=2,
        timeout_seconds=2.0,
        max_bytes=1_000_000,
        max_redirects=3,
        cache_path=tmp_path / ".http-cache.sqlite",
        allow_private=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def fetch_error(fetcher: Fetcher, url: str, purpose: str) -> str:
    with pytest.raises(FetchError) as raised:
        fetcher.fetch(url, purpose)
    return raised.value.reason


def test_only_the_expected_content_types_are_read(portal: Portal, tmp_path: Path) -> None:
    fetcher = Fetcher(config(tmp_path))

    assert "content type 'application/rss+xml'" in fetch_error(fetcher, portal.url("/rss.xml"), "article")
    assert "content type 'application/pdf'" in fetch_error(fetcher, portal.url(PDF_PATH), "listing")
    assert fetcher.fetch(portal.url(PDF_PATH), "article").content_type == "application/pdf"


def test_redirects_are_followed_up_to_the_cap(portal: Portal, tmp_path: Path) -> None:
    assert Fetcher(config(tmp_path)).fetch(portal.url("/cu/a4"), "article").final_url == portal.url(
        "/tin-tuc/a4.html"
    )
    capped = Fetcher(config(tmp_path / "capped", max_redirects=0))
    assert fetch_error(capped, portal.url("/cu/a4"), "article") == "more than 0 redirects"


def test_private_addresses_are_refused_unless_allowed(portal: Portal, tmp_path: Path) -> None:
    fetcher = Fetcher(config(tmp_path, allow_private=False))

    assert "private or loopback address (127.0.0.1)" in fetch_error(fetcher, portal.url("/rss.xml"), "feed")
    assert fetcher.fetch(portal.url("/rss.xml"), "feed", allow_private=True).status == 200
    assert "host localhost.invalid not found" in fetch_error(fetcher, "http://localhost.invalid/", "feed")


def test_the_size_cap_stops_reading_and_a_second_fetch_is_a_304(portal: Portal, tmp_path: Path) -> None:
    fetcher = Fetcher(config(tmp_path, max_bytes=300_000))
    assert "over the 300,000-byte cap" in fetch_error(fetcher, portal.url("/tin-tuc/huge.html"), "article")
    assert portal.huge_bytes_sent < 20 * 1024 * 1024

    first = fetcher.fetch(portal.url("/sitemap.xml"), "sitemap")
    second = fetcher.fetch(portal.url("/sitemap.xml"), "sitemap")

    assert not first.from_cache and second.from_cache and second.body == first.body
    assert [hit.status for hit in portal.requests("/sitemap.xml", at_least=2)] == [200, 304]
    assert portal.requests("/sitemap.xml")[1].conditional


def test_a_gzipped_sitemap_index_leads_to_its_sitemaps_articles(portal: Portal, tmp_path: Path) -> None:
    source = parse_sources(
        {
            "sources": [
                {"name": "s", "province": "86", "kind": "sitemap", "url": portal.url("/sitemap-index.xml.gz")}
            ]
        },
        "test",
    ).sources[0]

    found = read_index(Fetcher(config(tmp_path)), source)

    assert [c.url for c in found] == [portal.url(p) for p in SITEMAP_URLS]
    assert all(c.changed == datetime(2023, 11, 2) for c in found)


def test_only_unseen_or_changed_articles_are_due() -> None:
    seen = {"https://p.example.vn/a": datetime(2024, 1, 1), "https://p.example.vn/b": datetime(2024, 1, 1)}
    candidates = [
        Candidate("https://p.example.vn/a"),  # seen, no change announced
        Candidate("https://p.example.vn/b", changed=datetime(2024, 2, 1)),  # changed since
        Candidate("https://p.example.vn/c"),  # new
        Candidate("https://p.example.vn/d"),  # new, over the limit
    ]

    assert [c.url[-1] for c in due_articles(candidates, seen, limit=2)] == ["b", "c"]


def test_a_snapshot_is_written_once_and_never_rewritten(tmp_path: Path) -> None:
    first = write_snapshot(tmp_path, b"<p>x</p>", ".html", {"url": "https://p.example.vn/a"})
    again = write_snapshot(tmp_path, b"<p>x</p>", ".html", {"url": "https://p.example.vn/other"})

    assert first.created and not again.created and first.path == again.path
    assert first.path.name == f"{first.sha256}.html"
    sidecar = json.loads((tmp_path / f"{first.sha256}.meta.json").read_text(encoding="utf-8"))
    assert sidecar == {"url": "https://p.example.vn/a"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{first.sha256}.html", f"{first.sha256}.meta.json"]
