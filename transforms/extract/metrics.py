"""Percentages and counted amounts, with the unit noun, subject and evidence they were read from.

A quantity is a number followed by a unit noun from the domain vocabulary (data/unit_nouns.txt);
what the annotation rules exclude never reaches that test: dates and times, years, periods,
ages, ranks and rank steps, document numbers, versions ("4.0"), technology names ("4G"),
DTI scores, top-N group sizes and rate bases ("98 thuê bao trên 100 dân"). In "x/y" counts
only x is a quantity ("27/27 huyện" → 27 huyện). Facts in a repeated sentence count once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transforms.extract.confidence import metric_confidence
from transforms.extract.indicators import indicator_for, unit_fits
from transforms.extract.numbers import NUMBER, SCALES, is_decimal, parse_amount
from transforms.extract.sentences import Sentence
from transforms.extract.text import WB_R, alternation, squash, tones
from transforms.model import Metric, Span

PERCENT_RE = re.compile(
    r"(?P<a>"
    + NUMBER
    + r")(?:\s*%?\s*(?:[-–]|đến|tới)\s*(?P<b>"
    + NUMBER
    + r"))?\s*(?:%|phần trăm"
    + WB_R
    + ")"
)
SCALE = r"(?:\s+(?P<scale>" + "|".join(SCALES) + r")(?![\w]))?"
# x or x/y, then an optional scale word; the unit is tested on what follows.
AMOUNT_RE = re.compile(r"(?P<x>" + NUMBER + r")(?:\s*/\s*(?P<y>" + NUMBER + r"))?" + SCALE)
# Words right before a number that make it an identifier, an ordinal, a date part or a group size.
NOT_AMOUNT_WORDS = (
    "thứ", "lần", "top", "tốp", "nhóm", "khóa", "khoá", "phiên bản", "version", "mức độ", "mức", "cấp độ",
    "giai đoạn", "năm", "tháng", "ngày", "quý", "quí", "tuần", "kỳ", "đợt", "cụm", "chương", "điều", "khoản",
    "mục", "bài", "phần", "lúc", "hotline", "điện thoại", "đt", "fax", "xem", "trang", "tầng", "phòng",
    "quyết định", "nghị quyết", "nghị định", "thông tư", "chỉ thị", "kế hoạch", "công văn", "đề án", "luật",
    "ban chỉ đạo",
)  # fmt: skip
NOT_AMOUNT_BEFORE_RE = re.compile(
    tones(
        r"(?:(?:(?<!tổng )(?<!tế )(?<!hội )(?<!đổi )(?<!quyền )\bsố|"
        + "|".join(NOT_AMOUNT_WORDS)
        + r")\s*:?\s*"
        r"|[-–/.,:]|\d\s*[-–]\s*)$"
    )
)
# Every match of NOT_AMOUNT_BEFORE_RE ends, blank space aside, with one of these: a window that does not
# is let through with one `endswith` instead of a regex search tried at each of its characters.
NOT_AMOUNT_ENDINGS = (*(tones(w) for w in ("số", *NOT_AMOUNT_WORDS)), *"-–/.,:")
# A day/month right after these is a date ("ngày 11/11", "sáng 12/12"), whatever noun follows.
DATE_CUE_BEFORE_RE = re.compile(r"(?:ngày|hôm|sáng|chiều|tối|trưa|đêm|từ|đến|tới)\s*$")
GLUED_AFTER_RE = re.compile(r"^(?:[-–/.]\d|\s*[-–]\s*\d)")
# Used with .match(text, pos, endpos) (no copy of the rest of the sentence), so no '^'.
SUPERLATIVE_RE = re.compile(r"[^;.:]{0,60}?(?:cao nhất|thấp nhất|dẫn đầu|đứng đầu|tốt nhất|xuất sắc nhất)")
RATE_BASE_RE = re.compile(r"(?:trên|/)\s*$")
PER_CAPITA_UNITS = ("dân", "dân số")  # "trên 1.000 người" is "more than 1,000 people"
DENOMINATOR_BEFORE_RE = re.compile(r"(?:trên|trong|dẫn đầu|đứng đầu|cả|xếp hạng)\s+$")
DIGIT_RE = re.compile(r"\d")
YEAR_SHAPED_RE = re.compile(r"(?:19|20)\d{2}")
YEAR_WORD_BEFORE_RE = re.compile(r"(?:năm|dti)\s*$")
RATE_PHRASE_BEFORE_RE = re.compile(r"(?<![\w.,])\d(?:[\d.,]*\d)?\s+\w+(?:\s+\w+)?\s+trên\s*$")
BRACKETED_ACRONYM_RE = re.compile(r"\(([A-ZĐ]{2,}[a-z]?)\)")
COUNTED_NOUN_RE = re.compile(r"(?:số|Số)\s+([^\d,;:()]{3,40}?)\s+(?:của|là|đạt|được|có)\b")
CLAUSE_END_RE = re.compile(r"[,;(.]")
SUBJECT_END_RE = re.compile(r"[,;:(.]")


# An acronym written in capitals also names what is counted (DVCTT, TTHC, BTS); read on the original text.
ACRONYM_UNIT_RE = re.compile(r"\s*[A-ZĐ]{2,}[a-z]?(?![\w])")


@lru_cache(maxsize=1)
def _unit_noun_re() -> re.Pattern[str]:
    """Unit nouns, matched on the folded text."""
    lines = (Path(__file__).with_name("data") / "unit_nouns.txt").read_text(encoding="utf-8").splitlines()
    nouns = [line for line in lines if line.strip() and not line.startswith("#")]
    return re.compile(r"\s*(?:" + alternation(nouns) + r")" + WB_R)


# Any other lower-case noun after a number counts it ("42 gian trưng bày", "3.000 điện thoại", "13 trung
# tâm"), unless it is a time word, an age, a rank step, a structural or score word, or a function word.
NOT_UNIT_WORDS = "|".join(
    (
        # time, age, rank, structure and score words
        "năm|tháng|ngày|giờ|phút|giây|tuần|quý|quí|kỳ|đêm|thế kỷ|thập niên|sáng|chiều|tối|trưa|tuổi",
        "bậc|hạng|cấp|trụ cột|lần|điểm|phần|nhóm|top|tốp|mức|thứ|giai đoạn",
        # function words
        "và|với|của|là|so|trên|dưới|đến|tới|từ|trong|theo|tại|ở|có|đã|được|đạt|thì|mà|nhưng|hoặc|hay",
        "cho|về|khi|sau|trước|để|như|này|đó|nào|các|những|mỗi|một|hơn|gần|khoảng|cùng|đều|vẫn|còn|chỉ",
        "mới|đang|sẽ|bị|không|chưa|cũng|tăng|giảm|lên|xuống|ra|vào|nay|rồi|thêm|nữa|chiếm|bằng|gấp|trở",
    )
)
_NOUN_WORD = r"(?!(?:" + tones(NOT_UNIT_WORDS) + r")" + WB_R + r")[a-zà-ỹđ]+"
NOUN_UNIT_RE = re.compile(r"[ \t]+" + _NOUN_WORD + r"(?:[ \t]+" + _NOUN_WORD + r")?" + WB_R)


def _unit_at(ctx: MetricContext, pos: int, *, any_noun: bool = True) -> tuple[str, int] | None:
    """The unit written right after a number, with where it ends: a domain unit noun, an acronym
    (read on the original text, so it must be written in capitals) or, failing those, a lower-case noun."""
    m = (
        _unit_noun_re().match(ctx.text_folded, pos)
        or ACRONYM_UNIT_RE.match(ctx.text, pos)
        or (_lower_noun(ctx.text, pos) if any_noun else None)
    )
    return (squash(ctx.text[m.start() : m.end()]), m.end()) if m else None


def _lower_noun(text: str, pos: int) -> re.Match[str] | None:
    """Lower-case in the original text: a capitalised word after a number starts a name, not a unit."""
    return NOUN_UNIT_RE.match(text, pos)


@dataclass(frozen=True, slots=True)
class MetricContext:
    text: str
    text_folded: str
    sentences: list[Sentence]
    excluded: list[tuple[int, int]]  # spans already read as ranks, dates, legal numbers


class SpanCover:
    """Which characters a set of spans covers, built once per document: testing whether a number
    overlaps any excluded span is then one C-level `find` instead of a Python loop over the spans."""

    def __init__(self, size: int, spans: list[tuple[int, int]]) -> None:
        self._covered = bytearray(size)
        self._empty: list[tuple[int, int]] = []  # (a, a) covers no character yet "overlaps" a < a
        for a, b in spans:
            if a < b:
                self._covered[a:b] = b"\x01" * (b - a)
            else:
                self._empty.append((a, b))

    def overlaps(self, start: int, end: int) -> bool:
        """Same answer as `_overlaps(start, end, spans)` for a non-empty start < end."""
        if self._covered.find(1, start, end) >= 0:
            return True
        return bool(self._empty) and _overlaps(start, end, self._empty)


def extract_metrics(ctx: MetricContext) -> list[Metric]:
    """Every percentage and every quantity with a unit noun, in text order."""
    out: list[Metric] = []
    excluded = SpanCover(len(ctx.text_folded), ctx.excluded)
    for s in ctx.sentences:
        if s.repeat or not DIGIT_RE.search(ctx.text_folded, s.start, s.end):
            continue  # every percentage and quantity starts with a digit
        percents = _percents(ctx, s)
        taken = [(m.span.start, m.span.end) for m in percents]
        out.extend(percents)
        out.extend(_quantities(ctx, s, taken, excluded))
    return sorted(out, key=lambda m: m.span.start)


def _percents(ctx: MetricContext, s: Sentence) -> list[Metric]:
    out: list[Metric] = []
    for m in PERCENT_RE.finditer(ctx.text_folded, s.start, s.end):
        for g in ("a", "b"):
            if m[g] is None:
                continue
            subject = _subject(ctx.text, s.start, m.start(), m.end(), s.end)
            value = parse_amount(m[g])
            confidence = metric_confidence("percent", value, True, False, range_end=m["b"] is not None)
            out.append(_metric(ctx, s, "percent", value, "%", m.start(g), m.end(), subject, confidence))
    return out


def _quantities(
    ctx: MetricContext, s: Sentence, taken: list[tuple[int, int]], excluded: SpanCover
) -> list[Metric]:
    out: list[Metric] = []
    for m in AMOUNT_RE.finditer(ctx.text_folded, s.start, s.end):
        start, end = m.start("x"), m.end()
        if _overlaps(start, end, taken) or excluded.overlaps(start, end) or not _is_amount(ctx, s, m):
            continue
        unit = _unit_at(ctx, end)
        unit_text = unit[0] if unit else None
        if unit_text is None and not _is_bare_fraction(m):
            continue
        if unit_text and _is_rate_base_or_denominator(ctx.text_folded, s.start, start, m["x"], unit_text):
            continue
        value = parse_amount(m["x"], m["scale"])  # "8 tỷ đồng" is 8,000,000,000 đồng: values fully expanded
        unit_text = unit_text or _unit_before(ctx.text, s.start, start)
        raw_end = unit[1] if unit else end
        subject = _subject(ctx.text, s.start, start, raw_end, s.end) or unit_text
        listed = unit is not None and _unit_noun_re().match(ctx.text_folded, end) is not None
        confidence = metric_confidence("quantity", value, listed, fraction=unit is None, range_end=False)
        out.append(_metric(ctx, s, "quantity", value, unit_text, start, raw_end, subject, confidence))
    return out


def _is_amount(ctx: MetricContext, s: Sentence, m: re.Match[str]) -> bool:
    before = ctx.text_folded[max(s.start, m.start() - 25) : m.start()]
    after = (
        ctx.text_folded[m.end("x") : m.end("x") + 4] if not m["y"] else ctx.text_folded[m.end() : m.end() + 4]
    )
    x = m["x"]
    if _not_amount_before(before) or GLUED_AFTER_RE.match(after):
        return False
    if is_decimal(x) and not m["scale"]:
        return False  # "0,8340" scores, "4.0" versions, "18.2" dates: counts are whole numbers
    if m["y"] and _looks_like_date(x, m["y"]):
        # "12/12 huyện, thị xã", "11/11 xã": a count of a listed unit noun, unless a date cue precedes
        counted = not YEAR_SHAPED_RE.fullmatch(m["y"]) and _unit_at(ctx, m.end(), any_noun=False)
        return bool(counted) and not DATE_CUE_BEFORE_RE.search(before)
    if YEAR_SHAPED_RE.fullmatch(x) and not m["y"]:
        # a year-shaped number needs a real unit noun: "DTI 2021 không phải là ..." is a year
        return bool(_unit_at(ctx, m.end(), any_noun=False)) and not YEAR_WORD_BEFORE_RE.search(before)
    return not SUPERLATIVE_RE.match(ctx.text_folded, m.end(), s.end)


def _not_amount_before(before: str) -> bool:
    return before.rstrip().endswith(NOT_AMOUNT_ENDINGS) and NOT_AMOUNT_BEFORE_RE.search(before) is not None


def _looks_like_date(x: str, y: str) -> bool:
    """'7/2024' (month/year) and '10/10', '24/12' (day/month) are dates; '8/11 mục tiêu' has a unit."""
    if YEAR_SHAPED_RE.fullmatch(y):
        return True
    return (
        x.isdigit()
        and y.isdigit()
        and 1 <= int(x) <= 31
        and 1 <= int(y) <= 12
        and len(y) <= 2
        and len(x) <= 2
    )


def _is_bare_fraction(m: re.Match[str]) -> bool:
    """'1.542/1.871, gồm ...': a count out of a total even without a unit; rank denominators are not."""
    if not m["y"]:
        return False
    x, y = parse_amount(m["x"]), parse_amount(m["y"])
    return y >= x and y > 12 and y not in (63.0, 34.0) and not is_decimal(m["x"])


def _is_rate_base_or_denominator(text_folded: str, s_start: int, start: int, x: str, unit: str) -> bool:
    before = text_folded[max(s_start, start - 15) : start]
    if (
        x in ("63", "34")
        and unit.lower().startswith(("tỉnh", "địa phương"))
        and DENOMINATOR_BEFORE_RE.search(before)
    ):
        return True  # "xếp thứ nhất trên 34 tỉnh", "dẫn đầu 63 tỉnh"
    prior = text_folded[max(s_start, start - 40) : start]
    if RATE_BASE_RE.search(before) and unit.lower() in PER_CAPITA_UNITS:
        return True  # "số doanh nghiệp công nghệ số trên 1.000 dân": the base of a rate
    return bool(RATE_BASE_RE.search(before)) and bool(RATE_PHRASE_BEFORE_RE.search(prior))


def _unit_before(text: str, s_start: int, start: int) -> str:
    """For a bare 'x/y' count, the thing counted: an acronym in brackets or the noun after 'số'."""
    before = text[s_start:start]
    acronym = BRACKETED_ACRONYM_RE.findall(before)
    if acronym:
        return acronym[-1]
    noun = COUNTED_NOUN_RE.findall(before)
    return squash(noun[-1]) if noun else ""


def _clause_after(text: str, end: int, s_end: int) -> str:
    return CLAUSE_END_RE.split(text[end:s_end], maxsplit=1)[0]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


# A percentage measured against a plan ("đạt 79% mục tiêu", "hoàn thành 86% kế hoạch") has its own code.
AGAINST_PLAN_RE = re.compile(tones(r"\s*(?:so với\s+)?(?:kế hoạch|mục tiêu|chỉ tiêu|kh\b)"))
PLAN_PROGRESS_CODE = "targets_achieved_pct"
# A percentage followed by the noun phrase it measures ("50% có chữ ký số", "100% xã được phủ sóng"),
# not by a connective, a level or punctuation.
FIGURE_FIRST_RE = re.compile(
    r"\s+(?!(?:và|hoặc|so với|đối với|trong|tại|ở|trên|dưới|trở lên|trở xuống|của|cấp|kế hoạch|mục tiêu"
    r"|chỉ tiêu|vào|năm|tháng|là|thì|nhưng|được giao)(?![\w]))[a-zà-ỹđ]"
)
NEXT_FIGURE_RE = re.compile(r"\s(?:và|hoặc)\s|\d")
LEAD_FILLER_RE = re.compile(
    r"^(?:và|với|trong đó|đạt|có|gồm|là|khoảng|trên|hơn|gần|đến nay|hiện nay)\s+", re.I
)
TAIL_FILLER_RE = re.compile(r"\s+(?:đạt(?: tỷ lệ)?|là|có|với|gồm|đạt được|khoảng|trên|hơn|gần|được)$", re.I)


def _subject(text: str, s_start: int, pos: int, end: int, s_end: int) -> str:
    """What the figure measures: the words before it in its clause, or after it when those say nothing."""
    before = text[s_start:pos]
    cut = max(before.rfind(","), before.rfind(";"), before.rfind(":"), before.rfind("("))
    if cut >= 0 and len(before[cut + 1 :].split()) < 3:  # "..., đạt 91%": the thing is the clause before
        cut = max(
            before.rfind(",", 0, cut),
            before.rfind(";", 0, cut),
            before.rfind(":", 0, cut),
            before.rfind("(", 0, cut),
        )
    words = TAIL_FILLER_RE.sub("", LEAD_FILLER_RE.sub("", squash(before[cut + 1 :] if cut >= 0 else before)))
    if len(words.split()) >= 3:
        return words[-120:].strip(" -–")
    after = SUBJECT_END_RE.split(text[end:s_end], maxsplit=1)[0]
    return squash(f"{words} {after}")[:120].strip(" -–")


def _metric(ctx: MetricContext, s: Sentence, kind: str, value: float, unit: str, start: int, end: int,
            subject: str, confidence: float) -> Metric:  # fmt: skip
    raw = squash(ctx.text[start:end])
    after = _clause_after(ctx.text, end, s.end)
    if kind == "percent" and AGAINST_PLAN_RE.match(ctx.text_folded, end):
        indicator: str | None = PLAN_PROGRESS_CODE  # "đạt 79% mục tiêu": progress against the plan
    elif kind == "percent" and FIGURE_FIRST_RE.match(ctx.text_folded, end):
        # "80% dân số trưởng thành có định danh điện tử": the words after the figure are what it measures
        indicator = indicator_for(kind, f"{unit} {NEXT_FIGURE_RE.split(after, maxsplit=1)[0]}")
    else:
        # what the words around say first ("tiếp nhận 12.500 hồ sơ"), else what the unit alone says
        contexts = [f"{subject} {unit} {after}", *([f"{unit} {after}"] if kind == "quantity" else [])]
        indicator = next(
            (code for c in contexts if (code := indicator_for(kind, c)) and unit_fits(code, kind, unit)), None
        )
    if indicator == PLAN_PROGRESS_CODE and not AGAINST_PLAN_RE.match(ctx.text_folded, end):
        indicator = None  # only a figure measured against a plan is progress against it
    if indicator and not unit_fits(indicator, kind, unit):
        indicator = None  # a code's kind and units are part of its definition
    return Metric(kind=kind, value=value, unit=unit, raw=raw, subject=subject, indicator=indicator,  # type: ignore[arg-type]
                  span=Span(evidence=s.evidence, start=start, end=end), confidence=confidence)  # fmt: skip
