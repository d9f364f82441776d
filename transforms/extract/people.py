"""Named persons and the titles the text attaches to them.

A personal name is two to four capitalised syllables starting with a Vietnamese family name
(data/surnames.txt), and it must stand where Vietnamese news puts officials' names: after an
honorific or a title ("ông", "đồng chí", "Chủ tịch UBND tỉnh ..."), or before a comma or dash that
opens a title ("Lê Duy Thành, Phó Bí thư Tỉnh ủy"). That leaves out photo credits ("Ảnh: HỒNG HÀ"),
bylines on their own line and place names that begin like a family name ("Hà Nội", "Lâm Đồng").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transforms.extract.confidence import PERSON_SIGNATORY, person_confidence
from transforms.extract.provinces import gazetteer
from transforms.extract.sentences import Sentence, sentence_at
from transforms.extract.text import WB_L, alternation, fold, guarded_alternation, squash
from transforms.model import Person, Span

DATA = Path(__file__).with_name("data")
_LATIN = [
    chr(c) for c in range(0x41, 0x1F00) if (chr(c).isalpha() and chr(c).isascii()) or 0xC0 <= c < 0x1F00
]
UPPER = "".join(c for c in _LATIN if c.isupper() and c.isalpha())
LOWER = "".join(c for c in _LATIN if c.islower() and c.isalpha())
# Capitalised, not all-caps (credits and bylines are often all-caps); a lone capital is a syllable too
# ("Giàng A Sử", "Y Ngọc").
# Central Highlands names join a capital and a syllable with an apostrophe ("K'Lên", "B'Krông", "H'Bia").
SYLLABLE = f"[{UPPER}][{LOWER}]*(?:['’][{UPPER}][{LOWER}]*)?(?![\\w])"
# Such a syllable can be a whole given name after an honorific ("chị H'Bia").
APOSTROPHE_NAME = f"[{UPPER}]['’][{UPPER}][{LOWER}]*(?![\\w])"
# A name by structure, whatever its family name: an honorific then two to four capitalised syllables
# ("anh Giàng A Sử", "ông Quàng Văn Ón"). The honorifics are
# `[ÔôAaBb]ng|[Bb]à|[Aa]nh|[Cc]hị|[Đđ]ồng chí|[Đđ]/c` spelt out, in that order, so that
# `guarded_alternation` can open the pattern with their first letters.
_HONORIFIC_FORMS = (
    ("ÔôAaBb", "ng"),
    ("Bb", "à"),
    ("Aa", "nh"),
    ("Cc", "hị"),
    ("Đđ", "ồng chí"),
    ("Đđ", "/c"),
)
_HONORIFICS = [first + rest for firsts, rest in _HONORIFIC_FORMS for first in firsts]
HONORIFIC_NAME_RE = re.compile(
    guarded_alternation([re.escape(h) for h in _HONORIFICS], r"[\w/]") + r"\s*:?\s+"
    r"(?P<name>" + SYLLABLE + r"(?:[ \t]+" + SYLLABLE + r"){1,3}|" + APOSTROPHE_NAME + r")"
)
# The signature block of an official document: an all-caps title line ("GIÁM ĐỐC",
# "KT. CHÁNH VĂN PHÒNG — PHÓ CHÁNH VĂN PHÒNG"), perhaps "(đã ký)", then the signatory's name alone.
SIGNATURE_RE = re.compile(
    r"^[^\S\n]*[*_]*(?P<title>[" + UPPER + r"][" + UPPER + r"\s.—–-]{3,80}?)[*_]*[^\S\n]*\n"
    r"(?:[^\S\n]*[*_(]*(?:đã ký|Đã ký|ĐÃ KÝ)[)*_]*[^\S\n]*\n)?"
    r"[^\S\n]*[*_]*(?P<name>" + SYLLABLE + r"(?:[ \t]+" + SYLLABLE + r"){1,3})[*_]*[^\S\n]*$",
    re.M,
)
HONORIFIC_RE = re.compile(
    r"(?:ông|bà|đồng chí|các đồng chí|anh|chị|cụ|đ/c|thủ tướng|chủ tịch|bí thư|giám đốc)\s*:?\s*$"
)
HONORIFIC_ONLY_RE = re.compile(r"(?:ông|bà|đồng chí|anh|chị|cụ|đ/c)\s*:?\s*$")
CREDIT_RE = re.compile(r"(?:ảnh|nguồn|theo|bài|tác giả|video|clip|pv|phóng viên)\s*:\s*$|\(ảnh\s*:?\s*$")
PLACE_BEFORE_RE = re.compile(
    r"(?:tỉnh|thành phố|tp\.?|huyện|quận|xã|phường|thị xã|thị trấn|tại|ở|về|sông|núi|đường|phố)\s+$"
)
# How far before a name its title may start ("Phó Trưởng ban Thường trực Ban Chỉ đạo Chuyển đổi số tỉnh
# An Giang Nguyễn Thị Minh Thúy"), how far back a place may start that runs into a name, and how far after
# a name's last syllable a glued title is looked for.
TITLE_REACH = 100
PLACE_REACH = 25
TITLE_GLUE_REACH = 25
TITLE_SEP_RE = re.compile(r"(\s*[,–—]\s*|\s+-\s+)")
TITLE_STOP_RE = re.compile(
    r"[;.\n(]|\s(?:đồng chủ trì|chủ trì|phát biểu|cho biết|cho hay|khẳng định|nhấn mạnh|đề nghị|yêu cầu"
    r"|nêu|đã|được|tham dự|trình bày|báo cáo|chỉ đạo|ghi nhận|cùng|và đồng chí|và ông|và bà|và các)(?![\w])"
    # "ông A và Phó Chủ tịch UBND tỉnh ông B": the titles after "và" are the next person's
    r"|\svà\s+(?=[^,;.]{0,80}?\s(?:ông|bà|đồng chí)\s+[A-ZĐ])"
)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    name_re: re.Pattern[str]
    title_start_re: re.Pattern[str]
    title_before_re: re.Pattern[str]
    title_word_re: re.Pattern[str]
    # Where a name may open (a family name, or an honorific before a name): a sentence with no such place
    # has no name, so the name patterns never run on it.
    opening_re: re.Pattern[str]


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    surnames = guarded_alternation(
        sorted(map(re.escape, _lines("surnames.txt")), key=len, reverse=True), r"[\w.]"
    )
    titles = alternation(_lines("titles.txt"))
    name_re = re.compile(surnames + r"(?:\s+" + SYLLABLE + r"){1,3}(?![\w])")
    title_start_re = re.compile(r"\s*[,–—-]\s*(?:" + titles + r")(?![\w])")
    # A title phrase ending right before the name: "Chủ tịch UBND tỉnh Vĩnh Long Lữ Quang Ngời".
    title_before_re = re.compile(WB_L + r"(?:" + titles + r")(?![\w])[^,;.()\n]{0,80}$")
    # A title glued to the name it follows, with no comma: "Ông Lê Văn Tuấn Giám đốc Sở ...".
    title_word_re = re.compile(r"\s+(?:" + titles + r")(?![\w])")
    # The first word of every family name and honorific, behind the weaker of their two guards: it opens
    # wherever either pattern can, and a match never covers another's opening.
    first_words = {w.split()[0] for w in [*_lines("surnames.txt"), *_HONORIFICS]}
    opening_re = re.compile(
        guarded_alternation(sorted(map(re.escape, first_words), key=len, reverse=True), r"\w")
    )
    return _Lexicon(name_re, title_start_re, title_before_re, title_word_re, opening_re)


def extract_people(text: str, text_folded: str, sentences: list[Sentence]) -> list[Person]:
    """Every named person once, with all titles found beside any of their mentions."""
    found: dict[str, Person] = {}
    openings = [m.start() for m in _lexicon().opening_re.finditer(text)]
    for s in sentences:
        first = bisect.bisect_left(openings, s.start)
        if first == len(openings) or openings[first] >= s.end:
            continue  # no family name or honorific in it: no name
        for start, end in _names_in(text, text_folded, s):
            name = squash(text[start:end])
            titles = _titles_after(text, end, s.end) + _titles_before(text, text_folded, s.start, start)
            old = found.get(name.lower())
            merged = tuple(dict.fromkeys([*(old.titles if old else ()), *titles]))
            honorific = HONORIFIC_ONLY_RE.search(text_folded, max(s.start, start - 20), start) is not None
            confidence = max(person_confidence(honorific, len(name.split())), old.confidence if old else 0.0)
            span = old.span if old else Span(s.evidence, start, end)
            found[name.lower()] = Person(name, merged, span, confidence)
    for person in _signatories(text, sentences):
        found.setdefault(person.name.lower(), person)
    return _drop_partial_names(list(found.values()))


def _signatories(text: str, sentences: list[Sentence]) -> list[Person]:
    """Who signs an official document: the name under its all-caps title line."""
    out: list[Person] = []
    for m in SIGNATURE_RE.finditer(text):
        title = squash(re.split(r"\s[—–-]\s", m["title"])[-1]).removeprefix("KT. ")
        if not _lexicon().title_before_re.search(fold(m["title"])) or _is_place(fold(m["name"])):
            continue
        s = sentence_at(sentences, m.start("name"))
        span = Span(s.evidence if s else m["name"], m.start("name"), m.end("name"))
        out.append(Person(squash(m["name"]), (title.capitalize(),), span, PERSON_SIGNATORY))
    return out


def _drop_partial_names(people: list[Person]) -> list[Person]:
    """'Nguyễn Đình' cut off at the end of an excerpt is the 'Nguyễn Đình Việt' named before; a one-word
    given name ('anh K'Lên') that ends a full name ('Điểu K'Lên') is a later short mention of that person."""
    names = [p.name for p in people]
    return [
        p
        for p in people
        if not any(
            o != p.name and (o.startswith(p.name + " ") or (" " not in p.name and o.endswith(" " + p.name)))
            for o in names
        )
    ]


def _names_in(text: str, text_folded: str, s: Sentence) -> list[tuple[int, int]]:
    lex = _lexicon()
    out: list[tuple[int, int]] = []
    for m in HONORIFIC_NAME_RE.finditer(text, s.start, s.end):
        before = text_folded[max(s.start, m.start() - 20) : m.start()]
        # "đồng chí Phó Chủ tịch ..." is a title, not a name; "xã Ông Đình" is a place, "UBND tỉnh ông A"
        # is not
        titled = lex.title_start_re.match(", " + text_folded[m.start("name") : m.end() + 40])
        place = _is_place(text_folded[m.start() : m.end()]) or (
            text[m.start()].isupper() and PLACE_BEFORE_RE.search(before)
        )
        end = _before_glued_title(text_folded, m.start("name"), m.end("name"))
        whole = len(text[m.start("name") : end].split()) >= 2 or re.fullmatch(APOSTROPHE_NAME, m["name"])
        if not (titled or place) and whole:
            out.append((m.start("name"), end))
    # A person's titles may end in a place that reads like a name ("Trưởng phòng ... huyện Quan Sơn").
    covered = [(end, parts[-1][1]) for _, end in out if (parts := _title_parts(text, end, s.end))]
    for m in lex.name_re.finditer(text, s.start, s.end):
        if any(a <= m.start() < b for a, b in [*out, *covered]):
            continue
        start, end = _strip_places(text_folded, m.start(), m.end())
        if start != m.start():  # the name after the place may run past the first match's four syllables
            rematch = lex.name_re.match(text, start)
            end = rematch.end() if rematch else end
        end = _before_glued_title(text_folded, start, end)
        if end - start < 4 or len(text[start:end].split()) < 2:
            continue
        before = text_folded[max(s.start, start - TITLE_REACH) : start]
        titled_before = HONORIFIC_RE.search(before) or lex.title_before_re.search(before)
        if CREDIT_RE.search(before) or _is_place(text_folded[start:end]):
            continue
        if PLACE_BEFORE_RE.search(before) and not titled_before:
            continue  # "huyện Lâm Hà", "tại Hà Tiên"
        if titled_before or lex.title_start_re.match(text_folded, end):
            out.append((start, end))
            covered.extend((end, parts[-1][1]) for parts in [_title_parts(text, end, s.end)] if parts)
    return out


def _strip_places(text_folded: str, start: int, end: int) -> tuple[int, int]:
    """Drop a place the name candidate starts with or starts inside: 'Hà Nội Nguyễn Văn A', and 'Ninh
    Nguyễn Thanh Ngọc' read out of '... tỉnh Tây Ninh Nguyễn Thanh Ngọc'."""
    for m in gazetteer().pattern.finditer(text_folded, max(0, start - PLACE_REACH), end):
        if m.start() <= start < m.end() < end:
            return m.end() + 1, end
    return start, end


def _before_glued_title(text_folded: str, start: int, end: int) -> int:
    """Where a name ends when a title follows it with no comma ('Lê Văn Tuấn Giám đốc Sở ...')."""
    m = _lexicon().title_word_re.search(text_folded, start, end + TITLE_GLUE_REACH)
    return m.start() if m and m.start() < end else end


def _is_place(name_folded: str) -> bool:
    m = gazetteer().pattern.fullmatch(name_folded)
    return m is not None


def _titles_after(text: str, end: int, s_end: int) -> list[str]:
    """'Name, title, title; next' or 'Name – title, title': comma-separated titles up to the clause end."""
    return [title for title, _ in _title_parts(text, end, s_end)]


def _title_parts(text: str, end: int, s_end: int) -> list[tuple[str, int]]:
    """The titles after a name, each with the offset where it ends."""
    return [(title, end + offset) for title, offset in _tail_titles(text[end:s_end])]


@lru_cache(maxsize=4096)
def _tail_titles(tail: str) -> tuple[tuple[str, int], ...]:
    """The titles opening the rest of a sentence after a name, each with the offset (in `tail`) where it
    ends. Cached on the tail: a name's titles are read once to mark them, once to keep them."""
    stop = TITLE_STOP_RE.search(tail)
    tail = tail[: stop.start()] if stop else tail
    pieces = TITLE_SEP_RE.split(tail)  # [before, sep, part, sep, part, ...]
    titles: list[tuple[str, int]] = []
    offset = len(pieces[0])
    glued = squash(pieces[0])  # "Lê Văn Tuấn Giám đốc Sở ...": a title right after the name, no comma
    if glued and _opens_with_title(glued):
        titles.append((glued, offset))
    for sep, raw in zip(pieces[1::2], pieces[2::2], strict=True):
        offset += len(sep) + len(raw)
        part = squash(raw)
        if not part:
            continue
        if not _opens_with_title(part) or _is_name_start(part):
            break
        titles.append((part, offset))
    return tuple(titles)


@lru_cache(maxsize=16384)
def _opens_with_title(part: str) -> bool:
    """Whether a comma-separated piece after a name is a title. Cached: reports repeat their titles."""
    return _lexicon().title_start_re.match(fold(", " + part)) is not None


def _is_name_start(part: str) -> bool:
    return bool(_lexicon().name_re.match(part)) and not _opens_with_title(part)


def _titles_before(text: str, text_folded: str, s_start: int, start: int) -> list[str]:
    """The title phrase written just before the name ('Chủ tịch UBND tỉnh Phạm Thiện Nghĩa')."""
    before = text_folded[max(s_start, start - 90) : start]
    joined = before.rfind(" và ")  # "ông A và Phó Chủ tịch UBND tỉnh ông B": B's title starts after "và"
    m = (
        joined >= 0 and _lexicon().title_before_re.search(before, joined)
    ) or _lexicon().title_before_re.search(before)
    if not m:
        return []
    phrase = squash(text[start - len(before) + m.start() : start])
    phrase = re.sub(r"^(?:đồng chí|ông|bà)\s+|\s+(?:đồng chí|ông|bà)$", "", phrase, flags=re.I)
    if not phrase or phrase.lower() in {"ông", "bà", "đồng chí"}:
        return []
    return [phrase]
