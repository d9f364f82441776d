"""The extraction contract's JSON shape (`cds extract --format jsonl`), built from records."""

from __future__ import annotations

from datetime import date
from typing import Any

from transforms.model import Extraction
from transforms.sidecar import EMPTY_META, SourceMeta


def contract_record(
    source: str,
    doc_id: str | None,
    extraction: Extraction | None,
    error: str | None,
    meta: SourceMeta = EMPTY_META,
) -> dict[str, Any]:
    """One contract object per input document; unreadable documents carry `error` and no facts.
    `meta` (sidecar, page markup) gives `source_url`, and the title when the text gives none."""
    x = extraction or Extraction()
    return {
        "source": source,
        "doc_id": doc_id,
        "source_url": meta.url,
        "title": x.title or meta.title,
        "published_date": _iso(x.published_date),
        "province": {"code": x.province.code, "name": x.province.name} if x.province else None,
        "event_date": _iso(x.event_date),
        "rankings": [
            {
                "province_code": r.province_code,
                "year": r.year,
                "pillar": r.pillar,
                "rank": r.rank,
                "out_of": r.out_of,
                "score": r.score,
                "confidence": r.confidence,
                "evidence": r.span.evidence,
                "start": r.span.start,
                "end": r.span.end,
            }
            for r in x.rankings
        ],
        "metrics": [
            {
                "kind": m.kind,
                "value": m.value,
                "unit": m.unit,
                "raw": m.raw,
                "subject": m.subject,
                "indicator": m.indicator,
                "target": m.target,
                "target_year": m.target_year,
                "period_start": _iso(m.period_start),
                "period_end": _iso(m.period_end),
                "level": m.level,
                "confidence": m.confidence,
                "evidence": m.span.evidence,
                "start": m.span.start,
                "end": m.span.end,
            }
            for m in x.metrics
        ],
        "people": [
            {
                "name": p.name,
                "titles": list(p.titles),
                "confidence": p.confidence,
                "evidence": p.span.evidence,
                "start": p.span.start,
                "end": p.span.end,
            }
            for p in x.people
        ],
        "legal_refs": [
            {
                "kind": ref.kind,
                "number": ref.number,
                "issued_date": _iso(ref.issued_date),
                "issuer": ref.issuer,
                "confidence": ref.confidence,
                "evidence": ref.span.evidence,
                "start": ref.span.start,
                "end": ref.span.end,
            }
            for ref in x.legal_refs
        ],
        "error": error,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
