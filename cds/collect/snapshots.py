"""Snapshots, the raw layer of collected pages: bytes named by their sha256, written once, each with a
sidecar `<sha256>.meta.json` (the same format ingest reads; extra keys are provenance)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cds.collect.http import Fetched


@dataclass(frozen=True, slots=True)
class Snapshot:
    path: Path  # the body's file
    sha256: str
    created: bool  # False: these exact bytes were already stored (never rewritten)


def snapshot_sidecar(
    fetched: Fetched, source: str, province: str, published: date | None, title: str | None
) -> dict[str, object]:
    """The sidecar: `url`, `published_date`, `title` (read by ingest) and the fetch's provenance."""
    return {
        "url": fetched.url,
        "published_date": published.isoformat() if published else None,
        "title": title,
        "final_url": fetched.final_url,
        "fetched_at": fetched.fetched_at.isoformat(timespec="seconds") + "Z",
        "status": fetched.status,
        "content_type": fetched.content_type,
        "etag": fetched.etag,
        "last_modified": fetched.last_modified,
        "source": source,
        "province": province,
        "sha256": hashlib.sha256(fetched.body).hexdigest(),
        "bytes": len(fetched.body),
    }


def write_snapshot(folder: Path, body: bytes, extension: str, sidecar: dict[str, object]) -> Snapshot:
    """Store `body` as `folder/<sha256><extension>` beside its sidecar, unless those bytes are stored.

    The sidecar is written first and each file appears whole (written under a temporary name, then
    linked into place, which never replaces an existing file): a reader never sees a body without
    its metadata, nor half a file, and a past snapshot is never changed.
    """
    sha = hashlib.sha256(body).hexdigest()
    path = folder / f"{sha}{extension}"
    if path.exists():
        return Snapshot(path, sha, created=False)
    folder.mkdir(parents=True, exist_ok=True)
    meta = json.dumps(sidecar, ensure_ascii=False, indent=1, default=_iso).encode("utf-8")
    _write_once(folder / f"{sha}.meta.json", meta)
    _write_once(path, body)
    return Snapshot(path, sha, created=True)


def _write_once(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_bytes(data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # written by a concurrent fetch of the same bytes: identical content
    finally:
        temporary.unlink()


def _iso(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")
