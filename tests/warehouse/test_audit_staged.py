"""The staged documents' published rows, built from their audit state alone (what the gate's row
rules run on), are exactly those of the whole audit state: new documents and re-extracted ones."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from cds import pipeline
from cds.settings import Settings
from tests.conftest import REPORT_TEXT, SAMPLES_DIR, write_report
from transforms.frames import extract_fact_frames
from warehouse.database import connect
from warehouse.load import merge_staging_into_core
from warehouse.publish import read_published_table

STAGED_TABLES = ("documents", "dti_ranks", "metrics", "officials", "legal_refs")


@pytest.fixture(scope="module")
def restaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, list[str], str]:
    """The sample corpus in core; staged: one new report and one sample report extracted again."""
    root = tmp_path_factory.mktemp("audit-staged")
    settings = Settings(
        source_dir=root / "reports", warehouse_path=root / "cds.duckdb", public_dir=root / "public"
    )
    shutil.copytree(SAMPLES_DIR, settings.source_dir)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.select_documents_to_extract(settings)))
    with connect(settings.warehouse_path) as con:
        merge_staging_into_core(con)
        old = str(con.execute("select min(doc_id) from core.fact_dti_rank").fetchall()[0][0])
    write_report(settings.source_dir, "vinh-long/2023-01-10-tong-ket.txt", REPORT_TEXT)
    pipeline.ingest_source(settings, settings.source_dir, "run-2")
    staged = [*pipeline.select_documents_to_extract(settings)["doc_id"].to_list(), old]
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.read_documents(settings, staged)))
    return settings, staged, old


@pytest.mark.parametrize("table", STAGED_TABLES)
def test_staged_rows_are_the_whole_audit_states_rows_of_the_staged_documents(
    restaged: tuple[Settings, list[str], str], table: str
) -> None:
    settings, staged, re_extracted = restaged
    with connect(settings.warehouse_path) as con:
        alone = read_published_table(con, table, "audit_staged")
        whole = read_published_table(con, table, "audit")

    expected = whole.filter(pl.col("doc_id").is_in(staged))
    assert alone.height == expected.height > 0
    assert alone.sort(alone.columns).equals(expected.sort(expected.columns))
    assert set(alone["doc_id"]) <= set(staged) and whole.height > alone.height  # core's other documents
    if table == "dti_ranks":  # the re-extracted sample report is among them
        assert alone.filter(pl.col("doc_id") == re_extracted).height > 0
