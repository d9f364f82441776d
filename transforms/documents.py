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
from datetime import date
from itertools import product
from typing import TYPE_CHECKING, Any, NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from transforms.sidecar import EMPTY_META, SourceMeta, is_web_url, parse_date

if TYPE_CHECKING:  # pypdf and python-docx are imported by their readers: every command would pay ~1 s
    import pypdf
    from docx.table import Table
    from docx.text.paragraph import Paragraph

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
    meta: SourceMeta = EMPTY_META  # what the page's own markup says about it (HTML only)


class _Reading(NamedTuple):
    """What one format's reader got out of the bytes, before normalisation."""

    raw: str
    encoding: str
    title: str | None
    meta: SourceMeta = EMPTY_META


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")
_LINE_BREAK_CHARS = "\r\v\f\x85\u2028\u2029"
# C0/C1 controls other than \t and \n (line breaks are already \n when this runs).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates (a PDF's broken ToUnicode map can yield them) cannot be stored as UTF-8.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_CHAR_MAP: dict[str, str] = {
    "\u00d0": "\u0110",  # Ð (Icelandic Eth) is often typed for Đ
    "\u00f0": "\u0111",  # ð → đ
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u00ad": "",  # soft hyphen
    "\u200b": "",  # zero-width space / non-joiner / joiner, word joiner, stray BOM
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",
    "\ufeff": "",
}


def _map_chars(text: str) -> str:
    """`text.translate(_CHAR_MAP)`, faster: translate looks up every character of non-ASCII text in
    a dict, while these characters are rare, so test for each and replace only then."""
    for old, new in _CHAR_MAP.items():
        if old in text:
            text = text.replace(old, new)
    return text


_INNER_SPACE_RUNS = re.compile(r"[ \t]{2,}")


def normalise_text(text: str) -> str:
    """NFC, one blank line at most, single spaces, no indentation: equal content ⇒ equal text ⇒
    equal doc_id, and text laid out by PDF or HTML reads like typed text.

    Invisible characters go first so that a base letter and its combining mark that were
    split by one still compose under NFC.
    """
    # Each substitution runs only when a plain `in` test (a fast scan) finds what it could change:
    # `re` tests its character classes at every character, which cost most of the time on typed text.
    if any(char in text for char in _LINE_BREAK_CHARS):
        text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", _SURROGATES.sub("\ufffd", _map_chars(text)))
    text = unicodedata.normalize("NFC", text)
    if "  " in text or "\t" in text:  # a run of two or more spaces or tabs holds one of these
        # The pattern cannot cross a line break, so one pass over the text equals one per line.
        text = _INNER_SPACE_RUNS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return (_BLANK_RUNS.sub("\n\n", text) if "\n\n\n" in text else text).strip()


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
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):  # LookupError: base64, rot13… are not text codecs
            pass
        else:
            if codecs.lookup(declared).name not in _LATIN_CODECS:
                return text, _encoding_label(declared)
            return _decode_8bit(data, declared, trusted=True)
    return _decode_8bit(data, "cp1258", trusted=False)


# ---------------------------------------------------------------------------------------------
# 8-bit text: Windows-1258, or the legacy Vietnamese font encodings TCVN3 (ABC) and VNI
# ---------------------------------------------------------------------------------------------
# Reports typed in the 1990s–2010s with .VnTime (TCVN3) or VNI-Times fonts are still published.
# Their bytes decode "successfully" under any 8-bit code page, as garbage such as "TØnh" or
# "Tænh" for "Tỉnh", so validity proves nothing: each candidate decoding is judged by how many
# of its accented words are well-formed Vietnamese syllables, and the best one wins.

LEGACY = "legacy Vietnamese encoding (TCVN3/VNI) not supported"

_LATIN_CODECS = frozenset({"cp1252", "cp1258", "latin-1", "iso8859-1", "iso8859-15"})
_SCORE_BYTES = 64 * 1024  # judging a decoding on the first 64 KiB is plenty, and bounded
_MIN_SHARE = 0.8  # of accented words that must be syllables for a legacy decoding to be used
_LEGACY_HINT_SHARE = 0.5  # a legacy decoding this good, but not good enough: refuse, say why

# TCVN 5712:1993 (VN1), bytes 0x80–0xFF. The ABC fonts (.VnTime…) use its VN3 subset: Ă Â Ê Ô Ơ Ư Đ
# at 0xA1–0xA7, lower-case letters at 0xA8–0xFE; VN1 adds capitals in the gaps and at 0x80–0x9F.
# 0xB0–0xB4 are the combining tone marks (grave, hook, tilde, acute, dot below).
_TCVN3_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"
    "éẹềểễếệìỉỄẾỒĩíịò"
    "Ổỏõóọồổỗốộờởỡớợù"
    "ỖủũúụừửữứựỳỷỹýỵỐ"
)
# VN1 also puts twelve capitals on C0 control positions.
_TCVN3_LOW = dict(zip(b"\x01\x02\x04\x05\x06\x11\x12\x13\x14\x15\x16\x17", "ÚỤỪỬỮỨỰỲỶỸÝỴ", strict=True))
_TCVN3_TABLE: dict[int, str] = {0x80 + i: c for i, c in enumerate(_TCVN3_HIGH)} | _TCVN3_LOW

# VNI Windows: Windows-1252 bytes where a base letter is followed by a mark character
# (lower-case marks after lower-case letters, upper-case after upper-case) and a few letters
# have a code of their own.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_SHAPE_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, acute, grave, hook, tilde, dot
_VNI_CIRCUMFLEX = {code: "\u0302" + tone for code, tone in zip("âáàåãä", _SHAPE_TONES, strict=True)}
_VNI_BREVE = {code: "\u0306" + tone for code, tone in zip("êéèúüë", _SHAPE_TONES, strict=True)}
_VNI_LETTERS = {"ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}
_VNI_BASES = {"a": "a", "e": "e", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}


def _vni_rules() -> dict[str, str]:
    """Every VNI character or letter+mark pair → its NFC Vietnamese letter, both cases."""
    rules: dict[str, str] = {}
    for code, letter in _VNI_LETTERS.items():
        rules[code], rules[code.upper()] = letter, letter.upper()
    for code, base in _VNI_BASES.items():
        marks = _VNI_TONES | (_VNI_CIRCUMFLEX if code in "aeo" else {}) | (_VNI_BREVE if code == "a" else {})
        for mark, combining in marks.items():
            letter = unicodedata.normalize("NFC", base + combining)
            rules[code + mark], rules[code.upper() + mark.upper()] = letter, letter.upper()
    return rules


_VNI_RULES = _vni_rules()
_VNI_PATTERN = re.compile("|".join(map(re.escape, sorted(_VNI_RULES, key=len, reverse=True))))


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC / TCVN 5712) bytes → Unicode text (combining marks left for NFC to compose)."""
    return data.decode("latin-1").translate(_TCVN3_TABLE)


def decode_vni(data: bytes) -> str:
    """VNI Windows bytes → Unicode text; raises ``UnicodeDecodeError`` on bytes VNI never uses."""
    return _VNI_PATTERN.sub(lambda match: _VNI_RULES[match.group()], data.decode("cp1252"))


# Vietnamese syllable: onset, vowel nucleus, coda; tone marks are checked (at most one) apart.
# Nuclei ending in a glide take no coda; ă, â, iê, uô, ươ… need one; the rest may have one.
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_CLOSED = (
    "iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|uơ|ưa|ưi|ưu"
)
_NEEDS_CODA = "uyê|iê|yê|uô|ươ|uâ|oă|oo|ă|â"
_OPEN = "oa|oe|uê|uy|[aeêioôơuưy]"
_CODA = "ch|ng|nh|[cmnpt]"
_SYLLABLE = re.compile(
    rf"(?:{_ONSET})?(?:(?:{_CLOSED})|(?:{_NEEDS_CODA})(?:{_CODA})|(?:{_OPEN})(?:{_CODA})?)"
)
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_DROP_TONES = str.maketrans(dict.fromkeys(_TONE_MARKS))
_STOP_CODA = re.compile(r"(?:ch|[ptc])$")
_LEVEL_TONE_MARKS = "\u0300\u0303\u0309"  # huyền, ngã, hỏi
# Letters, and what a wrong table turns letters into: Latin-1 symbols (¬ § ¸ …) and leftover
# combining marks. A token with either is no syllable.
_TOKEN = re.compile(r"(?:[^\W\d_]|[\u00a1-\u00bf\u0300-\u036f])+")
_NOT_IN_WORDS = re.compile(r"[\u00a1-\u00bf]")
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def _is_syllable(word: str) -> bool:
    if _NOT_IN_WORDS.search(word):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(decomposed.count(mark) for mark in _TONE_MARKS) > 1:
        return False
    toneless = unicodedata.normalize("NFC", decomposed.translate(_DROP_TONES))
    if _STOP_CODA.search(toneless) and any(mark in decomposed for mark in _LEVEL_TONE_MARKS):
        return False  # a syllable closed by p, t, c or ch takes only the sắc or nặng tone ("trùc" is none)
    return _SYLLABLE.fullmatch(toneless) is not None


# Very frequent accented syllables: the tie-break when short text is well-formed either way
# (TCVN3 "s\xe8" is "số", Windows-1258 reads the same byte as "sè").
_COMMON_WORDS = (
    "và của các có là được những một người trong cho với đã để này không năm số về từ theo đến "
    "tỉnh hiện đó thực phát triển chuyển đổi công nghệ thông dịch vụ hồ sơ đạt tỷ lệ xã hội quản "
    "lý nước nhà trên chính quyền điện tử cấp huyện đồng phố thành chỉ tiêu kết quả hoàn tháng"
)
_COMMON = frozenset(_COMMON_WORDS.split())


def _accented_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text.translate(_ETH))
    return [word for word in _TOKEN.findall(text) if not word.isascii()]


def syllable_share(text: str) -> float:
    """Share of the words with non-ASCII letters that are well-formed Vietnamese syllables.

    Garbage from decoding with the wrong table (``TØnh``, ``caùc``, ``ViờŨt``) fails the syllable
    grammar, so the right decoding scores near 1 and the wrong ones far lower.
    """
    words = _accented_words(text)
    return sum(map(_is_syllable, words)) / len(words) if words else 0.0


def _plausibility(text: str) -> float:
    """``syllable_share`` plus a bonus (at most 0.5) for the share of very common words."""
    words = _accented_words(text)
    common = sum(word.lower() in _COMMON for word in words) / len(words) if words else 0.0
    return syllable_share(text) + 0.5 * common


_LEGACY_DECODERS: tuple[tuple[str, Callable[[bytes], str]], ...] = (
    ("tcvn3", decode_tcvn3),
    ("vni", decode_vni),
)


@dataclass(frozen=True, slots=True)
class _Candidate:
    label: str
    decode: Callable[[bytes], str]
    share: float  # syllable_share of the sample
    plausibility: float


def _best_legacy(sample: bytes) -> _Candidate | None:
    scored = []
    for label, decode in _LEGACY_DECODERS:
        try:
            text = decode(sample)
        except UnicodeDecodeError:
            continue
        if not _C0_IN_TEXT.search(text):
            scored.append(_Candidate(label, decode, syllable_share(text), _plausibility(text)))
    return max(scored, key=lambda candidate: candidate.plausibility, default=None)


def _decode_8bit(data: bytes, codec: str, *, trusted: bool) -> tuple[str, str]:
    """Bytes that are not UTF-8 → text in `codec` (cp1258 unless declared) or a legacy encoding.

    A declared (`trusted`) code page is kept unless a legacy decoding reads clearly better; the
    cp1258 guess must also pass ``_looks_vietnamese``.
    """
    sample = data[:_SCORE_BYTES]
    try:
        text: str | None = data.decode(codec)
    except UnicodeDecodeError:
        text = None
    base_ok = text is not None and (trusted or _looks_vietnamese(text))
    base_score = _plausibility(text[: len(sample)]) if text is not None else 0.0
    legacy = _best_legacy(sample)
    if legacy and legacy.share >= _MIN_SHARE and (not base_ok or legacy.plausibility > base_score):
        return legacy.decode(data), legacy.label
    if base_ok and text is not None:
        return text, _encoding_label(codec)
    if legacy and legacy.share >= _LEGACY_HINT_SHARE:
        raise DocumentError(LEGACY)
    raise DocumentError(NOT_TEXT)


def _read_text(data: bytes) -> _Reading:
    text, encoding = _decode_bytes(data)
    return _Reading(text, encoding, None)


# ---------------------------------------------------------------------------------------------
# Markdown: drop only the markup that would split or pollute sentences
# ---------------------------------------------------------------------------------------------

_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"\*\*|__")
_MD_RULE = re.compile(r"^ {0,3}([-*_=])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)
# Raw HTML that Markdown passes through: scripts and other non-text elements go with their content
# (an unclosed one runs to the end, as in a browser), comments too; embed has no end tag.
_MD_RAW_HTML = re.compile(
    r"<(script|style|iframe|noscript|template|object|svg|textarea)\b.*?(?:</\1\s*>|\Z)"
    r"|<!--.*?(?:-->|\Z)|<embed\b[^>]*>",
    re.IGNORECASE | re.DOTALL,
)


def _strip_markdown(text: str) -> tuple[str, str | None]:
    """Markdown → (plain text, first heading). List items stay as their own lines.

    Embedded scripts are dropped, never kept as text: a report is data, not a page to run.
    """
    text = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", _MD_RAW_HTML.sub("", text)))
    text = _MD_EMPHASIS.sub("", _MD_RULE.sub("", text))
    heading = _MD_HEADING.search(text)
    title = normalise_text(heading.group(1)) if heading else None
    return _MD_HEADING.sub(r"\1", text), title or None


def _read_markdown(data: bytes) -> _Reading:
    raw, encoding = _decode_bytes(data)
    text, title = _strip_markdown(raw)
    return _Reading(text, encoding, title)


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
    """One line of single spaces. `str.split` splits on exactly what `\\s` matches (str.isspace); the
    ends it drops, normalise_text would strip."""
    return normalise_text(" ".join((text or "").split()))


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


# Standard places a page states when it was published (Open Graph / article, schema.org, Dublin
# Core, common CMS tags), in order of trust; `<time datetime>` in the article comes after them.
_PUBLISHED_META = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[itemprop="datePublished"]',
    'meta[property="og:published_time"]',
    'meta[name="pubdate"]',
    'meta[name="publishdate"]',
    'meta[name="dc.date.issued"]',
    'meta[name="DC.date.issued"]',
    'meta[name="dcterms.created"]',
)
_PUBLISHED_ELEMENTS = "[itemprop=datePublished]"
_URL_META = ('link[rel="canonical"]', 'meta[property="og:url"]')


def _html_meta_date(tree: LexborHTMLParser) -> date | None:
    """The published date the page's metadata states; read before the chrome (``<head>``…) is dropped."""
    for selector in _PUBLISHED_META:
        for node in tree.css(selector):
            if found := parse_date(node.attributes.get("content") or ""):
                return found
    for node in tree.css(_PUBLISHED_ELEMENTS):
        attributes = node.attributes
        if found := parse_date(attributes.get("datetime") or attributes.get("content") or ""):
            return found
    return None


def _html_time_date(root: LexborNode | None, tree: LexborHTMLParser) -> date | None:
    """The first ``<time datetime>`` of the article (after chrome, so not a sidebar's), else of the page."""
    for scope in (root, tree.body):
        for node in scope.css("time[datetime]") if scope is not None else ():
            if found := parse_date(node.attributes.get("datetime") or ""):
                return found
    return None


def _html_url(tree: LexborHTMLParser) -> str | None:
    """The page's own address (canonical link, else og:url), when it is an absolute http(s) URL."""
    for selector in _URL_META:
        node = tree.css_first(selector)
        if node is not None:
            value = (node.attributes.get("href") or node.attributes.get("content") or "").strip()
            if is_web_url(value):
                return value
    return None


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
    return sum(map(len, (node.text() or "").split()))  # the characters that are not white space


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


def _read_html(data: bytes) -> _Reading:
    raw, encoding = _decode_bytes(data, _html_charset(data))
    if not normalise_text(raw):
        raise DocumentError(EMPTY)
    tree = LexborHTMLParser(raw)
    title = _html_title(tree)
    url, published = _html_url(tree), _html_meta_date(tree)
    _drop_chrome(tree)
    root = _content_root(tree)
    if published is None:
        published = _html_time_date(root, tree)
    lines = _block_lines(root) if root is not None else []
    if not lines:
        raise DocumentError("HTML page has no article text")
    if title and lines[0] != title and root is not None and root.css_first("h1") is None:
        lines.insert(0, title)
    return _Reading("\n".join(lines), encoding, title, SourceMeta(url=url, published_date=published))


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def _short_cause(exc: BaseException) -> str:
    cause = _SPACES.sub(" ", str(exc)).strip() or type(exc).__name__
    return cause[:120]


def _unlock(reader: pypdf.PdfReader) -> bool:
    """Open PDFs locked only by an owner password (an empty user password), as viewers do."""
    import pypdf

    try:
        return reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED
    except Exception:  # any failure to decrypt means: stays encrypted
        return False


def _read_pdf(data: bytes) -> _Reading:
    """Pages joined by blank lines.

    No de-hyphenation: Vietnamese never splits syllables across lines, so a line-final
    hyphen is a real one (Bà Rịa-Vũng Tàu, kinh tế-xã hội).
    """
    import pypdf

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
    return _Reading(text, "pdf", title)


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
    from docx.text.paragraph import Paragraph

    for block in blocks:
        if isinstance(block, Paragraph):
            yield block.text
            continue
        for row in block.rows:
            for cell in row.cells:
                if cell._tc not in seen_cells:
                    seen_cells.add(cell._tc)
                    yield from _docx_lines(cell.iter_inner_content(), seen_cells)


def _read_docx(data: bytes) -> _Reading:
    import docx

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(_docx_lines(document.iter_inner_content(), set()))
        title = _clean(document.core_properties.title) or None
    except Exception as exc:  # python-docx/lxml raise many types on malformed packages
        raise DocumentError(f"unreadable DOCX: {_short_cause(exc)}") from exc
    return _Reading(text, "docx", title)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

_READERS: dict[str, Callable[[bytes], _Reading]] = {
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
    if not data:  # say so plainly rather than let each format's parser fail its own way
        raise DocumentError(EMPTY)
    raw, encoding, title, meta = reader(data)
    text = normalise_text(raw)
    if not text:
        raise DocumentError(EMPTY)
    return DecodedDocument(
        text=text,
        encoding=encoding,
        title=title,
        doc_id=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta=meta,
    )
