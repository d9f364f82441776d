"""What a figure is: a result or a target, for which period, at which level of government.

Provincial reports mix what was achieved with what is planned: "tỷ lệ hồ sơ trực tuyến đạt 57,4%"
beside "phấn đấu đến năm 2025 đạt 80%". A figure is a target when a cue of intent (phấn đấu, mục
tiêu, chỉ tiêu, kế hoạch đề ra, dự kiến, "đến năm 2025 ... đạt") stands before it in its sentence, or
the sentence goes on from one that set targets ("Đồng thời, 80% người dân ..."). A figure measured
against a plan is a result: "đạt 105% kế hoạch", "hoàn thành 90% mục tiêu". The period is the one the
sentence names before the figure ("9 tháng đầu năm 2024", "quý I/2025", "năm 2023"), a target's is
its deadline year, and a figure with none is as of the document's date. The level is the one named
beside the figure ("55% đối với cấp tỉnh, 40% đối với cấp huyện").
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date

from transforms.extract.metrics import AGAINST_PLAN_RE
from transforms.extract.sentences import Sentence
from transforms.extract.text import tones
from transforms.model import AdminLevel, Metric

# Regexes are written as Vietnamese is spelt and matched against folded text (new-style tone marks).
# Cues of intent; each opens a target scope that runs to the end of its sentence.
TARGET_CUE_RE = re.compile(
    tones(
        r"phấn đấu|mục tiêu|chỉ tiêu|kế hoạch|dự kiến|dự báo|yêu cầu|thúc đẩy|tầm nhìn"
        r"|cam kết|đề ra|đặt ra|sẽ\s+(?:đạt|có)|(?:đến|tới)\s+(?:cuối\s+|hết\s+)?năm\s+(?:19|20)\d{2}"
    )
)
# The scope ends where the sentence turns to what was achieved.
RESULT_CUE_RE = re.compile(
    tones(
        r"hiện\s+(?:nay|đã|đạt|là|có)|đã\s+(?:đạt|có|hoàn thành)|kết quả|thực hiện được|lũy kế"
        r"|tính đến|đến nay"
    )
)
# A sentence that speaks of what was achieved before its plan words cites the plan, it sets no target.
ACHIEVED_RE = re.compile(
    tones(r"đã\s+(?:đạt|có|hoàn thành|thực hiện)|tính đến|đến nay|hiện\s+(?:nay|đã|đạt)")
)
ACHIEVED_AFTER_CUE_RE = re.compile(
    tones(r"[^\d;.]{0,40}?(?:mới đạt|đã đạt|đạt được|đạt khá|đạt tốt|hoàn thành)")
)
# A heading that announces the goals listed under it ("Mục tiêu đến năm 2025", "II. Chỉ tiêu cụ thể"),
# how long a heading line may be, and how many sentences above a figure its heading is looked for.
TARGET_HEADING_RE = re.compile(
    tones(r"\W*(?:[ivx]+|\d+|[a-z])?[.)]?\s*(?:các\s+)?(?P<cue>mục tiêu|chỉ tiêu|phấn đấu|định hướng)")
)
HEADING_MAX = 80
HEADING_REACH = 30
# A figure measured against a plan is an achievement: "đạt 105% kế hoạch", "hoàn thành 90% mục tiêu".
FIGURE_BEFORE_RE = re.compile(tones(r"(?:\d|%)\s*(?:so với\s+)?$"))
# A sentence that goes on with the targets of the one before.
CONTINUES_RE = re.compile(tones(r"\W*(?:đồng thời|bên cạnh đó|ngoài ra|cùng với đó)\b"))
DEADLINE_RE = re.compile(
    tones(
        r"(?:đến|tới|trước)\s+(?:cuối\s+|hết\s+)?(?:năm\s+)?(?P<by>(?:19|20)\d{2})"
        r"|giai đoạn\s+(?:19|20)\d{2}\s*[-–]\s*(?P<span>(?:19|20)\d{2})"
        r"|năm\s+(?P<year>(?:19|20)\d{2})"
    )
)
# A year set off by a comma before the cue frames the sentence: "Năm 2022, thành phố đặt ra chỉ tiêu".
FRAMING_YEAR_RE = re.compile(tones(r"năm\s+(?P<year>(?:19|20)\d{2})\s*,"))
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
WORD_MONTHS = {"sáu": 6, "chín": 9, "ba": 3}
PERIOD_RE = re.compile(
    tones(
        r"quý\s+(?P<q>iv|iii|ii|i|[1-4])\s*(?:/|năm\s+)(?P<qy>(?:19|20)\d{2})"
        r"|(?P<n>\d{1,2}|sáu|chín|ba)\s+tháng\s+(?P<half>đầu|cuối)\s+năm\s+(?P<ny>(?:19|20)\d{2})"
        r"|(?:giai đoạn|thời kỳ)\s+(?P<from>(?:19|20)\d{2})\s*[-–]\s*(?P<to>(?:19|20)\d{2})"
        r"|năm\s+(?P<y>(?:19|20)\d{2})"
    )
)
# A year after these is a comparison or a deadline, not the figure's period.
NOT_PERIOD_BEFORE_RE = re.compile(tones(r"(?:so với|từ|trước|sau|đến|tới|cuối|hết)\s+$"))
LEVEL_RE = re.compile(
    tones(r"(?:cấp|chính quyền)\s+(?P<level>tỉnh|thành phố|huyện|xã)(?![\w])|(?P<nation>toàn quốc|cả nước)")
)
LEVELS: dict[str, AdminLevel] = {
    "tỉnh": "province",
    "thành phố": "province",
    "huyện": "district",
    "xã": "commune",
}
CLAUSE_BREAK_RE = re.compile(tones(r"[,;:()]"))
# Characters after a figure, then before it, in which its level may be named.
LEVEL_AFTER, LEVEL_BEFORE = 40, 40


@dataclass(frozen=True, slots=True)
class _Scope:
    start: int  # where the cue of intent opens it
    deadline: int | None


def annotate(
    metrics: list[Metric], text_folded: str, sentences: list[Sentence], as_of: date | None
) -> list[Metric]:
    """Each metric with its target flag and deadline, its period and its level."""
    starts = [s.start for s in sentences]
    scopes: dict[int, _Scope | None] = {}
    headings: list[int] = []  # per sentence, the nearest heading at or above it (-1: none), built once

    def heading_at_or_above(i: int) -> int:
        if not headings:
            headings.extend(_headings_above(text_folded, sentences))
        return headings[i]

    def scope_of(i: int) -> _Scope | None:
        """The target scope of sentence i: its own, the one it goes on with ('Đồng thời, ...'), or the
        one of the heading it stands under ('Mục tiêu đến năm 2025' then the list of goals)."""
        if i not in scopes:
            s = sentences[i]
            s_folded = text_folded[s.start : s.end]
            before = scope_of(i - 1) if i > 0 and CONTINUES_RE.match(s_folded) else None
            own = _Scope(s.start, before.deadline) if before else _scope(s_folded, s.start)
            heading = None
            if not own and heading_at_or_above(i) != i and i > 0:
                heading = _heading_scope(text_folded, sentences, i, heading_at_or_above(i - 1))
            scopes[i] = own or (_Scope(s.start, heading.deadline) if heading else None)
        return scopes[i]

    out = []
    for m in metrics:
        i = bisect.bisect_right(starts, m.span.start) - 1
        s = sentences[i]
        out.append(_annotated(m, text_folded, s, scope_of(i), as_of))
    return out


def _is_heading(text_folded: str, s: Sentence) -> bool:
    """A line of its own, short, with no closing punctuation: a section heading."""
    line = text_folded[s.start : s.end].strip()
    own_line = (s.start == 0 or text_folded[s.start - 1] == "\n") and text_folded.startswith("\n", s.end)
    return own_line and 0 < len(line) <= HEADING_MAX and line[-1] not in ".;:,!?"


def _headings_above(text_folded: str, sentences: list[Sentence]) -> list[int]:
    """For each sentence, the index of the nearest heading at or above it, or -1: one pass, so a figure
    finds its heading without walking back over the sentences between."""
    out: list[int] = []
    last = -1
    for i, s in enumerate(sentences):
        if _is_heading(text_folded, s):
            last = i
        out.append(last)
    return out


def _heading_scope(text_folded: str, sentences: list[Sentence], i: int, j: int) -> _Scope | None:
    """The scope of heading j, the nearest one above sentence i, if it is near and announces goals."""
    if j < 0 or j <= i - HEADING_REACH:
        return None
    s = sentences[j]
    heading = text_folded[s.start : s.end]
    cue = TARGET_HEADING_RE.match(heading)
    return _Scope(s.start, _deadline(heading, cue.start("cue"))) if cue else None


def _scope(s_folded: str, s_start: int) -> _Scope | None:
    """The target scope a sentence opens, if any. A plan noun right after a figure ('đạt 100% mục
    tiêu', '86% chỉ tiêu') measures that figure against the plan: it opens nothing."""
    for cue in TARGET_CUE_RE.finditer(s_folded):
        if ACHIEVED_RE.search(s_folded, 0, cue.end()):
            return None  # 'Đến nay, tỉnh đã hoàn thành các nhiệm vụ đặt ra ...', 'Tính đến năm 2025, ...'
        if ACHIEVED_AFTER_CUE_RE.match(s_folded, cue.end()):
            continue  # 'Một số chỉ tiêu của tỉnh mới đạt khá: ...': the measures reached, no goal
        if not FIGURE_BEFORE_RE.search(s_folded, 0, cue.start()):
            return _Scope(s_start + cue.start(), _deadline(s_folded, cue.start()))
    return None


def _deadline(s_folded: str, cue_start: int) -> int | None:
    """The deadline a target names: 'đến (cuối) năm 2025', 'giai đoạn 2022-2025', 'kế hoạch ... năm 2023',
    or a year that frames the sentence before it ('Năm 2022, thành phố đặt ra chỉ tiêu ...')."""
    m = DEADLINE_RE.search(s_folded, cue_start)
    if m:
        return int(m["by"] or m["span"] or m["year"])
    framing = list(FRAMING_YEAR_RE.finditer(s_folded, 0, cue_start))
    return int(framing[-1]["year"]) if framing else None


def _annotated(m: Metric, text_folded: str, s: Sentence, scope: _Scope | None, as_of: date | None) -> Metric:
    is_target = (
        scope is not None
        and scope.start <= m.span.start
        and not RESULT_CUE_RE.search(text_folded, scope.start, m.span.start)
        and not AGAINST_PLAN_RE.match(text_folded, m.span.end)
    )
    level = _level(text_folded, s, m.span.start, m.span.end)
    if is_target and scope is not None:
        year = scope.deadline
        start, end = (date(year, 1, 1), date(year, 12, 31)) if year else (None, None)
        return _with(m, True, year, start, end, level)
    start, end = _period(text_folded, s.start, m.span.start) or (as_of, as_of)
    return _with(m, m.target, m.target_year, start, end, level)


def _with(m: Metric, target: bool, year: int | None, start: date | None, end: date | None,
          level: AdminLevel | None) -> Metric:  # fmt: skip
    """`dataclasses.replace` for the annotated fields, spelt out: replace costs twice as much, per figure."""
    return Metric(m.kind, m.value, m.unit, m.raw, m.subject, m.indicator, m.span, target, year, start, end,
                  level, m.confidence)  # fmt: skip


def _period(text_folded: str, lo: int, pos: int) -> tuple[date, date] | None:
    """The period named nearest before a figure in its sentence, leaving out compared years."""
    found = [
        p
        for p in PERIOD_RE.finditer(text_folded, lo, pos)
        if not NOT_PERIOD_BEFORE_RE.search(text_folded[max(lo, p.start() - 12) : p.start()])
    ]
    return _dates_of(found[-1]) if found else None


def _dates_of(p: re.Match[str]) -> tuple[date, date]:
    if p["q"]:
        year, quarter = int(p["qy"]), ROMAN[p["q"]]
        return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    if p["n"]:
        year = int(p["ny"])
        months = int(p["n"]) if p["n"].isdigit() else WORD_MONTHS[p["n"]]
        months = min(max(months, 1), 12)
        if p["half"] == "cuối":
            return date(year, 13 - months, 1), date(year, 12, 31)
        return date(year, 1, 1), _month_end(year, months)
    if p["from"]:
        return date(int(p["from"]), 1, 1), date(int(p["to"]), 12, 31)
    return date(int(p["y"]), 1, 1), date(int(p["y"]), 12, 31)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _level(text_folded: str, s: Sentence, start: int, end: int) -> AdminLevel | None:
    """The level named right after the figure in its clause ('40% đối với cấp huyện'), else right before
    it ('cấp xã đạt 80%')."""
    after = text_folded[end : min(s.end, end + LEVEL_AFTER)]
    after = CLAUSE_BREAK_RE.split(after, maxsplit=1)[0]
    m = LEVEL_RE.search(after)
    if m is None:
        before = text_folded[max(s.start, start - LEVEL_BEFORE) : start]
        before = CLAUSE_BREAK_RE.split(before)[-1]
        found = list(LEVEL_RE.finditer(before))
        m = found[-1] if found else None
    if m is None:
        return None
    return "national" if m["nation"] else LEVELS[m["level"]]
