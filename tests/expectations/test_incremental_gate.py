"""The gate on a nightly run: GX validates the new rows and the failing ones, and the whole-table
checks (keys, references) still see the old rows, so a fault among them still blocks."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cds import pipeline
from cds.settings import Settings
from expectations.gate import GateResult
from tests.conftest import REPORT_TEXT, hand_extraction, write_report
from tests.warehouse.test_load import build
from transforms.frames import to_fact_frames

NEW_TEXT = REPORT_TEXT + " Bản tin mới."


def first_release(settings: Settings, reports: int = 3) -> None:
    for number in range(reports):
        write_report(settings.source_dir, f"old-{number}.txt", REPORT_TEXT + f" Số {number}.")
    build(settings)


def nightly_gate(settings: Settings, percent: float = 98.5) -> GateResult:
    """One new report staged (its metric at `percent`), then the gate, as a nightly run does."""
    write_report(settings.source_dir, "new.txt", NEW_TEXT)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-2")
    documents = pipeline.select_documents_to_extract(settings)
    assert documents.height == 1
    facts = [(d, hand_extraction(t, percent=percent)) for d, t in documents.iter_rows()]
    pipeline.stage_facts(settings, to_fact_frames(facts))
    return pipeline.validate_staged(settings, "run-2")


def in_warehouse(path: Path, sql: str) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute(sql)


def break_an_old_rank_reference(settings: Settings) -> None:
    """An old DTI rank's province becomes an unknown code."""
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute(
            "update core.fact_dti_rank set province_code = '99' "
            "where fact_id = (select min(fact_id) from core.fact_dti_rank)"
        )


def test_gx_validates_only_the_new_rows_when_the_old_ones_pass(settings: Settings) -> None:
    first_release(settings)

    gate = nightly_gate(settings)

    assert gate.passed, gate.summary()
    # one new report: its document and its facts; provinces and indicators are small, all seen
    assert gate.validated_rows["documents"] == 1
    assert gate.validated_rows["metrics"] == 1 and gate.validated_rows["dti_ranks"] == 1
    assert gate.validated_rows["provinces"] == 97
    metrics_checks = [c for c in gate.checks if c.table == "metrics"]
    assert metrics_checks and all(c.success for c in metrics_checks)


def test_a_bad_new_row_is_quarantined_and_a_bad_share_blocks(settings: Settings) -> None:
    first_release(settings, reports=1)

    gate = nightly_gate(settings, percent=140.0)

    assert gate.quarantined.per_check.rows() == [("metrics", "percent_within_0_100", 1)]
    assert not gate.passed  # one bad fact of the two new: above the quarantine share
    assert [f"{c.table}.{c.check}" for c in gate.blocking_failures] == [
        "warehouse.quarantine_share_below_limit"
    ]


def test_a_new_row_with_the_key_of_an_old_row_blocks_a_nightly_run(settings: Settings) -> None:
    """Core's own keys are unique (its index refuses a duplicate): a duplicate can only come from a
    new row taking an old row's key, and the key check, run over the whole table, catches both."""
    first_release(settings)
    write_report(settings.source_dir, "new.txt", NEW_TEXT)
    pipeline.ingest_source(settings, settings.source_dir, "run-2")
    documents = pipeline.select_documents_to_extract(settings)
    pipeline.stage_facts(
        settings, to_fact_frames([(d, hand_extraction(t)) for d, t in documents.iter_rows()])
    )
    in_warehouse(
        settings.warehouse_path,
        "update staging.metrics set fact_id = (select min(fact_id) from core.fact_metric)",
    )

    gate = pipeline.validate_staged(settings, "run-2")

    failure = next(c for c in gate.blocking_failures if c.check == "fact_id_unique")
    assert (failure.table, failure.failing_rows) == ("metrics", 2)
    assert failure.detail.endswith(" ×2")
    assert gate.validated_rows["metrics"] == 2  # the new row and the old row it collides with


def test_a_broken_reference_in_an_old_row_blocks_a_nightly_run(settings: Settings) -> None:
    first_release(settings)
    break_an_old_rank_reference(settings)

    gate = nightly_gate(settings)

    assert "dti_ranks.province_code_references_provinces" in {
        f"{c.table}.{c.check}" for c in gate.blocking_failures
    }
    failure = next(
        c for c in gate.checks if c.check == "province_code_references_provinces" and c.table == "dti_ranks"
    )
    assert failure.failing_rows == 1


def test_a_large_drop_of_old_rows_blocks_a_nightly_run(settings: Settings) -> None:
    first_release(settings, reports=8)
    in_warehouse(  # old facts lost from core
        settings.warehouse_path,
        "delete from core.fact_metric where doc_id <> (select min(doc_id) from core.fact_metric)",
    )

    gate = nightly_gate(settings)

    assert "warehouse.row_count_no_large_drop" in {f"{c.table}.{c.check}" for c in gate.blocking_failures}


def test_a_blocked_nightly_run_leaves_latest_byte_identical(settings: Settings) -> None:
    first_release(settings)
    latest = settings.public_dir / "latest"
    target = latest.resolve()
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    break_an_old_rank_reference(settings)

    gate = nightly_gate(settings)

    assert not gate.passed
    with pytest.raises(ValueError, match="refusing to publish"):
        pipeline.publish_release(settings, gate)
    assert latest.resolve() == target
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
