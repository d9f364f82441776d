"""A deterministic, seeded generator of realistic Vietnamese provincial CĐS reports for benchmarks.

The 32 bundled samples are too few to time anything, so this writes N synthetic reports in their
style (~5 KB each): dated news, formal reports and interviews about one province, with DTI ranks
("xếp thứ 13/63"), pillar ranks, percents with decimal commas, thousands dots, "1,4 triệu",
officials with titles, legal references and a photo caption printed twice. Every report has its
own random figures, so nearly all generated texts are distinct documents (the warehouse dedups
identical text). The formats follow the samples: mostly .txt, some .md and .html, and a few .pdf
and .docx that are a small fixed set of real files copied under many names.

Report i is built from `Random(seed, i)` alone, so the corpus is the same for a given seed in
any process count, and `--start` appends new reports without touching the existing ones.

    python bench/make_corpus.py --n 1000 --seed 7 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVINCES_CSV = ROOT / "transforms" / "provinces" / "provinces.csv"
OFFICIAL_2022_CSV = ROOT / "warehouse" / "reference" / "dti_2022_official.csv"
SAMPLE_PDFS = sorted((ROOT / "samples" / "reports").rglob("*.pdf"))
FILES_PER_FOLDER = 1000
TARGET_CHARS = (2600, 3700)  # ≈ 4–6 KB of UTF-8 Vietnamese
DOCX_VARIANTS = 6
MERGER = date(2025, 7, 1)
MOST_TO_SCIENCE = date(2025, 3, 1)  # the Sở TT&TT merged into the Sở KH&CN
# DTI edition → the date it was announced; a report only cites editions already announced.
DTI_ANNOUNCED = {
    2020: date(2021, 10, 19),
    2021: date(2022, 8, 8),
    2022: date(2023, 7, 12),
    2023: date(2025, 2, 20),
    2024: date(2025, 10, 21),
}
# (format, cumulative weight out of 1,000)
FORMATS = ((".txt", 800), (".md", 900), (".html", 990), (".docx", 995), (".pdf", 1000))

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Minh",
    "Đức",
    "Thanh",
    "Hữu",
    "Quốc",
    "Ngọc",
    "Thu",
    "Hoàng",
    "Kim",
    "Xuân",
    "Công",
    "Bảo",
]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hằng",
    "Hùng",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Tuấn",
    "Việt",
    "Yến",
    "Hạnh",
    "Khánh",
    "Loan",
    "Thắng",
    "Toàn",
    "Vinh",
    "Duy",
    "Hiếu",
    "Nhung",
    "Trang",
]
PILLARS = (
    "chính quyền số",
    "kinh tế số",
    "xã hội số",
    "nhận thức số",
    "thể chế số",
    "hạ tầng và nền tảng số",
    "thông tin và dữ liệu số",
    "an toàn thông tin mạng",
)
PERCENT_SUBJECTS = (
    "hồ sơ thủ tục hành chính được tiếp nhận trực tuyến",
    "văn bản đi được ký số và gửi trên môi trường mạng",
    "hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng",
    "hồ sơ được giải quyết đúng và trước hạn",
    "giao dịch thanh toán trực tuyến phí, lệ phí",
    "người dân trưởng thành có tài khoản định danh điện tử mức 2",
    "doanh nghiệp sử dụng hóa đơn điện tử",
    "hộ gia đình có đường truyền cáp quang",
    "cán bộ, công chức cấp xã được cấp chữ ký số cá nhân",
    "thủ tục hành chính đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình",
)
COUNT_PHRASES = (
    ("hồ sơ thủ tục hành chính", 20_000, 900_000),
    ("tài khoản doanh nghiệp, hộ kinh doanh trên sàn thương mại điện tử", 800, 40_000),
    ("thành viên tổ công nghệ số cộng đồng", 2_000, 30_000),
    ("lượt truy cập Cổng dịch vụ công", 50_000, 2_000_000),
    ("văn bản điện tử được trao đổi qua hệ thống quản lý văn bản", 30_000, 600_000),
    ("camera giám sát được kết nối về Trung tâm điều hành", 150, 4_000),
    ("điểm truy cập wifi công cộng miễn phí", 60, 1_500),
)
MILLION_PHRASES = (
    "bản ghi trong Kho dữ liệu dùng chung",
    "lượt hóa đơn khởi tạo từ máy tính tiền",
    "tài khoản trên ứng dụng công dân số",
    "giao dịch không dùng tiền mặt",
)
FILLERS = (
    "Các sở, ngành cần tiếp tục rà soát, chuẩn hóa quy trình nội bộ trước khi đưa lên môi trường số.",
    "Nhiều địa phương đã chủ động phối hợp với doanh nghiệp viễn thông để hỗ trợ người dân tại nhà.",
    "Việc chia sẻ dữ liệu giữa các hệ thống vẫn còn chậm, một số cơ sở dữ liệu chuyên ngành chưa kết nối.",
    "Hạ tầng mạng ở vùng sâu, vùng xa chưa đồng bộ nên tỷ lệ sử dụng dịch vụ công còn thấp.",
    "Tỉnh tiếp tục đẩy mạnh tuyên truyền để người dân hiểu lợi ích của các nền tảng số.",
    "Đội ngũ cán bộ chuyên trách công nghệ thông tin cấp xã còn thiếu và thường xuyên luân chuyển.",
    "Các tổ công nghệ số cộng đồng đến từng thôn, tổ dân phố hướng dẫn người dân cài đặt ứng dụng.",
    "Kinh phí dành cho chuyển đổi số được bố trí lồng ghép từ nhiều nguồn vốn khác nhau.",
    "Hội nghị cũng thảo luận giải pháp bảo đảm an toàn thông tin cho các hệ thống dùng chung.",
    "Nhiều ý kiến đề nghị đơn giản hóa giao diện cổng dịch vụ công để người cao tuổi dễ sử dụng.",
)
EVENTS = ("hội nghị sơ kết", "hội nghị tổng kết", "phiên họp", "buổi làm việc", "hội thảo")


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    regime: str


@dataclass(slots=True)
class Report:
    """What one report is about; the sentence makers read it and the renderers lay it out."""

    rng: random.Random
    province: Province
    day: date
    neighbours: tuple[Province, ...]
    title: str
    agency: str
    byline: str
    people: list[tuple[str, str]]


def load_provinces() -> dict[str, list[Province]]:
    """Province names by regime ('63' before the 2025 merger, '34' after) from the project table."""
    by_regime: dict[str, list[Province]] = {"63": [], "34": []}
    with PROVINCES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_regime[row["regime"]].append(Province(row["code"], row["name"], row["regime"]))
    return by_regime


PROVINCES = load_provinces()


def official_2022() -> dict[str, int]:
    """Official DTI 2022 overall ranks by province name, so the corpus agrees with the reference."""
    with OFFICIAL_2022_CSV.open(encoding="utf-8") as handle:
        return {
            row["province"]: int(row["rank"]) for row in csv.DictReader(handle) if row["pillar"] == "overall"
        }


def rank_tables() -> dict[tuple[int, str, str], dict[str, int]]:
    """(edition, pillar, regime) → province name → rank: fixed permutations, independent of --seed."""
    tables = {}
    for edition in DTI_ANNOUNCED:
        for regime in ("63", "34"):
            for pillar in ("overall", *PILLARS):
                names = [p.name for p in PROVINCES[regime]]
                random.Random(f"dti-{edition}-{pillar}-{regime}").shuffle(names)
                tables[(edition, pillar, regime)] = {name: i + 1 for i, name in enumerate(names)}
    official = official_2022()
    table = tables[(2022, "overall", "63")]
    table.update({name: official[name] for name in table if name in official})
    return tables


RANKS = rank_tables()


# ---------------------------------------------------------------------------------------------
# Number formatting the way reports print numbers
# ---------------------------------------------------------------------------------------------


def thousands(n: int) -> str:
    """186420 → '186.420' (Vietnamese thousands dots)."""
    return f"{n:,}".replace(",", ".")


def decimal(x: float, places: int = 1) -> str:
    """87.4 → '87,4' (Vietnamese decimal comma)."""
    return f"{x:.{places}f}".replace(".", ",")


def dmy(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def earlier(rng: random.Random, d: date, max_days: int = 700) -> date:
    return date.fromordinal(d.toordinal() - rng.randint(20, max_days))


# ---------------------------------------------------------------------------------------------
# Sentence makers: Report → one sentence (or None when it does not fit the report's date)
# ---------------------------------------------------------------------------------------------


def dti_rank(edition: int, pillar: str, province: Province) -> int:
    """The one rank a province holds in an edition and pillar, the same in every report (the
    samples are internally consistent, and the gate reports conflicting ranks)."""
    return RANKS[(edition, pillar, province.regime)][province.name]


def cited_editions(r: Report, before_2024: bool = False) -> list[int]:
    """DTI editions already announced on the report's date (a report never cites a future one)."""
    return [e for e, day in DTI_ANNOUNCED.items() if day < r.day and not (before_2024 and e >= 2024)]


def dti_overall(r: Report) -> str | None:
    editions = cited_editions(r)
    if not editions:
        return None
    edition = r.rng.choice(editions)
    out_of = 34 if edition == 2024 and r.province.regime == "34" else 63
    if out_of == 63 and r.province.regime == "34":
        return None  # pre-merger editions rank the former provinces, not this one
    rank, step = dti_rank(edition, "overall", r.province), r.rng.randint(1, 15)
    move = r.rng.choice(("tăng", "giảm"))
    score = decimal(0.82 - rank * 0.007, 4)
    return r.rng.choice(
        (
            f"Theo kết quả Chỉ số chuyển đổi số cấp tỉnh (DTI) năm {edition}, tỉnh {r.province.name} "
            f"xếp thứ {rank}/{out_of}, {move} {step} bậc so với năm trước.",
            f"Trong bảng xếp hạng DTI {edition}, {r.province.name} đạt {score} điểm, xếp hạng "
            f"{rank}/{out_of} cả nước.",
            f"Chỉ số DTI năm {edition} của tỉnh xếp thứ {rank}/{out_of}.",
        )
    )


def dti_pillars(r: Report) -> str | None:
    editions = cited_editions(r, before_2024=True)
    if not editions or r.province.regime == "34":
        return None
    edition = r.rng.choice(editions)
    named = r.rng.sample(PILLARS, 3)
    a, b, c = (f"{p} xếp thứ {dti_rank(edition, p, r.province)}/63" for p in named)
    return f"Ở các chỉ số thành phần của DTI {edition}, {a}, {b} và {c}."


def neighbour_rank(r: Report) -> str | None:
    editions = cited_editions(r, before_2024=True)
    if not editions or r.province.regime == "34":
        return None
    other, edition = r.rng.choice(r.neighbours), r.rng.choice(editions)
    return (
        f"Cùng khu vực, tỉnh {other.name} xếp thứ {dti_rank(edition, 'overall', other)}/63 trong Chỉ số "
        f"chuyển đổi số năm {edition}."
    )


def percent(r: Report) -> str:
    subject, value = r.rng.choice(PERCENT_SUBJECTS), decimal(r.rng.uniform(35, 99.9), r.rng.choice((1, 2)))
    return r.rng.choice(
        (
            f"Tỷ lệ {subject} đạt {value}%.",
            f"Đến nay, {value}% {subject}.",
            f"Tỷ lệ {subject} đạt {value}%, vượt {decimal(r.rng.uniform(1, 9))} điểm phần trăm "
            "so với kế hoạch.",
            f"Riêng cấp xã, tỷ lệ {subject} mới đạt {value}%.",
        )
    )


def quantity(r: Report) -> str:
    noun, low, high = r.rng.choice(COUNT_PHRASES)
    n = thousands(r.rng.randint(low, high))
    return r.rng.choice(
        (
            f"Toàn tỉnh ghi nhận {n} {noun}.",
            f"Lũy kế đến nay có hơn {n} {noun}.",
            f"Trong kỳ báo cáo, hệ thống đã xử lý gần {n} {noun}.",
        )
    )


def millions(r: Report) -> str:
    noun = r.rng.choice(MILLION_PHRASES)
    return f"Nền tảng của tỉnh hiện có {decimal(r.rng.uniform(1.1, 9.8))} triệu {noun}."


def money(r: Report) -> str:
    amount = thousands(r.rng.randint(120, 9_800))
    return r.rng.choice(
        (
            f"Doanh thu thương mại điện tử ước đạt {amount} tỷ đồng.",
            f"Tổng kinh phí đầu tư cho hạ tầng số khoảng {amount} tỷ đồng.",
        )
    )


def official(r: Report) -> str:
    name, title = r.rng.choice(r.people)
    honorific = "Bà" if " Thị " in name else r.rng.choice(("Ông", "Đồng chí"))
    return r.rng.choice(
        (
            f"Phát biểu tại {r.rng.choice(EVENTS)}, {honorific.lower()} {name}, {title}, đề nghị các đơn vị "
            "tập trung hoàn thành các chỉ tiêu còn chậm.",
            f"{honorific} {name}, {title}, cho biết tỉnh sẽ ưu tiên nguồn lực cho dữ liệu dùng chung.",
            f"Theo {honorific.lower()} {name}, {title}, kết quả trên là nền tảng để tỉnh bứt phá.",
        )
    )


def legal(r: Report) -> str:
    issued = earlier(r.rng, r.day)
    number = r.rng.randint(1, 3_200)
    choices = [
        f"Thực hiện Kế hoạch số {number}/KH-UBND ngày {dmy(issued)} của UBND tỉnh về chuyển đổi số, "
        "các đơn vị đã triển khai đồng bộ nhiệm vụ được giao.",
        f"UBND tỉnh ban hành Quyết định số {number}/QĐ-UBND ngày {dmy(issued)} phê duyệt danh mục "
        "cơ sở dữ liệu dùng chung.",
        f"Nghị quyết số {r.rng.randint(1, 40):02d}-NQ/TU ngày {dmy(issued)} của Ban Chấp hành Đảng bộ "
        "tỉnh đặt mục tiêu đưa tỉnh vào nhóm dẫn đầu.",
        f"Công văn số {number}/UBND-KGVX yêu cầu các sở, ngành báo cáo tiến độ hằng tháng.",
    ]
    if r.day >= date(2022, 2, 1):
        choices.append("Đề án 06 được triển khai theo Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng.")
    if r.day >= date(2025, 1, 10):
        choices.append("Các nhiệm vụ được cụ thể hóa để thực hiện Nghị quyết 57-NQ/TW của Bộ Chính trị.")
    return r.rng.choice(choices)


def filler(r: Report) -> str:
    return r.rng.choice(FILLERS)


SentenceMaker = Callable[[Report], "str | None"]
# (maker, weight): a report reads as prose with facts in most sentences.
MAKERS: tuple[tuple[SentenceMaker, int], ...] = (
    (percent, 6),
    (quantity, 5),
    (filler, 5),
    (official, 3),
    (legal, 3),
    (millions, 2),
    (money, 2),
    (dti_overall, 2),
    (dti_pillars, 1),
    (neighbour_rank, 1),
)
MAKER_LIST = [maker for maker, _ in MAKERS]
MAKER_WEIGHTS = [weight for _, weight in MAKERS]


# ---------------------------------------------------------------------------------------------
# One report
# ---------------------------------------------------------------------------------------------


def new_report(seed: int, index: int) -> Report:
    """The report's subject, date and cast, all drawn from its own seeded generator."""
    rng = random.Random(seed * 1_000_003 + index)
    day = date(rng.randint(2020, 2025), rng.randint(1, 12), rng.randint(1, 28))
    regime = "34" if day >= MERGER else "63"
    province = rng.choice(PROVINCES[regime])
    neighbours = tuple(rng.sample(PROVINCES[regime], 3))
    department = "Sở Khoa học và Công nghệ" if day >= MOST_TO_SCIENCE else "Sở Thông tin và Truyền thông"
    titles = (
        "Phó Chủ tịch UBND tỉnh",
        "Chủ tịch UBND tỉnh",
        "Phó Bí thư Tỉnh ủy",
        f"Giám đốc {department}",
        f"Phó Giám đốc {department}",
    )
    people = [(person(rng), rng.choice(titles)) for _ in range(3)]
    kind = rng.choice(("Sơ kết", "Tổng kết", "Đẩy mạnh", "Kết quả", "Tăng tốc"))
    period = rng.choice(("6 tháng đầu năm", "năm", "quý III"))
    title = f"{province.name}: {kind} chuyển đổi số {period} {day.year}"
    byline = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}".upper()
    return Report(rng, province, day, neighbours, title, department, byline, people)


def paragraphs(r: Report) -> list[list[str]]:
    """Paragraphs of 2–5 sentences until the report reaches its length."""
    target = r.rng.randint(*TARGET_CHARS)
    size, out = 0, []
    opening = (
        f"{r.rng.choice(('Sáng', 'Chiều', 'Ngày'))} {r.day.day}/{r.day.month}, UBND tỉnh {r.province.name} "
        f"tổ chức {r.rng.choice(EVENTS)} đánh giá kết quả chuyển đổi số năm {r.day.year}."
    )
    out.append([opening, official(r)])
    size += sum(map(len, out[0]))
    while size < target:
        paragraph = []
        for maker in r.rng.choices(MAKER_LIST, MAKER_WEIGHTS, k=r.rng.randint(2, 5)):
            sentence = maker(r)
            if sentence:
                paragraph.append(sentence)
                size += len(sentence) + 1
        out.append(paragraph)
    return out


def caption(r: Report) -> str:
    name, title = r.people[0]
    return f"{name}, {title} phát biểu tại hội nghị. Ảnh: {r.byline}"


def render_txt(r: Report) -> str:
    body = [" ".join(p) for p in paragraphs(r)]
    body.insert(min(2, len(body)), caption(r))
    body.insert(min(5, len(body)), caption(r))  # news sites print the caption twice
    clock = f"{r.rng.randint(6, 21):02d}:{r.rng.randint(0, 59):02d}"
    stamp = f"{r.day.day:02d}/{r.day.month:02d}/{r.day.year} | {clock}"
    return "\n\n".join([r.title, stamp, *body, f"Bài, ảnh: {r.byline}"]) + "\n"


def render_md(r: Report) -> str:
    head = [
        f"**UBND TỈNH {r.province.name.upper()}**",
        f"**{r.agency.upper()}**",
        "",
        f"Số: {r.rng.randint(10, 999)}/BC-UBND — *{r.province.name}, ngày {r.day.day} tháng {r.day.month} "
        f"năm {r.day.year}*",
        "",
        "# BÁO CÁO",
        f"## {r.title}",
    ]
    body = []
    for number, paragraph in enumerate(paragraphs(r), start=1):
        body += ["", f"### {number}. Kết quả nhóm nhiệm vụ {number}", ""]
        body += [f"- {sentence}" for sentence in paragraph]
    signer = r.people[-1][0]
    return "\n".join([*head, *body, "", "**GIÁM ĐỐC**", "*(đã ký)*", f"**{signer}**"]) + "\n"


HTML_HEAD = (
    '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>{title}</title>'
    '<link rel="stylesheet" href="/css/portal.css"></head>\n<body>\n<header class="site-header">'
    '<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức</a></li>'
    '<li><a href="/chinh-quyen-so">Chính quyền số</a></li><li><a href="/kinh-te-so">Kinh tế số</a></li>'
    "</ul></nav></header>\n<main><article>\n"
)
HTML_TAIL = (
    '</article>\n<aside class="sidebar"><h3>Tin liên quan</h3><ul><li><a href="/tin/1">Hướng dẫn '
    'cài đặt ứng dụng công dân số</a></li><li><a href="/tin/2">Lịch tiếp công dân</a></li></ul></aside>'
    '\n</main>\n<footer class="site-footer">Cổng thông tin điện tử tỉnh. Ghi rõ nguồn khi phát hành lại '
    "thông tin từ website này.</footer>\n</body>\n</html>\n"
)


def render_html(r: Report) -> str:
    parts = [HTML_HEAD.format(title=r.title), f"<h1>{r.title}</h1>\n"]
    parts.append(f'<div class="date">{r.day.day:02d}/{r.day.month:02d}/{r.day.year}</div>\n')
    for paragraph in paragraphs(r):
        parts.append(f"<p>{' '.join(paragraph)}</p>\n")
    parts.append(f"<p><em>{caption(r)}</em></p>\n<p><strong>{r.byline}</strong></p>\n")
    return "".join(parts) + HTML_TAIL


RENDERERS: dict[str, Callable[[Report], str]] = {".txt": render_txt, ".md": render_md, ".html": render_html}


def pick_format(rng: random.Random) -> str:
    roll = rng.randrange(1000)
    return next(ext for ext, limit in FORMATS if roll < limit)


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "-".join("".join(c for c in plain if not unicodedata.combining(c)).lower().split())


# ---------------------------------------------------------------------------------------------
# Binary formats: a fixed set of real files, copied under many names
# ---------------------------------------------------------------------------------------------


def docx_variants(seed: int) -> list[bytes]:
    """A handful of real .docx reports (python-docx), built once per corpus; copies dedup in ingest."""
    import docx

    variants = []
    for k in range(DOCX_VARIANTS):
        r = new_report(seed, -1 - k)
        document = docx.Document()
        document.add_heading(r.title, level=1)
        for paragraph in paragraphs(r):
            document.add_paragraph(" ".join(paragraph))
        buffer = io.BytesIO()
        document.save(buffer)
        variants.append(buffer.getvalue())
    return variants


# ---------------------------------------------------------------------------------------------
# Writing the corpus
# ---------------------------------------------------------------------------------------------


def write_folder(out: Path, seed: int, indices: range, binaries: dict[str, list[bytes]]) -> int:
    """Write reports `indices` (all in one sub-folder); returns bytes written."""
    written = 0
    for index in indices:
        folder = out / f"part-{index // FILES_PER_FOLDER:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        r = new_report(seed, index)
        ext = pick_format(r.rng)
        name = f"{slug(r.province.name)}-{r.day.isoformat()}-{index:06d}{ext}"
        if ext in RENDERERS:
            data = RENDERERS[ext](r).encode("utf-8")
        else:
            data = binaries[ext][index % len(binaries[ext])]
        (folder / name).write_bytes(data)
        written += len(data)
    return written


def folder_ranges(start: int, n: int) -> list[range]:
    """Split [start, start+n) at sub-folder boundaries so each worker owns its folders."""
    ranges, index, end = [], start, start + n
    while index < end:
        stop = min(end, (index // FILES_PER_FOLDER + 1) * FILES_PER_FOLDER)
        ranges.append(range(index, stop))
        index = stop
    return ranges


def generate(n: int, seed: int, out: Path, start: int = 0, workers: int | None = None) -> int:
    """Write reports start..start+n-1 under `out`; returns the bytes written."""
    out.mkdir(parents=True, exist_ok=True)
    binaries = {".docx": docx_variants(seed), ".pdf": [p.read_bytes() for p in SAMPLE_PDFS]}
    ranges = folder_ranges(start, n)
    workers = workers or min(len(ranges), os.cpu_count() or 1)
    if workers <= 1:
        return sum(write_folder(out, seed, r, binaries) for r in ranges)
    with ProcessPoolExecutor(workers) as pool:
        futures = [pool.submit(write_folder, out, seed, r, binaries) for r in ranges]
        return sum(f.result() for f in futures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of reports")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--start", type=int, default=0, help="index of the first report (to append)")
    args = parser.parse_args()
    began = time.perf_counter()
    size = generate(args.n, args.seed, args.out, args.start)
    elapsed = time.perf_counter() - began
    print(f"{args.n} reports, {size / 1e6:.1f} MB in {args.out} ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
