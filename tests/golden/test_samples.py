"""Golden tests: every bundled sample report, extracted, equals its hand-made gold annotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from cds.settings import PROJECT_ROOT
from tests.golden.gold import CATEGORIES, compare, load_gold, predicted
from transforms.contract import contract_record
from transforms.documents import DocumentError, decode_document
from transforms.extract import extract_facts

SAMPLES = PROJECT_ROOT / "samples" / "reports"
GOLD = Path(__file__).parent / "samples"


def sample_for(gold_path: Path) -> Path:
    stem = gold_path.name.removesuffix(".gold.json").replace("__", "/")
    matches = [p for p in SAMPLES.glob(stem + ".*")]
    assert len(matches) == 1, f"no single sample file for {gold_path.name}: {matches}"
    return matches[0]


GOLD_FILES = sorted(GOLD.glob("*.gold.json"))


def test_every_sample_has_a_gold_file() -> None:
    samples = {p for p in SAMPLES.rglob("*") if p.is_file()}
    assert samples == {sample_for(g) for g in GOLD_FILES}


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=[g.name.removesuffix(".gold.json") for g in GOLD_FILES])
def test_sample_extraction_matches_gold(gold_path: Path) -> None:
    gold = load_gold(gold_path)
    path = sample_for(gold_path)
    try:
        document = decode_document(path.read_bytes(), path.suffix)
    except DocumentError as exc:
        assert not any(gold.get(c) for c in CATEGORIES), f"unreadable sample with gold facts: {exc.reason}"
        return
    record = contract_record(str(path), document.doc_id, extract_facts(document.text), None)

    assert (record["province"] or {}).get("code") == (gold.get("province") or {}).get("code")
    assert record["event_date"] == gold.get("event_date")
    for category in CATEGORIES:
        mismatch = compare(category, gold.get(category) or [], predicted(record, category))
        assert (mismatch.missing, mismatch.unexpected) == ([], []), category
