"""A real release of the sample corpus, built once for every API and `cds sql` test (no Prefect:
the pipeline's own stage functions, as a run calls them)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cds import pipeline
from cds.settings import Settings
from tests.conftest import SAMPLES_DIR
from transforms.frames import extract_fact_frames


def publish_source(settings: Settings, run_id: str) -> pipeline.Release:
    """Ingest what is new under the source folder, extract, gate and publish a release."""
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, run_id)
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.select_documents_to_extract(settings)))
    gate = pipeline.validate_staged(settings, run_id)
    assert gate.passed, gate.summary()
    return pipeline.publish_release(settings, gate)


@pytest.fixture(scope="session")
def sample_release(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("sample-release")
    settings = Settings(
        source_dir=SAMPLES_DIR, warehouse_path=root / "cds.duckdb", public_dir=root / "public"
    )
    publish_source(settings, "run-1")
    return settings


def cds_sql(settings: Settings, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`cds sql …` as a user runs it, on `settings`' latest release; output kept as bytes."""
    env = dict(os.environ, CDS_PUBLIC_DIR=str(settings.public_dir))
    env.update(CDS_WAREHOUSE_PATH=str(settings.warehouse_path))
    return subprocess.run(
        [sys.executable, "-m", "cds.cli", "sql", *args],
        capture_output=True,
        env=env,
        check=False,
        timeout=120,
    )


def latest(settings: Settings) -> Path:
    return settings.public_dir / "latest"


@dataclass
class ApiServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_api(settings: Settings, **env: str) -> Iterator[ApiServer]:
    """`cds api` in its own process on a free port, as a user starts it; stopped afterwards. Its
    log goes to a file beside the public folder (a pipe nobody reads would fill and stall it)."""
    port = free_port()
    environment = dict(os.environ, CDS_PUBLIC_DIR=str(settings.public_dir), **env)
    environment.pop("CDS_WAREHOUSE_PATH", None)
    command = [sys.executable, "-m", "cds.cli", "api", "--host", "127.0.0.1", "--port", str(port)]
    log_path = settings.public_dir.parent / f"api-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text(encoding="utf-8", errors="replace")
            try:
                if httpx.get(f"{url}/api/releases", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "cds api did not answer within 60 s"
            time.sleep(0.2)
        yield ApiServer(url, process, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
