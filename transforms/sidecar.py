"""A document's source metadata: its sidecar `<stem>.meta.json`, dates in its URL, and how they combine.

Crawled corpora and the collector keep each page's URL, and often its date, beside the text
(`x.txt` ↔ `x.meta.json`). The date gives the extractor the year that datelines such as
"Chiều 25-11" leave out; the URL is published with the document. Facts still come only from the
text. Pure: bytes and strings in, values out; reading the file is the caller's job.

A broken sidecar (not JSON, wrong types, an impossible or implausible date) never fails its
document: the usable keys are kept and each problem is a one-line warning.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

SIDECAR_SUFFIX = ".meta.json"
MAX_SIDECAR_BYTES = 1 << 20  # a sidecar is a few hundred bytes; anything this big is not one
# Dates outside these years are misreadings for this corpus (the DTI index starts with 2020's
# edition; the quality gate refuses report dates before 2015).
FIRST_YEAR, LAST_YEAR = 2015, 2030
MAX_URL_CHARS = 2048


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """What is known about a document apart from its text; every field may be unknown."""

    url: str | None = None
    published_date: date | None = None
    title: str | None = None


EMPTY_META = SourceMeta()


def sidecar_name(file_name: str) -> str:
    """The sidecar's file name for a document file: its name without the extension + `.meta.json`."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name.lstrip(".") else file_name
    return stem + SIDECAR_SUFFIX


def is_sidecar(file_name: str) -> bool:
    """Sidecars describe documents; they are never documents themselves."""
    return file_name.lower().endswith(SIDECAR_SUFFIX)


def parse_sidecar(data: bytes) -> tuple[SourceMeta, tuple[str, ...]]:
    """Sidecar bytes → (metadata, warnings). Keys other than url, published_date, title are ignored."""
    if len(data) > MAX_SIDECAR_BYTES:
        return EMPTY_META, (f"sidecar is {len(data):,} bytes, over {MAX_SIDECAR_BYTES:,}: ignored",)
    try:
        loaded = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return EMPTY_META, (f"sidecar is not UTF-8 JSON ({str(exc)[:80]}): ignored",)
    if not isinstance(loaded, dict):
        return EMPTY_META, (f"sidecar is a JSON {type(loaded).__name__}, not an object: ignored",)
    warnings: list[str] = []
    url = _text_field(loaded, "url", warnings)
    if url is not None and not is_web_url(url):
        warnings.append(f"sidecar url {url[:80]!r} is not an http(s) URL: ignored")
        url = None
    title = _text_field(loaded, "title", warnings)
    published = None
    raw_date = _text_field(loaded, "published_date", warnings)
    if raw_date is not None:
        published = parse_date(raw_date)
        if published is None:
            years = f"{FIRST_YEAR}..{LAST_YEAR}"
            warnings.append(f"sidecar published_date {raw_date[:40]!r} is not a date in {years}: ignored")
    return SourceMeta(url=url, published_date=published, title=title), tuple(warnings)


def _text_field(loaded: dict[str, object], key: str, warnings: list[str]) -> str | None:
    value = loaded.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        warnings.append(f"sidecar {key} is a JSON {type(value).__name__}, not a string: ignored")
        return None
    value = " ".join(value.split())
    return value or None


def is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return len(url) <= MAX_URL_CHARS and parts.scheme in {"http", "https"} and bool(parts.netloc)


def plausible_date(year: int, month: int, day: int) -> date | None:
    """The date, when it exists in the calendar and its year is in FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?=$|[T\s]|\d{2}:)")
_DMY_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?=$|\s)")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?=$|T)")


def parse_date(value: str) -> date | None:
    """A date written as ISO 8601 (time and zone after it ignored: the date as the page states it),
    `yyyymmdd`, or the Vietnamese `dd/mm/yyyy`; None unless it is a real date in the plausible years."""
    value = value.strip()
    if match := _ISO_DATE.match(value) or _COMPACT_DATE.match(value):
        return plausible_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _DMY_DATE.match(value):
        return plausible_date(int(match[3]), int(match[2]), int(match[1]))
    return None


# Dates news sites put in article paths. Each is a whole path segment, or a digit run after a
# hyphen that starts with yyyymmdd (ids such as "-20211230213958762": date, time, milliseconds).
_PATH_YMD = re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})(?=/|$)")
_SEGMENT_DIGITS = re.compile(r"/(\d{6}|\d{8})(?=/|$)")
_HYPHEN_DIGITS = re.compile(r"-(\d{8}|\d{12,17})(?=\D|$)")


def url_date_hint(url: str, not_after: date | None = None) -> date | None:
    """The publication day a URL's path gives away, or None; strict, so that ids are not dates.

    A path naming only a month (`/202211/`, `/2022/11/`) gives no day: a published date is a day, and
    a month's first or last day would be a made-up one. Never past `not_after` (today, for the caller).
    """
    found = _path_day(urlsplit(url).path)
    if found is not None and not_after is not None and found > not_after:
        return None
    return found


def _path_day(path: str) -> date | None:
    for match in _PATH_YMD.finditer(path):
        if found := plausible_date(int(match[1]), int(match[2]), int(match[3])):
            return found
    for match in _SEGMENT_DIGITS.finditer(path):
        digits = match[1]
        if len(digits) == 8 and (found := _yyyymmdd(digits)):
            return found
    for match in _HYPHEN_DIGITS.finditer(path):
        digits = match[1]
        if _valid_clock(digits[8:]) and (found := _yyyymmdd(digits[:8])):
            return found
    return None


def _yyyymmdd(digits: str) -> date | None:
    return plausible_date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def _valid_clock(digits: str) -> bool:
    """What follows the date in an id: nothing, or HHMM[SS[mmm]] that reads as a time of day."""
    if not digits:
        return True
    if len(digits) < 4:
        return False
    hour, minute = int(digits[:2]), int(digits[2:4])
    second = int(digits[4:6]) if len(digits) >= 6 else 0
    return hour < 24 and minute < 60 and second < 60


def combine(sidecar: SourceMeta, page: SourceMeta, not_after: date | None = None) -> SourceMeta:
    """One document's metadata: the sidecar first, then the page's own markup, then its URL's date.

    An explicit published date (sidecar, then page metadata) outranks a date read from the URL.
    """
    url = sidecar.url or page.url
    published = sidecar.published_date or page.published_date
    if published is None and url is not None:
        published = url_date_hint(url, not_after)
    return SourceMeta(url=url, published_date=published, title=sidecar.title or page.title)
