"""A real release of the sample corpus, built once for every API and `cds sql` test (no Prefect:
the pipeline's own stage functions, as a run calls them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
