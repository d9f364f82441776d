"""Unit tests for transforms.documents: every input is built here, from our own short sentences."""

from __future__ import annotations

import hashlib
import io
import random
import unicodedata
import zipfile

import docx
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.documents import (
    SUPPORTED_SUFFIXES,
    DecodedDocument,
    DocumentError,
    decode_document,
    normalise_text,
)

SENTENCE = "Năm 2023, tỉnh Đồng Tháp xếp hạng nhất về chỉ số chuyển đổi số cấp tỉnh."
SECOND = "Chính quyền số đạt 0,72 điểm; kinh tế số và xã hội số tăng trưởng ổn định."
TEXT = f"{SENTENCE}\n{SECOND}"

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)


def reason(data: bytes, suffix: str) -> str:
    with pytest.raises(DocumentError) as caught:
        decode_document(data, suffix)
    return caught.value.reason


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters (â, ơ, ư…) plus combining tone marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        letter_marks = "".join(m for m in marks if m in "\u0302\u0306\u031b")  # circumflex, breve, horn
        tones = "".join(m for m in marks if m not in letter_marks)
        out += (unicodedata.normalize("NFC", base + letter_marks) + tones).encode("cp1258")
    return bytes(out)


def text_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A minimal one-page PDF with ASCII text in the standard Helvetica font, written by hand."""
    shown = b" ".join(b"(" + line.encode("ascii") + b") '" for line in lines)
    content = b"BT /F1 12 Tf 72 720 Td 14 TL " + shown + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    if title:
        objects.append(b"<< /Title (" + title.encode("ascii") + b") >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if title else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Báo cáo chuyển đổi số"
    document.add_heading("Kết quả năm 2023", level=1)
    document.add_paragraph(SENTENCE)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Trụ cột", "Điểm"), ("Chính quyền số", "0,72")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_paragraph(SECOND)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- plain text ------------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert frozenset({".txt", ".md", ".html", ".htm", ".pdf", ".docx"}) == SUPPORTED_SUFFIXES


def test_utf8_text() -> None:
    doc = decode_document(TEXT.encode("utf-8"), ".txt")
    assert doc == DecodedDocument(
        text=TEXT, encoding="utf-8", title=None, doc_id=hashlib.sha256(TEXT.encode()).hexdigest()
    )


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be"],
)
def test_bom_encodings(data: bytes, encoding: str) -> None:
    doc = decode_document(data, ".txt")
    assert (doc.text, doc.encoding) == (TEXT, encoding)


def test_windows_1258_fallback() -> None:
    data = to_cp1258(TEXT)
    assert b"\xec" in data  # a combining acute accent byte: the decomposed cp1258 form really is tested
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = decode_document(data, ".txt")
    assert (doc.text, doc.encoding) == (unicodedata.normalize("NFC", TEXT), "windows-1258")
    assert doc.doc_id == decode_document(TEXT.encode("utf-8"), ".txt").doc_id


def test_nfd_input_gets_the_nfc_text_and_doc_id() -> None:
    nfd = unicodedata.normalize("NFD", TEXT)
    assert nfd != TEXT
    assert decode_document(nfd.encode("utf-8"), ".txt") == decode_document(TEXT.encode("utf-8"), ".txt")


def test_normalise_text_rules() -> None:
    raw = "  ÐỒNG THÁP  \r\n\r\n\r\n\r\nxếp\u00a0hạng  \t\nsố\u00ad hóa\u200b ðạt\u00a0\n\n"
    assert normalise_text(raw) == "ĐỒNG THÁP\n\nxếp hạng\nsố hóa đạt"


def test_eth_is_read_as_d_with_stroke() -> None:
    assert decode_document("Ðồng Tháp ðạt".encode(), ".txt").text == "Đồng Tháp đạt"


@pytest.mark.parametrize(
    "data", [b"", b"  \n\t\r\n  ", "\u00a0\u200b\n".encode()], ids=["empty", "spaces", "nbsp"]
)
def test_empty_documents(data: bytes) -> None:
    assert reason(data, ".txt") == "empty document"


def test_random_binary_bytes() -> None:
    data = random.Random(1258).randbytes(2048)
    assert reason(data, ".txt") == "binary data, not text"


def test_nul_bytes_without_bom_are_binary() -> None:
    assert reason(TEXT.encode("utf-16-le"), ".txt") == "binary data, not text"


def test_invalid_utf8_that_is_not_vietnamese() -> None:
    german = "Straße über Äcker".encode("latin-1")  # decodes under cp1258, but not as Vietnamese
    assert reason(german, ".txt") == "not valid UTF-8, UTF-16 or Windows-1258 text"
    assert reason(b"abc \x81\x8d def", ".txt") == "not valid UTF-8, UTF-16 or Windows-1258 text"


def test_markdown_markup_is_stripped() -> None:
    markdown = (
        "# Chuyển đổi số **tỉnh** Đồng Tháp\n\n"
        "Theo [báo cáo](https://example.org/bc.pdf) của __Sở__ TT&TT, tỉnh xếp hạng nhất.\n"
        "![biểu đồ](chart.png)\n"
        "---\n"
        "- Chính quyền số: 0,72\n"
        "- Kinh tế số: 0,55\n"
    )
    doc = decode_document(markdown.encode(), ".md")
    assert doc.title == "Chuyển đổi số tỉnh Đồng Tháp"
    assert doc.text == (
        "Chuyển đổi số tỉnh Đồng Tháp\n\n"
        "Theo báo cáo của Sở TT&TT, tỉnh xếp hạng nhất.\n\n"
        "- Chính quyền số: 0,72\n"
        "- Kinh tế số: 0,55"
    )


# --- HTML ------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<title>Đồng Tháp dẫn đầu DTI | Cổng thông tin</title>
<script>var leak = "SCRIPT_SECRET";</script><style>p { color: red }</style></head>
<body class="has-sidebar">
<header><div class="logo">Cổng thông tin điện tử</div></header>
<nav><ul><li>Trang chủ</li><li>Tin tức</li></ul></nav>
<div class="breadcrumb">Trang chủ » Tin tức</div>
<article>
  <h1>Đồng Tháp dẫn đầu chỉ số DTI</h1>
  <p>Năm 2023, tỉnh Đồng Tháp
     xếp hạng&nbsp;nhất.<script>document.write("SCRIPT_SECRET")</script></p>
  <div class="share-buttons">Chia sẻ Facebook</div>
  <p>Chính quyền số đạt <b>0,72</b> điểm.<br>Kinh tế số đạt 0,55 điểm.</p>
  <table><tr><td>Trụ cột</td><td>Điểm</td></tr></table>
  <div class="related-news">Tin liên quan khác</div>
</article>
<aside>Liên kết website</aside>
<footer>Bản quyền © 2024</footer>
<noscript>Bật JavaScript</noscript>
</body></html>"""


def test_html_keeps_only_the_article() -> None:
    doc = decode_document(PAGE.encode(), ".html")
    assert doc.title == "Đồng Tháp dẫn đầu DTI | Cổng thông tin"
    assert doc.encoding == "utf-8"
    assert doc.text.split("\n") == [
        "Đồng Tháp dẫn đầu chỉ số DTI",
        "Năm 2023, tỉnh Đồng Tháp xếp hạng nhất.",
        "Chính quyền số đạt 0,72 điểm.",
        "Kinh tế số đạt 0,55 điểm.",
        "Trụ cột",
        "Điểm",
    ]
    assert "SCRIPT_SECRET" not in doc.text


def test_html_without_article_uses_densest_block_and_title() -> None:
    page = (
        "<html><head><meta property='og:title' content='Báo cáo DTI 2023'>"
        "<title>Trang tin | Sở TT&amp;TT</title></head><body>"
        "<div id='main-menu'><p>Giới thiệu</p></div>"
        "<div class='box'><p>Tin ngắn.</p></div>"
        f"<div class='content'><p>{SENTENCE}</p><p>{SECOND}</p></div>"
        "</body></html>"
    )
    doc = decode_document(page.encode(), ".htm")
    assert doc.title == "Báo cáo DTI 2023"
    assert doc.text == f"Báo cáo DTI 2023\n{SENTENCE}\n{SECOND}"


def test_html_boilerplate_class_on_the_content_wrapper_is_ignored() -> None:
    page = (
        "<html><body><div class='menu'><a href='/'>Trang chủ</a></div>"
        f"<div class='wrapper with-sidebar'><p>{SENTENCE}</p><div class='sidebar'>Liên kết</div></div>"
        "</body></html>"
    )
    assert decode_document(page.encode(), ".html").text == SENTENCE


def test_html_meta_charset_that_is_not_a_text_encoding_is_ignored() -> None:
    page = f"<html><head><meta charset='base64'></head><body><p>{SENTENCE}</p></body></html>"
    doc = decode_document(to_cp1258(page), ".html")
    assert (doc.text, doc.encoding) == (SENTENCE, "windows-1258")


def test_html_meta_charset_windows_1258() -> None:
    page = f'<html><head><meta charset="windows-1258"></head><body><p>{SENTENCE}</p></body></html>'
    doc = decode_document(to_cp1258(page), ".html")
    assert (doc.text, doc.encoding) == (SENTENCE, "windows-1258")


def test_html_without_article_text() -> None:
    page = (
        "<html><head><title>Cổng thông tin</title><script>alert(1)</script></head>"
        "<body><nav><a href='/'>Trang chủ</a></nav><footer>Bản quyền</footer></body></html>"
    )
    assert reason(page.encode(), ".html") == "HTML page has no article text"


# --- PDF -------------------------------------------------------------------------------------


def test_text_pdf() -> None:
    doc = decode_document(
        text_pdf(["Digital transformation index 2023", "Dong Thap ranked first."], "DTI"), ".pdf"
    )
    assert doc.text == "Digital transformation index 2023\nDong Thap ranked first."
    assert (doc.encoding, doc.title) == ("pdf", "DTI")


def test_blank_pdf_has_no_text_layer() -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert reason(buffer.getvalue(), ".pdf") == "PDF has no text layer (scanned?)"


def test_encrypted_pdf() -> None:
    assert reason(encrypted(text_pdf(["Secret ranking"]), "mat-khau"), ".pdf") == "PDF is encrypted"


def test_pdf_locked_only_by_owner_password_is_read() -> None:
    assert decode_document(encrypted(text_pdf(["Open ranking"]), ""), ".pdf").text == "Open ranking"


def test_truncated_pdf() -> None:
    pdf = text_pdf(["Digital transformation index 2023"])
    assert reason(pdf[: len(pdf) // 2], ".pdf").startswith("unreadable PDF: ")


# --- DOCX ------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_in_order() -> None:
    doc = decode_document(docx_bytes(), ".docx")
    assert (doc.encoding, doc.title) == ("docx", "Báo cáo chuyển đổi số")
    assert doc.text.split("\n") == [
        "Kết quả năm 2023",
        SENTENCE,
        "Trụ cột",
        "Điểm",
        "Chính quyền số",
        "0,72",
        SECOND,
    ]


def test_not_a_zip_docx() -> None:
    assert reason(TEXT.encode(), ".docx") == "not a DOCX (zip) file"


def test_zip_bomb_docx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    assert reason(buffer.getvalue(), ".docx") == "DOCX expands too much (zip bomb?)"


def test_docx_too_large_in_total() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in range(51):  # 1 MB each: below the ratio check's floor, 51 MB together
            archive.writestr(f"word/media/part{part}.bin", b"\0" * (1024 * 1024))
    assert reason(buffer.getvalue(), ".docx") == "DOCX expands too much (zip bomb?)"


def test_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", SENTENCE)
    assert reason(buffer.getvalue(), ".docx").startswith("unreadable DOCX: ")


# --- dispatch --------------------------------------------------------------------------------


def test_unsupported_suffix() -> None:
    assert reason(TEXT.encode(), ".xyz") == "unsupported file type .xyz"


def test_suffix_is_case_insensitive() -> None:
    assert decode_document(TEXT.encode(), ".TXT").text == TEXT


# --- properties ------------------------------------------------------------------------------

vietnamese_text = st.text(
    # Letters plus the things normalise_text rewrites: whitespace, Ð/ð, NBSP, a lone combining accent.
    alphabet=st.sampled_from([*VIETNAMESE_LETTERS, *VIETNAMESE_LETTERS.upper(), *" \n\t,.Ðð\u00a0\u0301"]),
    max_size=80,
)


@given(vietnamese_text)
def test_normalise_is_idempotent_and_txt_decoding_agrees(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert normalise_text(unicodedata.normalize("NFD", text)) == once
    if once:
        assert decode_document(text.encode("utf-8"), ".txt").text == once
