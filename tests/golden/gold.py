"""Gold-file helpers: pair a document with its `<id>.gold.json` and compare facts the way the
annotation rules do (multisets of keys; optional gold items neither rewarded nor penalised;
quantities below 10 optional on both sides)."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATEGORIES = ("rankings", "percents", "quantities", "people", "legal_refs")


@dataclass(frozen=True, slots=True)
class Mismatch:
    missing: list[Any]
    unexpected: list[Any]


def load_gold(path: Path) -> dict[str, Any]:
    gold: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return gold


def predicted(record: dict[str, Any], category: str) -> list[dict[str, Any]]:
    """The contract record's items of one gold category."""
    if category in ("percents", "quantities"):
        kind = "percent" if category == "percents" else "quantity"
        return [m for m in record.get("metrics") or [] if m.get("kind") == kind]
    items: list[dict[str, Any]] = record.get(category) or []
    return items


def fact_key(category: str, item: dict[str, Any]) -> Any:
    if category == "rankings":
        year = int(item["year"]) if item.get("year") is not None else None
        return (
            str(item.get("province_code") or "").zfill(2),
            year,
            str(item["pillar"]).lower(),
            int(item["rank"]),
        )
    if category in ("percents", "quantities"):
        return round(float(item["value"]), 2)
    if category == "people":
        return " ".join(_nfc(item["name"]).lower().split())
    number = _nfc(item.get("number") or "").upper().replace(" ", "").removeprefix("SỐ")
    return (_nfc(item.get("kind") or "").lower(), number)


def is_optional(category: str, item: dict[str, Any]) -> bool:
    """Neither rewarded nor penalised: marked optional, or a quantity below 10."""
    return bool(item.get("optional")) or (category == "quantities" and abs(float(item["value"])) < 10)


def compare(
    category: str, gold_items: list[dict[str, Any]], predicted_items: list[dict[str, Any]]
) -> Mismatch:
    def optional(item: dict[str, Any]) -> bool:
        return is_optional(category, item)

    required = Counter(fact_key(category, g) for g in gold_items if not optional(g))
    allowed = Counter(fact_key(category, g) for g in gold_items if optional(g))
    unexpected = []
    for item in predicted_items:
        key = fact_key(category, item)
        if required[key] > 0:
            required[key] -= 1
        elif allowed[key] > 0:
            allowed[key] -= 1
        elif not (category == "quantities" and abs(key) < 10):
            unexpected.append(key)
    return Mismatch(missing=sorted(required.elements(), key=repr), unexpected=unexpected)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).strip()
