"""Length-preserving text folding, so vocabulary regexes match every spelling with exact offsets.

Vietnamese sources mix old and new tone-mark placement ("Hoà"/"Hòa", "Uỷ"/"Ủy"), the Latin
eth "Ð" for "Đ" and no-break spaces. Folding maps each to one form *character by character*,
so an offset found in the folded text is the same offset in the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Old-style tone placement on the first vowel of "oa/oe/uy" → new style on the second vowel.
_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_CHAR_SWAPS = (("\u00d0", "Đ"), ("\u00f0", "đ"), ("\u00a0", " "), ("\u2009", " "), ("\u202f", " "))


def _swap_chars(text: str) -> str:
    """Eth and odd spaces → 'Đ'/'đ' and ' '. `str.translate` with a dict costs a dict lookup per
    character of non-ASCII text; these characters are rare, so test for each and replace only then."""
    for old, new in _CHAR_SWAPS:
        if old in text:
            text = text.replace(old, new)
    return text


def fold(text: str) -> str:
    """Lower-case, new-style tone marks, 'Đ' for eth, plain spaces; same length as the input."""
    swapped = _swap_chars(text)
    lowered = swapped.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (never in Vietnamese)
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in swapped)
    return _new_tones(lowered)


def _new_tones(lowered: str) -> str:
    """Old-style → new-style tone placement. Each pattern is a plain 'o'/'u' then a toned vowel, so
    matches never overlap and no replacement creates another: plain `replace` calls give what one
    regex substitution would, without a Python callback per match."""
    for old, new in _OLD_TONES.items():
        if old in lowered:
            lowered = lowered.replace(old, new)
    return lowered


def tones(pattern: str) -> str:
    """A regex written with old-style tone placement ('kế hoạch', 'quý') as folded text spells it
    ('kế họach', 'qúy'); only vowel pairs change, so the regex syntax is untouched."""
    return _new_tones(pattern)


@lru_cache(maxsize=8)
def folded(text: str) -> str:
    """Cached fold of a whole document (every extractor reads the same folded copy)."""
    return fold(text)


def alternatives(phrases: list[str] | tuple[str, ...]) -> list[str]:
    """Regexes of folded literal phrases, longest first so multi-word phrases win."""
    unique = sorted({fold(p.strip()) for p in phrases if p.strip()}, key=len, reverse=True)
    return [re.escape(p).replace(r"\ ", r"\s+") for p in unique]


def alternation(phrases: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of folded literal phrases, longest first so multi-word phrases win."""
    return "|".join(alternatives(phrases))


def _first_literal(regex: str) -> str:
    """The literal character (perhaps escaped) a regex from `alternatives` or `re.escape` opens with."""
    head = regex[:2] if regex.startswith("\\") else regex[:1]
    if not head or (len(head) == 2 and head[1].isalnum()):
        raise ValueError(f"regex does not open with a literal: {regex!r}")
    return head


def guarded_alternation(regexes: list[str], not_after: str) -> str:
    """`(?<!not_after)(?:r1|r2|...)` as a faster regex with the same matches.

    A pattern that opens with a lookbehind makes `re` try the lookbehind and every alternative at each
    character. Grouped by their opening literal, `(?:h(?<!not_after.)(?:à nội|...)|đ(?<!...)(...)|...)`
    lets `re` skip to the characters that can open a match, then check the boundary. Only alternatives
    with the same opening character can match at one place, and they keep their order, so the first
    alternative that matches is the same. `not_after` is a one-character class such as `[\\w]`.
    """
    groups: dict[str, list[str]] = {}
    for regex in regexes:
        head = _first_literal(regex)
        groups.setdefault(head, []).append(regex[len(head) :])
    branches = [f"{head}(?<!{not_after}.)(?:{'|'.join(rests)})" for head, rests in groups.items()]
    return "(?:" + "|".join(branches) + ")"


# Word boundaries that understand Vietnamese letters (\b does, since they are \w in Unicode).
WB_L = r"(?<![\w])"
WB_R = r"(?![\w])"


def squash(text: str) -> str:
    """Collapse runs of whitespace: evidence and subjects are shown on one line."""
    return " ".join(text.split())
