"""Raw report bytes → normalised text, or a short reason why not.

Pure on purpose (bytes in, text out; no file system, no network) so flows can call it on
whatever they fetched and tests can feed it hand-built inputs. Every text leaves here in
NFC with tidy whitespace: the extractor's character offsets and the ``doc_id`` must not
depend on how a report happened to be typed, encoded or laid out.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import product
from typing import Any

import docx
import pypdf
from docx.table import Table
from docx.text.paragraph import Paragraph
from selectolax.lexbor import LexborHTMLParser, LexborNode

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".html", ".htm", ".pdf", ".docx"})

NOT_TEXT = "not valid UTF-8, UTF-16 or Windows-1258 text"
BINARY = "binary data, not text"
EMPTY = "empty document"


class DocumentError(Exception):
    """A document cannot be read as text; ``reason`` says why in a few words for the run log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DecodedDocument:
    """A report's normalised text; ``doc_id`` is the sha256 of that text, so equal texts share it."""

    text: str
    encoding: str
    title: str | None
    doc_id: str


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")
# C0/C1 controls other than \t and \n (line breaks are already \n when this runs).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_CHAR_MAP = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (Icelandic Eth) is often typed for Đ
        "\u00f0": "\u0111",  # ð → đ
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space / non-joiner / joiner, word joiner, stray BOM
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
    }
)


_INNER_SPACE_RUNS = re.compile(r"[ \t]{2,}")


def normalise_text(text: str) -> str:
    """NFC, one blank line at most, single spaces, no indentation: equal content ⇒ equal text ⇒
    equal doc_id, and text laid out by PDF or HTML reads like typed text.

    Invisible characters go first so that a base letter and its combining mark that were
    split by one still compose under NFC.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text.translate(_CHAR_MAP))
    text = unicodedata.normalize("NFC", text)
    text = "\n".join(_INNER_SPACE_RUNS.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


# ---------------------------------------------------------------------------------------------
# Plain text: BOM → UTF-8 → declared charset (HTML) → Windows-1258 if it reads as Vietnamese
# ---------------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])  # not \t \n \v \f \r
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.05
_C0_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # anything but \t \n \f \r
_ENCODING_LABELS = {"cp1258": "windows-1258", "cp1252": "windows-1252", "cp1251": "windows-1251"}


def _vietnamese_letters() -> frozenset[str]:
    """The 134 accented letters of the Vietnamese alphabet (NFC, both cases)."""
    vowels = "aăâeêioôơuưy"
    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    lower = {unicodedata.normalize("NFC", v + t) for v, t in product(vowels, tones)} | {"đ"}
    letters = {c for c in lower | {c.upper() for c in lower} if not c.isascii()}
    return frozenset(letters)


_VIETNAMESE_LETTERS = _vietnamese_letters()


def _looks_vietnamese(text: str) -> bool:
    """True when a Windows-1258 guess reads as Vietnamese rather than some other 8-bit text.

    Every non-ASCII letter (or leftover combining mark) must belong to the Vietnamese
    alphabet, at least one must occur, and there must be no stray C0 controls.
    """
    text = unicodedata.normalize("NFC", text)
    if _C0_IN_TEXT.search(text):
        return False
    foreign = [c for c in text if not c.isascii() and (c.isalpha() or unicodedata.combining(c))]
    return bool(foreign) and all(c in _VIETNAMESE_LETTERS for c in foreign)


def _encoding_label(codec: str) -> str:
    name = codecs.lookup(codec).name
    return _ENCODING_LABELS.get(name, name)


def _reject_binary(text: str) -> str:
    if len(_BINARY_CHARS.findall(text)) > _MAX_CONTROL_SHARE * len(text):
        raise DocumentError(BINARY)
    return text


def _looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16) or many control bytes: no 8-bit text encoding explains these."""
    controls = len(data) - len(data.translate(None, _BINARY_BYTES))
    return b"\x00" in data or controls > _MAX_CONTROL_SHARE * len(data)


def _decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes → (text, encoding label).

    Valid UTF-8 is trusted even over a declared charset: mis-declared pages are common,
    and legacy 8-bit text is practically never valid UTF-8 by accident.
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return _reject_binary(data.decode(codec)), label
            except UnicodeDecodeError:
                raise DocumentError(NOT_TEXT) from None
    if _looks_binary(data):
        raise DocumentError(BINARY)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared is not None:
        try:
            return data.decode(declared), _encoding_label(declared)
        except (UnicodeDecodeError, LookupError):  # LookupError: base64, rot13… are not text codecs
            pass
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError:
        raise DocumentError(NOT_TEXT) from None
    if not _looks_vietnamese(text):
        raise DocumentError(NOT_TEXT)
    return text, "windows-1258"


def _read_text(data: bytes) -> tuple[str, str, str | None]:
    text, encoding = _decode_bytes(data)
    return text, encoding, None


# ---------------------------------------------------------------------------------------------
# Markdown: drop only the markup that would split or pollute sentences
# ---------------------------------------------------------------------------------------------

_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"\*\*|__")
_MD_RULE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)


def _strip_markdown(text: str) -> tuple[str, str | None]:
    """Markdown → (plain text, first heading). List items stay as their own lines."""
    text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", text))
    text = _MD_EMPHASIS.sub("", _MD_RULE.sub("", text))
    heading = _MD_HEADING.search(text)
    title = normalise_text(heading.group(1)) if heading else None
    return _MD_HEADING.sub(r"\1", text), title or None


def _read_markdown(data: bytes) -> tuple[str, str, str | None]:
    raw, encoding = _decode_bytes(data)
    text, title = _strip_markdown(raw)
    return text, encoding, title


# ---------------------------------------------------------------------------------------------
# HTML: keep the article, drop chrome; never keep script content
# ---------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_CHARSET_SNIFF_BYTES = 4096
_DROP_SELECTOR = (
    "script, style, noscript, iframe, nav, header, footer, aside, form, svg, template, object, embed, canvas"
)
_BOILERPLATE = re.compile(
    r"menu|sidebar|footer|breadcrumb|comment|related|advert|cookie|navbar|navigation"
    r"|(?:^|[\s_-])(?:nav|ads?|share|sharing|social)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Never removed for their class/id: the page skeleton and the article itself.
_PROTECTED_TAGS = frozenset({"html", "head", "body", "main", "article"})
_CONTENT_SELECTOR = "article, main, [itemprop=articleBody]"
_BLOCK_TAGS = frozenset(
    {"address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl", "dt"}
    | {"figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p"}
    | {"pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
)
_SPACES = re.compile(r"\s+")


def _clean(text: str | None) -> str:
    return normalise_text(_SPACES.sub(" ", text or ""))


def _html_charset(data: bytes) -> str | None:
    """The codec a ``<meta charset>`` names, if Python knows it (UTF-16 without a BOM is not honoured)."""
    match = _META_CHARSET.search(data[:_CHARSET_SNIFF_BYTES])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return None if name.startswith("utf-16") else name


def _html_title(tree: LexborHTMLParser) -> str | None:
    """og:title, else ``<title>``, else the first ``<h1>``: read before the chrome is dropped."""
    og = tree.css_first('meta[property="og:title"]')
    title, h1 = tree.css_first("title"), tree.css_first("h1")
    candidates = (
        og.attributes.get("content") if og else None,
        title.text() if title else None,
        h1.text() if h1 else None,
    )
    return next((cleaned for candidate in candidates if (cleaned := _clean(candidate))), None)


def _is_boilerplate(node: LexborNode, page_text: int) -> bool:
    """Whether a class/id such as ``menu`` or ``share-buttons`` marks chrome.

    Names are only a hint: an element holding the article, or most of the page's paragraph
    text (a "wrapper has-sidebar"), is content whatever it is called.
    """
    if node.tag in _PROTECTED_TAGS or node.attributes.get("itemprop") == "articleBody":
        return False
    marker = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
    if not _BOILERPLATE.search(marker) or node.css_first(_CONTENT_SELECTOR):
        return False
    return 2 * _paragraph_text(node) <= page_text


def _paragraph_text(node: LexborNode) -> int:
    return sum(_text_length(paragraph) for paragraph in node.css("p"))


def _drop_chrome(tree: LexborHTMLParser) -> None:
    """Detach scripts, navigation and blocks whose class/id says boilerplate.

    Only the topmost doomed nodes are detached (``recursive=False`` just unlinks them), so
    no node is ever touched after an ancestor was removed.
    """
    page_text = _paragraph_text(tree.body) if tree.body is not None else 0
    doomed = tree.css(_DROP_SELECTOR)
    doomed += [node for node in tree.css("[class], [id]") if _is_boilerplate(node, page_text)]
    ids = {node.mem_id for node in doomed}
    for node in doomed:
        if not any(parent.mem_id in ids for parent in _ancestors(node)):
            node.decompose(recursive=False)


def _ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _text_length(node: LexborNode) -> int:
    return len(_SPACES.sub("", node.text() or ""))


def _content_root(tree: LexborHTMLParser) -> LexborNode | None:
    """``[itemprop=articleBody]``, else the longest ``<article>``, else the densest block.

    Density: the element whose direct ``<p>`` children hold the most text.
    """
    for selector in ("[itemprop=articleBody]", "article"):
        found = [node for node in tree.css(selector) if _text_length(node)]
        if found:
            return max(found, key=_text_length)
    scores: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    for paragraph in tree.css("p"):
        parent = paragraph.parent
        if parent is not None:
            scores[parent.mem_id] = scores.get(parent.mem_id, 0) + _text_length(paragraph)
            parents[parent.mem_id] = parent
    best = max(scores, key=scores.__getitem__, default=None)
    if best is not None and scores[best] > 0:
        return parents[best]
    return tree.body


def _block_lines(root: LexborNode) -> list[str]:
    """Text of each block (p, h1–h6, li, td, leaf div, …) on its own line, in document order.

    Iterative walk with end-of-block markers, so deeply nested pages cannot hit the
    recursion limit; ``<br>`` also ends a line.
    """
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        if line := _clean("".join(buffer)):
            lines.append(line)
        buffer.clear()

    stack: list[LexborNode | None] = [root]
    while stack:
        node = stack.pop()
        if node is None or node.tag == "br":
            flush()
        elif node.tag == "-text":
            buffer.append(node.text_content or "")
        elif node.is_element_node:
            if node.tag in _BLOCK_TAGS:
                flush()
                stack.append(None)
            stack.extend(reversed(list(node.iter(include_text=True))))
    flush()
    return lines


def _read_html(data: bytes) -> tuple[str, str, str | None]:
    raw, encoding = _decode_bytes(data, _html_charset(data))
    if not normalise_text(raw):
        raise DocumentError(EMPTY)
    tree = LexborHTMLParser(raw)
    title = _html_title(tree)
    _drop_chrome(tree)
    root = _content_root(tree)
    lines = _block_lines(root) if root is not None else []
    if not lines:
        raise DocumentError("HTML page has no article text")
    if title and lines[0] != title and root is not None and root.css_first("h1") is None:
        lines.insert(0, title)
    return "\n".join(lines), encoding, title


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def _short_cause(exc: BaseException) -> str:
    cause = _SPACES.sub(" ", str(exc)).strip() or type(exc).__name__
    return cause[:120]


def _unlock(reader: pypdf.PdfReader) -> bool:
    """Open PDFs locked only by an owner password (an empty user password), as viewers do."""
    try:
        return reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED
    except Exception:  # any failure to decrypt means: stays encrypted
        return False


def _read_pdf(data: bytes) -> tuple[str, str, str | None]:
    """Pages joined by blank lines.

    No de-hyphenation: Vietnamese never splits syllables across lines, so a line-final
    hyphen is a real one (Bà Rịa-Vũng Tàu, kinh tế-xã hội).
    """
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _unlock(reader):
            raise DocumentError("PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = _clean(reader.metadata.title if reader.metadata else None) or None
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many types on hostile or truncated input
        raise DocumentError(f"unreadable PDF: {_short_cause(exc)}") from exc
    text = "\n\n".join(pages)
    if not normalise_text(text):
        raise DocumentError("PDF has no text layer (scanned?)")
    return text, "pdf", title


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------

_MAX_DOCX_EXPANDED = 50 * 1024 * 1024
_MAX_RATIO = 100
_RATIO_CHECK_FROM = 1024 * 1024


def _check_zip(data: bytes) -> None:
    """Refuse non-zips and zip bombs before python-docx inflates anything.

    Declared sizes can be trusted as bounds: ``zipfile`` never inflates past an entry's
    declared ``file_size``.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentError("not a DOCX (zip) file") from None
    too_big = sum(entry.file_size for entry in entries) > _MAX_DOCX_EXPANDED
    extreme = any(
        entry.file_size > _RATIO_CHECK_FROM and entry.file_size > _MAX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if too_big or extreme:
        raise DocumentError("DOCX expands too much (zip bomb?)")


def _docx_lines(blocks: Iterable[Paragraph | Table], seen_cells: set[Any]) -> Iterator[str]:
    """Paragraphs and table cells in document order; merged cells are read once."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            continue
        for row in block.rows:
            for cell in row.cells:
                if cell._tc not in seen_cells:
                    seen_cells.add(cell._tc)
                    yield from _docx_lines(cell.iter_inner_content(), seen_cells)


def _read_docx(data: bytes) -> tuple[str, str, str | None]:
    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(_docx_lines(document.iter_inner_content(), set()))
        title = _clean(document.core_properties.title) or None
    except Exception as exc:  # python-docx/lxml raise many types on malformed packages
        raise DocumentError(f"unreadable DOCX: {_short_cause(exc)}") from exc
    return text, "docx", title


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

_READERS: dict[str, Callable[[bytes], tuple[str, str, str | None]]] = {
    ".txt": _read_text,
    ".md": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}


def decode_document(data: bytes, suffix: str) -> DecodedDocument:
    """Bytes of a report plus its file suffix → normalised text, or ``DocumentError``."""
    key = suffix.lower() if suffix.startswith(".") or not suffix else f".{suffix.lower()}"
    reader = _READERS.get(key)
    if reader is None:
        raise DocumentError(f"unsupported file type {key or '(none)'}")
    raw, encoding, title = reader(data)
    text = normalise_text(raw)
    if not text:
        raise DocumentError(EMPTY)
    return DecodedDocument(
        text=text,
        encoding=encoding,
        title=title,
        doc_id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
