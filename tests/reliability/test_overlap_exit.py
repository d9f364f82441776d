"""Overlap: a second writer waits for the warehouse lock (CDS_LOCK_WAIT_SECONDS), and a command
that cannot get it in time exits 3 with the reason — it never writes beside the running one."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cds import cli
from cds.locking import writer_lock
from cds.settings import Settings, get_settings
from tests.conftest import cli_env


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("CDS_WAREHOUSE_PATH", str(settings.warehouse_path))
    monkeypatch.setenv("CDS_PUBLIC_DIR", str(settings.public_dir))
    monkeypatch.setenv("CDS_LOCK_WAIT_SECONDS", "0")
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.mark.parametrize("command", [["validate"], ["publish", "--dry-run"]])
def test_a_command_that_cannot_get_the_writer_lock_exits_3(
    cli_settings: Settings, command: list[str]
) -> None:
    with writer_lock(cli_settings.warehouse_path, 0):
        result = CliRunner().invoke(cli.app, command)

    assert result.exit_code == 3
    assert "another pipeline run is writing the warehouse" in result.stderr
    assert not cli_settings.warehouse_path.exists()  # it did not start writing beside the holder


def test_a_second_writer_waits_for_the_first(settings: Settings) -> None:
    held = threading.Event()

    def first_run() -> None:
        with writer_lock(settings.warehouse_path, 0):
            held.set()
            time.sleep(1.0)

    thread = threading.Thread(target=first_run)
    thread.start()
    held.wait(5)
    started = time.monotonic()
    with writer_lock(settings.warehouse_path, 10):
        waited = time.monotonic() - started
    thread.join()

    assert 0.5 <= waited < 10


@pytest.mark.integration
def test_cds_run_that_cannot_get_the_writer_lock_exits_3(settings: Settings, tmp_path: Path) -> None:
    env = cli_env(settings, tmp_path / "prefect", CDS_LOCK_WAIT_SECONDS="0")
    with writer_lock(settings.warehouse_path, 0):
        result = subprocess.run(
            [sys.executable, "-m", "cds.cli", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            start_new_session=True,
        )

    assert result.returncode == 3, result.stderr[-2000:]
    assert "another pipeline run is writing the warehouse" in result.stderr
    assert not settings.public_dir.exists()
