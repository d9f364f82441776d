"""The cds-pipeline benchmark: one table of numbers, a JSON record and a scaling plot.

What it measures, all on a generated corpus (bench/make_corpus.py) of BENCH_N reports:

- extraction throughput on already-decoded texts, next to its floor (one compiled regex pass
  finding every digit run) and its peers (bench/baseline.py, underthesea's CRF NER if installed);
- a full build (ingest → extract → load → gate → publish) per stage, with its peak RSS, each in
  its own process (bench/build.py);
- re-runs with 0 and 1 % new reports, as a share of the full build;
- the quality gate (Great Expectations) against the same checks in plain SQL (bench/gate_sql.py);
- one Prefect `nightly` flow run at small N, for the orchestration overhead;
- the full build at N/10, N and 10·N (BENCH_SCALE=0 skips 10·N), plotted per stage.

Settings (environment): BENCH_N (2000), BENCH_SCALE (1), BENCH_SEED (7), BENCH_WORK
(/tmp/cds-bench, wiped at start), BENCH_EXTRACT_MAX (2000 texts for the extraction timings),
BENCH_PREFECT_N (200, 0 skips the flow run), BENCH_WORKERS (extraction processes in the builds, on a local
Dask cluster as CDS_TASK_RUNNER=dask does; default: the machine's cores), BENCH_BUILD_ONLY (1: only one
full build of N reports, recorded for the table's large-archive rows; the million-report run).

    make bench            # or: BENCH_N=10000 BENCH_SCALE=0 .venv/bin/python -m bench.run
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.baseline import extract_baseline
from bench.make_corpus import generate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
STAGES = ("ingest", "extract", "load", "gate", "publish")
PACKAGES = ("polars", "duckdb", "pyarrow", "pandas", "great-expectations", "prefect", "selectolax", "pypdf")
DIGITS = re.compile(r"\d+")
LOG = {"type": "log"}
QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def workers() -> int:
    """Extraction processes for the parallel timings and the builds: BENCH_WORKERS, else the cores."""
    return setting("BENCH_WORKERS", os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the numbers were measured on; a benchmark without this cannot be compared."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor(),
    )
    mem_kib = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo") if line.startswith("MemTotal")), 0
    )
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "packages": versions,
        "git": _git_state(),
        # The pipeline's settings the run was given (CDS_DUCKDB_MEMORY_LIMIT moves the peaks).
        "settings": {name: value for name, value in sorted(os.environ.items()) if name.startswith("CDS_")},
    }


def _read(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


READ_ONLY_GIT: dict[str, Any] = {"cwd": ROOT, "capture_output": True, "text": True}


def _git_state() -> str:
    """The commit measured, and whether the working tree had uncommitted changes (read-only)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return head.stdout.strip() + (" (uncommitted changes)" if dirty.stdout.strip() else "")


# ---------------------------------------------------------------------------------------------
# Extraction and its floor and peers, in this process on decoded texts
# ---------------------------------------------------------------------------------------------


def decoded_texts(source: Path, limit: int) -> list[str]:
    """The corpus as ingest decodes it (distinct texts, sorted by path), so extraction is timed alone."""
    from transforms.documents import DocumentError, decode_document

    texts: dict[str, str] = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        try:
            document = decode_document(path.read_bytes(), path.suffix.lower())
        except DocumentError:
            continue
        texts.setdefault(document.doc_id, document.text)
        if len(texts) >= limit:
            break
    return list(texts.values())


def throughput(texts: Sequence[str], work: Callable[[str], object]) -> dict[str, float]:
    """Reports/s and MB/s (UTF-8) of `work` over every text, after one warm-up call."""
    work(texts[0])
    began = time.perf_counter()
    for text in texts:
        work(text)
    elapsed = time.perf_counter() - began
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return {
        "reports": len(texts),
        "seconds": elapsed,
        "reports_s": len(texts) / elapsed,
        "mb_s": megabytes / elapsed,
    }


def digit_floor(text: str) -> int:
    return sum(1 for _ in DIGITS.finditer(text))


def ner_peer(texts: Sequence[str]) -> dict[str, Any]:
    """underthesea's CRF NER (GPL, optional, never a project dependency) on a slice of the texts."""
    try:
        from underthesea import ner
    except ImportError:
        return {"status": "not installed"}
    sample = list(texts[: min(len(texts), 50)])
    return {"status": "ok", **throughput(sample, ner)}


def extract_many(texts: Sequence[str]) -> int:
    """Extract a chunk of texts (run on a Dask worker); returns the facts found."""
    from transforms.extract import extract_facts

    return sum(len(x.metrics) + len(x.rankings) for x in map(extract_facts, texts))


def parallel_throughput(texts: Sequence[str], workers: int, chunk: int = 100) -> dict[str, Any]:
    """Reports/s of extraction on a local Dask cluster of `workers` processes (what the pipeline
    runs on with CDS_TASK_RUNNER=dask), workers started and warmed up before the clock starts."""
    from distributed import Client, LocalCluster

    chunks = [list(texts[at : at + chunk]) for at in range(0, len(texts), chunk)]
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.gather(client.map(extract_many, [chunks[0][:5]] * workers, pure=False))  # imports, caches
        began = time.perf_counter()
        client.gather(client.map(extract_many, chunks, pure=False))
        elapsed = time.perf_counter() - began
    return {"workers": workers, "reports": len(texts), "seconds": elapsed, "reports_s": len(texts) / elapsed}


def extraction_bench(texts: Sequence[str], workers: int) -> dict[str, Any]:
    from transforms.extract import extract_facts

    return {
        "extract": throughput(texts, extract_facts),
        "parallel": parallel_throughput(texts, workers) if workers > 1 else {"status": "one worker"},
        "parallel_one": parallel_throughput(texts, 1),
        "floor": throughput(texts, digit_floor),
        "baseline": throughput(texts, extract_baseline),
        "ner": ner_peer(texts),
    }


# ---------------------------------------------------------------------------------------------
# Builds, each in its own process
# ---------------------------------------------------------------------------------------------


def build(source: Path, state: Path, sql_gate: bool = False) -> dict[str, Any]:
    """One plain-stage build into the warehouse and public folder under `state`."""
    args = [
        "--source",
        str(source),
        "--warehouse",
        str(state / "cds.duckdb"),
        "--public",
        str(state / "public"),
        "--workers",
        str(workers()),
    ]
    return _subprocess(args + (["--sql-gate"] if sql_gate else []), os.environ)


def flow_run(source: Path, state: Path, prefect_home: Path) -> dict[str, Any]:
    """The Prefect `nightly` flow on `source`, with its own warehouse and Prefect home."""
    env = {
        **os.environ,
        "CDS_SOURCE_DIR": str(source),
        "CDS_WAREHOUSE_PATH": str(state / "cds.duckdb"),
        "CDS_PUBLIC_DIR": str(state / "public"),
        "PREFECT_HOME": str(prefect_home),
    }
    return _subprocess(["--flow", "--source", str(source)], env)


def noop_cli_run(source: Path, state: Path) -> dict[str, Any]:
    """`cds run` as a user types it, on a source with nothing new since the build under `state`:
    the whole command, process start to exit (target ≤ 5 s), and whether it started Prefect."""
    home = state / "noop-prefect-home"
    env = {
        **os.environ,
        **QUIET_ENV,
        "CDS_WAREHOUSE_PATH": str(state / "cds.duckdb"),
        "CDS_PUBLIC_DIR": str(state / "public"),
        "PREFECT_HOME": str(home),
    }
    env.pop("PREFECT_API_URL", None)
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cds.cli", "run", str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"cds run (no-op) failed:\n{done.stderr[-4000:]}")
    return {"wall_s": wall, "prefect_started": home.exists()}


def _subprocess(args: list[str], env: Any) -> dict[str, Any]:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.build", *args],
        cwd=ROOT,
        env={**env, **QUIET_ENV},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - began
    result = _last_json_line(done.stdout)
    if done.returncode != 0:
        raise BuildFailed(f"bench.build {' '.join(args)} failed:\n{done.stderr[-4000:]}", result)
    result["wall_s"] = wall
    return result


class BuildFailed(RuntimeError):
    """A build process that failed, with what it recorded up to the failure (stage times, peaks)."""

    def __init__(self, message: str, partial: dict[str, Any]) -> None:
        super().__init__(message)
        self.partial = partial


def _last_json_line(stdout: str) -> dict[str, Any]:
    """The build's JSON record (its last output line); empty when it died before printing one."""
    lines = stdout.strip().splitlines()
    try:
        record = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        return {}
    return record if isinstance(record, dict) else {}


def corpus(work: Path, name: str, n: int, seed: int) -> Path:
    source = work / name / "source"
    generate(n, seed, source)
    return source


def incremental(source: Path, state: Path, n: int, seed: int) -> dict[str, Any]:
    """Re-run on the built warehouse: unchanged input, then 1 % new reports appended."""
    unchanged = build(source, state)
    generate(max(1, n // 100), seed, source, start=n)
    one_percent = build(source, state, sql_gate=True)  # the nightly gate agrees with SQL as well
    return {"zero_new": unchanged, "one_percent_new": one_percent}


def prefect_overhead(work: Path, n: int, seed: int) -> dict[str, Any]:
    """The nightly flow at small N next to the plain stages on the same input (cold and warm)."""
    source = corpus(work, f"prefect-{n}", n, seed)
    home = work / "prefect-home"
    plain = build(source, work / "prefect-plain")
    cold = flow_run(source, work / "prefect-flow-cold", home)
    warm = flow_run(source, work / "prefect-flow-warm", home)
    return {"n": n, "plain": plain, "flow_cold": cold, "flow_warm": warm}


def scaling(work: Path, n: int, seed: int, full: dict[str, Any], scale: bool) -> dict[int, dict[str, Any]]:
    """Full builds at N/10 and (unless BENCH_SCALE=0) 10·N, next to the one at N."""
    points = {n: full}
    sizes = ([n // 10] if n // 10 >= 100 else []) + ([n * 10] if scale else [])
    for size in sizes:
        source = corpus(work, f"scale-{size}", size, seed)
        points[size] = build(source, work / f"scale-{size}" / "state")
        shutil.rmtree(work / f"scale-{size}", ignore_errors=True)
    return dict(sorted(points.items()))


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


Row = tuple[str, str, str, str]  # measure, value, target, met


def rows(r: dict[str, Any]) -> list[Row]:
    """The table, from the result record."""
    return [
        *_extraction_rows(r["extraction"]),
        *_build_rows(r["n"], r["full_build"], r["incremental"]),
        *_scaling_rows(r["scaling"]),
        *_prefect_rows(r.get("prefect")),
        *_noop_rows(r["n"], r.get("noop_run")),
        *large_build_rows(r["scaling"]),
    ]


def _parallel_rows(parallel: dict[str, Any], one: dict[str, Any] | None) -> list[Row]:
    if "reports_s" not in parallel:
        return []
    rate = parallel["reports_s"]
    label = f"extraction on {parallel['workers']} processes (Dask)"
    out: list[Row] = [(label, f"{rate:,.0f} reports/s", "≥ 2,000/s", _met(rate >= 2000))]
    if one and "reports_s" in one:
        gain = rate / one["reports_s"]
        value = f"{one['reports_s']:,.0f} → {rate:,.0f} reports/s = {gain:.2f}×"
        out.append((f"Dask workers 1 → {parallel['workers']}", value, "", ""))
    return out


def _extraction_rows(ex: dict[str, Any]) -> list[Row]:
    rate, floor, base, ner = (ex[k].get("reports_s", 0.0) for k in ("extract", "floor", "baseline", "ner"))
    out = [
        (
            "extraction, one process",
            f"{rate:,.0f} reports/s, {ex['extract']['mb_s']:.2f} MB/s",
            "≥ 2,000/s",
            _met(rate >= 2000),
        ),
        *_parallel_rows(ex.get("parallel", {}), ex.get("parallel_one")),
        ("floor: one regex pass r'\\d+'", f"{floor:,.0f} reports/s, {ex['floor']['mb_s']:.1f} MB/s", "", ""),
        ("extraction versus the floor (time)", f"{floor / rate:,.0f}×", "≤ 10×", _met(floor / rate <= 10)),
        (
            "peer: regex baseline (bench/baseline.py)",
            f"{base:,.0f} reports/s = {base / rate:,.0f}× ours",
            "",
            "",
        ),
    ]
    if ex["ner"]["status"] != "ok":
        return [*out, ("peer: underthesea CRF NER", ex["ner"]["status"], "ours ≥ 50×", "n/a")]
    ratio = rate / ner
    return [
        *out,
        (
            "peer: underthesea CRF NER",
            f"{ner:,.1f} reports/s; ours {ratio:,.0f}×",
            "≥ 50×",
            _met(ratio >= 50),
        ),
    ]


def _build_rows(n: int, full: dict[str, Any], incremental: dict[str, Any]) -> list[Row]:
    total, gate, sql = full["total_s"], full["stages"]["gate"], full["sql_gate_s"]
    zero, one = incremental["zero_new"]["total_s"], incremental["one_percent_new"]["total_s"]
    out: list[Row] = [
        (f"full build N={n:,}: {s}", f"{full['stages'].get(s, 0):.1f} s", "", "") for s in STAGES
    ]
    return [
        *out,
        (
            f"full build N={n:,}: total",
            f"{total:.1f} s (process {full['wall_s']:.1f} s)",
            *_at_100k(total <= 300, "≤ 5 min at 100k", n),
        ),
        (
            "full build: peak RSS",
            _peak(full),
            *_at_100k(full["peak_rss_mb"] <= 2 * 1024, "≤ 2 GB at 100k", n),
        ),
        ("full build: peak RSS per stage", _stage_peaks(full), "", ""),
        *_cores_rows("full build", full),
        ("re-run, 0 new reports", _share(zero, total), "≤ 5 %", _met(zero <= 0.05 * total)),
        (
            "re-run, 1 % new reports (share of full build)",
            _share(one, total),
            "≤ 5 %",
            _met(one <= 0.05 * total),
        ),
        ("re-run, 1 % new reports: per stage", _stage_times(incremental["one_percent_new"]), "", ""),
        *_rerun_rows(incremental["one_percent_new"]),
        ("gate (GX) share of full build", _share(gate, total), "≤ 25 %", _met(gate <= 0.25 * total)),
        ("gate: GX vs the same checks in SQL", f"{gate:.1f} s vs {sql:.2f} s = {gate / sql:,.0f}×", "", ""),
        ("gate: GX and SQL verdicts agree", str(full["sql_gate_agrees"]), "", ""),
    ]


def _rerun_rows(one: dict[str, Any]) -> list[Row]:
    """How much GX saw on the 1 % re-run, and whether its gate agrees with the SQL one."""
    out: list[Row] = []
    if "gate_validated_rows" in one:
        out.append(("re-run, 1 %: rows GX validated", f"{one['gate_validated_rows']:,}", "", ""))
    if "sql_gate_agrees" in one:
        out.append(("re-run, 1 %: GX and SQL verdicts agree", str(one["sql_gate_agrees"]), "True", ""))
    return out


def _scaling_rows(points: dict[int, dict[str, Any]]) -> list[Row]:
    sizes = sorted(points)
    out: list[Row] = []
    for n in sizes:
        p = points[n]
        out.append((f"full build N={n:,}", f"{p['total_s']:.1f} s, peak {p['peak_rss_mb']:,.0f} MB", "", ""))
    for small, large in itertools.pairwise(sizes):
        ratio = points[large]["total_s"] / points[small]["total_s"]
        out.append(
            (f"scaling {small:,} → {large:,}", f"{ratio:.1f}× for {large / small:.0f}× reports", "≈ 10×", "")
        )
    return out


def _prefect_rows(p: dict[str, Any] | None) -> list[Row]:
    if not p:
        return []
    cold, warm, plain = p["flow_cold"]["wall_s"], p["flow_warm"]["wall_s"], p["plain"]["wall_s"]
    value = f"{cold:.1f} s cold, {warm:.1f} s warm vs {plain:.1f} s plain stages"
    return [(f"Prefect nightly flow, N={p['n']}", value, "", "")]


def _noop_rows(n: int, noop: dict[str, Any] | None) -> list[Row]:
    if not noop:
        return []
    wall = noop["wall_s"]
    how = "Prefect started" if noop["prefect_started"] else "Prefect not started"
    return [
        (
            f"`cds run` with nothing new, N={n:,} (whole command)",
            f"{wall:.1f} s ({how})",
            "≤ 5 s",
            _met(wall <= 5),
        )
    ]


def _at_100k(ok: bool, target: str, n: int) -> tuple[str, str]:
    """The target and whether it was met; the targets are stated for 100,000 reports."""
    return target, _met(ok) if n >= 100_000 else "n/a"


def _peak(build: dict[str, Any]) -> str:
    """Peak memory of the build's process tree, and the stage that reached it."""
    stages: dict[str, float] = build.get("stage_peak_rss_mb") or {}
    where = f" ({max(stages.items(), key=lambda item: item[1])[0]})" if stages else ""
    return f"{build['peak_rss_mb']:,.0f} MB{where}"


def _stage_peaks(build: dict[str, Any]) -> str:
    """Peak memory of the process tree by the stage that was running, in pipeline order."""
    peaks: dict[str, float] = build.get("stage_peak_rss_mb") or {}
    return ", ".join(f"{stage} {mb:,.0f}" for stage, mb in peaks.items() if stage != "start") + " MB"


def _cores_rows(name: str, build: dict[str, Any]) -> list[Row]:
    """CPU seconds per stage and the cores they kept busy (CPU / wall), when the build recorded them."""
    cpu: dict[str, float] = build.get("stage_cpu_s") or {}
    if not cpu:
        return []
    busy = ", ".join(
        f"{stage} {cpu.get(stage, 0.0):,.0f} s ({cpu.get(stage, 0.0) / wall:.1f})"
        for stage in STAGES
        if (wall := build["stages"].get(stage, 0.0)) > 0
    )
    return [(f"{name}: CPU per stage (cores busy)", busy, "", "")]


def _stage_times(build: dict[str, Any]) -> str:
    return ", ".join(f"{stage} {build['stages'].get(stage, 0.0):.1f}" for stage in STAGES) + " s"


def _share(part: float, whole: float) -> str:
    return f"{part:.1f} s = {100 * part / whole:.0f} %"


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_table(table: list[tuple[str, str, str, str]]) -> str:
    header = ("measure", "value", "target", "")
    widths = [max(len(row[i]) for row in [header, *table]) for i in range(4)]
    lines = [
        " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in [header, *table]
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    text = "\n".join(lines)
    print(text)
    return text


def plot(points: dict[int, dict[str, Any]], path: Path) -> None:
    """Seconds per stage against N (log–log), as a Vega-Lite spec rendered by vl-convert
    (matplotlib is not installed in the project)."""
    import vl_convert

    values = [
        {"reports": n, "stage": stage, "seconds": max(p["stages"].get(stage, 0.0), 1e-3)}
        for n, p in points.items()
        for stage in STAGES
    ]
    values += [{"reports": n, "stage": "total", "seconds": p["total_s"]} for n, p in points.items()]
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "cds-pipeline full build: time per stage vs reports",
        "width": 520,
        "height": 340,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "reports",
                "type": "quantitative",
                "scale": {"type": "log"},
                "title": "reports (N)",
            },
            "y": {"field": "seconds", "type": "quantitative", "scale": {"type": "log"}, "title": "seconds"},
            "color": {"field": "stage", "type": "nominal", "sort": [*STAGES, "total"]},
        },
    }
    path.write_bytes(vl_convert.vegalite_to_png(spec, scale=2))


def large_build_rows(points: dict[int, dict[str, Any]]) -> list[Row]:
    """The largest recorded archive build (BENCH_BUILD_ONLY=1), and peak memory as N grows up to it."""
    recorded = recorded_large_build()
    if recorded is None:
        return []
    n, build = recorded["n"], recorded["build"]
    if "failed" in build:
        failed: list[Row] = [
            (
                f"full build N={n:,}",
                f"failed: {build['failed']} ({recorded['date']})",
                "≤ 45 min, ≤ 3 GB",
                "MISSED",
            )
        ]
        if build.get("stages"):  # what finished before the failure, and the memory it took
            failed.append((f"full build N={n:,}: per stage until it failed", _stage_times(build), "", ""))
            failed.append((f"full build N={n:,}: peak RSS per stage", _stage_peaks(build), "", ""))
        return failed
    total = build["total_s"]
    value = (
        f"{total / 60:.1f} min, peak {build['peak_rss_mb']:,.0f} MB "
        f"(recorded {recorded['date']}, {recorded['machine']['git']})"
    )
    ok = total <= 45 * 60 and build["peak_rss_mb"] <= 3 * 1024
    recorded_peaks = {
        size: record["build"]["peak_rss_mb"]
        for size, record in recorded_builds().items()
        if "peak_rss_mb" in record["build"] and "failed" not in record["build"]
    }
    measured = {size: p["peak_rss_mb"] for size, p in points.items()}
    peaks = recorded_peaks | measured | {n: build["peak_rss_mb"]}
    growth = " → ".join(f"{size:,}: {mb:,.0f} MB" for size, mb in sorted(peaks.items()))
    return [
        (f"full build N={n:,}", value, "≤ 45 min, ≤ 3 GB", _met(ok)),
        (f"full build N={n:,}: per stage", _stage_times(build), "", ""),
        (f"full build N={n:,}: peak RSS per stage", _stage_peaks(build), "", ""),
        *_cores_rows(f"full build N={n:,}", build),
        ("peak memory as N grows", growth, "flat", ""),
    ]


def recorded_large_build() -> dict[str, Any] | None:
    """The latest `bench/results/*-build-<N>.json` with the largest N."""
    builds = recorded_builds()
    return builds[max(builds)] if builds else None


def recorded_builds() -> dict[int, dict[str, Any]]:
    """N → the latest recorded archive build of N reports (`bench/results/<date>-build-<N>.json`;
    file names sort by date)."""
    latest: dict[int, dict[str, Any]] = {}
    for path in sorted(RESULTS.glob("*-build-*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        latest[record["n"]] = record
    return latest


def failure_reason(output: str) -> str:
    """The line of a failed stage's output that names the error (the last `…Error:` or
    `…Exception:` line; DuckDB follows its errors with advice lines), else its last line."""
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    named = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b", line)]
    return (named or lines or ["no output"])[-1][:300]


def archive_build(work: Path, n: int, seed: int) -> None:
    """BENCH_BUILD_ONLY=1: one full build of an N-report archive (the million-report run), recorded as
    `bench/results/<date>-build-<N>.json` for every later `make bench` table."""
    began = time.perf_counter()
    record: dict[str, Any] = {"date": date.today().isoformat(), "n": n, "seed": seed, "machine": machine()}
    source = corpus(work, f"n{n}", n, seed)
    record["corpus_s"] = time.perf_counter() - began
    print(f"corpus: {n:,} reports in {source} ({record['corpus_s']:.0f} s); full build…", file=sys.stderr)
    try:
        record["build"] = build(source, work / f"n{n}" / "state")
    except BuildFailed as failure:  # recorded too: a build that cannot finish is a result
        record["build"] = {"failed": failure_reason(str(failure))} | failure.partial
    record["bench_wall_s"] = time.perf_counter() - began
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{record['date']}-build-{n}.json"
    path.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    print_table(large_build_rows({}))
    print(f"\nwrote {path} ({record['bench_wall_s']:.0f} s)")


def main() -> None:
    n, seed, scale = setting("BENCH_N", 2000), setting("BENCH_SEED", 7), setting("BENCH_SCALE", 1) != 0
    work = Path(os.environ.get("BENCH_WORK", "/tmp/cds-bench"))
    shutil.rmtree(work, ignore_errors=True)
    if setting("BENCH_BUILD_ONLY", 0):
        archive_build(work, n, seed)
        return
    began = time.perf_counter()
    record: dict[str, Any] = {"date": date.today().isoformat(), "n": n, "seed": seed, "machine": machine()}
    source = corpus(work, f"n{n}", n, seed)
    print(f"corpus: {n:,} reports in {source}", file=sys.stderr)
    texts = decoded_texts(source, setting("BENCH_EXTRACT_MAX", 2000))
    record["extraction"] = extraction_bench(texts, workers())
    print("extraction timed; full build…", file=sys.stderr)
    record["full_build"] = build(source, work / f"n{n}" / "state", sql_gate=True)
    record["incremental"] = incremental(source, work / f"n{n}" / "state", n, seed)
    record["noop_run"] = noop_cli_run(source, work / f"n{n}" / "state")
    prefect_n = setting("BENCH_PREFECT_N", 200)
    record["prefect"] = prefect_overhead(work, prefect_n, seed) if prefect_n else None
    print("scaling…", file=sys.stderr)
    record["scaling"] = scaling(work, n, seed, record["full_build"], scale)
    record["bench_wall_s"] = time.perf_counter() - began
    RESULTS.mkdir(exist_ok=True)
    record["table"] = print_table(rows(record))
    stem = RESULTS / record["date"]
    Path(f"{stem}.json").write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    plot(record["scaling"], Path(f"{stem}-scaling.png"))
    print(f"\nwrote {stem}.json and {stem}-scaling.png ({record['bench_wall_s']:.0f} s)")


if __name__ == "__main__":
    main()
