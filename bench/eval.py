"""Extraction scores on the shared gold sets, with the peers beside ours, in one run (`make eval`).

Ours is `cds extract`'s reading; the peers are the plain-regex baseline (bench/baseline.py: percents
and numbers with a word) and underthesea's offline CRF NER for people (GPL, installed only in the
`peers` dependency group). All three are scored by ../shared/eval/score.py, and timed on the
same decoded texts.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.baseline import extract_baseline
from cds.settings import PROJECT_ROOT
from cds.sources import list_report_files, read_sidecar, today
from transforms.contract import contract_record
from transforms.documents import DocumentError, decode_document
from transforms.extract import extract_facts
from transforms.sidecar import combine

SHARED = PROJECT_ROOT.parent / "shared"
GOLD_SETS = ("seeds", "devset", "devset2")
CATEGORIES = ("rankings", "percents", "quantities", "people", "legal_refs")
# (source path, normalised text, published date from the sidecar, page metadata or URL, as `cds extract`)
Document = tuple[str, str, date | None]
Reader = Callable[[str, str, date | None], dict[str, Any]]


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gold_score", SHARED / "eval" / "score.py")
    if spec is None or spec.loader is None:
        raise FileNotFoundError(SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documents(folder: Path) -> list[Document]:
    """The gold set's readable documents, decoded as the pipeline decodes them."""
    found = []
    for relative in list_report_files(folder):
        path = folder / relative
        with contextlib.suppress(DocumentError):
            document = decode_document(path.read_bytes(), path.suffix)
            meta = combine(read_sidecar(path)[0], document.meta, today())
            found.append((str(path), document.text, meta.published_date))
    return found


def ours(source: str, text: str, published: date | None) -> dict[str, Any]:
    return contract_record(source, None, extract_facts(text, published_date=published), None)


def baseline(source: str, text: str, _published: date | None) -> dict[str, Any]:
    record = contract_record(source, None, None, None)
    record["metrics"] = [{"kind": f.kind, "value": f.value, "unit": f.unit} for f in extract_baseline(text)]
    return record


def ner_people(source: str, text: str, _published: date | None) -> dict[str, Any]:
    from underthesea import ner  # GPL peer, `peers` group only

    record = contract_record(source, None, None, None)
    names: list[str] = []
    for word, _pos, _chunk, tag in ner(text):
        if tag == "B-PER":
            names.append(word)
        elif tag == "I-PER" and names:
            names[-1] += f" {word}"
    record["people"] = [{"name": name, "titles": []} for name in names]
    return record


def score(scorer: ModuleType, gold: Path, records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        scorer.main(["score.py", str(gold), handle.name, "--json"])
    Path(handle.name).unlink()
    result: dict[str, Any] = json.loads(printed.getvalue())
    return result


def run_reader(reader: Reader, docs: Sequence[Document]) -> tuple[list[dict[str, Any]], float]:
    """Records and reports/s; one warm-up call first, so model loading and regex compilation
    are not counted as reading."""
    if docs:
        reader(*docs[0])
    started = time.perf_counter()
    records = [reader(*doc) for doc in docs]
    elapsed = time.perf_counter() - started
    return records, len(docs) / elapsed if elapsed else float("inf")


def readers() -> dict[str, Reader]:
    available: dict[str, Reader] = {"cds (ours)": ours, "regex baseline": baseline}
    if importlib.util.find_spec("underthesea") is not None:
        available["underthesea NER (people)"] = ner_people
    return available


CONFIDENCE_BANDS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)


def judged_facts(
    scorer: ModuleType, gold_dir: Path, records: Sequence[dict[str, Any]]
) -> list[tuple[float, bool]]:
    """(confidence, correct) of every fact the extractor stated, judged against the gold as the scorer
    matches them; facts matching an optional gold item are neither right nor wrong and left out."""
    judged: list[tuple[float, bool]] = []
    for record in records:
        gold_path = gold_dir / (Path(str(record["source"])).name.split(".")[0] + ".gold.json")
        if not str(record["source"]).endswith(".txt") or not gold_path.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        for cat in CATEGORIES:
            required = Counter(
                scorer.key(cat, g) for g in gold.get(cat) or [] if not scorer.is_optional(cat, g)
            )
            optional = Counter(scorer.key(cat, g) for g in gold.get(cat) or [] if scorer.is_optional(cat, g))
            for item in scorer.predicted_items(record, cat):
                key = scorer.key(cat, item)
                if required[key] > 0:
                    required[key] -= 1
                    judged.append((float(item["confidence"]), True))
                elif optional[key] > 0 or (cat == "quantities" and abs(key) < 10):
                    optional[key] -= 1
                else:
                    judged.append((float(item["confidence"]), False))
    return judged


def print_reliability(scorer: ModuleType, runs: Sequence[tuple[Path, Sequence[dict[str, Any]]]]) -> None:
    """Per confidence band, how many facts the extractor stated and the share that were right."""
    judged = [fact for gold_dir, records in runs for fact in judged_facts(scorer, gold_dir, records)]
    print("confidence | facts | correct | share correct")
    print("--- | --- | --- | ---")
    for lo, hi in itertools.pairwise(CONFIDENCE_BANDS):
        band = [ok for confidence, ok in judged if lo <= confidence < hi]
        share = f"{sum(band) / len(band):.3f}" if band else "—"
        print(f"{lo:.2f}–{min(hi, 1.0):.2f} | {len(band)} | {sum(band)} | {share}")


def main() -> int:
    if not (SHARED / "eval" / "score.py").exists():
        print(f"{SHARED} is absent: nothing to score against.")
        return 0
    scorer = load_scorer()
    header = ["set", "extractor", "overall", *CATEGORIES, "province", "event date", "targets", "reports/s"]
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for name in GOLD_SETS:
        gold = SHARED / name
        docs = documents(gold)
        for label, reader in readers().items():
            records, rate = run_reader(reader, docs)
            result = score(scorer, gold, records)
            cells = [f"{result[c]['f1']:.3f}" for c in CATEGORIES]
            print(
                " | ".join(
                    [
                        name,
                        label,
                        f"{result['overall']:.3f}",
                        *cells,
                        f"{result['province_accuracy']:.3f}",
                        f"{result['event_date_accuracy']:.3f}",
                        f"{result['targets']['f1']:.3f}" if "targets" in result else "—",
                        f"{rate:,.1f}",
                    ]
                )
            )
    print()
    print_reliability(
        scorer, [(SHARED / name, run_reader(ours, documents(SHARED / name))[0]) for name in GOLD_SETS]
    )
    if "underthesea NER (people)" not in readers():
        print("underthesea is not installed: `make eval` installs it in the `peers` group.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
