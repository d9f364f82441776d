"""Crash safety: the pipeline is killed (SIGKILL) at each failpoint in turn, then run again.
Nothing is lost, nothing is duplicated, and `latest` is always a complete release."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
from pathlib import Path

import pytest

from cds.failpoints import FAILPOINTS
from cds.settings import Settings
from tests.conftest import REPORT_TEXT, SAMPLES_DIR, cli_env, start_cds_run, write_report
from warehouse.database import connect

pytestmark = pytest.mark.integration

# In pipeline order: each killed run leaves work for the next, so every point is reached.
KILL_ORDER = (
    "ingest.read",
    "load.staging",
    "load.staged",
    "merge.core",
    "release.writing",
    "release.switching",
)


def cds_run(settings: Settings, home: Path, failpoint: str | None = None) -> tuple[int, str]:
    """`cds run` in its own process group; returns (exit code, log). The group is killed afterwards:
    a SIGKILLed run cannot stop the temporary Prefect server it started, as a real crash could not."""
    env = cli_env(settings, home)
    env.pop("CDS_FAILPOINT", None)
    if failpoint:
        env["CDS_FAILPOINT"] = failpoint
    log = home / f"run-{failpoint or 'clean'}.log"
    process = start_cds_run(env, log, start_new_session=True)
    try:
        code = process.wait(timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    return code, log.read_text(encoding="utf-8", errors="replace")[-3000:]


def assert_latest_is_complete(public: Path) -> None:
    latest = public / "latest"
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    package = json.loads((latest / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert (latest / resource["path"]).is_file()
        assert (latest / resource["path"].replace(".csv", ".parquet")).is_file()
    assert set(manifest["row_counts"]) == {r["name"] for r in package["resources"]}


def warehouse_state(settings: Settings) -> dict[str, int]:
    with connect(settings.warehouse_path, read_only=True) as con:
        row = con.execute(
            """select (select count(*) from core.dim_document),
                      (select count(*) from raw.ingest_errors),
                      (select count(*) - count(distinct fact_id) from core.fact_metric),
                      (select count(*) - count(distinct fact_id) from core.fact_dti_rank),
                      (select count(*) from staging.documents)"""
        ).fetchone()
    assert row is not None
    keys = ("documents", "ingest_errors", "duplicate_metrics", "duplicate_ranks", "staged")
    return dict(zip(keys, row, strict=True))


def test_killed_at_every_failpoint_then_rerun_loses_and_duplicates_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    assert set(KILL_ORDER) == FAILPOINTS
    shutil.copytree(SAMPLES_DIR, settings.source_dir, dirs_exist_ok=True)
    sample_files = sum(1 for p in settings.source_dir.rglob("*") if p.is_file())
    home = tmp_path / "prefect"

    for point in KILL_ORDER:
        code, log = cds_run(settings, home, point)
        assert code == -signal.SIGKILL, (point, log)
        if (settings.public_dir / "latest").exists():
            assert_latest_is_complete(settings.public_dir)

    code, log = cds_run(settings, home)

    assert code == 0, log
    state = warehouse_state(settings)
    assert state["documents"] + state["ingest_errors"] == sample_files
    assert state["duplicate_metrics"] == state["duplicate_ranks"] == state["staged"] == 0
    assert_latest_is_complete(settings.public_dir)
    assert not list((settings.public_dir / "releases").glob(".*.partial"))
    with connect(settings.warehouse_path, read_only=True) as con:
        statuses = [r[0] for r in con.execute("select status from meta.runs order by started_at").fetchall()]
    assert statuses[-1] == "completed" and "running" not in statuses

    # Killed while switching to a newer release: `latest` stays on the previous, complete one.
    previous = (settings.public_dir / "latest").resolve()
    write_report(settings.source_dir, "moi/bao-cao-bo-sung.txt", REPORT_TEXT)
    assert cds_run(settings, home, "release.switching")[0] == -signal.SIGKILL
    assert (settings.public_dir / "latest").resolve() == previous
    assert_latest_is_complete(settings.public_dir)
    assert cds_run(settings, home)[0] == 0
    assert (settings.public_dir / "latest").resolve() != previous
    assert warehouse_state(settings)["documents"] == state["documents"] + 1
