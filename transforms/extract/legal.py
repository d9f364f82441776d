"""Cited legal and administrative documents that carry a number.

"Nghị quyết 04-NQ/TU", "Quyết định số 742", "Nghị quyết 17/NQ-CP ngày 7/3/2019", "Kế hoạch số
586/KH-UBND", "Đề án 06". The number is kept as written, without "số". A committee named after
its founding decision ("Ban Chỉ đạo 1287") is not a citation, and "Luật Căn cước năm 2023" has no
number. The issue date is the one written right after the number, or the "Ngày d/m/y, ... ban
hành <document>" that opens the sentence.
"""

from __future__ import annotations

import re
from datetime import date

from transforms.extract.confidence import LEGAL_OWN_NUMBER, legal_confidence
from transforms.extract.dates import parse_date
from transforms.extract.sentences import Sentence
from transforms.extract.text import fold, guarded_alternation
from transforms.model import LegalRef, Span

KINDS = (
    "Nghị quyết", "Quyết định", "Chỉ thị", "Kế hoạch", "Công văn", "Thông tư", "Nghị định", "Luật",
    "Đề án", "Thông báo", "Hướng dẫn", "Chương trình", "Pháp lệnh", "Kết luận", "Thông tư liên tịch",
    "Chương trình hành động", "Thông báo kết luận", "Quy chế", "Quy định", "Tờ trình", "Báo cáo",
    "Chỉ thị liên tịch", "Nghị quyết liên tịch", "Kế hoạch hành động",
)  # fmt: skip
_KIND_BY_FOLD = {fold(k): k for k in KINDS}
# Kinds whose bare digits name a thing ("Chương trình 135", "báo cáo 12 chỉ tiêu") rather than cite it.
NAMING_KINDS = ("Chương trình", "Hướng dẫn", "Thông báo", "Kết luận", "Báo cáo", "Quy định", "Tờ trình")
VERB_KINDS = ("Báo cáo", "Quy định", "Hướng dẫn", "Thông báo", "Kết luận")
DOC_NUMBER = r"\d{1,5}(?:[/-][0-9A-ZĐa-zđ&]+)*"
LEGAL_RE = re.compile(
    r"(?P<kind>" + guarded_alternation(sorted(map(fold, KINDS), key=len, reverse=True), r"[\w]") + r")"
    r"\s+(?:số\s*:?\s*)?(?P<num>" + DOC_NUMBER + r")(?![\w])"
)
ISSUED_AFTER_RE = re.compile(
    r"\s*,?\s*(?:ban hành\s+)?ngày\s+"
    r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
)
ISSUED_LEAD_RE = re.compile(r"\s*ngày\s+(\d{1,2}[/.-]\d{1,2}[/.-]\d{4})[^.;]*?(?:ban hành|ký|phê duyệt)")
ISSUER_RE = re.compile(
    r"\s*(?:ngày\s+\S+\s+)?của\s+(?P<who>(?:Thủ tướng Chính phủ|Chính phủ|Bộ Chính trị|"
    r"Ban Chấp hành Trung ương|"
    r"Ban Chấp hành Đảng bộ tỉnh|Ban Thường vụ Tỉnh ủy|Tỉnh ủy|HĐND tỉnh|Hội đồng nhân dân tỉnh|UBND tỉnh|"
    r"Ủy ban nhân dân tỉnh|Quốc hội|Bộ [A-ZĐ][\w&]*(?:\s+(?:và\s+)?[A-ZĐ][\w&]*)*))"
)
# A document's own number opens its header: "Số: 37/KH-UBND", the code after the slash its kind.
KIND_BY_CODE = {"kh": "Kế hoạch", "qđ": "Quyết định", "qd": "Quyết định", "nq": "Nghị quyết", "ct": "Chỉ thị",
                "bc": "Báo cáo", "tb": "Thông báo", "hd": "Hướng dẫn", "ttr": "Tờ trình"}  # fmt: skip
OWN_NUMBER_RE = re.compile(
    r"^[ \t]*số[ \t]*:[ \t]*(?P<num>\d{1,5}/(?P<code>" + "|".join(KIND_BY_CODE) + r")-[\wđ&.-]+)", re.M
)
HEADER_CHARS = 1500
# The number's suffix names who issued it (…/NQ-CP, …/QĐ-TTg, …-NQ/TU).
ISSUER_BY_SUFFIX = {"CP": "Chính phủ", "TTG": "Thủ tướng Chính phủ", "TW": "Ban Chấp hành Trung ương",
                    "TU": "Tỉnh ủy", "UBND": "UBND", "HĐND": "HĐND", "QH": "Quốc hội"}  # fmt: skip


def extract_legal_refs(text: str, text_folded: str, sentences: list[Sentence]) -> list[LegalRef]:
    """One entry per (kind, number), first mention's evidence, issue date from any mention."""
    found: dict[tuple[str, str], LegalRef] = {}
    own = own_number(text, text_folded, sentences)
    if own is not None:
        found[(own.kind, own.number.upper())] = own
    for s in sentences:
        for m in LEGAL_RE.finditer(text_folded, s.start, s.end):
            kind = _KIND_BY_FOLD[" ".join(m["kind"].split())]
            number = text[m.start("num") : m.end("num")]
            if _is_year_or_title(kind, number, text_folded, m.end()):
                continue
            issued = _issued_date(text_folded, s, m)
            issuer = _issuer(text, m.end(), number)
            key = (kind, number.upper())
            old = found.get(key)
            if old is None or (old.issued_date is None and issued):
                span = old.span if old else Span(s.evidence, m.start(), m.end())
                issuer = issuer or (old.issuer if old else None)
                found[key] = LegalRef(kind, number, issued, issuer, span, legal_confidence(number))
    return list(found.values())


def own_number(text: str, text_folded: str, sentences: list[Sentence]) -> LegalRef | None:
    """An administrative document's own number in its header ('Số: 37/KH-UBND'), its kind told by the
    number's code (KH: Kế hoạch, QĐ: Quyết định, BC: Báo cáo ...)."""
    m = OWN_NUMBER_RE.search(text_folded, 0, HEADER_CHARS)
    if m is None:
        return None
    kind = KIND_BY_CODE[m["code"]]
    s = next((s for s in sentences if s.start <= m.start("num") < s.end), None)
    span = Span(s.evidence if s else m.group().strip(), m.start("num"), m.end("num"))
    number = text[m.start("num") : m.end("num")]
    return LegalRef(kind, number, None, _issuer(text, m.end(), number.upper()), span, LEGAL_OWN_NUMBER)


def legal_number_spans(text_folded: str) -> list[tuple[int, int]]:
    """Where document numbers or names are written ("Quyết định 742", "Chương trình 135"), so they are
    never read as quantities; "báo cáo 12 chỉ tiêu", "quy định 3 nhóm" use the kind word as a verb."""
    return [
        (m.start("num"), m.end("num"))
        for m in LEGAL_RE.finditer(text_folded)
        if not (_KIND_BY_FOLD[" ".join(m["kind"].split())] in VERB_KINDS and m["num"].isdigit())
    ]


def _is_year_or_title(kind: str, number: str, text_folded: str, end: int) -> bool:
    """'Luật ... 2023' is a year, not a number; bare numbers after 'Chương trình' name, not cite."""
    if re.fullmatch(r"(?:19|20)\d{2}", number):
        return True
    return kind in NAMING_KINDS and number.isdigit()


def _issued_date(text_folded: str, s: Sentence, m: re.Match[str]) -> date | None:
    after = ISSUED_AFTER_RE.match(text_folded, m.end())
    if after:
        return parse_date(_wordy_to_slash(after[1]))
    lead = ISSUED_LEAD_RE.match(text_folded, s.start)
    if lead and lead.end() <= m.start() + 1 and text_folded.count("ban hành", lead.end(), m.start()) == 0:
        return parse_date(lead[1])
    return None


def _wordy_to_slash(raw: str) -> str:
    parts = re.findall(r"\d+", raw)
    return "/".join(parts) if len(parts) == 3 else raw


def _issuer(text: str, end: int, number: str) -> str | None:
    m = ISSUER_RE.match(text, end)
    if m:
        return m["who"]
    suffix = re.split(r"[/-]", number.upper())[-1] if not number.isdigit() else ""
    return ISSUER_BY_SUFFIX.get(suffix)
