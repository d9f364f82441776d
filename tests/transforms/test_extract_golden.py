"""Golden check over the shared seeds and devset: every category keeps its F1 at or above 0.9.

Skipped when the shared folder (a sibling of the repository) is not there.
"""

import json
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from transforms.extract import extract_facts

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FOLDERS = [SHARED / "seeds", SHARED / "devset"]
PAIRS = sorted(p for folder in FOLDERS if folder.is_dir() for p in folder.glob("*.gold.json"))


def _keys(extraction, gold) -> dict[str, tuple[Counter, Counter, Counter]]:  # type: ignore[no-untyped-def]
    def split(items, key, small=lambda _: False):  # type: ignore[no-untyped-def]
        required = Counter(key(i) for i in items if not i.get("optional") and not small(i))
        optional = Counter(key(i) for i in items if i.get("optional") or small(i))
        return required, optional

    value = lambda v: round(float(v), 2)  # noqa: E731
    metrics = extraction.metrics
    rank_key = lambda i: (i["province_code"], i["year"], i["pillar"], i["rank"])  # noqa: E731
    cats = {
        "percents": (
            split(gold["percents"], lambda i: value(i["value"])),
            [value(m.value) for m in metrics if m.kind == "percent"],
        ),
        "quantities": (
            split(gold["quantities"], lambda i: value(i["value"]), lambda i: float(i["value"]) < 10),
            [value(m.value) for m in metrics if m.kind == "quantity" and m.value >= 10],
        ),
        "rankings": (
            split(gold["rankings"], rank_key),
            [(r.province_code, r.year, r.pillar, r.rank) for r in extraction.rankings],
        ),
        "people": (
            split(gold["people"], lambda i: i["name"].lower()),
            [p.name.lower() for p in extraction.people],
        ),
        "legal_refs": (
            split(gold["legal_refs"], lambda i: (i["kind"].lower(), i["number"].upper())),
            [(r.kind.lower(), r.number.upper()) for r in extraction.legal_refs],
        ),
    }
    return {cat: (req, opt, Counter(pred)) for cat, ((req, opt), pred) in cats.items()}


def _score(req: Counter, opt: Counter, pred: Counter) -> tuple[int, int, int]:
    tp = sum((req & pred).values())
    fp = sum((pred - req - opt).values())
    return tp, fp, sum((req - pred).values())


@pytest.mark.skipif(not PAIRS, reason="shared seeds/devset not present beside the repository")
def test_golden_f1_per_category() -> None:
    totals: dict[str, list[int]] = {}
    for gold_path in PAIRS:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text_path = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))
        text = unicodedata.normalize("NFC", text_path.read_text(encoding="utf-8"))
        for cat, counts in _keys(extract_facts(text), gold).items():
            totals[cat] = [a + b for a, b in zip(totals.get(cat, [0, 0, 0]), _score(*counts), strict=True)]
    for cat, (tp, fp, fn) in totals.items():
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        assert f1 >= 0.9, f"{cat}: tp={tp} fp={fp} fn={fn}"


def test_skips_cleanly_without_shared_folder() -> None:
    if not SHARED.is_dir():
        pytest.skip("shared folder absent")
    assert PAIRS, "shared folder present but holds no gold files"
