"""The nightly flow end to end under a real (temporary) Prefect server, on the bundled samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cds.settings import Settings
from tests.conftest import SAMPLES_DIR, table_counts, write_report
from warehouse.database import connect
from warehouse.publish import PUBLISHED_TABLES

pytestmark = pytest.mark.integration

SUPPORTED = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_nightly_builds_warehouse_and_release_and_reruns_as_a_no_op(
    prefect_server: None, flow_settings: Settings
) -> None:
    from flows.nightly import nightly

    shutil.copytree(SAMPLES_DIR, flow_settings.source_dir, dirs_exist_ok=True)
    sample_files = [p for p in SAMPLES_DIR.rglob("*") if p.suffix.lower() in SUPPORTED]

    release = nightly()

    counts = table_counts(flow_settings)
    assert counts["raw.files"] == len(sample_files)
    assert counts["core.dim_document"] + counts["raw.ingest_errors"] == len(sample_files)
    assert counts["core.dim_document"] >= 30
    assert counts["core.fact_metric"] > 100 and counts["core.fact_dti_rank"] > 10
    package = json.loads((flow_settings.public_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == set(PUBLISHED_TABLES)
    assert release.created and release.row_counts["documents"] == counts["core.dim_document"]
    with connect(flow_settings.warehouse_path, read_only=True) as con:
        runs = con.execute("select status, files_seen, release_id from meta.runs").fetchall()
    assert runs == [("completed", len(sample_files), release.release_id)]

    again = nightly()

    assert table_counts(flow_settings) == counts
    assert not again.created and again.release_id == release.release_id


def test_blocking_quality_failure_fails_the_run_and_keeps_latest(
    prefect_server: None, flow_settings: Settings
) -> None:
    from flows.nightly import nightly

    write_report(flow_settings.source_dir, "a.txt", GOOD_REPORT)
    first = nightly()
    latest = flow_settings.public_dir / "latest"
    before = tree_bytes(latest)
    write_report(flow_settings.source_dir, "b.txt", BAD_REPORT)

    state = nightly(return_state=True)

    assert state.is_failed()
    assert "quality gate failed" in str(state.message)
    assert latest.resolve() == first.path
    assert tree_bytes(latest) == before
    with connect(flow_settings.warehouse_path, read_only=True) as con:
        statuses = [r[0] for r in con.execute("select status from meta.runs order by started_at").fetchall()]
    assert statuses == ["completed", "blocked"]


GOOD_REPORT = (
    "Bến Tre đẩy mạnh chuyển đổi số\n"
    "Sáng 12/1/2023, UBND tỉnh Bến Tre tổ chức hội nghị tổng kết chuyển đổi số năm 2022. "
    "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 45,6%. "
    "Toàn tỉnh có 1.250 tổ công nghệ số cộng đồng."
)
BAD_REPORT = (
    "Bến Tre công bố số liệu chuyển đổi số\n"
    "Chiều 20/3/2023, Sở Thông tin và Truyền thông tỉnh Bến Tre cho biết "
    "tỷ lệ người dân có tài khoản định danh điện tử đạt 140%."
)
