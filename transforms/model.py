"""The facts a report yields, as plain immutable records.

These records are the seam between the extractor (text → records) and the frame builders
(records → Polars frames → DuckDB). Offsets are character offsets into the document's
normalised (NFC) text, so every published fact can point back at its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

PILLARS: tuple[str, ...] = (
    "overall",
    "digital_government",
    "digital_economy",
    "digital_society",
    "digital_infrastructure",
    "awareness",
    "institutions",
    "data",
    "activities",
    "cybersecurity",
    "human_resources",
)

MetricKind = Literal["percent", "quantity"]
AdminLevel = Literal["national", "province", "district", "commune"]


@dataclass(frozen=True, slots=True)
class Span:
    """Where a fact was read: the sentence and the exact characters."""

    evidence: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Ranking:
    province_code: str | None
    year: int | None
    pillar: str
    rank: int
    out_of: int | None
    score: float | None
    span: Span
    # Which province table the rank belongs to (63 former provinces or 34 merged ones): the regime the
    # province code is read in. The warehouse names the province from (code, regime), never from a date.
    regime: int | None = None
    confidence: float = 1.0  # how sure the rule was, 0..1 (transforms/extract/confidence.py)


@dataclass(frozen=True, slots=True)
class Metric:
    kind: MetricKind
    value: float
    unit: str
    raw: str
    subject: str
    indicator: str | None
    span: Span
    # A goal, plan, quota or commitment ("phấn đấu đến năm 2025 đạt 80%"), not a result; its deadline.
    target: bool = False
    target_year: int | None = None
    # The time the figure describes ("năm 2023", "9 tháng đầu năm 2024", "quý I/2025"), when stated.
    period_start: date | None = None
    period_end: date | None = None
    # The level of government the figure is about ("100% cấp xã"), when stated.
    level: AdminLevel | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    titles: tuple[str, ...]
    span: Span
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class LegalRef:
    kind: str
    number: str
    issued_date: date | None
    issuer: str | None
    span: Span
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything read from one document's normalised text."""

    title: str | None = None
    published_date: date | None = None
    province: Province | None = None
    event_date: date | None = None
    rankings: tuple[Ranking, ...] = field(default_factory=tuple)
    metrics: tuple[Metric, ...] = field(default_factory=tuple)
    people: tuple[Person, ...] = field(default_factory=tuple)
    legal_refs: tuple[LegalRef, ...] = field(default_factory=tuple)
