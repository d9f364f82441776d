"""DTI ranks: which province, which pillar, which edition, out of how many, with what score.

A rank is read from a rank expression ("xếp thứ 13/63", "đứng thứ hai", "xếp hạng chín",
"dẫn đầu", "(30/63)" after "tăng 2 bậc") in a clause that is about the DTI and not about another
index (PAR Index, PCI, PAPI, SIPAS, NDXP...). The pillar is the one named right after the rank
("đứng thứ hai về chỉ số hoạt động xã hội số", "thứ nhất trong 5/8 chỉ số chính, bao gồm ...") or,
failing that, the nearest one named before it ("trụ cột xã hội số tăng 6 hạng (25/63)").
"""

from __future__ import annotations

import bisect
import csv
import itertools
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from transforms.extract.confidence import RANK_TABLE, RankEvidence, rank_confidence
from transforms.extract.dates import dti_editions, report_years
from transforms.extract.numbers import parse_number
from transforms.extract.provinces import MERGER_DATE, Gazetteer, Mention, gazetteer
from transforms.extract.sentences import Sentence
from transforms.extract.text import WB_L, WB_R, alternation, fold
from transforms.model import Ranking, Span

WORD_RANKS = {"nhất": 1, "nhì": 2, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
              "bảy": 7, "tám": 8, "chín": 9, "mười": 10}  # fmt: skip
# Spelled ranks above ten: "mười hai" (12), "mười lăm" (15), "hai mươi" (20), "hai mươi mốt" (21), "ba
# mươi tư" (34), up to "sáu mươi ba". After "mười"/"mươi" a five is "lăm": "mười năm" is ten years.
UNIT_AFTER_TEN = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "lăm": 5, "sáu": 6, "bảy": 7,
                  "tám": 8, "chín": 9}  # fmt: skip
TENS = {"hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6}
_UNIT = "(?:" + "|".join(UNIT_AFTER_TEN) + r")(?![\w])"
SPELLED_OVER_TEN = r"(?:(?:" + "|".join(TENS) + r")\s+mươi(?:\s+" + _UNIT + r")?|mười(?:\s+" + _UNIT + r")?)"
N = r"(?:\d{1,2}|" + SPELLED_OVER_TEN + "|" + "|".join(WORD_RANKS) + r")"
# Rank expressions, one regex pass; group n = rank, of = denominator.
RANK_RE = re.compile(
    WB_L + r"(?:"
    r"(?P<lead>dẫn đầu|đứng đầu)"
    r"|(?<![\w])(?P<ord>thứ\s+(?:hạng\s+)?(?P<n1>" + N + r"))(?:\s*/\s*(?P<of1>\d{2}))?"
    r"|(?:xếp hạng|thứ hạng|vị trí|xếp|đứng|hạng)\s+(?P<n2>" + N + r")(?:\s*/\s*(?P<of2>\d{2}))?"
    r"|\((?P<n3>\d{1,2})/(?P<of3>63|34)\)"
    r"|(?<=\|)\s*(?P<n4>\d{1,2})\s*/\s*(?P<of4>63|34)\s*(?=\|)"  # a table cell "| 25/63 |"
    r"|(?:vị trí|hạng|ngôi)\s+số\s+(?P<n5>một|1)"  # "vị trí số một thuộc về ...", "hạng số 1"
    r")" + WB_R
)
RANK_CUE_RE = re.compile(r"xếp|đứng|giữ|vị trí|hạng|vươn lên|lọt|lên thứ|là thứ|xuống|lùi|tụt")
CHANGE_RE = re.compile(r"(?:tăng|giảm)\s+\S+\s+(?:bậc|hạng)")
NOT_RANK_BEFORE_RE = re.compile(r"(?:năm|lần|phiên|kỳ|khóa|khoá|ngày|tháng|địa phương|đơn vị|tỉnh)\s+$")
# "từ trái sang", "năm thứ hai liên tiếp", "giữ vững vị trí 3 năm liên tiếp" (a duration), a rank within
# a region ("thứ 2 trong khu vực Tây Nguyên": not the national table), a weekday before a date ("Thứ Tư,
# 10/12/2025"), "bảng xếp hạng năm 2021".
NOT_RANK_AFTER_RE = re.compile(
    r"^\s*(?:từ\s+(?:trái|phải)|(?:năm\s+|lần\s+)?liên tiếp|trong\s+(?:khu vực|vùng)"
    r"|,?\s*(?:ngày\s+)?\d{1,2}\s*[/.-]\s*\d{1,2}|(?:19|20)\d{2})"
)
# "bảng xếp hạng 34 tỉnh, thành phố" counts the table's provinces; it ranks nobody.
COUNT_AFTER_RE = re.compile(r"^\s+(?:tỉnh|địa phương|thành phố)")
# A group, not a rank: "lọt top 10", "trong nhóm ...", "9 địa phương dẫn đầu về nhận thức số: A, B, ...".
GROUP_BEFORE_RE = re.compile(
    r"(?:(?:top|tốp|nhóm|trong số|một trong)\b[^;.:]{0,40}"
    r"|(?:\d+|các|những|mười|năm|ba)\s+(?:tỉnh,?\s*thành(?: phố)?|địa phương|tỉnh|đơn vị|vị trí)\s+)$"
)
# "lọt vào nhóm 10 địa phương dẫn đầu, xếp thứ 10": after the group a comma clause states the rank itself.
OWN_CLAUSE_BEFORE_RE = re.compile(r",\s*(?:(?:xếp|đứng|giữ|vươn lên|lên|là)(?:\s+(?:vị trí|hạng))?)?\s*$")
# "người đứng đầu" is the head of an agency, not a rank.
NOT_LEAD_BEFORE_RE = re.compile(r"(?:người|cán bộ|lãnh đạo)\s+$")
# "A xếp thứ 21, B thứ 34 và C thứ 56", "chính quyền số xếp thứ 33, kinh tế số thứ 50": a bare "thứ N"
# after a rank, the two joined by a comma or "và" and a short name, lists one more rank.
LIST_GAP_RE = re.compile(r"[^.;:!?\n]{0,50}?(?:,|\svà)(?:\s+[^.;:!?\n,]{1,40})?\s$")
CONTINUATION_RE = re.compile(r"^\s*(?:,|và)\s*(?:thứ\s+)?(?P<n>" + N + r")" + WB_R)
# "thứ hạng của tỉnh ... lần lượt là 22, 9, 13": ranks listed in the order of the pillars or provinces
# named before them.
LISTED_RANKS_RE = re.compile(
    r"(?:thứ hạng|xếp hạng|vị trí|xếp thứ|đứng thứ)[^.;:]{0,80}?lần lượt\s+(?:là|xếp|đứng|ở|đạt)?\s*"
    r"(?:thứ\s+|vị trí\s+|hạng\s+)?(?P<ranks>\d{1,2}(?:\s*(?:,|và)\s*(?:thứ\s+)?\d{1,2})+)(?![\d%]|[.,]\d)"
)
LISTED_RANK_RE = re.compile(r"\d{1,2}")
# "đạt 0,5873 điểm", or a table cell "| 0,5218 |".
SCORE_RE = re.compile(r"(?:(?:đạt|với|giá trị|là)\s+(?:giá trị\s+)?(?:dti\s+)?|\|\s*)(?P<v>0,\d{2,4})" + WB_R)
# A table's rank column ("Xếp hạng", "Thứ hạng", "Xếp hạng/34") and a rank cell under it ("11", "8/63").
RANK_HEAD_RE = re.compile(r"\s*(?:xếp hạng|thứ hạng|hạng)(?:\s*(?:/|trên)\s*(?P<of>63|34))?(?:\s+dti)?\s*")
# Where a rank column's header may be: "hạng" closing a cell ("| Xếp hạng |", "Điểm | Thứ hạng/63").
# A table header with a column per DTI edition: "| Chỉ số | Năm 2021 | Năm 2022 |", "| 2022 | 2023 |".
YEAR_HEAD_RE = re.compile(r"\|[ \t]*(?:năm[ \t]+|dti[ \t]+)?(?:19|20)\d{2}[ \t]*\|")
YEAR_CELL_RE = re.compile(r"\s*(?:năm\s+|dti\s+)?((?:19|20)\d{2})\s*")
RANK_INTRO_RE = re.compile(r"thứ hạng|xếp hạng|vị trí")
OUT_OF_INTRO_RE = re.compile(r"(?:trên|/)\s*(?P<of>63|34)\s+(?:tỉnh|địa phương)")
BRACKET_RANK_RE = re.compile(r"\((?:thứ\s+)?(?P<n>\d{1,2})\)")
BRACKET_CUE_RE = re.compile(
    r"thứ hạng|xếp hạng|xếp thứ|đứng thứ|vị trí|(?:đứng|xếp) cuối|cuối bảng|thấp nhất|cao nhất|dẫn đầu"
)
HEAD_CELL_RE = re.compile(r"hạng(?:[ \t]*(?:/|trên)[ \t]*(?:63|34))?(?:[ \t]+dti)?[ \t]*(?:\||$)", re.M)
RANK_CELL_RE = re.compile(r"\s*(?P<n>\d{1,2})(?:\s*/\s*(?P<of>63|34))?\s*")
# A list row "- Kiến tạo thể chế: thứ 21", "Đà Nẵng – 1", "2. Hạ tầng số: 24/63": a label (a pillar or a
# province, checked after), then the rank alone at the line end.
ROW_RE = re.compile(
    r"^[ \t]*(?:[-•*+][ \t]*|\d{1,2}[.)][ \t]+)?(?P<label>[^\n:|]{2,60}?)[ \t]*(?::|[ \t][–—-])[ \t]*"
    r"(?P<word>(?:xếp[ \t]+)?(?:thứ|hạng)[ \t]+)?(?P<n>\d{1,2})"
    r"(?:[ \t]*/[ \t]*(?P<of>63|34))?[ \t]*[.;,]?[ \t]*$",
    re.M,
)
# What every list row ends with (opening with the separator so `re` skips to those characters): the
# rows are looked for only on the few lines this finds.
ROW_END_RE = re.compile(
    r"[:–—-][ \t]*(?:(?:xếp[ \t]+)?(?:thứ|hạng)[ \t]+)?\d{1,2}(?:[ \t]*/[ \t]*(?:63|34))?[ \t]*[.;,]?[ \t]*$",
    re.M,
)
ROW_LABEL_PREFIX_RE = re.compile(r"(?:tỉnh|thành phố|tp\.?)\s+")
ROW_LABEL_SUFFIX_RE = re.compile(r"\s*\((?:cũ|mới)\)$")
OUT_OF_RE = re.compile(r"^\s*(?:trên|trong|/)\s*(?P<of>63|34)\s+(?:tỉnh|địa phương)")
# Every branch opens with a literal letter (`\bdti` is `d(?<!\w.)ti`; the verbs before "về chuyển đổi
# số" are one branch each, in their order), so `re` skips to those letters: same matches, faster scans.
_ABOUT_DTI = r"[^.;]{0,50}về\s+(?:chuyển đổi số|cđs)"
DTI_RE = re.compile(
    r"d(?<!\w.)ti\b|chỉ số\s+(?:đánh giá\s+)?(?:về\s+)?chuyển đổi số|xếp hạng\s+(?:về\s+)?chuyển đổi số"
    r"|mức độ chuyển đổi số|"
    + "|".join(verb + _ABOUT_DTI for verb in ("xếp", "đứng", "dẫn đầu", "đứng đầu", "thứ"))
)
OTHER_INDEX_RE = re.compile(
    r"par\s*index|papi|\bpci\b|sipas|ict\s*index|e-?government|chính phủ điện tử|cải cách hành chính"
    r"|hài lòng|năng lực cạnh tranh|\bndxp\b|giao dịch|thanh toán trực tuyến|cổng dịch vụ công"
)
LIST_FWD_RE = re.compile(r"^[^;.]{0,45}?(?:bao\s+)?gồm:?\s")
# The edition right after a rank: "thứ 2 năm 2021", "xếp thứ 16/63 trong Chỉ số chuyển đổi số năm
# 2021". A short gap, or a longer one that is the index's own name.
YEAR_AFTER_RANK_RE = re.compile(
    r"\s*(?:/\s*\d+)?(?P<gap>[^,;.]{0,70}?)(?:năm|dti)\s+(?P<year>(?:19|20)\d{2})"
)
YEAR_AFTER_RANK_GAP = 25
YEAR_NEAR_RE = re.compile(r"(?:năm|dti)\s+((?:19|20)\d{2})(?!\d)")
COMPARE_RE = re.compile(r"(?:so với|từ|đến|tới)\s+(?:năm\s+)?$")
# "xếp thứ hai (2020, 2021)": one rank stated for several editions.
YEARS_AFTER_RE = re.compile(r"\s*\((?P<ys>(?:19|20)\d{2}(?:\s*(?:,|và|-|–)\s*(?:19|20)\d{2})*)\)")
# Two pillars sharing one rank: "kinh tế số và xã hội số cùng xếp thứ 6", "“A” và “B” cùng xếp thứ 2".
COORD_RE = re.compile(r"[\s\"“”'‘’]*(?:,|và)[\s\"“”'‘’]*")
# An aside between dashes or brackets ("Bạc Liêu – địa phương sắp hợp nhất với Cà Mau – xếp thứ 52")
# names a province that is not the one ranked.
DASH_RE = re.compile(r"\s[–—-]\s")
# A ranking table printed as lines "rank  province  [scores…]" ("1 TP. Đà Nẵng", "15 Yên Bái 0.6975"):
# a run of at least RANK_LIST_MIN_ROWS such lines, ranks in order (ties repeat a rank), under a heading
# that speaks of the DTI ranking. The last decimal of a row is its DTI score when the heading's last
# column is the index itself.
RANK_LIST_ROW_RE = re.compile(
    r"^[ \t]*(?P<n>\d{1,2})[.)]?[ \t]+(?P<name>[^\W\d][^\d\n|]{1,40}?)"
    r"(?P<scores>(?:[ \t]+[01][.,]\d{2,4})*)[ \t]*$",
    re.M,
)
RANK_LIST_MIN_ROWS = 3
RANK_LIST_HEADING_LINES = 30
SCORE_COLUMN_RE = re.compile(r"(?:dti|chuyển đổi số)[^\n]*$")
# "Dẫn đầu cả nước là Đà Nẵng": the ranked province named after the rank.
NAMED_AFTER_RE = re.compile(r"^[^,;.()]{0,30}?\s(?:là|thuộc về)\s+(?:tỉnh\s+|thành phố\s+|tp\.?\s*)?$")
# Which table a rank is read from after the 2025 merger: the 63 former or the 34 merged provinces.
SCOPE_RE = re.compile(
    r"(?P<old>63\s+tỉnh|địa giới cũ|trước sắp xếp|trước hợp nhất|\(cũ\))"
    r"|(?P<new>34\s+tỉnh|sau sắp xếp|\(mới\))"
)
OLD_MARK_RE = re.compile(r"\s*\(cũ\)")
# Subjects that are not provinces: sub-provincial units and agencies (folded text) ...
UNIT_NOUN_RE = re.compile(
    r"(?:còn\s+)?(?:(?:ubnd|ủy ban nhân dân)\s+)?(?:các\s+)?"
    r"(?:đơn vị|cơ quan|sở|bộ|huyện|quận|thị xã|thị trấn|xã|phường)(?![\w])(?!\s+(?:hội|chỉ số|tiêu chí))"
)
# ... and named ones whose head noun also names provinces or bodies, told by a capitalised name after it
# (original text): 'thành phố Tam Điệp', 'Ngân hàng Nhà nước', 'Cục Thuế'.
# Inside a subject phrase, the agency or district noun nearest the rank ("Đây là năm thứ 2 liên tiếp Bộ này
# dẫn đầu"), unless a province or the province itself ("tỉnh") is named after it.
INNER_UNIT_RE = re.compile(
    r"(?<![\w])(?<!cán )(?<!toàn )(?:bộ|sở|cơ quan|đơn vị|huyện|quận|thị xã)(?![\w])"
    r"(?!\s+(?:chỉ số|tiêu chí|công cụ|máy|phận))"
)
PROVINCE_NOUN_RE = re.compile(r"(?<![\w])(?:tỉnh|thành phố|địa phương)(?![\w])")
# A segment that opens with its predicate ("…, vươn lên xếp vị trí thứ 2") has its subject before the comma.
PREDICATE_FIRST_RE = re.compile(r"\s*(?:mỗi|cùng|đều|tiếp tục|vươn lên|xếp|đứng|giữ|lọt|lên|tăng|giảm)\b")
UNIT_NAME_RE = re.compile(
    r"(?:[Tt]hành phố|TP\.?|Ngân hàng|Bảo hiểm|Kho bạc|Tổng cục|Cục|Văn phòng|Thanh tra|Đài|Thông tấn)"
    r"\s+[" + "".join(c for c in map(chr, range(0x41, 0x1F00)) if c.isupper() and c.isalpha()) + "]"
)


@dataclass(frozen=True, slots=True)
class RankHit:
    """One rank expression found in the text, before deciding what it ranks."""

    start: int
    end: int
    rank: int
    out_of: int | None
    year: int | None = None  # set when the rank's own cell says it (a table column per edition)
    pillar: str | None = None  # likewise, the table row's pillar


@lru_cache(maxsize=1)
def _pillars() -> tuple[re.Pattern[str], dict[str, str]]:
    with (Path(__file__).with_name("data") / "pillars.csv").open(encoding="utf-8") as fh:
        rows = {fold(r["phrase"]): r["pillar"] for r in csv.DictReader(fh)}
    return re.compile(WB_L + "(?:" + alternation(list(rows)) + ")" + WB_R), rows


def _pillar_of(phrase: str) -> str:
    return _pillars()[1].get(" ".join(phrase.split()), "")


@lru_cache(maxsize=1)
def _forward_single_re() -> re.Pattern[str]:
    return re.compile(
        r"^[^;.]{0,60}?(?:về|ở|trong)\s+(?:các\s+|cả\s+)?(?:chỉ số|trụ cột|lĩnh vực|hạng mục)?\s*(?:về\s+)?"
        r"(?P<p>" + _pillars()[0].pattern + r")"
    )


@lru_cache(maxsize=1)
def _topic_re() -> re.Pattern[str]:
    """A clause opened by the pillar it is about: 'Về trụ cột xã hội số, A xếp thứ 15, cao hơn B đứng
    thứ 33' ranks both in that pillar; also after 'Xét theo trụ cột, ...' and as 'còn ở xã hội số, ...'."""
    return re.compile(
        r"[\W\d]*(?:(?:xét\s+)?theo\s+(?:từng\s+)?(?:trụ cột|chỉ số(?:\s+chính)?|lĩnh vực)[^,;.]{0,20},\s*)?"
        r"(?:còn\s+)?(?:về|riêng|ở|đối với|xét về|tại|trong)\s+(?:các\s+|cả\s+)?"
        r"(?:trụ cột|chỉ số(?:\s+chính)?|lĩnh vực|hạng mục)?\s*(?:về\s+)?"
        r"(?P<p>" + _pillars()[0].pattern + r")\s*,"
    )


def _clause_topic(text_folded: str, c_start: int, c_end: int) -> str | None:
    m = _topic_re().match(text_folded, c_start, c_end)
    return (_pillar_of(m["p"]) or None) if m else None


def _rank_value(word: str) -> int:
    """A rank as written: digits, a word ('ba', 'nhất') or a spelled number ('mười hai', 'ba mươi tư')."""
    if word.isdigit():
        return int(word)
    parts = word.split()
    if len(parts) == 1:
        return 1 if word == "một" else WORD_RANKS[word]
    if parts[0] == "mười":
        return 10 + UNIT_AFTER_TEN[parts[1]]
    return 10 * TENS[parts[0]] + (UNIT_AFTER_TEN[parts[2]] if len(parts) == 3 else 0)


def rank_hits(text_folded: str) -> list[RankHit]:
    """Every rank expression (any index); also used to keep ranks out of the quantities."""
    hits: list[RankHit] = []
    for m in RANK_RE.finditer(text_folded):
        before = text_folded[max(0, m.start() - 45) : m.start()]
        after = text_folded[m.end() : m.end() + 25]
        if NOT_RANK_AFTER_RE.match(after) or (
            GROUP_BEFORE_RE.search(before.split(";")[-1]) and not OWN_CLAUSE_BEFORE_RE.search(before)
        ):
            continue
        if m["lead"]:
            if NOT_LEAD_BEFORE_RE.search(before):
                continue
            hits.append(RankHit(m.start(), m.end(), 1, None))
            continue
        if m["ord"] and not _ordinal_is_rank(text_folded, m, before, hits):
            continue
        n = m["n1"] or m["n2"] or m["n3"] or m["n4"] or m["n5"]
        of = m["of1"] or m["of2"] or m["of3"] or m["of4"]
        if not of and COUNT_AFTER_RE.match(after):
            continue
        out_of = int(of) if of else _out_of_after(text_folded[m.end() : m.end() + 30])
        hits.append(RankHit(m.start(), m.end(), _rank_value(n), out_of))
        hits.extend(_continuations(text_folded, m.end()))
    hits.extend(_listed_hits(text_folded))
    hits.extend(_table_hits(text_folded))
    hits.extend(_year_table_hits(text_folded))
    hits.extend(_row_hits(text_folded))
    hits.extend(_bracket_hits(text_folded))
    return _dedupe_hits(hits)


def _listed_hits(text_folded: str) -> list[RankHit]:
    """Each rank of a 'lần lượt là 22, 9, 13' list (paired with what it ranks by the sentence logic)."""
    hits: list[RankHit] = []
    for m in LISTED_RANKS_RE.finditer(text_folded):
        at = m.start("ranks")
        hits.extend(
            RankHit(at + n.start(), at + n.end(), int(n.group()), None)
            for n in LISTED_RANK_RE.finditer(m["ranks"])
        )
    return hits


def _bracket_hits(text_folded: str) -> list[RankHit]:
    """'ba địa phương có thứ hạng thấp nhất lần lượt là A (61), B (62) và C (63)': a bare number in
    brackets right after a province name, in a sentence that speaks of ranks."""
    hits: list[RankHit] = []
    for m in BRACKET_RANK_RE.finditer(text_folded):
        name_zone = text_folded[max(0, m.start() - 40) : m.start()]
        names = list(gazetteer().pattern.finditer(name_zone))
        if not names or name_zone[names[-1].end() :].strip():
            continue
        sentence = re.split(r"[.!?\n]", text_folded[max(0, m.start() - 200) : m.start()])[-1]
        if BRACKET_CUE_RE.search(sentence) and 1 <= int(m["n"]) <= 63:
            hits.append(RankHit(m.start("n"), m.end("n"), int(m["n"]), None))
    return hits


def _year_table_hits(text_folded: str) -> list[RankHit]:
    """A table of ranks by edition, introduced as ranks ('Bảng 1. Thứ hạng DTI của tỉnh (trên 63 tỉnh)'),
    with a column per year ('| Chỉ số | Năm 2021 | Năm 2022 |') and a pillar per row: each cell is the
    rank of the row's pillar in the column's edition."""
    hits: list[RankHit] = []
    for head in YEAR_HEAD_RE.finditer(text_folded):
        line_start = text_folded.rfind("\n", 0, head.start()) + 1
        line_end = _line_end(text_folded, head.end())
        cells = text_folded[line_start:line_end].split("|")
        years = {i: int(y[1]) for i, c in enumerate(cells) if (y := YEAR_CELL_RE.fullmatch(c))}
        intro = text_folded[text_folded.rfind("\n", 0, max(0, line_start - 1)) + 1 : line_start]
        if not years or not RANK_INTRO_RE.search(intro) or not DTI_RE.search(intro):
            continue
        if OTHER_INDEX_RE.search(intro):
            continue
        of = OUT_OF_INTRO_RE.search(intro)
        start = line_end + 1
        while start < len(text_folded) and "|" in text_folded[start : _line_end(text_folded, start)]:
            end = _line_end(text_folded, start)
            row = text_folded[start:end].split("|")
            pillar = next((p for c in row if (p := _pillar_of(c.strip()))), None)
            for col, year in years.items():
                cell = RANK_CELL_RE.fullmatch(row[col]) if pillar and col < len(row) else None
                if cell:
                    at = start + sum(len(c) + 1 for c in row[:col])
                    out_of = cell["of"] or (of["of"] if of else None)
                    hits.append(
                        RankHit(at + cell.start("n"), at + cell.end("n"), int(cell["n"]),
                                int(out_of) if out_of else None, year, pillar)
                    )  # fmt: skip
            start = end + 1
    return hits


def _table_hits(text_folded: str) -> list[RankHit]:
    """Cells of a table's rank column ('Trụ cột | Điểm | Xếp hạng' then 'Kinh tế số | 0,3904 | 19'),
    unless the table or the line that introduces it is about another index."""
    hits: list[RankHit] = []
    for head in HEAD_CELL_RE.finditer(text_folded):
        line_start = text_folded.rfind("\n", 0, head.start()) + 1
        line_end = _line_end(text_folded, head.end())
        header = text_folded[line_start:line_end]
        cells = header.split("|")
        col, rank_head = next(
            ((i, h) for i, c in enumerate(cells) if (h := RANK_HEAD_RE.fullmatch(c))), (-1, None)
        )
        intro = text_folded[text_folded.rfind("\n", 0, max(0, line_start - 1)) + 1 : line_start]
        other = OTHER_INDEX_RE.search(header) or (OTHER_INDEX_RE.search(intro) and not DTI_RE.search(intro))
        if rank_head is None or other or len(cells) < 2:
            continue
        of = rank_head["of"]
        start = line_end + 1
        while start < len(text_folded) and "|" in text_folded[start : _line_end(text_folded, start)]:
            end = _line_end(text_folded, start)
            row = text_folded[start:end].split("|")
            cell = RANK_CELL_RE.fullmatch(row[col]) if col < len(row) else None
            if cell:
                at = start + sum(len(c) + 1 for c in row[:col])
                out_of = cell["of"] or of
                n_start, n_end = at + cell.start("n"), at + cell.end("n")
                hits.append(RankHit(n_start, n_end, int(cell["n"]), int(out_of) if out_of else None))
            start = end + 1
    return hits


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _row_hits(text_folded: str) -> list[RankHit]:
    """List rows whose label is a pillar or a province and whose value is a rank: with 'thứ'/'hạng',
    or a bare number under a heading that speaks of ranks ('Thứ hạng DTI các tỉnh trong vùng:')."""
    hits: list[RankHit] = []
    for end in ROW_END_RE.finditer(text_folded):
        m = ROW_RE.match(text_folded, text_folded.rfind("\n", 0, end.start()) + 1)
        if not m or m.end() != end.end() or not _row_label(m["label"]):
            continue
        heading = _row_heading(text_folded, m.start())
        if OTHER_INDEX_RE.search(heading) and not DTI_RE.search(heading):
            continue
        if not m["word"] and not RANK_CUE_RE.search(heading):
            continue
        hits.append(RankHit(m.start("n"), m.end("n"), int(m["n"]), int(m["of"]) if m["of"] else None))
    return hits


def _row_label(label: str) -> bool:
    label = ROW_LABEL_SUFFIX_RE.sub("", label.strip())
    prefix = ROW_LABEL_PREFIX_RE.match(label)
    label = label[prefix.end() :] if prefix else label
    return bool(_pillars()[0].fullmatch(label) or gazetteer().pattern.fullmatch(label))


def _row_heading(text_folded: str, row_start: int) -> str:
    """The nearest line above a run of list rows."""
    end = row_start - 1
    while end > 0:
        start = text_folded.rfind("\n", 0, end) + 1
        line = text_folded[start:end]
        if line.strip() and not ROW_RE.fullmatch(line):
            return line
        end = start - 1
    return ""


def _ordinal_is_rank(text_folded: str, m: re.Match[str], before: str, hits: list[RankHit]) -> bool:
    """'thứ N' ranks when a rank verb precedes it, when it has a denominator ('xuống thứ 40/63'), or
    when it continues a list of ranks ('thứ 6 và 12', 'B thứ 34'); never 'năm thứ hai', 'lần thứ 3'."""
    if hits and CONTINUATION_RE.match(text_folded[hits[-1].end : m.end()]):
        return True
    if NOT_RANK_BEFORE_RE.search(before):
        return False
    if m["of1"] or RANK_CUE_RE.search(before[-30:].rsplit("\n", 1)[-1]):  # a cue on the same line
        return True
    return bool(hits) and LIST_GAP_RE.match(text_folded, hits[-1].end, m.start()) is not None


def _out_of_after(after: str) -> int | None:
    m = OUT_OF_RE.match(after)
    return int(m["of"]) if m else None


def _continuations(text_folded: str, pos: int) -> list[RankHit]:
    """'thứ 6 và 12', 'thứ 2 năm 2021, thứ 4 năm 2022': ranks listed after the first one."""
    out: list[RankHit] = []
    while True:
        year_skip = re.match(r"\s+năm\s+(?:19|20)\d{2}", text_folded[pos:])
        probe = pos + (year_skip.end() if year_skip else 0)
        m = CONTINUATION_RE.match(text_folded[probe:])
        if not m or (not m["n"].isdigit() and "thứ" not in m.group()):
            return out
        out.append(RankHit(probe + m.start("n"), probe + m.end(), _rank_value(m["n"]), None))
        pos = probe + m.end()


def _dedupe_hits(hits: list[RankHit]) -> list[RankHit]:
    hits.sort(key=lambda h: h.start)
    out: list[RankHit] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out


@dataclass(frozen=True, slots=True)
class RankContext:
    """What a ranking sentence needs from the rest of the document."""

    text: str
    text_folded: str
    sentences: list[Sentence]
    mentions: list[Mention]
    gazetteer: Gazetteer
    subject_code63: str | None
    doc_date: date | None
    hits: list[RankHit] | None = None  # rank_hits(text_folded) when the caller already ran it


def extract_rankings(ctx: RankContext) -> list[Ranking]:
    """DTI rankings of any province named, one entry per (province, edition, pillar, rank)."""
    if not DTI_RE.search(ctx.text_folded):
        return []
    default_year = _document_edition(ctx)
    hits = rank_hits(ctx.text_folded) if ctx.hits is None else ctx.hits
    found: list[Ranking] = _rank_list_rankings(ctx, default_year)
    year_context = default_year
    ordered = sorted(hits, key=lambda h: h.start)
    starts = [h.start for h in ordered]
    for s in ctx.sentences:
        s_hits = ordered[bisect.bisect_left(starts, s.start) : bisect.bisect_left(starts, s.end)]
        if not s_hits:
            continue
        found.extend(_sentence_rankings(ctx, s, s_hits, year_context))
        year_context = _clause_year(ctx.text_folded[s.start : s.end]) or year_context
    return _merge(found)


def _sentence_rankings(
    ctx: RankContext, s: Sentence, hits: list[RankHit], year_ctx: int | None
) -> list[Ranking]:
    out: list[Ranking] = []
    clauses = _clauses(ctx.text_folded, s)
    for c_start, c_end in clauses:
        c_hits = [h for h in hits if c_start <= h.start < c_end]
        dti = _dti_ranks(ctx.text_folded, c_start, c_end, c_hits)
        if not any(dti):
            continue
        provinces = _provinces_for(ctx, s, c_start, c_hits)
        scores = _scores_for(ctx.text_folded, c_start, c_end, c_hits, [m.start for m in ctx.mentions])
        topic = _clause_topic(ctx.text_folded, c_start, c_end) or "overall"
        in_order = _pillars_in_order(ctx.text_folded, c_start, c_hits)
        prev_end = c_start
        unit_before = False
        for i, h in enumerate(c_hits):
            next_start = c_hits[i + 1].start if i + 1 < len(c_hits) else c_end
            if not dti[i]:  # 'tỉnh xếp thứ 12 về DTI, PAR Index xếp thứ 3': that rank is another index's
                prev_end = h.end
                continue
            shares_subject = unit_before and not any(prev_end <= m.start < h.start for m in ctx.mentions)
            unit_before = shares_subject or _unit_subject(ctx, max(c_start, prev_end), h)
            if unit_before:  # 'Bộ A và Bộ B vươn lên thứ 2 và thứ 3': the listed ranks share the subject
                prev_end = h.end
                continue
            listed: list[int | None] = [h.year] if h.year else list(_years_listed(ctx.text_folded, h))
            near = (
                None
                if listed
                else _year_near(ctx.text_folded, c_start if i == 0 else prev_end, h, next_start, i > 0)
            )
            years = listed or [near or year_ctx]
            pillars = (
                [h.pillar]
                if h.pillar
                else [in_order[i]]
                if in_order
                else _pillars_for(ctx.text_folded, prev_end, h, next_start, c_end) or [topic]
            )
            score = scores[i] if len(pillars) == 1 and len(years) == 1 else None
            code, regime = _ranked_code(ctx, s, h, provinces[i], years[0])
            confidence = rank_confidence(
                RankEvidence(
                    named=provinces[i] is not None,
                    distance=_name_distance(ctx, s, h),
                    out_of=h.out_of is not None,
                    dti_named=DTI_RE.search(ctx.text_folded, s.start, s.end) is not None,
                    year_stated=bool(listed or near),
                    lead=ctx.text_folded.startswith(("dẫn đầu", "đứng đầu"), h.start),
                )
            )
            out.extend(
                _ranking(s, h, code, regime, year, pillar, score, confidence)
                for pillar in pillars
                for year in years
            )
            prev_end = h.end
    return out


def _rank_list_rankings(ctx: RankContext, default_year: int | None) -> list[Ranking]:
    """Rankings read from ranking tables printed one province per line (see RANK_LIST_ROW_RE)."""
    out: list[Ranking] = []
    for run in _rank_list_runs(ctx.text_folded):
        heading = _rank_list_heading(ctx.text_folded, run[0].start())
        if not (DTI_RE.search(heading) or "xếp hạng" in heading) or OTHER_INDEX_RE.search(heading):
            continue
        years = [y for y in report_years(heading) if _is_edition(y)]
        year = years[-1] if years else default_year
        named = [p for m in _pillars()[0].finditer(heading) if (p := _pillar_of(m.group()))]
        pillar = named[0] if len(set(named)) == 1 and not DTI_RE.search(heading) else "overall"
        with_score = SCORE_COLUMN_RE.search(heading.rstrip()) is not None
        regime = 63 if max(int(m["n"]) for m in run) > 34 else None
        for m in run:
            code63 = _table_province(m["name"])
            if code63 is None:
                continue
            scores = m["scores"].split()
            score = parse_number(scores[-1].replace(".", ",")) if scores and with_score else None
            table = regime or _edition_table(year, ctx.doc_date)
            code = code63 if table == 63 else ctx.gazetteer.as_of(code63, ctx.doc_date).code
            line = ctx.text[m.start() : m.end()].strip()
            span = Span(evidence=line, start=m.start("n"), end=m.end("n"))
            out.append(Ranking(code, year, pillar, int(m["n"]), None, score, span, table, RANK_TABLE))
    return out


def rank_list_spans(text_folded: str) -> list[tuple[int, int]]:
    """The rank numbers of ranking tables printed one province per line (never quantities)."""
    return [(m.start("n"), m.end("n")) for run in _rank_list_runs(text_folded) for m in run]


def _rank_list_runs(text_folded: str) -> list[list[re.Match[str]]]:
    """Consecutive table lines naming a province, ranks in order (equal for a tie, else one more)."""
    runs: list[list[re.Match[str]]] = []
    run: list[re.Match[str]] = []
    for m in RANK_LIST_ROW_RE.finditer(text_folded):
        known = _table_province(m["name"]) is not None
        follows = bool(run) and not text_folded[run[-1].end() : m.start()].strip()
        in_order = bool(run) and int(m["n"]) - int(run[-1]["n"]) in (0, 1, 2)
        if known and follows and in_order:
            run.append(m)
            continue
        if len(run) >= RANK_LIST_MIN_ROWS:
            runs.append(run)
        run = [m] if known and m["n"] == "1" else []
    if len(run) >= RANK_LIST_MIN_ROWS:
        runs.append(run)
    return runs


def _table_province(cell: str) -> str | None:
    """The 63-province code of a table cell that is exactly a province name ('TP. Hồ Chí Minh', 'tỉnh
    Yên Bái', 'Cần Thơ')."""
    cell = cell.strip()
    places = gazetteer()
    if places.pattern.fullmatch(cell):
        return places.code63_of(cell)
    prefix = ROW_LABEL_PREFIX_RE.match(cell)
    bare = cell[prefix.end() :] if prefix else cell
    return places.code63_of(bare) if places.pattern.fullmatch(bare) else None


def _rank_list_heading(text_folded: str, start: int) -> str:
    """The lines above a ranking table, up to the previous table or RANK_LIST_HEADING_LINES lines."""
    lines = text_folded[:start].split("\n")[-RANK_LIST_HEADING_LINES:]
    kept: list[str] = []
    for line in reversed(lines):
        if RANK_LIST_ROW_RE.fullmatch(line):
            break
        kept.append(line)
    return "\n".join(reversed(kept))


def _edition_table(year: int | None, doc_date: date | None) -> int:
    """63 or 34 for a rank with no stated denominator: the former provinces before the merger, else the
    table the edition published (both for DTI 2024: the merged one)."""
    if doc_date is None or doc_date < MERGER_DATE:
        return 63
    edition = next((e for e in dti_editions() if e.edition == year), None)
    return 34 if edition is None or edition.ranked_34 else 63


def _unit_subject(ctx: RankContext, lo: int, h: RankHit) -> bool:
    """The rank's subject is a district, department, ministry or other agency, not a province:
    'huyện Yên Khánh xếp thứ hai', 'thành phố Tam Điệp đứng đầu' (a city that is no province),
    'Sở Tư pháp dẫn đầu', 'Đơn vị xếp hạng nhất mỗi khối', 'Bảo hiểm xã hội Việt Nam dẫn đầu',
    'năm thứ 2 liên tiếp Bộ này dẫn đầu', 'Bộ KH&ĐT và Bảo hiểm xã hội ... tăng 1 bậc, vươn lên thứ 2'."""
    seg_start = _subject_start(ctx.text_folded, lo, h.start)
    if any(seg_start <= m.start < h.start for m in ctx.mentions):
        return False
    seg = ctx.text[seg_start : h.start]
    lead = len(seg) - len(seg.lstrip())
    folded = ctx.text_folded[seg_start + lead : h.start]
    if UNIT_NOUN_RE.match(folded) or UNIT_NAME_RE.match(seg, lead):
        return True
    units = [m.start() for m in INNER_UNIT_RE.finditer(folded)]
    provinces = [m.start() for m in PROVINCE_NOUN_RE.finditer(folded)]
    return bool(units) and (not provinces or units[-1] > provinces[-1])


def _subject_start(text_folded: str, lo: int, pos: int) -> int:
    """Start of the phrase holding a rank's subject: after the last comma or colon before the rank, or
    further back while the phrase opens with its predicate."""
    end = pos
    while True:
        cut = max(text_folded.rfind(",", lo, end), text_folded.rfind(":", lo, end))
        start = cut + 1 if cut >= 0 else lo
        if cut < 0 or not PREDICATE_FIRST_RE.match(text_folded, start, pos):
            return start
        end = cut


def _years_listed(text_folded: str, h: RankHit) -> list[int]:
    m = YEARS_AFTER_RE.match(text_folded, h.end)
    return [int(y) for y in re.findall(r"\d{4}", m["ys"])] if m else []


def _ranking(s: Sentence, h: RankHit, code: str | None, regime: int, year: int | None,
             pillar: str, score: float | None, confidence: float) -> Ranking:  # fmt: skip
    span = Span(evidence=s.evidence, start=h.start, end=h.end)
    return Ranking(
        province_code=code, year=year, pillar=pillar, rank=h.rank, out_of=h.out_of, score=score, span=span,
        regime=regime, confidence=confidence,
    )  # fmt: skip


def _name_distance(ctx: RankContext, s: Sentence, h: RankHit) -> int | None:
    """Characters between a rank and the nearest province named before or right after it in its sentence."""
    gaps = [h.start - m.end for m in ctx.mentions if s.start <= m.start and m.end <= h.start]
    gaps += [m.start - h.end for m in ctx.mentions if h.end <= m.start < s.end]
    return min(gaps) if gaps else None


def _ranked_code(ctx: RankContext, s: Sentence, h: RankHit, named: tuple[str, bool] | None,
                 year: int | None) -> tuple[str | None, int]:  # fmt: skip
    """The code of the province as it was ranked, and the table (regime) it was ranked in: a rank in the
    63-province table keeps the former code."""
    code63, marked_old = named if named else (ctx.subject_code63, False)
    if ctx.doc_date is None or ctx.doc_date < MERGER_DATE or _table_of(ctx, s, h, year, marked_old) == 63:
        return code63, 63
    return (ctx.gazetteer.as_of(code63, ctx.doc_date).code if code63 else None), 34


def _table_of(ctx: RankContext, s: Sentence, h: RankHit, year: int | None, marked_old: bool) -> int:
    """63 or 34: the stated denominator, a '(cũ)' name, the table the sentence names, else the edition's."""
    if h.out_of:
        return h.out_of
    if marked_old:
        return 63
    scopes = list(SCOPE_RE.finditer(ctx.text_folded, s.start, h.start))
    if scopes:
        return 63 if scopes[-1]["old"] else 34
    return _edition_table(year, ctx.doc_date)


def _clauses(text_folded: str, s: Sentence) -> list[tuple[int, int]]:
    cuts = [s.start] + [s.start + m.end() for m in re.finditer(";", text_folded[s.start : s.end])] + [s.end]
    return list(itertools.pairwise(cuts))


def _dti_ranks(text_folded: str, c_start: int, c_end: int, hits: list[RankHit]) -> list[bool]:
    """Which ranks of a clause are DTI ranks: in a clause naming another index (PAR Index, SIPAS...),
    those with the DTI named nearer than the other index."""
    others = [m.start() for m in OTHER_INDEX_RE.finditer(text_folded, c_start, c_end)]
    if not others:
        return [True] * len(hits)
    dtis = [m.start() for m in DTI_RE.finditer(text_folded, c_start, c_end)]
    return [
        bool(dtis) and min(abs(d - h.start) for d in dtis) < min(abs(o - h.start) for o in others)
        for h in hits
    ]


def _provinces_for(
    ctx: RankContext, s: Sentence, c_start: int, hits: list[RankHit]
) -> list[tuple[str, bool] | None]:
    """Province of each rank: the last one named before it in the sentence ('lần lượt' lists pair up),
    or the one named right after 'dẫn đầu ... là'; with whether the name is marked '(cũ)'."""
    in_sentence = [m for m in ctx.mentions if s.start <= m.start < s.end]
    named_before = [m for m in in_sentence if m.start < hits[0].start]
    if "lần lượt" in ctx.text_folded[s.start : hits[0].start] and len(named_before) >= len(hits) > 1:
        return [_named(ctx, m) for m in named_before[-len(hits) :]]
    out: list[tuple[str, bool] | None] = []
    for h in hits:
        after = [m for m in in_sentence if h.end <= m.start < h.end + 60]
        if after and NAMED_AFTER_RE.match(ctx.text_folded[h.end : after[0].start]):
            out.append(_named(ctx, after[0]))
            continue
        before = [m for m in in_sentence if m.start < h.start and not _aside(ctx.text_folded, s.start, m, h)]
        out.append(_named(ctx, before[-1]) if before else None)
    return out


def _named(ctx: RankContext, m: Mention) -> tuple[str, bool]:
    return m.code63, bool(OLD_MARK_RE.match(ctx.text_folded, m.end))


def _aside(text_folded: str, s_start: int, m: Mention, h: RankHit) -> bool:
    """The name sits in a bracket or dash aside closed before the rank."""
    before, between = text_folded[s_start : m.start], text_folded[m.end : h.start]
    if before.rfind("(") > before.rfind(")") and ")" in between:
        return True
    return bool(DASH_RE.search(before.rsplit(",", 1)[-1])) and bool(DASH_RE.search(between))


def _scores_for(
    text_folded: str, c_start: int, c_end: int, hits: list[RankHit], named_at: list[int]
) -> list[float | None]:
    """The score stated with each rank: before it or after it, but never across another province's
    name ('Hà Nội đứng đầu với 0,8241 điểm, Huế xếp thứ hai': the score is Hà Nội's)."""
    scores = [(m.start("v"), parse_number(m["v"])) for m in SCORE_RE.finditer(text_folded, c_start, c_end)]
    if "lần lượt" in text_folded[c_start:c_end] and len(hits) > 1:
        listed = [
            parse_number(m[0]) for m in re.finditer(r"0,\d{2,4}(?!\d)", text_folded[c_start : hits[0].start])
        ]
        if len(listed) == len(hits):
            return list[float | None](listed)
    out: list[float | None] = []
    for i, h in enumerate(hits):
        lo = hits[i - 1].end if i else c_start
        hi = hits[i + 1].start if i + 1 < len(hits) else c_end
        before = [
            v for pos, v in scores if lo <= pos < h.start and not any(pos < n < h.start for n in named_at)
        ]
        after = [v for pos, v in scores if h.end <= pos < hi]
        out.append(before[-1] if before else after[0] if after else None)
    return out


def _pillars_in_order(text_folded: str, c_start: int, hits: list[RankHit]) -> list[str] | None:
    """'Về xếp hạng chính quyền số, kinh tế số, xã hội số, thứ hạng của tỉnh lần lượt là 22, 9, 13':
    as many pillars named before a 'lần lượt' list as it has ranks, paired in order."""
    if len(hits) < 2 or "lần lượt" not in text_folded[c_start : hits[0].start]:
        return None
    named = [_pillar_of(m.group()) for m in _pillars()[0].finditer(text_folded, c_start, hits[0].start)]
    named = list(dict.fromkeys(p for p in named if p and p != "overall"))
    return named if len(named) == len(hits) else None


def _pillars_for(text_folded: str, prev_end: int, h: RankHit, next_start: int, c_end: int) -> list[str]:
    """Pillars a rank is about: listed after it, named right after it, or the nearest before it;
    none when no pillar is named (then the clause's topic, else overall)."""
    ahead = text_folded[h.end : next_start]
    listed = LIST_FWD_RE.match(ahead)
    if listed:
        named = [
            _pillar_of(m.group()) for m in _pillars()[0].finditer(text_folded, h.end + listed.end(), c_end)
        ]
        named = [p for p in named if p and p != "overall"]
        if named:
            return list(dict.fromkeys(named))
    single = _forward_single_re().match(ahead)
    if single and _pillar_of(single["p"]):
        return [_pillar_of(single["p"])]
    behind = [m for m in _pillars()[0].finditer(text_folded, prev_end, h.start) if _pillar_of(m.group())]
    if not behind:
        return []
    run = [behind[-1]]
    for m in reversed(behind[:-1]):
        if not COORD_RE.fullmatch(text_folded, m.end(), run[0].start()):
            break
        run.insert(0, m)
    return list(dict.fromkeys(_pillar_of(m.group()) for m in run))


@lru_cache(maxsize=1)
def _edition_span() -> tuple[int, int]:
    editions = [e.edition for e in dti_editions()]
    return min(editions), max(editions)


def _is_edition(year: int) -> bool:
    """A year can be a DTI edition only if that edition exists: 'năm 2025 tỉnh phấn đấu ..., hiện xếp
    thứ 41' names a plan year, and the rank is the latest published one."""
    first, last = _edition_span()
    return first <= year <= last


def _clause_year(clause: str) -> int | None:
    """The edition a ranking sentence sets for the ones after it. A year in a bracketed aside about
    another rank ('vươn lên vị trí 14/63 (năm 2020 tỉnh xếp thứ 28)') does not."""
    if not DTI_RE.search(clause) and not RANK_CUE_RE.search(clause):
        return None
    years = [
        int(m[1])
        for m in YEAR_NEAR_RE.finditer(clause)
        if _is_edition(int(m[1]))
        and not COMPARE_RE.search(clause[: m.start()])
        and not _in_rank_aside(clause, 0, m.start())
    ]
    return years[0] if years else None


def _in_rank_aside(text: str, lo: int, pos: int) -> bool:
    """Whether pos sits in a bracket opened after lo that holds another rank: 'vị trí 14/63 (năm 2020
    tỉnh xếp thứ 28)' — that year belongs to the rank inside the bracket."""
    opened = text.rfind("(", lo, pos)
    if opened < 0 or opened < text.rfind(")", lo, pos):
        return False
    closed = text.find(")", pos, pos + 80)
    return RANK_CUE_RE.search(text, opened, closed if closed >= 0 else pos + 80) is not None


def _year_near(text_folded: str, c_start: int, h: RankHit, next_start: int, follows_rank: bool) -> int | None:
    """Edition year: 'thứ 2 năm 2021' right after the rank, else the nearest earlier year in the clause.
    A compared year ('tăng 11 bậc so với năm 2022 (58/63)') is the year of a rank that follows it."""
    after = YEAR_AFTER_RANK_RE.match(text_folded, h.end, next_start)
    if (
        after
        and (len(after["gap"]) <= YEAR_AFTER_RANK_GAP or DTI_RE.search(after["gap"]))
        and _is_edition(int(after["year"]))
        and not COMPARE_RE.search(text_folded[h.end : after.start("year")])
        and not _in_rank_aside(text_folded, h.end, after.start("year"))
    ):
        return int(after["year"])
    before = [
        int(m[1])
        for m in YEAR_NEAR_RE.finditer(text_folded, c_start, h.start)
        if _is_edition(int(m[1]))
        and (follows_rank or not COMPARE_RE.search(text_folded[max(0, m.start() - 12) : m.start() + 4]))
    ]
    return before[-1] if before else None


def _document_edition(ctx: RankContext) -> int | None:
    """The DTI edition a document is about: the year most named beside the DTI, else the latest announced."""
    years: list[int] = []
    for s in ctx.sentences:
        clause = ctx.text_folded[s.start : s.end]
        if DTI_RE.search(clause) or "xếp hạng" in clause:
            years.extend(y for y in report_years(clause) if _is_edition(y))
    if years:
        return max(set(years), key=lambda y: (years.count(y), y))
    if ctx.doc_date:
        known = [e.edition for e in dti_editions() if e.announced <= ctx.doc_date]
        return max(known) if known else None
    return None


def _merge(found: list[Ranking]) -> list[Ranking]:
    """A rank stated twice (headline and body) is one fact; keep the fullest statement."""
    merged: dict[tuple[str | None, int | None, str, int, int | None], Ranking] = {}
    for r in found:
        key = (r.province_code, r.year, r.pillar, r.rank, r.regime)
        old = merged.get(key)
        if old is None:
            merged[key] = r
        else:
            merged[key] = replace(
                old,
                out_of=old.out_of or r.out_of,
                score=old.score if old.score is not None else r.score,
                confidence=max(old.confidence, r.confidence),  # stated twice: the better statement counts
            )
    return list(merged.values())
