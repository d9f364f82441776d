"""The catalog of a release built from the sample corpus, opened from file:// in a real Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from cds.settings import PROJECT_ROOT
from tests.browser import BrowserUnavailable, DevTools, headless_chromium
from warehouse.publish import PUBLISHED_TABLES

pytestmark = pytest.mark.integration

SCREENSHOT = PROJECT_ROOT / "docs" / "catalog.png"


@pytest.fixture(scope="module")
def release(sample_release: Path) -> Path:
    """The sample corpus's release (tests/warehouse/conftest.py)."""
    return sample_release


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    try:
        with headless_chromium(tmp_path / "profile") as tools:
            yield tools
    except BrowserUnavailable as reason:
        pytest.skip(str(reason))


def test_catalog_renders_offline_without_errors(release: Path, browser: DevTools, tmp_path: Path) -> None:
    browser.navigate((release / "index.html").as_uri())
    assert browser.evaluate("document.querySelectorAll('li.dataset').length") == len(PUBLISHED_TABLES)
    assert browser.evaluate("document.querySelector('h1').innerText") == "Dữ liệu mở chuyển đổi số cấp tỉnh"
    assert charts_drawn(browser) == 1
    screenshot = browser.screenshot(tmp_path / "catalog.png")
    browser.press_tab()
    assert browser.evaluate("document.activeElement.className") == "skip-link"

    browser.navigate((release / "datasets" / "dti_ranks.html").as_uri())
    assert browser.evaluate("document.querySelectorAll('#preview ~ div tbody tr').length") > 0

    province = next((release / "charts").glob("pillars_*.svg")).stem.removeprefix("pillars_")
    browser.navigate((release / "provinces" / f"{province}.html").as_uri())
    assert browser.evaluate("document.querySelectorAll('blockquote.evidence mark').length") > 0
    assert charts_drawn(browser) == 1

    # Yên Bái's 2024 pillar ranks are out of the 63 former provinces; today's Lào Cai (same code 15)
    # was ranked out of 34 and has a page of its own, so no chart mixes the two tables.
    assert (
        pillar_axis_title(browser, release, "63-15")
        == "Hạng trên 63 (1 = tốt nhất) / Rank out of 63 (1 = best)"
    )
    for chart in (release / "charts").glob("pillars_*.svg"):  # every axis follows the ranks it plots
        out_of = set(pl.read_csv(chart.with_suffix(".csv"))["out_of"])
        assert len(out_of) == 1, chart.name
        assert pillar_axis_title(browser, release, chart.stem.removeprefix("pillars_")).endswith(
            f"Rank out of {out_of.pop()} (1 = best)"
        ), chart.name

    browser.navigate((release / "indicators.html").as_uri())
    assert charts_drawn(browser) >= 1

    # Hà Tĩnh's share of dossiers filed online over time: the series page links to the chart on the
    # province page, which draws it; results are points on a line, targets separate marks.
    browser.navigate((release / "indicator_series.html").as_uri())
    assert browser.evaluate("document.querySelector('h2#rule') !== null")
    assert browser.evaluate(
        "[...document.querySelectorAll('a')].some(a => a.getAttribute('href') === "
        "'provinces/42.html#series-dossier_online_pct')"
    )
    browser.navigate((release / "provinces" / "42.html").as_uri())
    assert browser.evaluate(
        "(() => { const i = document.querySelector('#series-dossier_online_pct figure.chart img');"
        " return !!i && i.complete && i.naturalWidth > 0 && i.alt.includes('targets'); })()"
    )
    assert series_marks(browser, release, "series_42_dossier_online_pct") == {"Result": 3, "Target": 2}

    assert browser.errors() == []
    outside = [url for url in browser.requested_urls() if not url.startswith(release.as_uri() + "/")]
    assert outside == []
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("CDS_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(screenshot, SCREENSHOT)


def series_marks(browser: DevTools, release: Path, chart: str) -> dict[str, int]:
    """Result and target points of a series chart, as Chromium renders the SVG (each point's
    accessible label names the mark it is drawn as)."""
    browser.navigate((release / "charts" / f"{chart}.svg").as_uri())
    labels = browser.evaluate(
        "[...document.querySelectorAll('[aria-roledescription=\"point\"]')]"
        ".map(p => p.getAttribute('aria-label'))"
    )
    assert isinstance(labels, list)
    return {
        kind: sum(1 for label in labels if str(label).endswith(f" / {kind}")) for kind in ("Result", "Target")
    }


def pillar_axis_title(browser: DevTools, release: Path, page: str) -> str:
    """The rank axis title of a province's pillar chart, as Chromium renders the SVG."""
    browser.navigate((release / "charts" / f"pillars_{page}.svg").as_uri())
    titles = browser.evaluate(
        "[...document.querySelectorAll('text')].map(t => t.textContent)"
        ".filter(t => t.includes('Rank out of'))"
    )
    assert isinstance(titles, list) and len(titles) == 1, titles
    return str(titles[0])


def charts_drawn(browser: DevTools) -> int:
    """How many chart images loaded and have a size (a broken image has naturalWidth 0)."""
    return int(
        browser.evaluate(
            "[...document.querySelectorAll('figure.chart img')]"
            ".filter(i => i.complete && i.naturalWidth > 0 && i.alt).length"
        )
    )
