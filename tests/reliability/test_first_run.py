"""The first run on a new or busy machine: Prefect's temporary server never fails a run by being
slow to start, its state stays with the project, and a Prefect that cannot start is one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cds.prefect_api import DATABASE_FILE, server_environment
from cds.settings import PREFECT_DIR, Settings, apply_prefect_defaults
from tests.conftest import REPORT_TEXT, cli_env, write_report

BUSY_LOOP = "while True: pass"


def cds_run(env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cds.cli", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def busy_cores() -> Iterator[int]:
    """One process spinning on each core for the duration of the test."""
    cores = os.cpu_count() or 1
    spinners = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(cores)]
    try:
        yield cores
    finally:
        for spinner in spinners:
            spinner.kill()
        for spinner in spinners:
            spinner.wait()


def test_prefect_state_defaults_to_the_project_and_a_user_setting_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("PREFECT_HOME", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name in ("PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_API_DATABASE_CONNECTION_URL"):
        monkeypatch.delenv(name, raising=False)
    apply_prefect_defaults()
    assert os.environ["PREFECT_HOME"] == str(PREFECT_DIR)
    assert float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 120
    assert server_environment()["PREFECT_SERVER_DATABASE_CONNECTION_URL"].endswith(
        f"{PREFECT_DIR / DATABASE_FILE}"
    )

    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "sqlite+aiosqlite:////elsewhere/p.db")
    apply_prefect_defaults()
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "300"
    assert "PREFECT_SERVER_DATABASE_CONNECTION_URL" not in server_environment()


@pytest.mark.integration
def test_first_run_with_an_empty_prefect_home_and_every_core_busy_publishes(
    settings: Settings, tmp_path: Path, busy_cores: int
) -> None:
    write_report(settings.source_dir, "vinh-long.txt", REPORT_TEXT)
    home = tmp_path / "home"
    home.mkdir()
    prefect_home = tmp_path / "prefect"  # brand-new: no database, nothing migrated
    env = cli_env(settings, prefect_home, HOME=str(home), CDS_LOCK_WAIT_SECONDS="0")
    env.pop("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", None)  # the default allowance

    result = cds_run(env)

    assert result.returncode == 0, result.stderr[-3000:]
    assert (settings.public_dir / "latest" / "datapackage.json").is_file()
    assert (prefect_home / DATABASE_FILE).is_file()
    assert not (home / ".prefect").exists()  # nothing written into the user's home
    from warehouse.database import connect
    from warehouse.runs import recent_runs

    with connect(settings.warehouse_path, read_only=True) as con:
        assert recent_runs(con, 5)["status"].to_list() == ["completed"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.integration
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("database cannot be opened", ["exited with code", "unable to open database file"]),
        ("allowance too short", ["did not answer within 1 s", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT"]),
        ("configured API is down", ["does not answer (PREFECT_API_URL)"]),
    ],
)
def test_a_prefect_that_cannot_start_is_one_line_and_exit_4(
    settings: Settings, tmp_path: Path, case: str, expected: list[str]
) -> None:
    write_report(settings.source_dir, "vinh-long.txt", REPORT_TEXT)
    prefect_home = tmp_path / "prefect"
    env = cli_env(settings, prefect_home)
    if case == "database cannot be opened":
        (tmp_path / "not-a-folder").write_text("")
        env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = (
            f"sqlite+aiosqlite:///{tmp_path / 'not-a-folder' / 'prefect.db'}"
        )
    elif case == "allowance too short":
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "1"
    else:
        env["PREFECT_API_URL"] = f"http://127.0.0.1:{_closed_port()}/api"

    result = cds_run(env, timeout=300)

    assert result.returncode == 4, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Prefect did not start:"), result.stderr[-3000:]
    assert all(part in lines[0] for part in expected), lines[0]
    if case != "configured API is down":
        assert str(prefect_home / "temporary-server.log") in lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert not settings.warehouse_path.exists()  # nothing ran: meta.runs untouched
