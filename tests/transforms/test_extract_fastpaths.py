"""The faster forms of the extractor's regexes and helpers give exactly what the plain forms give."""

import random
import re
from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from transforms.extract.dates import FULL_DATE_RE
from transforms.extract.metrics import SpanCover, _overlaps
from transforms.extract.numbers import NUMBER_RE
from transforms.extract.people import HONORIFIC_NAME_RE, SYLLABLE, _lexicon, _names_in
from transforms.extract.rankings import DTI_RE
from transforms.extract.sentences import _ABBREV_RE, _BREAK_RE, _after_abbreviation, split_sentences
from transforms.extract.targets import _with
from transforms.extract.text import fold, guarded_alternation
from transforms.model import Metric, Span

# The plain forms the fast ones replace.
PLAIN_NUMBER_RE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
PLAIN_FULL_DATE_RE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2((?:19|20)\d{2})(?![\d])")
PLAIN_BREAK_RE = re.compile(r"(?<=[.!?…])[\"”’»)]?[ \t]+|\s*\n\s*")
PLAIN_DTI_RE = re.compile(
    r"\bdti\b|chỉ số\s+(?:đánh giá\s+)?(?:về\s+)?chuyển đổi số|xếp hạng\s+(?:về\s+)?chuyển đổi số"
    r"|mức độ chuyển đổi số|(?:xếp|đứng|dẫn đầu|đứng đầu|thứ)[^.;]{0,50}về\s+(?:chuyển đổi số|cđs)"
)
PLAIN_HONORIFIC_NAME_RE = re.compile(
    r"(?<![\w/])(?:[ÔôAaBb]ng|[Bb]à|[Aa]nh|[Cc]hị|[Đđ]ồng chí|[Đđ]/c)\s+"
    r"(?P<name>" + SYLLABLE + r"(?:[ \t]+" + SYLLABLE + r"){1,3})"
)

PIECES = [
    "12", "3.436.164", "98,72", "4.0", "4G", ",5", ".7", "/", "-", "–", "|", "(", ")", '"', "”", ".", "!",
    "?", "…", ";", " ", "  ", "\t", "\n", " \n ", "\u00a0", "a", "x1", "2024", "16/9/2022", "1-2-2023",
    "dti", "xdti", "DTI", "chỉ số chuyển đổi số", "xếp thứ 3 về chuyển đổi số", "đứng đầu về cđs",
    "ông", "Ông", "bà", "anh", "Đồng chí", "đ/c", "x/ông", "Nguyễn", "Văn", "An", "Lê", "TP.", "PGS.TS.",
    "Tp.", "Q.", "thứ", "Hoà", "Uỷ", "Ð",
]  # fmt: skip


def _texts(n: int = 400) -> list[str]:
    rng = random.Random(7)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) for _ in range(n)]


def _spans(pattern: re.Pattern[str], text: str, pos: int = 0, endpos: int | None = None) -> list[object]:
    end = len(text) if endpos is None else endpos
    return [(m.span(), m.groups()) for m in pattern.finditer(text, pos, end)]


def test_rewritten_regexes_match_like_the_plain_ones() -> None:
    pairs = [
        (NUMBER_RE, PLAIN_NUMBER_RE),
        (FULL_DATE_RE, PLAIN_FULL_DATE_RE),
        (_BREAK_RE, PLAIN_BREAK_RE),
        (DTI_RE, PLAIN_DTI_RE),
        (HONORIFIC_NAME_RE, PLAIN_HONORIFIC_NAME_RE),
    ]
    for text in _texts():
        for fast, plain in pairs:
            assert _spans(fast, text) == _spans(plain, text), (plain.pattern, text)
            middle = len(text) // 3
            assert _spans(fast, text, middle, len(text) - 2) == _spans(plain, text, middle, len(text) - 2)


def test_guarded_alternation_keeps_the_first_matching_alternative() -> None:
    words = ["hà nội", "hà", "hà giang", "tp.", "tp", "đà nẵng", "an", "an giang", "x"]
    escaped = [re.escape(w) for w in words]
    fast = re.compile(guarded_alternation(escaped, r"[\w]") + r"(?![\w])")
    plain = re.compile(r"(?<![\w])(?:" + "|".join(escaped) + r")(?![\w])")
    rng = random.Random(3)
    for _ in range(400):
        text = " ".join(rng.choice([*words, "xhà", "tpx", "ang", ",", "giang"]) for _ in range(8))
        assert _spans(fast, text) == _spans(plain, text), text


def test_abbreviation_window_agrees_with_the_whole_prefix() -> None:
    for text in _texts():
        for pos in range(len(text) + 1):
            assert _after_abbreviation(text, pos) == bool(_ABBREV_RE.search(text[:pos])), (text, pos)


def test_span_cover_agrees_with_a_scan_of_the_spans() -> None:
    rng = random.Random(5)
    for _ in range(200):
        spans = [(a, a + rng.randint(0, 6)) for a in (rng.randint(0, 60) for _ in range(rng.randint(0, 6)))]
        cover = SpanCover(70, spans)
        for start in range(60):
            end = start + rng.randint(1, 8)
            assert cover.overlaps(start, end) == _overlaps(start, end, spans), (spans, start, end)


def test_fold_matches_the_translate_form() -> None:
    table = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u00a0": " ", "\u2009": " ", "\u202f": " "})
    tones = {"oà": "òa", "oá": "óa", "uỷ": "ủy", "uý": "úy"}
    for text in [*_texts(100), "Hoà Bình\u00a0Uỷ ban ÐÀ ðà\u2009thuý\u202fOÀ oòa"]:
        expected = re.sub("|".join(tones), lambda m: tones[m.group()], text.translate(table).lower())
        assert fold(text) == expected
        assert len(fold(text)) == len(text)


def test_document_normalisation_equals_its_plain_form() -> None:
    import unicodedata

    from transforms.documents import (
        _BLANK_RUNS,
        _CHAR_MAP,
        _CONTROLS,
        _INNER_SPACE_RUNS,
        _LINE_BREAKS,
        _SURROGATES,
        normalise_text,
    )

    table = str.maketrans({old: new or None for old, new in _CHAR_MAP.items()})

    def plain(text: str) -> str:
        text = _LINE_BREAKS.sub("\n", text)
        text = _CONTROLS.sub("", _SURROGATES.sub("\ufffd", text.translate(table)))
        text = unicodedata.normalize("NFC", text)
        text = "\n".join(_INNER_SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n"))
        return _BLANK_RUNS.sub("\n\n", text).strip()

    pieces = [*PIECES, *_CHAR_MAP, "\r\n", "\u2028", "o\u0301", "\u200bo\u0301", "Ð", "\u00ad", "\x07", "\r",
              "\v", "\f", "\x85", "\u2029", "\n\n\n", " \t", "\t\t", "\ud800"]  # fmt: skip
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert normalise_text(text) == plain(text), repr(text)


NAME_PIECES = [
    *PIECES, "Hoàng Thị", "Thị", "Rơ Châm", "H'", "H'Bia", "K'Lên", "Trần", "Phạm", "Giám đốc", "Sở",
    "Chủ tịch", "UBND", "tỉnh", ", ", "Hà Nội", "Lai Châu", "Châu", "chị", "Chị",
]  # fmt: skip


def test_a_sentence_with_no_name_opening_has_no_name() -> None:
    """extract_people skips sentences where `opening_re` finds no family name or honorific: on those
    the name patterns find nothing either."""
    rng = random.Random(11)
    lexicon = _lexicon()
    for _ in range(600):
        text = " ".join(rng.choice(NAME_PIECES) for _ in range(rng.randint(1, 40)))
        openings = [m.start() for m in lexicon.opening_re.finditer(text)]
        for s in split_sentences(text):
            if any(s.start <= o < s.end for o in openings):
                continue
            assert _names_in(text, fold(text), s) == [], text
            assert not any(lexicon.name_re.finditer(text, s.start, s.end)), text
            assert not any(HONORIFIC_NAME_RE.finditer(text, s.start, s.end)), text


def test_annotated_metric_copy_equals_dataclasses_replace() -> None:
    metric = Metric("quantity", 3.0, "xã", "3 xã", "số xã", "communes", Span("e", 1, 4), confidence=0.7)
    when = date(2024, 12, 31)
    assert _with(metric, True, 2025, when, when, "commune") == replace(
        metric, target=True, target_year=2025, period_start=when, period_end=when, level="commune"
    )


@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=60))
def test_html_cleaning_equals_its_regex_form(text: str) -> None:
    from transforms.documents import _SPACES, _clean, normalise_text

    assert _clean(text) == normalise_text(_SPACES.sub(" ", text))
    assert sum(map(len, text.split())) == len(_SPACES.sub("", text))


AMOUNT_WINDOW_PIECES = [
    *PIECES, "số", "tổng số", "kinh tế số", "xã hội số", "chuyển đổi số", "quyền số", "Số", "năm", "tháng ",
    "quyết định", "ban chỉ đạo", "khoá", "khóa", "phiên bản", "đt", " : ", ":", "mức", "khoảng", "đạt",
    "3 - ",
]  # fmt: skip


def test_amount_window_prefilter_agrees_with_the_regex() -> None:
    """A number's window is tested with `endswith` first; the regex alone gives the same verdicts."""
    from transforms.extract.metrics import NOT_AMOUNT_BEFORE_RE, _not_amount_before

    rng = random.Random(13)
    for _ in range(4000):
        window = fold("".join(rng.choice(AMOUNT_WINDOW_PIECES) for _ in range(rng.randint(0, 8))))[-25:]
        assert _not_amount_before(window) == bool(NOT_AMOUNT_BEFORE_RE.search(window)), repr(window)


def test_nearest_heading_above_equals_the_walk_back() -> None:
    from transforms.extract.targets import _headings_above, _is_heading

    lines = ["Mục tiêu đến năm 2025", "II. Kết quả", "Tỷ lệ đạt 80%.", "Năm 2024, tỉnh có 12 xã.", "", "a; b"]
    rng = random.Random(17)
    for _ in range(300):
        text = fold("\n".join(rng.choice(lines) for _ in range(rng.randint(1, 40))))
        sentences = split_sentences(text)
        above = _headings_above(text, sentences)
        for i in range(len(sentences)):
            walk = next((j for j in range(i, -1, -1) if _is_heading(text, sentences[j])), -1)
            assert above[i] == walk, (text, i)
