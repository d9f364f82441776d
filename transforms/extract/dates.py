"""Dates in Vietnamese reports: printed dates, the publication stamp and the reported event's date.

Event lines give day and month only ("Chiều 24/12", "Sáng 10-1", "Sáng 18.2"); the year comes
from the article's own clues, read the way a Vietnamese reader does: a year-end review
("tổng kết năm 2022, triển khai năm 2023") held in January–March belongs to the next year,
a DTI announcement of edition N happens on its known announcement date, and otherwise the
year the text itself names, its store stamp, or the newest past year it mentions.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from transforms.extract.sentences import Sentence
from transforms.extract.text import WB_L, fold

DATA = Path(__file__).with_name("data")

# d/m/yyyy, d-m-yyyy, d.m.yyyy and "ngày 16 tháng 9 năm 2022". The day is `\d(?<![\d/.-]\d)\d?`, i.e.
# `(?<![\d/.-])\d{1,2}` with the lookbehind after the first digit, so `re` skips straight to digits.
FULL_DATE_RE = re.compile(r"(\d(?<![\d/.-]\d)\d?)([/.-])(\d{1,2})\2((?:19|20)\d{2})(?![\d])")
WORDY_DATE_RE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})", re.I)
# A time-of-day or "Ngày" opener at a sentence/dateline start, then day/month: the event line.
# "Hôm qua (12/6)" / "chiều qua 9/3" date the day before publication like "hôm nay" dates the day itself;
# "được công bố chiều 18/2", "khai mạc sáng 5/3": an announcement verb right before the time of day.
# A clock time may open the line ("14h ngày 19/10/2021", "Lúc 8 giờ 30 sáng 5/3"); the date may be wordy
# ("Sáng nay ngày 16 tháng 9 năm 2022").
EVENT_RE = re.compile(
    r"(?:^|[-–—:)]\s+|,\s+|(?P<verb>diễn ra|công bố|khai mạc|tổ chức|bế mạc)\s+(?:vào\s+)?|(?<=\s)vào\s+)"
    r"(?:(?:lúc\s+)?\d{1,2}\s*(?:h|giờ)(?:\s*\d{1,2}(?:\s*phút)?)?\s*,?\s*)?"
    r"(?P<tod>sáng|chiều|tối|trưa|ngày|hôm nay|hôm qua)(?:\s+(?:nay|qua))?\s*(?:ngày\s*)?\(?"
    r"(?P<d>\d{1,2})(?:\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})(?:(?P=sep)(?P<y>(?:19|20)\d{2}))?"
    r"|\s+tháng\s+(?P<wm>\d{1,2})(?:\s+năm\s+(?P<wy>(?:19|20)\d{2}))?)(?!\d)",
    re.I,
)
STAMP_RE = re.compile(r"^\s*date\s+(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})(?:-(?P<d>\d{2}))?\b")
DMY = r"(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})"
# Dated header lines: "Cập nhật ngày: 16/09/2022 16:49", "21/09/2022 23:14", "Tùng Anh - 10:02, 17/07/2023",
# "Thứ ba, 21/03/2023".
PUBLISHED_LINE_RES = (
    re.compile(r"(?:cập nhật|ngày đăng|đăng ngày|xuất bản|đăng lúc)[^:\d]{0,12}:?\s*" + DMY, re.I),
    re.compile(DMY + r",?\s+\d{1,2}:\d{2}"),
    re.compile(r"\d{1,2}:\d{2}(?::\d{2})?,?\s+" + DMY),
    re.compile(r"^\s*(?:thứ\s+\w+|chủ nhật)\s*,\s*" + DMY + r"\s*$", re.I),
    # A date line on its own, or with a time or a "|"/"·" trailer: "22/4/2025", "15/08/2025 | 10:12",
    # "> 30/9/2025 · Chuyên mục: ...", "Ngày 27/12/2023 | 18:40".
    re.compile(r"^\W*(?:ngày\s+)?" + DMY + r"\W*(?:(?<=[|·])\s*.*|\d{1,2}:\d{2}.*)?$", re.I),
)
# A dateline or an official document's place-and-date line: "Lào Cai, ngày 12/4/2023 - ...",
# "Bắc Ninh, ngày 28 tháng 6 năm 2024".
DATELINE_RES = (
    re.compile(r"(?:^|[—–*]\s*)[^\W\d][^,\n]{1,30},\s*ngày\s+" + DMY, re.I),
    re.compile(
        r"(?:^|[—–*]\s*)[^\W\d][^,\n]{1,30},\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})",
        re.I,
    ),
)
HEADER_LINES = 12
# The lead of a story (its first LEAD sentences of at least LEAD_MIN characters) says what it reports.
LEAD, LEAD_MIN = 3, 30
ANNOUNCEMENT_NEWS_RE = re.compile(
    r"vừa\s+(?:chính thức\s+)?(?:công bố|công khai)"
    r"|công bố[^.;]{0,80}?\stại\s+(?:chương trình|hội nghị|lễ|sự kiện|hội thảo|phiên)"
)
ANNOUNCEMENT_NEWS_WINDOW = timedelta(days=14)
# The number of an administrative act: a plan (KH), decision (QĐ), directive (CT), resolution (NQ) or
# notice (TB) is issued on its date; a report (BC) describes a period and dates no event.
OFFICIAL_NUMBER_RE = re.compile(r"\s*số\s*:\s*\d+[^\n/]*/(?:kh|qđ|qd|ct|nq|tb)\b", re.I)
YEAR_RE = re.compile(WB_L + r"(?:năm|dti)\s+((?:19|20)\d{2})(?![\d])")
# Years that look ahead or compare are not the year of the report.
NOT_REPORT_YEAR_RE = re.compile(r"(?:đến|tới|định hướng|tầm nhìn|so với|giai đoạn|trước|từ)\s+(?:năm\s+)?$")
REVIEW_RE = re.compile(r"tổng kết|đánh giá|sơ kết|kết quả|nhìn lại|báo cáo")
PLAN_RE = re.compile(r"kế hoạch|nhiệm vụ|phương hướng|mục tiêu")
PART_YEAR_RE = re.compile(r"(?:\d+|sáu|chín|ba)\s+tháng|quý|quí")
ANNOUNCE_RE = re.compile(r"công bố|công khai|trao|xếp hạng")
DTI_RE = re.compile(
    r"\bdti\b|chỉ số\s+(?:đánh giá\s+)?(?:về\s+)?chuyển đổi số|mức độ chuyển đổi số"
    r"|xếp hạng\s+(?:về\s+)?chuyển đổi số"
)
ISSUE_RE = re.compile(r"ban hành|\bký\b|phê duyệt")
# "Ngày 3-10, UBND tỉnh cho biết vừa ban hành kế hoạch": the dated event is the statement, not the issuance.
REPORTED_RE = re.compile(r"cho biết|thông tin|thông báo|công bố|khẳng định")
# A decision that itself publishes results ("ban hành Quyết định ... công bố kết quả xếp hạng") is the
# announcement, not a cited document.
PUBLISHING_ISSUE_RE = re.compile(r"công bố\s+(?:kết quả|chỉ số|bảng xếp hạng|xếp hạng)")
HEADLINE_MAX = 200
NOTICE_RE = re.compile(r"\W*thông báo\b")
EVENT_WORDS_RE = re.compile(
    r"hội nghị|hội thảo|họp|phiên|lễ|chương trình|công bố|tổ chức|chủ trì|làm việc|trao đổi|phát động"
    r"|diễn ra|khai mạc|tọa đàm|gặp mặt|kiểm tra|thăm|ra mắt|ký kết"
)


@dataclass(frozen=True, slots=True)
class DtiEdition:
    edition: int
    announced: date
    ranked_34: bool  # the edition also ranked the 34 merged provinces
    announced_on_day: bool  # the announcement's day is known (not only its month)


@lru_cache(maxsize=1)
def dti_editions() -> tuple[DtiEdition, ...]:
    """Known DTI editions and their announcement dates (shipped copy of the reference table)."""
    with (DATA / "dti_editions.csv").open(encoding="utf-8") as fh:
        return tuple(
            DtiEdition(
                int(r["edition"]),
                date.fromisoformat(r["announced"]),
                "34" in r["provinces_ranked"],
                r["announced_precision"] == "day",
            )
            for r in csv.DictReader(fh)
        )


@lru_cache(maxsize=1)
def _era_markers() -> tuple[tuple[str, int, bool], ...]:
    with (DATA / "era_markers.csv").open(encoding="utf-8") as fh:
        return tuple(
            (fold(r["phrase"]), int(r["earliest_year"]), r["after_merger"] == "true")
            for r in csv.DictReader(fh)
        )


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """First full date written in Vietnamese style ("16/9/2022", "16-9-2022", "ngày 16 tháng 9 năm 2022")."""
    found = [(m.start(), safe_date(int(m[4]), int(m[3]), int(m[1]))) for m in FULL_DATE_RE.finditer(text)]
    found += [(m.start(), safe_date(int(m[3]), int(m[2]), int(m[1]))) for m in WORDY_DATE_RE.finditer(text)]
    found = [f for f in found if f[1]]
    return min(found)[1] if found else None


def store_stamp(text: str) -> tuple[int, int, int | None] | None:
    """The crawler's leading ' date YYYY-MM[-DD]' token as (year, month, day-or-None)."""
    m = STAMP_RE.match(text)
    return (int(m["y"]), int(m["m"]), int(m["d"]) if m["d"] else None) if m else None


def published_date(text: str) -> date | None:
    """Publication date: a full store stamp, or a dated header line ('Cập nhật ngày: 16/09/2022')."""
    stamp = store_stamp(text)
    if stamp and stamp[2]:
        return safe_date(stamp[0], stamp[1], stamp[2])
    for i, line in enumerate(_header_lines(text)):
        patterns = (*PUBLISHED_LINE_RES, *DATELINE_RES) if len(line) <= 120 and i < 8 else DATELINE_RES
        for pattern in patterns:
            m = pattern.search(line[:200])
            if m:
                return safe_date(int(m[3]), int(m[2]), int(m[1]))
    return None


def _header_lines(text: str) -> list[str]:
    """The first HEADER_LINES non-blank lines: where a page stamp or a document's dateline is."""
    return [line for line in text[:3000].splitlines() if line.strip()][:HEADER_LINES]


def official_document_date(text: str) -> date | None:
    """An administrative act's own date: its place-and-date line under its number ('Số: 37/KH-UBND'
    then 'Trà Vinh, ngày 18 tháng 4 năm 2023'). A plan or decision reports itself: that is its event."""
    numbered = False
    for line in _header_lines(text):
        numbered = numbered or OFFICIAL_NUMBER_RE.match(line) is not None
        for pattern in DATELINE_RES:
            m = pattern.search(line[:200])
            if m and numbered:
                return safe_date(int(m[3]), int(m[2]), int(m[1]))
    return None


def report_years(text_folded: str) -> list[int]:
    """Past/current years the text names ('năm 2022', 'DTI 2023'), leaving out targets and comparisons."""
    return [
        int(m[1])
        for m in YEAR_RE.finditer(text_folded)
        if not NOT_REPORT_YEAR_RE.search(text_folded[max(0, m.start() - 25) : m.start()])
    ]


def era_floor(text_folded: str) -> int | None:
    """Earliest year the institutions and campaigns the text names could be written about."""
    years = [year for phrase, year, _ in _era_markers() if phrase in text_folded]
    return max(years) if years else None


def written_after_merger(text_folded: str) -> bool:
    """The text uses wording that only exists once the 2025 merger took effect ('sau nhập tỉnh',
    'chính quyền địa phương hai cấp'): an undated text is then about the merged provinces."""
    return any(after and phrase in text_folded for phrase, _, after in _era_markers())


def _year_from_sentence(s_folded: str, month: int) -> int | None:
    """Year of a day/month event from its own sentence: DTI announcement, year-end review, named year."""
    years = report_years(s_folded)
    dti = DTI_RE.search(s_folded)
    if ANNOUNCE_RE.search(s_folded) and dti and years:
        named = report_years(s_folded[dti.start() :]) or years  # the edition is the year named with the DTI
        edition = next((e for e in dti_editions() if e.edition == named[0]), None)
        return edition.announced.year if edition else named[0] + 1
    if not years:
        return None
    if PART_YEAR_RE.search(s_folded):
        return max(years)
    reviewed, planned = _reviewed_and_planned_years(s_folded)
    if reviewed:  # a year's review is held at its end or early in the next year
        return max(reviewed) + 1 if month <= 3 else max(reviewed)
    if planned:  # a year's plan is made early in that year or late in the one before
        return min(planned) - 1 if month >= 10 else min(planned)
    return max(years)


def _reviewed_and_planned_years(s_folded: str) -> tuple[list[int], list[int]]:
    """Years a sentence reviews ('đánh giá kết quả ... năm 2021', 'kết quả thực hiện kế hoạch năm 2022')
    and years it plans ('triển khai phương hướng, nhiệm vụ năm 2022'): a review word between the year and
    the year, clause or sentence before it makes the year reviewed, else a plan word makes it planned."""
    reviewed: list[int] = []
    planned: list[int] = []
    lo = 0
    for m in YEAR_RE.finditer(s_folded):
        window = re.split(r"[;.]", s_folded[max(lo, m.start() - 80) : m.start()])[-1]
        lo = m.end()
        if NOT_REPORT_YEAR_RE.search(window[-25:]):
            continue
        if REVIEW_RE.search(window):
            reviewed.append(int(m[1]))
        elif PLAN_RE.search(window):
            planned.append(int(m[1]))
    return reviewed, planned


def announcement_date(
    sentences: list[Sentence],
    text_folded: str,
    pub: date | None,
    stamp: tuple[int, int, int | None] | None,
    national: bool,
) -> date | None:
    """A text that reports a DTI edition's announcement and dates no event line is dated by that
    edition's known announcement day: news of it ('... vừa công bố xếp hạng ... năm 2021', 'công bố
    ... tại Chương trình ...') or a national round-up of its results. 'Theo công bố' only cites the
    results. None when the day is not known, or the page's own date says it cannot be."""
    lead = " ".join(
        text_folded[s.start : s.end]
        for s in [s for s in sentences if s.end - s.start >= LEAD_MIN and not s.repeat][:LEAD]
    )
    if not DTI_RE.search(lead) or not (national or ANNOUNCEMENT_NEWS_RE.search(lead)):
        return None
    editions = {e.edition: e for e in dti_editions()}
    named = [y for y in report_years(lead) if y in editions]
    if not named:
        return None
    edition = editions[max(set(named), key=lambda y: (named.count(y), y))]
    announced = edition.announced
    if not edition.announced_on_day:
        return None
    if pub and not announced <= pub <= announced + ANNOUNCEMENT_NEWS_WINDOW:
        return None
    if stamp and not (announced.year, announced.month) <= stamp[:2] <= _months_after(announced, 1):
        return None
    return announced


def latest_announcement(editions: list[int]) -> date | None:
    """When the latest of these DTI editions was announced: a text ranking it was written after that."""
    announced = [e.announced for e in dti_editions() if e.edition in editions]
    return max(announced) if announced else None


def _months_after(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _year_before(pub: date | None, month: int, day: int) -> int | None:
    """A printed publication date is the strongest clue: the event is the last such day on or before it
    ('Chiều 9/12' in an article of 10/12/2025 is 2025-12-09, whatever years the sentence discusses)."""
    if pub is None:
        return None
    return pub.year if (month, day) <= (pub.month, pub.day) else pub.year - 1


def _year_from_document(text: str, text_folded: str, pub: date | None, month: int, day: int) -> int | None:
    stamp = store_stamp(text)
    if pub:
        return pub.year if (month, day) <= (pub.month, pub.day) else pub.year - 1
    if stamp:
        return stamp[0] if month <= stamp[1] else stamp[0] - 1
    years = [y for y in report_years(text_folded) if y <= 2100]
    floor = era_floor(text_folded)
    candidates = [*years, *([floor] if floor else [])]
    return max(candidates) if candidates else None


def _dated_event(s_folded: str, issuance_story: bool) -> bool:
    """'Ngày 26/12/2023, Thủ tướng ban hành Quyết định ...' dates a document, not an event, unless
    the article is the story of that issuance (its headline says 'ban hành'), the document itself
    publishes results ('ban hành Quyết định ... công bố kết quả đánh giá'), or someone reports it on
    that day ('Ngày 3-10, UBND tỉnh cho biết vừa ban hành ...')."""
    issue = ISSUE_RE.search(s_folded)
    if issue:
        reported = REPORTED_RE.search(s_folded, 0, issue.start())
        return issuance_story or bool(PUBLISHING_ISSUE_RE.search(s_folded) or reported)
    return bool(EVENT_WORDS_RE.search(s_folded))


def event_date(
    text: str, sentences: list[Sentence], pub: date | None, text_folded: str | None = None
) -> date | None:
    """Date of the meeting or announcement reported, or None when the text does not say.
    A notice ('THÔNG BÁO: ...') with no dated event line announces on its own date.
    Pass `text_folded` when the caller already folded the text (folding is a full pass)."""
    text_folded = fold(text) if text_folded is None else text_folded
    first = text_folded.lstrip().split("\n", 1)[0]
    headline = first if len(first) <= HEADLINE_MAX and not EVENT_RE.search(first) else ""
    found = _event_line_date(text, text_folded, sentences, pub, bool(ISSUE_RE.search(headline)))
    if found is None and NOTICE_RE.match(headline):
        return pub
    return found or official_document_date(text)


def _event_line_date(
    text: str, text_folded: str, sentences: list[Sentence], pub: date | None, issuance_story: bool
) -> date | None:
    for s in sentences:
        s_folded = text_folded[s.start : s.end]
        m = EVENT_RE.search(s_folded)
        if not m or s.repeat or (m.start() > 60 and not (m["verb"] or m.group().startswith("vào"))):
            continue
        if m["verb"] and m["verb"] != "diễn ra" and m["tod"] == "ngày":
            continue  # "do Bộ công bố ngày 12/7/2023" cites an announcement; "công bố chiều 18/2" reports one
        if m["tod"].startswith("ngày") and not _dated_event(s_folded, issuance_story):
            continue
        day, month = int(m["d"]), int(m["m"] or m["wm"])
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        year = int(m["y"] or m["wy"]) if m["y"] or m["wy"] else None
        if year is None and "nay" in m.group() and pub and (pub.day, pub.month) != (day, month):
            pub = None  # "Chiều nay (19/10)" disagrees with the page-header date: that header is not the day
        year = (
            year
            or _year_before(pub, month, day)
            or _year_from_sentence(s_folded, month)
            or _year_from_document(text, text_folded, pub, month, day)
        )
        return safe_date(year, month, day) if year else None
    return None
