"""A release of the bundled sample corpus, built once for the tests that read it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cds import pipeline
from cds.settings import Settings
from expectations.contracts import load_contracts
from tests.conftest import SAMPLES_DIR
from transforms.frames import extract_fact_frames
from warehouse.catalog import quality_from_report, read_catalog_data, write_catalog
from warehouse.publish import OPEN_DATA_DB


@pytest.fixture(scope="session")
def sample_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real release of the sample corpus (no Prefect), with its catalog written into it."""
    root = tmp_path_factory.mktemp("catalog")
    settings = Settings(
        source_dir=SAMPLES_DIR, warehouse_path=root / "cds.duckdb", public_dir=root / "public"
    )
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.select_documents_to_extract(settings)))
    gate = pipeline.validate_staged(settings, "run-1")
    published = pipeline.publish_release(settings, gate)
    with duckdb.connect(str(published.path / OPEN_DATA_DB), read_only=True) as db:
        data = read_catalog_data(db)
    quality = quality_from_report(gate.report())
    write_catalog(published.path, data, load_contracts(), published.release_id, quality)
    return published.path
