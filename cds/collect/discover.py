"""Article links from a feed (feedparser), a sitemap (ultimate-sitemap-parser) or a listing page
(selectolax + the source's link pattern); the URL filters; the relevance filter. Pure: bytes in."""

from __future__ import annotations

import gzip
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from time import struct_time
from urllib.parse import urldefrag, urljoin

import feedparser
from selectolax.lexbor import LexborHTMLParser
from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
from usp.tree import sitemap_from_str

from cds.collect.config import Relevance, Source
from transforms.sidecar import is_web_url, plausible_date

logging.getLogger("usp").setLevel(logging.ERROR)  # usp logs every odd line of a sitemap as a warning


class NotAnIndex(ValueError):
    """The bytes are not the feed, sitemap or listing page the source says they are."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article link and what the index said about it."""

    url: str
    published: date | None = None  # feed entry's published date
    changed: datetime | None = None  # sitemap lastmod / feed updated: re-fetch a seen URL if newer
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Index:
    articles: tuple[Candidate, ...]
    sitemaps: tuple[str, ...] = ()  # sub-sitemaps of a sitemap index, to fetch in turn


def looks_like_sitemap(body: bytes) -> bool:
    head = _ungzipped(body)[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_index(body: bytes, kind: str, base_url: str, link_pattern: str | None = None) -> Index:
    """The links an index holds; a feed URL that serves a sitemap (or the reverse) is read as what it is."""
    if kind == "listing":
        return Index(listing_links(body, base_url, link_pattern or ".*"))
    if looks_like_sitemap(body):
        return sitemap_links(body)
    return Index(feed_links(body, base_url))


def feed_links(body: bytes, base_url: str) -> tuple[Candidate, ...]:
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    if not parsed.entries:
        problem = f": {parsed.bozo_exception}" if parsed.get("bozo") else ""
        raise NotAnIndex(f"no feed entries{problem}"[:200])
    found = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        published = _entry_date(entry.get("published_parsed"))
        updated = entry.get("updated_parsed")
        found.append(
            Candidate(
                url=urljoin(base_url, link),
                published=published,
                changed=datetime(*updated[:6]) if isinstance(updated, struct_time) else None,
                title=entry.get("title"),
            )
        )
    return tuple(found)


def _entry_date(parsed: object) -> date | None:
    if not isinstance(parsed, struct_time):
        return None
    return plausible_date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)


def sitemap_links(body: bytes) -> Index:
    tree = sitemap_from_str(_ungzipped(body).decode("utf-8", errors="replace"))
    if isinstance(tree, InvalidSitemap):
        raise NotAnIndex(f"not a sitemap: {tree.reason}"[:200])
    if isinstance(tree, AbstractIndexSitemap):
        return Index((), tuple(sub.url for sub in tree.sub_sitemaps))
    pages = tuple(
        Candidate(
            url=page.url, changed=page.last_modified.replace(tzinfo=None) if page.last_modified else None
        )
        for page in tree.all_pages()
    )
    return Index(pages)


def _ungzipped(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(body)
        except (OSError, EOFError):
            raise NotAnIndex("a gzip file that does not decompress") from None
    return body


def listing_links(body: bytes, base_url: str, link_pattern: str) -> tuple[Candidate, ...]:
    """Links of a listing page whose absolute URL matches `link_pattern`, in page order."""
    pattern = re.compile(link_pattern)
    tree = LexborHTMLParser(body.decode("utf-8", errors="replace"))
    found = []
    for node in tree.css("a[href]"):
        url = urljoin(base_url, (node.attributes.get("href") or "").strip())
        if pattern.search(url):
            found.append(Candidate(url=url, title=" ".join((node.text() or "").split()) or None))
    return tuple(found)


def select_articles(candidates: tuple[Candidate, ...], source: Source) -> list[Candidate]:
    """Web URLs the source's include/exclude patterns let through, without fragments, each once."""
    include = [re.compile(p) for p in source.include]
    exclude = [re.compile(p) for p in source.exclude]
    chosen: dict[str, Candidate] = {}
    for candidate in candidates:
        url = urldefrag(candidate.url).url
        if not is_web_url(url) or url in chosen:
            continue
        if include and not any(p.search(url) for p in include):
            continue
        if any(p.search(url) for p in exclude):
            continue
        chosen[url] = Candidate(url, candidate.published, candidate.changed, candidate.title)
    return list(chosen.values())


def _fold(text: str) -> str:
    """Lower case without tone and vowel marks (đ → d): "Chuyển đổi số" and "chuyen doi so" both match."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def relevant(text: str, relevance: Relevance) -> tuple[bool, list[str]]:
    """Whether the text is about digital transformation, and the vocabulary terms it contains
    (compared without case, marks or extra spaces)."""
    folded = _fold(text)
    found = [term for term in relevance.vocabulary if _fold(term) in folded]
    return len(found) >= relevance.min_matches, found
