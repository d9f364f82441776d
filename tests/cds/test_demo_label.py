"""A release built from the bundled, fictional sample corpus says it is demo data, on every catalog
page and in datapackage.json; a release built from any other folder does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cds import pipeline
from cds.settings import Settings
from tests.conftest import REPORT_TEXT, SAMPLES_DIR, write_report
from transforms.frames import extract_fact_frames

BANNER = 'class="demo-banner"'


def publish_from(settings: Settings, source: Path) -> Path:
    """One run over `source` with the stage functions, recorded in meta.runs as the flow does."""
    pipeline.prepare_warehouse(settings)
    pipeline.record_run_start(settings, "run-1", "nightly", source)
    pipeline.ingest_source(settings, source, "run-1")
    documents = pipeline.read_documents(
        settings, pipeline.select_documents_to_extract(settings)["doc_id"].to_list()
    )
    pipeline.stage_facts(settings, extract_fact_frames(documents))
    gate = pipeline.validate_staged(settings, "run-1")
    assert gate.passed, gate.summary()
    release = pipeline.publish_release(settings, gate)
    return release.path


def pages(release: Path) -> list[Path]:
    found = sorted(release.rglob("*.html"))
    return [p for p in found if "data_docs" not in p.parts]  # GX's own Data Docs are not catalog pages


@pytest.mark.integration
def test_a_release_of_the_sample_corpus_is_labelled_demo_data(settings: Settings) -> None:
    release = publish_from(settings, SAMPLES_DIR)

    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["demo"] is True and "Demo data" in descriptor["description"]
    assert len(pages(release)) > 3
    unlabelled = [
        p.relative_to(release) for p in pages(release) if BANNER not in p.read_text(encoding="utf-8")
    ]
    assert unlabelled == []


def test_a_release_of_another_folder_carries_no_demo_label(settings: Settings) -> None:
    write_report(settings.source_dir, "vinh-long.txt", REPORT_TEXT)

    release = publish_from(settings, settings.source_dir)

    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert "demo" not in descriptor
    assert pages(release) and all(BANNER not in p.read_text(encoding="utf-8") for p in pages(release))
