"""Extraction records → Polars frames shaped like the staging tables.

Columns only; identifiers (fact_id) and raw text at the offsets are computed in SQL at load time
from the stored document text, so provenance is checked against what the warehouse holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from transforms.model import Extraction, LegalRef, Metric, Person, Ranking, Span

DOCUMENT_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "title": pl.String(),
    "published_date": pl.Date(),
    "province_code": pl.String(),
    "province_name": pl.String(),
    "event_date": pl.Date(),
}
SPAN_SCHEMA: dict[str, pl.DataType] = {
    "evidence": pl.String(),
    "span_start": pl.Int32(),
    "span_end": pl.Int32(),
    # How sure the extractor's rule was (0..1); below CDS_MIN_CONFIDENCE a fact waits in review.
    "confidence": pl.Float64(),
}
RANK_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "province_code": pl.String(),
    "edition_year": pl.Int32(),
    "pillar": pl.String(),
    "rank": pl.Int32(),
    "out_of": pl.Int32(),
    # The province table (63 or 34) the rank was read in: province_code is a code of that regime.
    "regime": pl.Int32(),
    "score": pl.Float64(),
    **SPAN_SCHEMA,
}
METRIC_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "province_code": pl.String(),
    "kind": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "subject": pl.String(),
    "indicator_code": pl.String(),
    # A goal (with its deadline year) is kept apart from a result; the period the figure describes
    # and the level of government it is about, when the text states them.
    "is_target": pl.Boolean(),
    "target_year": pl.Int32(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "admin_level": pl.String(),
    **SPAN_SCHEMA,
}
PERSON_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "person_name": pl.String(),
    "province_code": pl.String(),
    "titles": pl.List(pl.String()),
    **SPAN_SCHEMA,
}
LEGAL_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "province_code": pl.String(),
    "kind": pl.String(),
    "number": pl.String(),
    "issued_date": pl.Date(),
    "issuer": pl.String(),
    **SPAN_SCHEMA,
}


@dataclass(frozen=True, slots=True)
class FactFrames:
    """One frame per staging table, for a batch of documents."""

    documents: pl.DataFrame
    dti_ranks: pl.DataFrame
    metrics: pl.DataFrame
    person_roles: pl.DataFrame
    legal_refs: pl.DataFrame

    def row_counts(self) -> dict[str, int]:
        return {name: getattr(self, name).height for name in self.__slots__}

    @classmethod
    def concat(cls, parts: Sequence[FactFrames]) -> FactFrames:
        if not parts:
            return to_fact_frames([])
        return cls(*(pl.concat([getattr(p, name) for p in parts], how="vertical") for name in cls.__slots__))


def to_fact_frames(extractions: Sequence[tuple[str, Extraction]]) -> FactFrames:
    """Flatten (doc_id, extraction) pairs into typed frames, one per staging table."""
    return FactFrames(
        documents=_documents(extractions),
        dti_ranks=_rows(RANK_SCHEMA, extractions, "rankings", _ranking_row),
        metrics=_rows(METRIC_SCHEMA, extractions, "metrics", _metric_row),
        person_roles=_rows(PERSON_SCHEMA, extractions, "people", _person_row),
        legal_refs=_rows(LEGAL_SCHEMA, extractions, "legal_refs", _legal_row),
    )


def _documents(extractions: Sequence[tuple[str, Extraction]]) -> pl.DataFrame:
    rows = [
        {
            "doc_id": doc_id,
            "title": x.title,
            "published_date": x.published_date,
            "province_code": x.province.code if x.province else None,
            "province_name": x.province.name if x.province else None,
            "event_date": x.event_date,
        }
        for doc_id, x in extractions
    ]
    return pl.DataFrame(rows, schema=DOCUMENT_SCHEMA, orient="row")


Row = dict[str, Any]


def _rows(
    schema: dict[str, pl.DataType],
    extractions: Sequence[tuple[str, Extraction]],
    field: str,
    to_row: Callable[[str, str | None, Any], Row],
) -> pl.DataFrame:
    rows = [
        to_row(doc_id, x.province.code if x.province else None, item)
        for doc_id, x in extractions
        for item in getattr(x, field)
    ]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _span(span: Span, confidence: float) -> Row:
    return {
        "evidence": span.evidence,
        "span_start": span.start,
        "span_end": span.end,
        "confidence": confidence,
    }


def _ranking_row(doc_id: str, _doc_province: str | None, r: Ranking) -> Row:
    return {
        "doc_id": doc_id,
        "province_code": r.province_code,
        "edition_year": r.year,
        "pillar": r.pillar,
        "rank": r.rank,
        "out_of": r.out_of,
        "regime": r.regime,
        "score": r.score,
        **_span(r.span, r.confidence),
    }


def _metric_row(doc_id: str, doc_province: str | None, m: Metric) -> Row:
    return {
        "doc_id": doc_id,
        "province_code": doc_province,
        "kind": m.kind,
        "value": float(m.value),
        "unit": m.unit,
        "subject": m.subject,
        "indicator_code": m.indicator,
        "is_target": m.target,
        "target_year": m.target_year,
        "period_start": m.period_start,
        "period_end": m.period_end,
        "admin_level": m.level,
        **_span(m.span, m.confidence),
    }


def _person_row(doc_id: str, doc_province: str | None, p: Person) -> Row:
    return {
        "doc_id": doc_id,
        "person_name": p.name,
        "province_code": doc_province,
        "titles": list(p.titles),
        **_span(p.span, p.confidence),
    }


def _legal_row(doc_id: str, doc_province: str | None, ref: LegalRef) -> Row:
    return {
        "doc_id": doc_id,
        "province_code": doc_province,
        "kind": ref.kind,
        "number": ref.number,
        "issued_date": ref.issued_date,
        "issuer": ref.issuer,
        **_span(ref.span, ref.confidence),
    }


def extract_fact_frames(documents: pl.DataFrame) -> FactFrames:
    """Read the facts of a batch of documents (columns doc_id, text, and optionally published_date
    from the source metadata) into staging-shaped frames."""
    from transforms.extract import extract_facts

    if "published_date" not in documents.columns:
        documents = documents.with_columns(published_date=pl.lit(None, dtype=pl.Date))
    rows = documents.select("doc_id", "text", "published_date").iter_rows()
    return to_fact_frames(
        [(doc_id, extract_facts(text, published_date=published)) for doc_id, text, published in rows]
    )
