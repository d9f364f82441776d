"""Province names in the text, and the GSO code a name had on the document's date.

Names come from the project's province table (63 former + 34 current provinces) plus a
variant list (TP.HCM, Thừa Thiên - Huế, Đắc Lắk...). Tone placement ("Hoà"/"Hòa") is handled by
folding. A name is always resolved to its 63-province code first; documents dated on or after
2025-07-01 then take the successor (merged) province's code.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from transforms.extract.text import WB_R, alternation, alternatives, fold, guarded_alternation
from transforms.model import Province

PROVINCES_CSV = Path(__file__).parents[1] / "provinces" / "provinces.csv"
ALIASES_CSV = Path(__file__).with_name("data") / "province_aliases.csv"
DATELINES_CSV = Path(__file__).with_name("data") / "datelines.csv"
UNITS_CSV = Path(__file__).parents[1] / "provinces" / "admin_units.csv"
# How a text writes each kind of administrative unit before its name ("TP.Vũng Tàu", "thị xã Phú Mỹ").
UNIT_PREFIXES = {
    "huyện": r"huyện",
    "quận": r"quận",
    "thị xã": r"thị\s+xã",
    "thành phố": r"(?:thành\s+phố|tp\.?)",
    "xã": r"(?<!thị )xã",
    "phường": r"phường",
    "đặc khu": r"đặc\s+khu",
}
MERGER_DATE = date(2025, 7, 1)
# "Chủ tịch Hồ Chí Minh" is a person; the city is always written with its prefix (in the alias list).
_NOT_BARE = {"Hồ Chí Minh"}


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    code63: str  # the 63-province code the name denotes


@dataclass(frozen=True, slots=True)
class Gazetteer:
    pattern: re.Pattern[str]
    code_of: dict[str, str]  # folded name → 63-province code
    name63: dict[str, str]
    name34: dict[str, str]
    successor: dict[str, str]

    def mentions(self, text_folded: str) -> list[Mention]:
        return [
            Mention(m.start(), m.end(), self.code_of[_key(m.group())])
            for m in self.pattern.finditer(text_folded)
        ]

    def code63_of(self, name_folded: str) -> str | None:
        """The 63-province code of a folded name the pattern matched."""
        return self.code_of.get(_key(name_folded))

    def as_of(self, code63: str, when: date | None) -> Province:
        """The province a 63-regime code denotes on a date (merged successor from 2025-07-01)."""
        if when and when >= MERGER_DATE:
            code = self.successor.get(code63, code63)
            return Province(code=code, name=self.name34.get(code, self.name63.get(code, code)))
        return Province(code=code63, name=self.name63.get(code63, code63))


def _key(matched: str) -> str:
    return " ".join(matched.split())


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load the province table and variants once."""
    with PROVINCES_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    name63 = {r["code"]: r["name"] for r in rows if r["regime"] == "63"}
    name34 = {r["code"]: r["name"] for r in rows if r["regime"] == "34"}
    successor = {r["code"]: r["successor_code"] for r in rows if r["regime"] == "63"}
    code_of = {fold(name): code for code, name in name63.items() if name not in _NOT_BARE}
    for code, name in name34.items():
        if name not in _NOT_BARE:
            code_of.setdefault(fold(name), code)
    with ALIASES_CSV.open(encoding="utf-8") as fh:
        code_of.update({fold(r["alias"]): r["code"].zfill(2) for r in csv.DictReader(fh)})
    pattern = re.compile(guarded_alternation(alternatives(list(code_of)), r"[\w]") + WB_R)
    return Gazetteer(pattern, {_key(k): v for k, v in code_of.items()}, name63, name34, successor)


@lru_cache(maxsize=1)
def _dateline_re() -> tuple[re.Pattern[str], dict[str, str]]:
    """Provincial party papers open articles with their tag: "(CMO) ...", "BDK - ...", "(BĐ) - ..."."""
    with DATELINES_CSV.open(encoding="utf-8") as fh:
        codes = {r["tag"]: r["code"] for r in csv.DictReader(fh)}
    tags = "|".join(sorted(map(re.escape, codes), key=len, reverse=True))
    return re.compile(rf"^\s*(?:\((?P<a>{tags})\)|(?P<b>{tags})\s*[-–])", re.M), codes


# Names joined into an enumeration: commas, "và", and a "tỉnh"/"thành phố" before a name.
LIST_JOIN_RE = re.compile(r"\s*[,;]?\s*(?:và\s+)?(?:tỉnh\s+|thành phố\s+|tp\.?\s*)?")
LIST_MIN = 3
# How a provincial text refers to its own province ("UBND tỉnh", "toàn tỉnh", "trên địa bàn thành phố").
PROVINCE_SELF_RE = re.compile(
    r"(?:ubnd|ủy ban nhân dân|hđnd|hội đồng nhân dân)\s+(?:tỉnh|thành phố)|tỉnh ủy|thành ủy"
    r"|(?:toàn|của|cấp ủy|lãnh đạo|trên địa bàn)\s+(?:tỉnh|thành phố)(?![\w])"
)
# Papers that sign with their site instead: "(Baohatinh.vn) - ", "(baoquangngai.vn)-".
SITE_DATELINE_RE = re.compile(r"^\s*\(\s*(?:www\.)?bao(?P<slug>[a-z]+)\.(?:com\.|org\.)?vn\s*\)", re.I | re.M)


def _ascii_slug(name: str) -> str:
    """'Hà Tĩnh' → 'hatinh', as in the provincial papers' domain names."""
    bare = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in bare if ch.isascii() and ch.isalpha()).lower()


@lru_cache(maxsize=1)
def _site_slugs() -> dict[str, str]:
    places = gazetteer()
    slugs = {_ascii_slug(name): code for code, name in places.name63.items()}
    slugs.update({_ascii_slug(alias): code for alias, code in places.code_of.items()})
    return slugs


def dateline_code63(text: str) -> str | None:
    """The province of the paper whose dateline tag opens the article."""
    m = _dateline_re()[0].search(text[:400])
    if m:
        return _dateline_re()[1][m["a"] or m["b"]]
    site = SITE_DATELINE_RE.search(text[:400])
    return _site_slugs().get(site["slug"].lower()) if site else None


def _listed(text_folded: str, mentions: list[Mention]) -> set[int]:
    """Indexes of mentions inside an enumeration of LIST_MIN or more provinces ('A, B, C và D'): a
    round-up list says nothing of what the article is about."""
    out: set[int] = set()
    run = [0] if mentions else []
    for i in range(1, len(mentions) + 1):
        if i < len(mentions) and LIST_JOIN_RE.fullmatch(text_folded, mentions[i - 1].end, mentions[i].start):
            run.append(i)
            continue
        if len(run) >= LIST_MIN:
            out.update(run)
        run = [i]
    return out


def subject_code63(
    text: str, text_folded: str, title_end: int, mentions: list[Mention] | None = None
) -> str | None:
    """The province the article is mainly about: most mentions; title and paper dateline count triple.
    Pass `mentions` when the caller already has them (the gazetteer scan is a full pass)."""
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    dateline = dateline_code63(text)
    if dateline:
        counts[dateline] += 3
        first_seen[dateline] = 0
    found = gazetteer().mentions(text_folded) if mentions is None else mentions
    listed = _listed(text_folded, found)
    for i, m in enumerate(found):
        first_seen.setdefault(m.code63, m.start)
        if i not in listed:
            counts[m.code63] += 3 if m.start < title_end else 1
    if not counts:
        return None
    best = max(counts, key=lambda code: (counts[code], -first_seen[code]))
    if counts[best] <= 1 and not PROVINCE_SELF_RE.search(text_folded):
        return None  # named once, in passing, by a text that never speaks as a province: a national one
    return best


@dataclass(frozen=True, slots=True)
class UnitPlace:
    """A province known from one of its districts or communes, in the regime the unit belongs to."""

    code: str
    regime: int


@lru_cache(maxsize=2)
def _units(regime: str) -> tuple[re.Pattern[str], dict[tuple[str, str], str]]:
    """The districts (63 regime) or communes and wards (34 regime) whose name, with its kind, is one
    province's only: a name several provinces share ('huyện Châu Thành') says nothing."""
    owners: dict[tuple[str, str], set[str]] = {}
    with UNITS_CSV.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["regime"] == regime:
                owners.setdefault((r["unit_type"], _key(fold(r["name"]))), set()).add(r["province_code"])
    unique = {key: codes.pop() for key, codes in owners.items() if len(codes) == 1}
    branches = []
    for kind, prefix in UNIT_PREFIXES.items():
        names = [name for k, name in unique if k == kind]
        if names:
            group = "_".join(kind.split())
            branches.append(rf"(?P<{group}>{prefix})\s*(?P<{group}_name>{alternation(names)})")
    return re.compile(r"(?<![\w])(?:" + "|".join(branches) + r")" + WB_R), unique


def unit_province(text_folded: str, after_merger: bool) -> UnitPlace | None:
    """The province of the districts (before the merger) or communes (after it) a text names when it
    names no province: the one named most, if one is."""
    regime = "34" if after_merger else "63"
    pattern, unique = _units(regime)
    counts: Counter[str] = Counter()
    for m in pattern.finditer(text_folded):
        group = next(g for g, v in m.groupdict().items() if v is not None and not g.endswith("_name"))
        counts[unique[(group.replace("_", " "), _key(m[group + "_name"]))]] += 1
    if not counts:
        return None
    (best, n), *rest = counts.most_common(2)
    return None if rest and rest[0][1] == n else UnitPlace(best, int(regime))
