"""Vietnamese number notation: '.' groups thousands, ',' marks decimals, words scale.

"3.436.164" → 3436164, "98,72" → 98.72, "1,4 triệu" → 1400000, "15 nghìn" → 15000.
A dot not followed by exactly three digits is read as a decimal point ("4.0", "98.5"),
which is how web copies of English-style figures appear.
"""

from __future__ import annotations

import re

from transforms.extract.text import WB_L, WB_R

# A digit run with '.'/',' separators, not glued to letters or other digits ("4G", "3G/4G" excluded later).
# Written `\d(?<![\w.,]\d)\d*` rather than `(?<![\w.,])\d+` (same matches): a pattern that opens with a
# digit lets `re` skip ahead to the next digit instead of trying the lookbehind at every character.
NUMBER = r"\d(?<![\w.,]\d)\d*(?:[.,]\d+)*(?![\w])"
NUMBER_RE = re.compile(NUMBER)

SCALES: dict[str, int] = {
    "nghìn": 1_000, "ngàn": 1_000, "ngìn": 1_000,
    "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000,
}  # fmt: skip
SCALE_RE = re.compile(WB_L + r"(" + "|".join(SCALES) + r")" + WB_R)
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3}){2,}")


def parse_number(raw: str) -> float:
    """Value of a Vietnamese-notation numeral (no scale word)."""
    raw = raw.strip()
    if _THOUSANDS_RE.fullmatch(raw):
        return float(raw.replace(".", "").replace(",", "."))
    if _COMMA_THOUSANDS_RE.fullmatch(raw):  # "1,234,567": two or more comma groups cannot be a decimal
        return float(raw.replace(",", ""))
    if raw.count(",") == 1 and "." not in raw:
        return float(raw.replace(",", "."))
    if raw.count(".") == 1 and "," not in raw:
        return float(raw)
    if raw.isdigit():
        return float(raw)
    raise ValueError(f"not a Vietnamese number: {raw!r}")


def parse_amount(raw: str, scale: str | None = None) -> float:
    """Numeral times its scale word: ("1,4", "triệu") → 1400000."""
    value = parse_number(raw) * SCALES.get((scale or "").lower(), 1)
    return round(value, 6) if value % 1 else float(int(value))


def is_decimal(raw: str) -> bool:
    """True when the numeral has a fractional part in Vietnamese reading ("0,8340", "4.0")."""
    return not raw.isdigit() and not _THOUSANDS_RE.fullmatch(raw) and not _COMMA_THOUSANDS_RE.fullmatch(raw)


def format_vn(value: int) -> str:
    """Write an integer with Vietnamese thousands dots (used by tests and evidence display)."""
    return f"{value:,}".replace(",", ".")
