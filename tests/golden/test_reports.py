"""The second gold set: per-category F1 over all its reports must stay high (a regression guard
on phrasing the sample corpus does not cover)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.golden.gold import CATEGORIES, compare, is_optional, load_gold, predicted
from transforms.contract import contract_record
from transforms.documents import decode_document
from transforms.extract import extract_facts

REPORTS = Path(__file__).parent / "reports"
MIN_F1 = 0.95
MIN_ACCURACY = 0.93
Reading = tuple[dict[str, Any], dict[str, Any]]  # (gold annotation, contract record)


@pytest.fixture(scope="module")
def readings() -> list[Reading]:
    pairs = []
    for gold_path in sorted(REPORTS.glob("*.gold.json")):
        text_path = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt")
        document = decode_document(text_path.read_bytes(), ".txt")
        pairs.append(
            (load_gold(gold_path), contract_record(str(text_path), None, extract_facts(document.text), None))
        )
    assert len(pairs) >= 27
    return pairs


@pytest.mark.parametrize("category", CATEGORIES)
def test_category_f1_over_the_set(readings: list[Reading], category: str) -> None:
    found = missing = unexpected = 0
    for gold, record in readings:
        items = [i for i in gold.get(category) or [] if not is_optional(category, i)]
        mismatch = compare(category, gold.get(category) or [], predicted(record, category))
        missing += len(mismatch.missing)
        unexpected += len(mismatch.unexpected)
        found += len(items) - len(mismatch.missing)
    precision = found / (found + unexpected) if found + unexpected else 1.0
    recall = found / (found + missing) if found + missing else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= MIN_F1, f"{category}: F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})"


@pytest.mark.parametrize("field", ["province", "event_date"])
def test_document_level_accuracy_over_the_set(readings: list[Reading], field: str) -> None:
    def value(obj: dict[str, Any]) -> object:
        item = obj.get(field)
        return item.get("code") if isinstance(item, dict) else item

    right = sum(value(gold) == value(record) for gold, record in readings)
    assert right / len(readings) >= MIN_ACCURACY
