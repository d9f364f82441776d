"""Every release carries GX Data Docs of the gate run that let it through, readable offline."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from cds.settings import Settings
from expectations.data_docs import OFFLINE_URLS, OnlineAssetError, offline_html
from tests.conftest import REPORT_TEXT, write_report
from tests.warehouse.test_load import build
from warehouse.publish import PUBLISHED_TABLES

LOADING = {"script": "src", "link": "href", "img": "src"}


class _Loads(HTMLParser):
    """The URLs a page fetches when opened: script and image sources, linked stylesheets/icons."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        value = dict(attrs).get(LOADING.get(tag, ""))
        if value:
            self.urls.append(value)


def loads_of(page: Path) -> list[str]:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def test_release_has_offline_data_docs_of_this_run(settings: Settings) -> None:
    write_report(settings.source_dir, "vinh-long/a.txt", REPORT_TEXT)
    build(settings)
    release = settings.public_dir / "latest"
    docs = release / "quality" / "data_docs"
    index = (docs / "index.html").read_text(encoding="utf-8")

    for table in PUBLISHED_TABLES:
        assert f'href="expectations/{table}.html"' in index, table
        pages = list(docs.glob(f"validations/{table}/run-1/*/{table}.html"))
        assert len(pages) == 1, f"{table}: {pages}"
        assert f"'_table_row_link_path': '{pages[0].relative_to(docs).as_posix()}'" in index
        assert (docs / "expectations" / f"{table}.html").is_file()

    html_pages = sorted(docs.rglob("*.html"))
    assert len(html_pages) == 1 + 2 * len(PUBLISHED_TABLES)
    for page in html_pages:
        for url in loads_of(page):
            assert not url.startswith(("http://", "https://", "//")), f"{page.name} loads {url}"
            target = url.split("?", 1)[0].split("#", 1)[0]
            assert (page.parent / target).is_file(), f"{page.relative_to(docs)} loads missing {url}"
    for text_file in (*docs.rglob("*.css"), *html_pages):
        assert "url(http" not in text_file.read_text(encoding="utf-8").replace("'", "").replace('"', "")

    assert 'href="quality/data_docs/index.html"' in (release / "index.html").read_text(encoding="utf-8")


def test_every_cdn_asset_is_vendored() -> None:
    assets = Path(__file__).parents[2] / "expectations" / "data_docs_assets"
    for url, path in OFFLINE_URLS.items():
        if path.startswith("vendor/"):
            assert (assets / path.removeprefix("vendor/")).is_file(), url


def test_assets_are_rewritten_relative_to_the_page() -> None:
    page = (
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>'
        '<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" '
        'integrity="sha384-x" crossorigin="anonymous"></script>'
        '<a href="https://greatexpectations.io">GX</a>'
    )
    html = offline_html(page, "../../")
    assert 'href="../../static/vendor/bootstrap@4.3.1/dist/css/bootstrap.min.css"' in html
    assert '<script src="../../static/vendor/bootstrap@4.3.1/dist/js/bootstrap.min.js"></script>' in html
    assert '<a href="https://greatexpectations.io">' in html  # a link to follow is not a load


def test_an_unknown_online_asset_is_an_error() -> None:
    with pytest.raises(OnlineAssetError, match=r"cdn\.example\.org"):
        offline_html('<script src="https://cdn.example.org/new.js"></script>', "")
