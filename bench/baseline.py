"""A plain-regex baseline extractor: the cheapest thing that still reads facts from a report.

It finds percents ("98,72%", "68 phần trăm") and numbers with the word that follows them
("186.420 hồ sơ", "1,4 triệu lượt"), nothing else: no sentences, provinces, dates, ranks or
people. It is the peer that tells how much of the real extractor's time buys understanding
rather than scanning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERCENT_RE = re.compile(r"(\d+(?:,\d+)?)\s*(?:%|phần trăm)")
NUMBER_WORD_RE = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)\s+(triệu\s+|tỷ\s+)?(\w+)")
SCALE = {"triệu": 1e6, "tỷ": 1e9}


@dataclass(frozen=True, slots=True)
class Figure:
    kind: str  # "percent" or "quantity"
    value: float
    unit: str
    start: int
    end: int


def parse_number(raw: str) -> float:
    """Vietnamese notation: dots group thousands, a comma is the decimal mark."""
    return float(raw.replace(".", "").replace(",", "."))


def extract_baseline(text: str) -> list[Figure]:
    """Percents and numbers followed by a word; a percent is not counted again as a quantity."""
    figures = [
        Figure("percent", parse_number(m.group(1)), "%", m.start(), m.end())
        for m in PERCENT_RE.finditer(text)
    ]
    taken = {f.start for f in figures}
    for m in NUMBER_WORD_RE.finditer(text):
        if m.start() in taken or m.group(3) == "phần":
            continue
        scale = SCALE.get((m.group(2) or "").strip(), 1.0)
        figures.append(Figure("quantity", parse_number(m.group(1)) * scale, m.group(3), m.start(), m.end()))
    return figures
