"""A corpus of bad inputs, written by the tests into a folder: one entry per kind of trouble.

Every entry says what must become of it after ingestion: ``LOADED`` (a `raw.documents` row),
``SKIPPED`` (never listed, so never read: links, pipes), or a substring of the one
`raw.ingest_errors` reason. Everything is built here from our own sentences, so the corpus is
small (well under a megabyte on disk; the 200 MB file is sparse) and quick to write.
"""

from __future__ import annotations

import io
import os
import random
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pypdf

from tests.conftest import REPORT_TEXT
from tests.transforms.test_documents import encrypted, text_pdf, to_cp1258
from transforms.documents import _TCVN3_TABLE, _VNI_RULES

LOADED = "loaded"
SKIPPED = "skipped"
MAX_FILE_BYTES = 256 * 1024  # the corpus' CDS_MAX_FILE_BYTES: a "big" file needs only 256 KiB
SPARSE_BYTES = 200 * 1024 * 1024

# A second good report (another province, its own facts) and text for the encoding cases.
GOOD_TEXT = (
    "Đồng Tháp tổng kết chuyển đổi số năm 2023\n"
    "Năm 2023, Đồng Tháp xếp thứ 2/63 tỉnh, thành phố về Chỉ số chuyển đổi số. "
    "Tỷ lệ hồ sơ trực tuyến đạt 91,4%."
)
VIETNAMESE = (
    "Năm 2023, tỉnh Đồng Tháp xếp hạng nhất về chỉ số chuyển đổi số cấp tỉnh.\n"
    "Chính quyền số đạt 0,72 điểm; kinh tế số và xã hội số tăng trưởng ổn định. "
    "Người dân được hưởng lợi từ dịch vụ công trực tuyến."
)


def variant(tag: str) -> str:
    """VIETNAMESE with a tag, so each encoding case is its own document (equal texts share one)."""
    return f"{VIETNAMESE} Bản {tag}."


SCRIPT_MARKER = "SCRIPT_RAN"  # text that only a script would produce; must never be stored
MACRO_MARKER = "MACRO_SOURCE"  # text inside a VBA part; must never be stored
OUTSIDE_SECRET = "BÍ MẬT NGOÀI THƯ MỤC: không được đọc."


@dataclass(frozen=True, slots=True)
class BadInput:
    kind: str
    path: str  # relative to the corpus folder, as the file system spells it
    expected: str  # LOADED, SKIPPED, or a substring of the ingest error reason
    write: Callable[[Path, Path], None]  # (corpus folder, a folder outside it) → writes the case


# --- encoders for the legacy Vietnamese encodings (inverse of the decoder tables) -------------


def encode_tcvn3(text: str) -> bytes:
    """Unicode → TCVN3 (ABC) bytes: one byte per letter; a letter without a code is an error."""
    inverse = {c: b for b, c in _TCVN3_TABLE.items() if not unicodedata.combining(c)}
    return bytes(inverse[c] if c in inverse else ord(c) for c in unicodedata.normalize("NFC", text))


def encode_vni(text: str) -> bytes:
    """Unicode → VNI Windows bytes, preferring one-character codes (ơ ư đ ĩ…) as VNI fonts do."""
    inverse: dict[str, str] = {}
    for code, letter in sorted(_VNI_RULES.items(), key=lambda rule: len(rule[0])):
        inverse.setdefault(letter, code)
    return "".join(inverse.get(c, c) for c in unicodedata.normalize("NFC", text)).encode("cp1252")


# --- file builders ----------------------------------------------------------------------------


def _bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path, Path], None]:
    """A writer of fixed contents (or contents built on demand) at the case's path."""

    def write(path: Path, _outside: Path) -> None:
        path.write_bytes(data() if callable(data) else data)

    return write


def _html(body: str, head: str = "") -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()
    )


HTML_CHROME_ONLY = _html(
    "<nav>Trang chủ</nav><iframe src='https://example.org/x'>Khung</iframe>"
    "<script>document.write('Tỷ lệ đạt 77%')</script><footer>Bản quyền</footer>",
    head="<style>body{}</style><script src='x.js'></script>",
)
HTML_SCRIPT_FACTS = _html(
    f"<article><h1>Tin chuyển đổi số</h1><p>{REPORT_TEXT.splitlines()[1]}</p>"
    "<script>document.write('Năm 2022, Vĩnh Long xếp thứ 1/63 tỉnh. " + SCRIPT_MARKER + "');"
    "require('fs').writeFileSync('/tmp/cds-pwned', 'x');</script>"
    "<img src=x onerror=\"alert('" + SCRIPT_MARKER + "')\"></article>"
)
MARKDOWN_SCRIPT = (
    "# Báo cáo\n\n"
    + REPORT_TEXT
    + "\n\n<script>document.write('Tỷ lệ đạt 11%. "
    + SCRIPT_MARKER
    + "')</script>\n<!-- "
    + SCRIPT_MARKER
    + " -->\n"
).encode()


def blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def truncated_pdf() -> bytes:
    pdf = text_pdf(["Digital transformation index 2023"])
    return pdf[: len(pdf) // 2]


def zip_bomb_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    return buffer.getvalue()


def macro_docx() -> bytes:
    """A real Word document plus a VBA project part (as a .docm carries) that must stay inert."""
    document = docx.Document()
    for line in REPORT_TEXT.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr(
            "word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + f"Sub AutoOpen() {MACRO_MARKER}".encode()
        )
    return out.getvalue()


def thousand_numbers() -> bytes:
    rows = [f"Chỉ tiêu {i}: đạt {i * 7 % 1000},{i % 10}% với {i * 13} hồ sơ." for i in range(1, 1001)]
    return ("Vĩnh Long báo cáo số liệu chuyển đổi số\n" + "\n".join(rows)).encode()


def _sparse(path: Path, _outside: Path) -> None:
    """200 MB that take no disk space: only the size says how big it is."""
    with path.open("wb") as handle:
        handle.truncate(SPARSE_BYTES)


def _symlink_loop(path: Path, _outside: Path) -> None:
    path.symlink_to(path.parent, target_is_directory=True)


def _secret(outside: Path) -> Path:
    """A readable report outside the corpus folder: it must never reach the warehouse."""
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "secret.txt"
    secret.write_text(OUTSIDE_SECRET, encoding="utf-8")
    return secret


def _symlink_outside(path: Path, outside: Path) -> None:
    path.symlink_to(_secret(outside))


def _symlink_folder_outside(path: Path, outside: Path) -> None:
    path.symlink_to(_secret(outside).parent, target_is_directory=True)


def _folder(path: Path, _outside: Path) -> None:
    """A folder with a report inside; the test makes the folder itself unlistable."""
    path.mkdir()
    (path / "inside.txt").write_text(GOOD_TEXT + " Khóa.", encoding="utf-8")


def _fifo(path: Path, _outside: Path) -> None:
    os.mkfifo(path)


def _far_future_mtime(path: Path, _outside: Path) -> None:
    path.write_text(GOOD_TEXT, encoding="utf-8")
    os.utime(path, (2**40, 2**40))  # the year 36812: beyond what datetime can hold


def _case(kind: str, path: str, expected: str, data: bytes | Callable[[], bytes]) -> BadInput:
    return BadInput(kind, path, expected, _bytes(data))


def _special(kind: str, path: str, expected: str, write: Callable[[Path, Path], None]) -> BadInput:
    return BadInput(kind, path, expected, write)


GOOD = [
    _case("good report", "good/vinh-long.txt", LOADED, REPORT_TEXT.encode()),
    _case("second good report", "good/dong-thap.md", LOADED, ("# " + GOOD_TEXT).encode()),
]

CASES: list[BadInput] = [
    _case("empty file", "empty.txt", "empty document", b""),
    _case("whitespace only", "whitespace.md", "empty document", b" \n\t\r\n \xc2\xa0\n"),
    _case("random bytes", "random.txt", "binary data", random.Random(7).randbytes(4096)),
    _case("invalid UTF-8", "invalid-utf8.txt", "not valid UTF-8", "Straße über Äcker".encode("latin-1")),
    _case("UTF-16 LE with BOM", "utf16le-bom.txt", LOADED, b"\xff\xfe" + variant("le").encode("utf-16-le")),
    _case("UTF-16 BE with BOM", "utf16be-bom.txt", LOADED, b"\xfe\xff" + variant("be").encode("utf-16-be")),
    _case("UTF-16 without BOM", "utf16-nobom.txt", "binary data", VIETNAMESE.encode("utf-16-le")),
    _case("Windows-1258", "cp1258.txt", LOADED, to_cp1258(variant("cp"))),
    _case("TCVN3 (ABC)", "tcvn3.txt", LOADED, encode_tcvn3(variant("tcvn"))),
    _case("VNI Windows", "vni.txt", LOADED, encode_vni(variant("vni"))),
    _case(
        "TCVN3 in HTML declared Windows-1252",
        "tcvn3-declared.html",
        LOADED,
        b"<html><head><meta charset='windows-1252'></head><body><p>"
        + encode_tcvn3(variant("html").replace("\n", " "))
        + b"</p></body></html>",
    ),
    _case("NFD text", "nfd.txt", LOADED, unicodedata.normalize("NFD", variant("nfd")).encode()),
    _case("mixed Ð/Đ", "eth.txt", LOADED, variant("Ðð").replace("Đồng", "Ðồng").encode()),
    _case("HTML chrome, no article", "chrome-only.html", "no article text", HTML_CHROME_ONLY),
    _case("HTML script writing facts", "script-facts.html", LOADED, HTML_SCRIPT_FACTS),
    _case("Markdown with a script", "script.md", LOADED, MARKDOWN_SCRIPT),
    _case("deeply nested HTML", "nested.html", LOADED, _html("<div>" * 5000 + GOOD_TEXT + "</div>" * 5000)),
    _case("text over the size limit", "big.txt", "over the 262,144-byte limit", b"a " * MAX_FILE_BYTES),
    _special("sparse 200 MB file", "sparse-200mb.txt", "over the 262,144-byte limit", _sparse),
    _case("truncated PDF", "truncated.pdf", "unreadable PDF", truncated_pdf),
    _case(
        "encrypted PDF", "encrypted.pdf", "PDF is encrypted", lambda: encrypted(text_pdf(["Secret"]), "pw")
    ),
    _case("zero-byte PDF", "zero.pdf", "empty document", b""),
    _case("PDF without text layer", "scan.pdf", "no text layer", blank_pdf),
    _case("DOCX zip bomb", "bomb.docx", "zip bomb", zip_bomb_docx),
    _case(".docx that is not a zip", "not-zip.docx", "not a DOCX", VIETNAMESE.encode()),
    _case("DOCX with a macro part", "macro.docx", LOADED, macro_docx),
    _case("unsupported extension", "sheet.xlsx", "unsupported file type .xlsx", b"PK\x03\x04"),
    _case("no extension", "README", "unsupported file type (none)", GOOD_TEXT.encode()),
    _case("upper-case extension", "UPPER.TXT", LOADED, GOOD_TEXT.encode() + b" Hoa."),
    _special("symlink loop", "loop", SKIPPED, _symlink_loop),
    _special("symlink to a file outside the root", "escape.txt", SKIPPED, _symlink_outside),
    _special("symlink to a folder outside the root", "escape-dir", SKIPPED, _symlink_folder_outside),
    _special("named pipe", "pipe.txt", SKIPPED, _fifo),
    _case("'..'-prefixed name (hidden)", "..report.txt", SKIPPED, (GOOD_TEXT + " Một.").encode()),
    _case("'..' inside a name", "report..final..txt", LOADED, (GOOD_TEXT + " Bảy.").encode()),
    _case("'..'-like names", "reports\\..\\..\\etc\\passwd.txt", LOADED, (GOOD_TEXT + " Hai.").encode()),
    _case("newline in the name", "new\nline.txt", LOADED, (GOOD_TEXT + " Ba.").encode()),
    _case("terminal escape in the name", "esc\x1b[31m.txt", LOADED, (GOOD_TEXT + " Bốn.").encode()),
    _case("right-to-left override in the name", "\u202etxt.exe.txt", LOADED, (GOOD_TEXT + " Năm.").encode()),
    _case("undecodable byte in the name", "bad\udcff.txt", LOADED, (GOOD_TEXT + " Sáu.").encode()),
    _special("absurd modification time", "future.txt", LOADED, _far_future_mtime),
    _case("no province", "no-province.txt", LOADED, "Tỷ lệ hồ sơ trực tuyến đạt 97,2%.".encode()),
    _case("1,000 numbers", "numbers.txt", LOADED, thousand_numbers),
    _case("same report, name 1", "copies/a.txt", LOADED, (GOOD_TEXT + " Bản sao.").encode()),
    _case("same report, name 2", "copies/b.txt", LOADED, (GOOD_TEXT + " Bản sao.").encode()),
    _case("changed after ingestion", "changed.txt", LOADED, (GOOD_TEXT + " Bản đầu.").encode()),
    _case("deleted between listing and reading", "vanishing.txt", "file disappeared", GOOD_TEXT.encode()),
    _case("no read permission", "locked.txt", "permission denied", GOOD_TEXT.encode()),
    _special("unlistable folder", "locked-dir", "permission denied", _folder),
]
DENIED = ("locked.txt", "locked-dir")  # made unreadable by the test (chmod 000, or emulated as root)


def write_corpus(folder: Path, outside: Path) -> list[BadInput]:
    """Write every case (and the good reports) under `folder`; return them all."""
    for case in [*GOOD, *CASES]:
        path = folder / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        case.write(path, outside)
    return [*GOOD, *CASES]
