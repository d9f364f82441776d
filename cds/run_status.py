"""The live status of pipeline runs, in a small JSON file beside the warehouse.

DuckDB lets no other process open the warehouse while a run writes it, not even read-only, so
`cds status` could not show a run in progress from `meta.runs`. The run that holds the writer
lock writes this file at each stage (stage, counts so far) and, at its start and end, a copy of
the last runs from `meta.runs`; `cds status` reads it without any lock. Only the lock holder
writes it, atomically (a temporary file renamed into place), so a reader never sees half a file.
Plain JSON and the standard library: reading it costs no DuckDB or Polars import.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RECENT_RUNS = 10


def status_path(warehouse_path: Path) -> Path:
    return warehouse_path.with_name(warehouse_path.name + ".status.json")


def read_status(warehouse_path: Path) -> dict[str, Any]:
    """The last status written, or {} when there is none or it cannot be read."""
    try:
        data = json.loads(status_path(warehouse_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_status(warehouse_path: Path, **fields: Any) -> None:
    """Update the status with `fields` (the writer holds the warehouse writer lock)."""
    path = status_path(warehouse_path)
    status = read_status(warehouse_path)
    status.update(fields, updated_at=datetime.now(UTC).isoformat(timespec="seconds"))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(status, ensure_ascii=False, default=str, indent=1), encoding="utf-8")
    os.replace(temporary, path)


def run_in_progress(status: dict[str, Any]) -> bool:
    """The status is of a run that is still going: marked running and its process is alive."""
    if status.get("state") != "running":
        return False
    try:
        pid = int(status.get("pid", 0))
        if pid > 0:
            os.kill(pid, 0)
    except PermissionError:  # alive, another user's
        return True
    except (OSError, ValueError):
        return False
    return pid > 0
