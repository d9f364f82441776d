"""HTML pages state their own address and publication date; the reader keeps both beside the text."""

from __future__ import annotations

from datetime import date

from transforms.documents import decode_document
from transforms.sidecar import EMPTY_META

BODY = "<article><h1>Tin chuyển đổi số</h1><p>Tỷ lệ hồ sơ trực tuyến đạt 98,5%.</p></article>"


def page(head: str = "", body: str = BODY) -> bytes:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_article_published_time_and_canonical_url() -> None:
    head = (
        '<meta property="article:published_time" content="2022-11-25T08:30:00+07:00">'
        '<link rel="canonical" href="https://baotinh.example.vn/tin-1.html">'
        '<meta property="og:url" content="https://other.example.vn/x">'
    )
    meta = decode_document(page(head), ".html").meta

    assert meta.published_date == date(2022, 11, 25)
    assert meta.url == "https://baotinh.example.vn/tin-1.html"


def test_schema_org_date_published_and_og_url() -> None:
    head = (
        '<meta itemprop="datePublished" content="2023-01-10">'
        '<meta property="og:url" content="https://baotinh.example.vn/tin-2.html">'
    )
    meta = decode_document(page(head), ".html").meta

    assert (meta.published_date, meta.url) == (date(2023, 1, 10), "https://baotinh.example.vn/tin-2.html")


def test_time_datetime_of_the_article_not_of_the_sidebar() -> None:
    body = (
        '<aside class="related"><time datetime="2019-05-05">5/5</time><p>Tin khác</p></aside>'
        '<article><h1>Tin chuyển đổi số</h1><time datetime="2024-03-02T10:00">2/3</time>'
        "<p>Tỷ lệ hồ sơ trực tuyến đạt 98,5%.</p></article>"
    )
    assert decode_document(page(body=body), ".html").meta.published_date == date(2024, 3, 2)


def test_meta_tags_outrank_time_elements_and_bad_values_are_skipped() -> None:
    head = (
        '<meta property="article:published_time" content="hôm qua">'
        '<meta name="pubdate" content="2021-12-30">'
        '<link rel="canonical" href="/relative/only">'
    )
    body = '<article><time datetime="2024-03-02">x</time><p>Tỷ lệ đạt 98,5%.</p></article>'
    meta = decode_document(page(head, body), ".html").meta

    assert meta.published_date == date(2021, 12, 30)
    assert meta.url is None  # a relative canonical link names no page on its own


def test_pages_without_metadata_and_other_formats_have_none() -> None:
    assert decode_document(page(), ".html").meta == EMPTY_META
    assert decode_document("Tỷ lệ đạt 98,5%.".encode(), ".txt").meta == EMPTY_META


def test_metadata_never_changes_the_text() -> None:
    head = '<meta property="article:published_time" content="2022-11-25">'
    assert decode_document(page(head), ".html").doc_id == decode_document(page(), ".html").doc_id
