"""Finding and reading report files under a source root: the file-system edge of ingestion.

Reading is kept apart from decoding (transforms.documents, pure), so every file ends up as one
row: either a decoded document or a reason it could not be read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from transforms.documents import DocumentError, decode_document

INGESTED_FILE_SCHEMA: dict[str, pl.DataType] = {
    "source_path": pl.String(),
    "file_sha256": pl.String(),
    "size_bytes": pl.Int64(),
    "modified_at": pl.Datetime("us"),
    "doc_id": pl.String(),
    "text": pl.String(),
    "title": pl.String(),
    "encoding": pl.String(),
    "reason": pl.String(),
}


class SourceError(ValueError):
    """The source root itself is unusable (missing, not a folder)."""


def list_report_files(root: Path) -> list[str]:
    """Every regular, non-hidden file under `root`, as sorted POSIX paths relative to it.

    Symbolic links are not followed: a link could lead outside the root or into a loop.
    """
    if not root.is_dir():
        raise SourceError(f"source folder {root} does not exist or is not a folder")
    found: list[str] = []
    for folder, subfolders, files in os.walk(root, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in files:
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            found.append(path.relative_to(root).as_posix())
    return sorted(found)


def read_report_files(
    root: Path, relative_paths: Iterable[str], known: set[tuple[str, str]], max_bytes: int
) -> pl.DataFrame:
    """Read and decode files not seen before; one row per new (path, content) version."""
    rows = (_read_one(root, relative, known, max_bytes) for relative in relative_paths)
    return pl.DataFrame([r for r in rows if r is not None], schema=INGESTED_FILE_SCHEMA, orient="row")


def _read_one(
    root: Path, relative: str, known: set[tuple[str, str]], max_bytes: int
) -> dict[str, object] | None:
    """Decode one file, or None when this exact version was ingested before (a no-op)."""
    path = root / relative
    stat = path.stat()
    row: dict[str, object] = {
        "source_path": relative,
        "size_bytes": stat.st_size,
        "modified_at": datetime.fromtimestamp(stat.st_mtime, tz=UTC).replace(tzinfo=None),
        "doc_id": None,
        "text": None,
        "title": None,
        "encoding": None,
        "reason": None,
    }
    if stat.st_size > max_bytes:
        row["file_sha256"] = _sha256_of_file(path)
        if (relative, row["file_sha256"]) in known:
            return None
        row["reason"] = (
            f"file is {stat.st_size:,} bytes, over the {max_bytes:,}-byte limit (CDS_MAX_FILE_BYTES)"
        )
        return row
    data = path.read_bytes()
    row["file_sha256"] = hashlib.sha256(data).hexdigest()
    if (relative, row["file_sha256"]) in known:
        return None
    try:
        document = decode_document(data, path.suffix.lower())
    except DocumentError as exc:
        row["reason"] = exc.reason
        return row
    row.update(doc_id=document.doc_id, text=document.text, title=document.title, encoding=document.encoding)
    return row


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
