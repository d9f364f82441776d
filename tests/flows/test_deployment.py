"""The deployments of prefect.yaml on a real Prefect server with a process worker, as `make serve`
runs them: the schedule is registered, and triggered runs build the warehouse and the release.

One server per module, on a free port with its own PREFECT_HOME, so a developer's server and data are
never touched; server and worker are stopped by PID at teardown, also when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cds.settings import PROJECT_ROOT
from cds.sources import list_report_files, read_report_files
from tests.conftest import SAMPLES_DIR
from warehouse.database import connect

pytestmark = pytest.mark.integration

PREFECT = str(PROJECT_ROOT / ".venv" / "bin" / "prefect")
POOL = "cds-process"
HEALTH_TIMEOUT_S = 90
RUN_TIMEOUT_S = 600  # a bound on waiting for a run, generous for a busy machine; not a speed check
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Served:
    """A running server + worker and the isolated paths their flow runs write to."""

    env: dict[str, str]
    api_url: str
    source_dir: Path
    warehouse_path: Path
    public_dir: Path
    logs: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def isolated_env(root: Path, port: int) -> dict[str, str]:
    """The developer's environment without any PREFECT_ or CDS_ setting, then ours: the server, the
    CLI and the worker (whose flow runs inherit it) all see only this test's paths."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CDS_"))}
    env.update(
        PREFECT_HOME=str(root / "prefect-home"),
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_WORKER_QUERY_SECONDS="2",
        DO_NOT_TRACK="1",
        GX_ANALYTICS_ENABLED="false",
        CDS_PROJECT_DIR=str(PROJECT_ROOT),
        CDS_SOURCE_DIR=str(root / "reports"),
        CDS_WAREHOUSE_PATH=str(root / "warehouse" / "cds.duckdb"),
        CDS_PUBLIC_DIR=str(root / "public"),
    )
    return env


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a long-running Prefect process in its own session so teardown can end its children."""
    with log.open("ab") as out:
        return subprocess.Popen(
            args, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def prefect(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PREFECT, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_healthy(api_url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        assert server.poll() is None, f"server exited:\n{log.read_text(errors='replace')[-3000:]}"
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"server not healthy after {HEALTH_TIMEOUT_S}s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen[bytes] | None, terms: int) -> None:
    """SIGTERM the process group `terms` times (the worker only stops on the second), then SIGKILL."""
    if process is None:
        return
    for attempt in range(1, terms + 1):
        if process.poll() is not None:
            return
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=2 if attempt < terms else 15)
            return
        except subprocess.TimeoutExpired:
            pass
    _signal_group(process, signal.SIGKILL)
    process.wait(timeout=10)


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)  # start_new_session: the group id is the process id


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("served")
    port = free_port()
    env = isolated_env(root, port)
    shutil.copytree(SAMPLES_DIR, root / "reports")
    logs = root / "logs"
    logs.mkdir()
    server = worker = None
    try:
        server = spawn(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
            env,
            logs / "server.log",
        )
        wait_healthy(env["PREFECT_API_URL"], server, logs / "server.log")
        prefect(env, "work-pool", "create", POOL, "--type", "process")
        prefect(env, "--no-prompt", "deploy", "--all")
        worker = spawn(
            [PREFECT, "worker", "start", "--pool", POOL, "--type", "process"], env, logs / "worker.log"
        )
        yield Served(
            env=env,
            api_url=env["PREFECT_API_URL"],
            source_dir=root / "reports",
            warehouse_path=root / "warehouse" / "cds.duckdb",
            public_dir=root / "public",
            logs=logs,
        )
    finally:
        stop(worker, terms=2)
        stop(server, terms=1)


def client_call(served: Served, method: str, *args: Any) -> Any:
    """One call on a synchronous client bound to the module's server (not the ambient settings)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: served.api_url}),
        get_client(sync_client=True) as client,
    ):
        return getattr(client, method)(*args)


def run_deployment(served: Served, name: str, *params: str) -> Any:
    """Trigger with the CLI, as an operator would, then wait (bounded) for the run to finish."""
    args = ["deployment", "run", name]
    for param in params:
        args += ["--param", param]
    match = UUID.search(prefect(served.env, *args))
    assert match, f"no flow run id in the output of prefect deployment run {name}"
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        flow_run = client_call(served, "read_flow_run", match.group(0))
        if flow_run.state is not None and flow_run.state.is_final():
            return flow_run
        time.sleep(1)
    worker_log = (served.logs / "worker.log").read_text(errors="replace")[-4000:]
    pytest.fail(f"{name} did not finish within {RUN_TIMEOUT_S}s; worker log:\n{worker_log}")


@pytest.fixture(scope="module")
def nightly_run(served: Served) -> Any:
    return run_deployment(served, "nightly/nightly")


def readable_documents(source_dir: Path) -> int:
    files = read_report_files(source_dir, list_report_files(source_dir), set(), 50 * 1024 * 1024)
    return files.filter(files["reason"].is_null())["doc_id"].n_unique()


def test_deployments_and_the_nightly_schedule_are_registered(served: Served) -> None:
    nightly = client_call(served, "read_deployment_by_name", "nightly/nightly")
    backfill = client_call(served, "read_deployment_by_name", "backfill/backfill")
    publish_only = client_call(served, "read_deployment_by_name", "publish/publish-only")

    [schedule] = nightly.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 2 * * *", "Asia/Ho_Chi_Minh")
    assert schedule.active
    assert {d.work_pool_name for d in (nightly, backfill, publish_only)} == {POOL}
    assert nightly.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(PROJECT_ROOT)}}
    ]
    assert set(backfill.parameter_openapi_schema["properties"]) == {"source", "from_date", "to_date", "force"}
    assert not backfill.schedules and not publish_only.schedules


def test_nightly_deployment_run_builds_the_warehouse_and_publishes(served: Served, nightly_run: Any) -> None:
    assert nightly_run.state.is_completed(), nightly_run.state.message

    with connect(served.warehouse_path, read_only=True) as con:
        documents = con.execute("select count(*) from core.dim_document").fetchone()
        runs = con.execute("select status from meta.runs where flow = 'nightly'").fetchall()
    assert documents is not None and documents[0] == readable_documents(served.source_dir)
    assert runs == [("completed",)]
    latest = served.public_dir / "latest"
    assert (latest / "datapackage.json").is_file()
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    # every table holds rows, except corrections: the sample has none written (corrections/ is empty)
    counts = manifest["row_counts"]
    assert counts and counts.pop("corrections") == 0 and all(rows > 0 for rows in counts.values()), counts


def test_backfill_with_force_reextracts_loaded_documents_behind_the_gate(
    served: Served, nightly_run: Any
) -> None:
    with connect(served.warehouse_path, read_only=True) as con:
        before = con.execute("select count(*) from core.dim_document").fetchone()

    flow_run = run_deployment(served, "backfill/backfill", "force=true", "from_date=2000-01-01")

    assert flow_run.state.is_completed(), flow_run.state.message
    with connect(served.warehouse_path, read_only=True) as con:
        after = con.execute("select count(*) from core.dim_document").fetchone()
        runs = con.execute("select status, facts_loaded from meta.runs where flow = 'backfill'").fetchall()
    assert after == before
    [(status, facts_loaded)] = runs
    assert status == "completed" and facts_loaded > 0  # re-extracted: nothing was new
