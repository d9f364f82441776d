"""One writer at a time across processes: an advisory file lock beside the warehouse.

DuckDB locks its file only while a connection is open, and the pipeline opens it stage by stage,
so without this lock two overlapping runs could interleave their stages (one run's extraction
replacing the other's staging between its load and its gate). Each run holds this lock from
ingest to publish; a second run waits for it, then gives up with a clear message.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.5


class PipelineBusyError(RuntimeError):
    """Another pipeline run holds the warehouse and did not finish within the wait."""


@contextmanager
def writer_lock(warehouse_path: Path, wait_seconds: float) -> Iterator[None]:
    lock_path = warehouse_path.with_name(warehouse_path.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a+") as handle:
        _acquire(handle.fileno(), lock_path, wait_seconds)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _acquire(fd: int, lock_path: Path, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise PipelineBusyError(
                    f"another pipeline run is writing the warehouse (lock {lock_path}); "
                    f"waited {wait_seconds:.0f} s — try again when it has finished"
                ) from None
            time.sleep(POLL_SECONDS)
