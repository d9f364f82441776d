"""The fetcher's safety checks over real HTTP (no Prefect): content types, redirects, private
addresses, the size cap, and conditional GET through the HTTP cache."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cds.collect.http import FetchConfig, Fetcher, FetchError
from tests.portal import PDF_PATH, Portal, serve_portal


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
