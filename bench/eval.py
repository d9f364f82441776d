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
import json
import sys
import tempfile
import time
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
    if "underthesea NER (people)" not in readers():
        print("underthesea is not installed: `make eval` installs it in the `peers` group.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
