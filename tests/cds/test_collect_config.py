"""sources.yml: validated on load, errors name the file and the field; the shipped file is valid."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cds.collect.config import Source, SourcesError, load_sources, one_off_source, parse_sources
from cds.collect.discover import Candidate, listing_links, parse_index, relevant, select_articles
from cds.settings import PROJECT_ROOT

GOOD = {"name": "portal", "province": "86", "kind": "feed", "url": "https://portal.example.vn/rss"}


def write(tmp_path: Path, sources: list[dict[str, object]], **top: object) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump({"sources": sources, **top}, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_sources_file_is_valid_and_lists_no_enabled_real_site() -> None:
    sources = load_sources(PROJECT_ROOT / "sources.yml")

    assert {s.name for s in sources.sources} >= {
        "sample-portal-rss",
        "sample-portal-sitemap",
        "sample-portal-news",
    }
    real = [s for s in sources.sources if "127.0.0.1" not in s.url]
    assert real and all(not s.enabled and s.found_at for s in real)
    assert "chuyển đổi số" in sources.relevance.vocabulary


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "atom"}, "sources[0].kind: Input should be 'feed', 'sitemap' or 'listing'"),
        ({"province": "99"}, "sources[0].province: Value error, '99' is not a GSO province code"),
        (
            {"url": "ftp://portal.example.vn/rss"},
            "sources[0].url: Value error, 'ftp://portal.example.vn/rss' is not",
        ),
        ({"kind": "listing"}, "sources[0]: Value error, a listing source needs link_pattern"),
        (
            {"exclude": ["(unclosed"]},
            "sources[0].exclude: Value error, '(unclosed' is not a regular expression",
        ),
        ({"name": "Có Dấu"}, "sources[0].name: String should match pattern"),
        ({"homepage": "x"}, "sources[0].homepage: Extra inputs are not permitted"),
        (
            {"relevance": {"vocabulary": []}},
            "sources[0].relevance.vocabulary: List should have at least 1 item",
        ),
    ],
)
def test_errors_name_the_file_and_the_field(tmp_path: Path, change: dict[str, object], message: str) -> None:
    path = write(tmp_path, [GOOD | change])

    with pytest.raises(SourcesError) as raised:
        load_sources(path)

    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_duplicate_names_broken_yaml_and_a_missing_file_are_clear(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="source names must be unique: portal"):
        load_sources(write(tmp_path, [GOOD, GOOD]))
    (tmp_path / "bad.yml").write_text("sources: [\n", encoding="utf-8")
    with pytest.raises(SourcesError, match=r"bad\.yml: not valid YAML"):
        load_sources(tmp_path / "bad.yml")
    with pytest.raises(SourcesError, match=r"nope\.yml: cannot be read"):
        load_sources(tmp_path / "nope.yml")


def test_a_one_off_url_is_checked_like_a_file_entry() -> None:
    assert one_off_source("https://portal.example.vn/sitemap.xml", "46", False).sources[0].province == "46"
    with pytest.raises(SourcesError, match=r"--url: sources\[0\]\.province"):
        one_off_source("https://portal.example.vn/rss", "xx", False)


def test_listing_links_follow_the_pattern_and_filters_apply() -> None:
    page = b"""<html><body><a href="/tin/a.html">A</a> <a href="/tin/b.html#top">B</a>
    <a href="/gioi-thieu.html">About</a> <a href="mailto:x@y.vn">mail</a>
    <a href="/tin/a.html">A again</a></body></html>"""
    links = listing_links(page, "https://portal.example.vn/tin/", r"/tin/[a-z]+\.html")
    source = load_sources_dict({"include": [r"/tin/"], "exclude": [r"/b\.html"]})

    chosen = select_articles(links, source)

    assert [c.url for c in chosen] == ["https://portal.example.vn/tin/a.html"]


def load_sources_dict(change: dict[str, object]) -> Source:
    return parse_sources({"sources": [GOOD | change]}, "test").sources[0]


def test_a_feed_url_serving_a_sitemap_is_read_as_one() -> None:
    sitemap = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://portal.example.vn/tin/a.html</loc><lastmod>2024-01-02</lastmod></url></urlset>"""

    index = parse_index(sitemap, "feed", "https://portal.example.vn/rss")

    assert [c.url for c in index.articles] == ["https://portal.example.vn/tin/a.html"]
    assert index.articles[0].changed is not None and index.articles[0].changed.year == 2024


def test_relevance_ignores_case_and_tone_marks() -> None:
    source = one_off_source("https://portal.example.vn/rss", "86", False)
    relevance = source.relevance

    assert relevant("Kế hoạch CHUYỂN ĐỔI SỐ năm 2024", relevance)[0]
    assert relevant("Ke hoach chuyen  doi so nam 2024", relevance)[0]
    assert not relevant("Giải bóng đá thiếu niên khai mạc", relevance)[0]
    assert Candidate("x").published is None


def test_collect_is_deployed_on_its_own_schedule_before_nightly() -> None:
    deployments = {
        d["name"]: d
        for d in yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]
    }
    [collect], [nightly] = deployments["collect"]["schedules"], deployments["nightly"]["schedules"]

    assert deployments["collect"]["entrypoint"] == "flows/collect.py:collect"
    assert collect["timezone"] == nightly["timezone"] == "Asia/Ho_Chi_Minh" and collect["active"]
    minute, hour = (int(part) for part in collect["cron"].split()[:2])
    nightly_minute, nightly_hour = (int(part) for part in nightly["cron"].split()[:2])
    assert (hour, minute) < (nightly_hour, nightly_minute)
    from flows.collect import collect as flow

    assert flow.name == "collect"
