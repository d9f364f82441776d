"""Cache keys for extraction results: the documents' content hashes plus the extractor's own code.

A batch whose documents (doc_id = sha256 of the text) were read by the same extractor code
before is not read again — e.g. when a run blocked by the quality gate is repeated, or a backfill
re-extracts with `force` and nothing changed. Any change to the extractor's code or data files
changes every key.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

import transforms

EXTRACTOR_FILES = ("extract/**/*.py", "extract/data/*", "frames.py", "model.py")


@cache
def extractor_fingerprint() -> str:
    root = Path(transforms.__file__).parent
    digest = hashlib.sha256()
    for pattern in EXTRACTOR_FILES:
        for path in sorted(root.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def extraction_cache_key(_context: Any, parameters: dict[str, Any]) -> str:
    documents: pl.DataFrame = parameters["documents"]
    digest = hashlib.sha256(extractor_fingerprint().encode())
    for doc_id in documents.get_column("doc_id").to_list():
        digest.update(doc_id.encode())
    if "published_date" in documents.columns:  # the source metadata's date is an input of extraction
        for published in documents.get_column("published_date").to_list():
            digest.update(str(published).encode())
    return f"cds-extract-{digest.hexdigest()}"
