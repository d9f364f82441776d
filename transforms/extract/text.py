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
_OLD_TONE_RE = re.compile("|".join(_OLD_TONES))
_CHAR_MAP = str.maketrans({"\u00d0": "Đ", "\u00f0": "đ", "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def fold(text: str) -> str:
    """Lower-case, new-style tone marks, 'Đ' for eth, plain spaces; same length as the input."""
    lowered = text.translate(_CHAR_MAP).lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (never in Vietnamese)
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text.translate(_CHAR_MAP))
    return _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group()], lowered)


@lru_cache(maxsize=8)
def folded(text: str) -> str:
    """Cached fold of a whole document (every extractor reads the same folded copy)."""
    return fold(text)


def alternation(phrases: list[str] | tuple[str, ...]) -> str:
    """Regex alternation of folded literal phrases, longest first so multi-word phrases win."""
    unique = sorted({fold(p.strip()) for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in unique)


# Word boundaries that understand Vietnamese letters (\b does, since they are \w in Unicode).
WB_L = r"(?<![\w])"
WB_R = r"(?![\w])"


def squash(text: str) -> str:
    """Collapse runs of whitespace: evidence and subjects are shown on one line."""
    return " ".join(text.split())
