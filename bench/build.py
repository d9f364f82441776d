"""One timed build (ingest → extract → load → gate → publish) with the plain stage functions.

Run as its own process by `bench/run.py`, so the peak RSS it reports (getrusage of itself) is
the build's alone, not the benchmark driver's, and each build starts as a nightly run would:
cold imports, a warehouse file on disk. Prints one JSON object on stdout.

    python -m bench.build --source DIR --warehouse FILE --public DIR [--sql-gate] [--flow]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
RUN_ID = "bench"


class StageUsage:
    """Peak resident memory and CPU time per stage, of this process and its children (the Dask
    workers extracting in parallel), sampled every 50 ms in a daemon thread.

    getrusage gives only one process's lifetime peak; knowing which stage holds it is what tells
    a memory fix where to go. A stage's CPU seconds against its wall time tell how many of the
    machine's cores it kept busy, so what a faster stage or more cores would change.
    """

    def __init__(self) -> None:
        import psutil

        self.stage = "start"
        self.peaks_mb: dict[str, float] = {}
        self.own_peaks_mb: dict[str, float] = {}  # this process alone, without its children
        self.peak_mb = 0.0
        self.cpu_s: dict[str, float] = {}  # CPU seconds (user + system) of the tree, per stage
        self._process = psutil.Process()
        self._cpu_seen: dict[int, float] = {}  # pid → latest CPU seconds (an ended child keeps its last)
        self._lock = threading.Lock()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            own, rss = self.rss_mb_own_and_tree()
            self.peak_mb = max(self.peak_mb, rss)
            if rss > self.peaks_mb.get(self.stage, 0.0):
                self.peaks_mb[self.stage] = rss
            if own > self.own_peaks_mb.get(self.stage, 0.0):
                self.own_peaks_mb[self.stage] = own
            time.sleep(0.05)

    def rss_mb(self) -> float:
        return self.rss_mb_own_and_tree()[1]

    def cpu_total_s(self) -> float:
        """CPU seconds the tree has used so far, its ended children included."""
        self.rss_mb_own_and_tree()
        with self._lock:
            return sum(self._cpu_seen.values())

    def rss_mb_own_and_tree(self) -> tuple[float, float]:
        """This process's resident memory, and its tree's (with its children), from one reading;
        each process's CPU time is read on the way."""
        import psutil

        with self._lock:
            own = self._process.memory_info().rss
            self._cpu_seen[self._process.pid] = sum(self._process.cpu_times()[:2])
            total = own
            for child in self._process.children(recursive=True):
                try:
                    total += child.memory_info().rss
                    self._cpu_seen[child.pid] = sum(child.cpu_times()[:2])
                except psutil.Error:  # a child that just exited
                    continue
        return own / 2**20, total / 2**20


USAGE: StageUsage | None = None


def timed(times: dict[str, float], stage: str, work: Callable[[], T]) -> T:
    if USAGE is not None:
        USAGE.stage = stage
    cpu_before = USAGE.cpu_total_s() if USAGE else 0.0
    began = time.perf_counter()
    try:
        result = work()
    finally:  # a stage that fails is timed up to its failure
        times[stage] = times.get(stage, 0.0) + time.perf_counter() - began
        if USAGE is not None:
            USAGE.cpu_s[stage] = USAGE.cpu_s.get(stage, 0.0) + USAGE.cpu_total_s() - cpu_before
    if os.environ.get("BENCH_TRACE"):
        rss = USAGE.rss_mb() if USAGE else 0.0
        print(
            f"{stage}: +{time.perf_counter() - began:.1f} s, rss {rss:,.0f} MB", flush=True, file=sys.stderr
        )
    return result


def build(
    source: Path, warehouse: Path, public: Path, sql_gate: bool, workers: int, times: dict[str, float]
) -> dict[str, Any]:
    """The five stages in the nightly flow's order, each timed into `times` (the caller keeps the
    stages that finished when one fails); the gate optionally also as SQL.

    Extraction goes a wave of documents at a time, as the flow does; with `workers` > 1 each
    wave's batches run on a local Dask cluster of that many processes, and so does the decoding
    of each ingest batch (what the flows' CDS_TASK_RUNNER=dask does), else in this process.
    """
    from cds import pipeline
    from cds.settings import Settings

    settings = Settings(source_dir=source, warehouse_path=warehouse, public_dir=public)
    timed(times, "ingest", lambda: pipeline.prepare_warehouse(settings))
    with worker_pool(workers) as (extract_all, reading):  # workers start within the first timed use
        summary = timed(times, "ingest", lambda: pipeline.ingest_source(settings, source, RUN_ID, reading))
        doc_ids, staged = extract_and_stage(settings, times, extract_all)
    unchanged = timed(times, "gate", lambda: pipeline.unchanged_release(settings))
    if unchanged is not None:  # as the publish flow does: nothing new, the latest release stands
        times.setdefault("publish", 0.0)
        return {
            "files_seen": summary.files_seen,
            "files_new": summary.files_new,
            "documents_new": 0,
            "documents_extracted": len(doc_ids),
            "facts_staged": 0,
            "gate_passed": True,
            "gate_checks": 0,
            "gate_summary": "skipped: nothing new",
            "release_created": False,
            "published_rows": unchanged.row_counts,
            "stages": times,
            "total_s": sum(times.values()),
        }
    gate = timed(times, "gate", lambda: pipeline.validate_staged(settings, RUN_ID))
    result: dict[str, Any] = {
        "files_seen": summary.files_seen,
        "files_new": summary.files_new,
        "documents_new": summary.documents_new,
        "documents_extracted": len(doc_ids),
        "facts_staged": sum(v for k, v in staged.items() if k != "documents"),
        "gate_passed": gate.passed,
        "gate_checks": len(gate.checks),
        "gate_summary": gate.summary(),
        "gate_validated_rows": sum(gate.validated_rows.values()),  # rows GX saw: new or failing
    }
    if sql_gate:
        result.update(compare_sql_gate(settings, gate))
    if gate.passed:
        release = timed(times, "publish", lambda: pipeline.publish_release(settings, gate))
        result["release_created"] = release.created
        result["published_rows"] = release.row_counts
    result["stages"] = times
    result["total_s"] = sum(times.values())
    return result


ExtractAll = Callable[[list[Any]], Callable[[], list[Any]]]  # batches → wait for their FactFrames


def extract_and_stage(
    settings: Any, times: dict[str, float], extract_all: ExtractAll
) -> tuple[list[str], dict[str, int]]:
    """Select, read, extract and stage documents a wave at a time (the extract_and_load flow)."""
    from cds import pipeline

    doc_ids: list[str] = timed(
        times, "extract", lambda: pipeline.select_documents_to_backfill(settings)["doc_id"].to_list()
    )
    size = settings.extract_batch_size

    def submit(wave: list[str]) -> Callable[[], list[Any]]:
        documents = pipeline.read_documents(settings, wave)
        return extract_all([documents.slice(at, size) for at in range(0, documents.height, size)])

    staged: dict[str, int] = {}
    waves = pipeline.document_waves(doc_ids, settings.extract_wave_size)
    pending = timed(times, "extract", partial(submit, waves[0]))
    for number in range(len(waves)):
        extracting = pending
        if number + 1 < len(waves):  # the next wave extracts while this one is staged
            pending = timed(times, "extract", partial(submit, waves[number + 1]))
        merged = timed(times, "extract", partial(_gathered, extracting))
        counts = timed(times, "load", partial(pipeline.stage_facts, settings, merged, append=number > 0))
        staged = {table: staged.get(table, 0) + rows for table, rows in counts.items()}
    return doc_ids, staged


def _gathered(extracting: Callable[[], list[Any]]) -> Any:
    from transforms.frames import FactFrames

    return FactFrames.concat(extracting())


@contextmanager
def worker_pool(workers: int) -> Iterator[tuple[ExtractAll, Any]]:
    """How to extract batches and how ingest reads files: on a local Dask cluster of `workers`
    processes, as the flows do with CDS_TASK_RUNNER=dask, or (workers ≤ 1) in this process. Each
    way of starting work returns how to wait for its results."""
    from cds.pipeline import IN_PROCESS, FileReading
    from cds.sources import read_file_batch
    from transforms.frames import extract_fact_frames

    if workers <= 1:
        yield (lambda batches: lambda: [extract_fact_frames(b) for b in batches]), IN_PROCESS
        return
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        clients: list[Client] = []  # the cluster starts with the first work: none for a no-op run

        def start(work: Callable[[Any], Any], items: list[Any]) -> Callable[[], list[Any]]:
            if not items:  # nothing to do (Dask refuses to scatter nothing)
                return list
            if not clients:
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                    )
                )
                clients.append(stack.enter_context(Client(cluster)))
            client = clients[0]
            futures = client.map(work, client.scatter(items), pure=False)
            return lambda: list(client.gather(futures))

        yield partial(start, extract_fact_frames), FileReading(partial(start, read_file_batch), workers)


def compare_sql_gate(settings: Any, gate: Any) -> dict[str, Any]:
    """Time the same checks as SQL on the same audit state, and say whether they agree."""
    from bench.gate_sql import run_sql_gate
    from warehouse.database import connect

    began = time.perf_counter()
    with connect(settings.warehouse_path) as con:
        sql_checks = run_sql_gate(con, "audit")
    elapsed = time.perf_counter() - began
    gx = {(c.table, c.check): c.success for c in gate.checks}
    sql = {(c.table, c.check): c.success for c in sql_checks}
    return {
        "sql_gate_s": elapsed,
        "sql_gate_checks": len(sql_checks),
        "sql_gate_agrees": gx == sql,
        "sql_gate_differences": sorted(f"{t}.{c}" for (t, c) in gx.keys() ^ sql.keys())
        + sorted(f"{t}.{c}" for (t, c) in gx.keys() & sql.keys() if gx[(t, c)] != sql[(t, c)]),
    }


def run_flow(source: Path) -> dict[str, Any]:
    """The Prefect `nightly` flow end to end (settings come from CDS_* in the environment)."""
    began = time.perf_counter()
    from flows.nightly import nightly

    imported = time.perf_counter()
    state = nightly(str(source), return_state=True)
    done = time.perf_counter()
    return {"flow_import_s": imported - began, "flow_s": done - imported, "flow_state": state.type.value}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--warehouse", type=Path)
    parser.add_argument("--public", type=Path)
    parser.add_argument("--sql-gate", action="store_true", help="also run the gate as plain SQL")
    parser.add_argument("--flow", action="store_true", help="run the Prefect nightly flow instead")
    parser.add_argument("--workers", type=int, default=1, help="extraction processes (Dask) when > 1")
    args = parser.parse_args()
    global USAGE
    USAGE = StageUsage()
    began = time.perf_counter()
    times: dict[str, float] = {}
    try:
        if args.flow:
            result = run_flow(args.source)
        else:
            result = build(args.source, args.warehouse, args.public, args.sql_gate, args.workers, times)
            result["workers"] = args.workers
    except Exception as failure:  # a build that fails is a result too: where, when, at what memory
        traceback.print_exc()
        message = (str(failure).strip().splitlines() or [""])[0][:300]
        reason = f"{USAGE.stage}: {type(failure).__name__}: {message}"
        result = {"failed": reason, "failed_stage": USAGE.stage, "stages": times, "workers": args.workers}
    result["process_s"] = time.perf_counter() - began
    result["peak_rss_mb"] = max(peak_rss_mb(), USAGE.peak_mb)  # with the extraction workers
    result["stage_peak_rss_mb"] = USAGE.peaks_mb
    result["stage_peak_rss_own_mb"] = USAGE.own_peaks_mb  # the building process without its children
    result["stage_cpu_s"] = USAGE.cpu_s  # CPU seconds of the tree per stage: cores kept busy = cpu / wall
    print(json.dumps(result, default=str))
    if "failed" in result:
        sys.exit(1)


if __name__ == "__main__":
    main()
