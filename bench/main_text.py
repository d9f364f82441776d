"""Main text of pages saved with their full markup: the HTML reader's boilerplate stripping
(transforms/documents.py, selectolax) against trafilatura, on extraction scores and leftover boilerplate.

    .venv/bin/python -m bench.main_text

Pages: the collect tests' portal articles (whose article paragraphs and chrome lines are known), the
sample corpus's HTML pages (gold in tests/golden/samples) and ../shared/devset's HTML pages (gold
beside them, when present). Both texts are normalised the same way before extraction.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from bench.eval import SHARED, load_scorer, score
from cds.settings import PROJECT_ROOT
from tests.portal import ARTICLES, BOILERPLATE
from transforms.contract import contract_record
from transforms.documents import DocumentError, decode_document, normalise_text
from transforms.extract import extract_facts

Method = Callable[[bytes], str]


def ours(page: bytes) -> str:
    try:
        return decode_document(page, ".html").text
    except DocumentError:
        return ""


def with_trafilatura(page: bytes) -> str:
    text = trafilatura.extract(page, output_format="txt", include_comments=False, include_tables=True)
    return normalise_text(text or "")


METHODS: dict[str, Method] = {"HTML reader (selectolax)": ours, "trafilatura 2.3": with_trafilatura}


def gold_pages() -> list[tuple[str, Path, bytes]]:
    """(gold id, gold file, page bytes) of every HTML page with a gold annotation."""
    pages = []
    samples = PROJECT_ROOT / "samples" / "reports"
    for path in sorted(samples.rglob("*.html")):
        gold_id = path.relative_to(samples).with_suffix("").as_posix().replace("/", "__")
        pages.append((gold_id, PROJECT_ROOT / "tests" / "golden" / "samples" / f"{gold_id}.gold.json", path))
    for path in sorted((SHARED / "devset").glob("*.html")):
        pages.append((path.stem, path.with_suffix(".gold.json"), path))
    return [(gid, gold, page.read_bytes()) for gid, gold, page in pages if gold.exists()]


def boilerplate_figures(method: Method) -> dict[str, float]:
    """On the portal pages: share of article paragraphs kept, share of chrome lines left in."""
    kept = left = paragraphs = lines = 0
    for article in ARTICLES.values():
        text = method(article.html())
        kept += sum(normalise_text(p) in text for p in article.paragraphs)
        paragraphs += len(article.paragraphs)
        chrome = [line for line in BOILERPLATE if line != article.title]  # a page's own title is content
        left += sum(line in text for line in chrome)
        lines += len(chrome)
    return {"article_kept": kept / paragraphs, "boilerplate_left": left / lines}


def extraction_scores(method: Method, pages: list[tuple[str, Path, bytes]]) -> dict[str, Any]:
    scorer = load_scorer()
    with tempfile.TemporaryDirectory() as folder:
        gold_dir = Path(folder)
        records = []
        for gold_id, gold, page in pages:
            shutil.copy(gold, gold_dir / gold.name)
            text = method(page)
            source = f"{gold_id}.html"
            if not text:
                records.append(contract_record(source, None, None, "no text"))
                continue
            records.append(contract_record(source, "x", extract_facts(text), None))
        return score(scorer, gold_dir, records)


def main() -> None:
    pages = gold_pages()
    print(f"{len(ARTICLES)} portal pages, {len(pages)} HTML pages with gold")
    print("| main text | article paragraphs kept | boilerplate lines left | overall (gold pages) | ms/page |")
    print("|---|---|---|---|---|")
    for name, method in METHODS.items():
        started = time.perf_counter()
        for _, _, page in pages:
            method(page)
        per_page = 1000 * (time.perf_counter() - started) / max(len(pages), 1)
        figures = boilerplate_figures(method)
        scores = extraction_scores(method, pages) if (SHARED / "eval" / "score.py").exists() else {}
        overall = scores.get("overall", float("nan"))
        print(
            f"| {name} | {figures['article_kept']:.3f} | {figures['boilerplate_left']:.3f} | {overall:.3f} "
            f"| {per_page:.1f} |"
        )
        print(json.dumps({k: v for k, v in scores.items() if k != "missing_predictions"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
