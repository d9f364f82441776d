"""The quality gate blocks what must not be published, and passes what is right."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

import expectations.gate as gate_module
import warehouse.quarantine as quarantine_module
from cds import pipeline
from cds.settings import Settings
from expectations.contracts import load_contracts
from expectations.gate import GateResult
from tests.conftest import REPORT_TEXT, hand_extraction, write_report
from transforms.frames import to_fact_frames
from transforms.model import Extraction
from warehouse.database import connect

ExtractionOf = Callable[[str], Extraction]


def gate_for(settings: Settings, extraction_of: ExtractionOf) -> GateResult:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    documents = pipeline.select_documents_to_extract(settings)
    frames = to_fact_frames([(d, extraction_of(t)) for d, t in documents.iter_rows()])
    pipeline.stage_facts(settings, frames)
    return pipeline.validate_staged(settings, "run-1")


def failed_checks(gate: GateResult) -> set[str]:
    return {f"{c.table}.{c.check}" for c in gate.checks if not c.success}


def test_every_contract_column_is_documented_in_both_languages() -> None:
    for contract in load_contracts().values():
        for column in contract.columns:
            assert column.vi.strip() and column.en.strip(), f"{contract.table}.{column.name}"


def test_clean_facts_pass(settings: Settings) -> None:
    gate = gate_for(settings, hand_extraction)
    assert gate.passed, gate.summary()
    assert len(gate.checks) > 50


def with_rankings(extraction: Extraction, **changes: object) -> Extraction:
    return replace(extraction, rankings=tuple(replace(r, **changes) for r in extraction.rankings))  # type: ignore[arg-type]


def with_metric(extraction: Extraction, **changes: object) -> Extraction:
    return replace(extraction, metrics=tuple(replace(m, **changes) for m in extraction.metrics))  # type: ignore[arg-type]


ROW_LEVEL_FAILURES = {
    "rank-above-out-of": (lambda t: hand_extraction(t, rank=70), "dti_ranks", "rank_within_out_of"),
    "percent-140": (lambda t: hand_extraction(t, percent=140.0), "metrics", "percent_within_0_100"),
    "coded-share-140": (
        lambda t: with_metric(hand_extraction(t, percent=140.0), indicator="dossier_online_pct"),
        "metrics",
        "percent_within_0_100",
    ),
    # "120 xã" coded as a count of team members: the unit does not fit the code.
    "unit-misfit": (
        lambda t: with_metric(
            hand_extraction(t),
            kind="quantity",
            value=120.0,
            unit="xã",
            indicator="community_team_members_count",
        ),
        "metrics",
        "unit_fits_indicator",
    ),
    "kind-misfit": (
        lambda t: with_metric(hand_extraction(t), indicator="dossiers_count"),
        "metrics",
        "unit_fits_indicator",
    ),
    "unknown-pillar": (
        lambda t: with_rankings(hand_extraction(t), pillar="popularity"),
        "dti_ranks",
        "pillar_accepted_values",
    ),
    "out-of-wrong-for-edition": (
        lambda t: with_rankings(hand_extraction(t), out_of=34),
        "dti_ranks",
        "out_of_matches_edition",
    ),
    "evidence-mismatch": (
        lambda t: replace(
            hand_extraction(t),
            legal_refs=tuple(
                replace(r, span=replace(r.span, start=0, end=5)) for r in hand_extraction(t).legal_refs
            ),
        ),
        "legal_refs",
        "evidence_contains_raw_text",
    ),
}


@pytest.mark.parametrize("case", list(ROW_LEVEL_FAILURES))
def test_row_level_failures_are_quarantined_and_block_when_most_new_facts_are_bad(
    settings: Settings, case: str
) -> None:
    bad_extraction, table, check = ROW_LEVEL_FAILURES[case]

    gate = gate_for(settings, bad_extraction)

    assert gate.quarantined.rows_of(table, check) >= 1
    assert not gate.passed
    assert {f"{c.table}.{c.check}" for c in gate.blocking_failures} == {
        "warehouse.quarantine_share_below_limit"
    }


@pytest.mark.parametrize(
    ("changes", "description"),
    [
        ({"value": 105.0, "indicator": "targets_achieved_pct"}, "progress against a plan may pass 100 %"),
        ({"unit": "%", "indicator": "dossier_online_pct"}, "a share with its own unit"),
        (
            {"kind": "quantity", "value": 120.0, "unit": "Hoá đơn", "indicator": "einvoices_count"},
            "old tones",
        ),
    ],
    ids=["ratio-105", "share-fits", "unit-spelling"],
)
def test_fitting_coded_figures_pass(settings: Settings, changes: dict[str, object], description: str) -> None:
    gate = gate_for(settings, lambda t: with_metric(hand_extraction(t), **changes))
    assert gate.passed, f"{description}: {gate.summary()}"
    assert gate.quarantined.rows == 0, description


def _staged_with_a_bad_report(settings: Settings, good: int) -> None:
    """`good` reports and one whose percentage (140 %) fails a row rule, ingested and staged."""
    for number in range(good):
        write_report(settings.source_dir, f"good-{number}.txt", REPORT_TEXT + f" Báo cáo số {number}.")
    write_report(settings.source_dir, "bad.txt", REPORT_TEXT + " Bản lỗi.")
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    documents = pipeline.select_documents_to_extract(settings)
    facts = [
        (d, hand_extraction(t, percent=140.0) if "Bản lỗi" in t else hand_extraction(t))
        for d, t in documents.iter_rows()
    ]
    pipeline.stage_facts(settings, to_fact_frames(facts))


def test_one_bad_report_among_many_good_is_quarantined_and_the_rest_passes(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarantine_module, "HEAD_ROWS_PER_CHECK", 0)  # the release lists them anyway
    _staged_with_a_bad_report(settings, good=12)

    gate = pipeline.validate_staged(settings, "run-1")

    assert gate.passed, gate.summary()
    assert gate.quarantined.per_check.rows() == [("metrics", "percent_within_0_100", 1)]
    assert gate.quarantined.head.is_empty()  # counted in the warehouse, no row in Python
    release = pipeline.publish_release(settings, gate)
    assert release.row_counts["metrics"] == 12 and release.row_counts["dti_ranks"] == 13
    quarantine_csv = (release.path / "quality" / "quarantine.csv").read_text(encoding="utf-8")
    assert "percent_within_0_100" in quarantine_csv and "98,5%" in quarantine_csv


@pytest.mark.parametrize(
    ("bad_extraction", "expected_failure"),
    [
        (
            lambda t: replace(hand_extraction(t), metrics=hand_extraction(t).metrics * 2),
            "metrics.fact_id_unique",
        ),
        (
            lambda t: with_rankings(hand_extraction(t), province_code="99"),
            "dti_ranks.province_code_references_provinces",
        ),
    ],
    ids=["duplicate-fact", "unknown-province"],
)
def test_table_level_failures_block_publishing(
    settings: Settings, bad_extraction: ExtractionOf, expected_failure: str
) -> None:
    gate = gate_for(settings, bad_extraction)

    assert not gate.passed
    assert expected_failure in {f"{c.table}.{c.check}" for c in gate.blocking_failures}
    assert gate.quarantined.rows == 0
    if expected_failure == "metrics.fact_id_unique":  # the detail names the duplicated keys
        failure = next(c for c in gate.blocking_failures if c.check == "fact_id_unique")
        assert failure.failing_rows == 2 and failure.detail.endswith(" ×2")


def test_failing_samples_and_the_release_preview_take_only_what_they_show(settings: Settings) -> None:
    """`cds validate --failures` and `cds publish --dry-run` ask DuckDB for a few rows and for counts,
    never for whole tables (millions of rows at archive scale)."""
    gate_for(settings, lambda t: replace(hand_extraction(t), metrics=hand_extraction(t).metrics * 2))

    for limit, shown in ((1, 1), (5, 2)):  # the same fact twice: two failing rows
        sample = pipeline.sample_failing_rows(settings, "metrics", "fact_id_unique", limit)
        assert sample is not None and sample.height == shown
    assert pipeline.preview_release(settings)["metrics"] == (0, 2)  # nothing published yet, two staged


def two_reports(settings: Settings, first: Extraction, second_text: str, second: Extraction) -> GateResult:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    write_report(settings.source_dir, "b.txt", second_text)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    documents = pipeline.select_documents_to_extract(settings)
    facts = [(d, first if t == REPORT_TEXT else second) for d, t in documents.iter_rows()]
    pipeline.stage_facts(settings, to_fact_frames(facts))
    return pipeline.validate_staged(settings, "run-1")


def conflicting_ranks(settings: Settings) -> GateResult:
    other_text = REPORT_TEXT + " Bản tin khác."
    return two_reports(
        settings, hand_extraction(), other_text, with_rankings(hand_extraction(other_text), rank=31)
    )


def test_conflicting_ranks_in_two_documents_are_reported_naming_both(settings: Settings) -> None:
    gate = conflicting_ranks(settings)

    assert gate.passed
    conflicts = gate.findings["no_conflicting_ranks"].head  # one row per conflict, naming both ranks
    columns = ("province_code", "province_regime", "province_name", "edition_year", "pillar")
    assert conflicts.select(*columns, "ranks_stated", "documents").rows() == [
        ("86", 63, "Vĩnh Long", 2022, "overall", "30 (1); 31 (1)", 2)
    ]
    assert conflicts.get_column("source_paths").to_list() == ["a.txt | b.txt"]


def test_a_finding_is_published_whole_while_the_gate_holds_only_its_first_rows(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gate_module, "FINDING_HEAD_ROWS", 0)
    gate = conflicting_ranks(settings)

    conflicts = gate.findings["no_conflicting_ranks"]
    assert (conflicts.rows, conflicts.head.height) == (1, 0)  # counted in the warehouse, none in Python
    release = pipeline.publish_release(settings, gate)
    published = pl.read_csv(release.path / "quality" / "no_conflicting_ranks.csv", infer_schema=False)
    assert published.select("province_code", "ranks_stated", "source_paths").rows() == [
        ("86", "30 (1); 31 (1)", "a.txt | b.txt")
    ]
    counts = json.loads((release.path / "quality" / "report.json").read_text(encoding="utf-8"))["counts"]
    assert counts["no_conflicting_ranks_rows"] == 1


def test_a_finding_replaced_by_a_later_gate_is_not_published_as_this_gates(settings: Settings) -> None:
    gate = conflicting_ranks(settings)
    with connect(settings.warehouse_path) as con:  # what another gate, finding nothing, leaves
        con.execute(f"delete from {gate.findings['no_conflicting_ranks'].table}")

    with pytest.raises(RuntimeError, match="another gate ran since"):
        pipeline.publish_release(settings, gate)
    assert not (settings.public_dir / "latest").exists()


def test_ranks_are_reconciled_with_the_official_dti_results(settings: Settings) -> None:
    gate = gate_for(settings, hand_extraction)  # Vĩnh Long, DTI 2022, overall 30: the official rank

    assert gate.findings["ranks_match_official"].rows == 0

    other = settings.model_copy(update={"warehouse_path": settings.warehouse_path.with_name("other.duckdb")})
    wrong = gate_for(other, lambda t: with_rankings(hand_extraction(t), rank=29))
    mismatch = wrong.findings["ranks_match_official"].head.row(0, named=True)
    assert (mismatch["reported_rank"], mismatch["official_rank"]) == (29, 30)
    assert mismatch["source_url"].startswith("https://dti.gov.vn/")


def test_two_ranks_in_one_document_are_not_a_conflict_between_sources(settings: Settings) -> None:
    def two_ranks(text: str) -> Extraction:
        extraction = hand_extraction(text)
        second = replace(extraction.rankings[0], rank=31)
        return replace(extraction, rankings=(*extraction.rankings, second))

    gate = gate_for(settings, two_ranks)

    assert gate.passed
    assert gate.findings["no_conflicting_ranks"].rows == 0


def _verdicts(gate: GateResult) -> list[tuple[str, str, bool, int]]:
    return sorted((c.table, c.check, c.success, c.failing_rows) for c in gate.checks)


def test_tables_validated_a_few_rows_at_a_time_get_the_verdicts_of_one_pass(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "chunked-reports").mkdir()
    chunked = settings.model_copy(
        update={
            "source_dir": tmp_path / "chunked-reports",
            "warehouse_path": tmp_path / "chunked" / "cds.duckdb",
            "public_dir": tmp_path / "chunked-public",
        }
    )
    _staged_with_a_bad_report(settings, good=3)
    _staged_with_a_bad_report(chunked, good=3)
    whole = pipeline.validate_staged(settings, "run-1")
    monkeypatch.setattr(gate_module, "GATE_CHUNK_ROWS", 2)
    in_chunks = pipeline.validate_staged(chunked, "run-1")

    assert _verdicts(in_chunks) == _verdicts(whole)
    assert in_chunks.validated_rows == whole.validated_rows
    assert whole.validated_rows["metrics"] > 2  # so the metrics really came in several chunks
    assert in_chunks.quarantined.per_check.rows() == [("metrics", "percent_within_0_100", 1)]


def test_each_validated_chunk_is_freed_before_the_next_without_a_garbage_collection() -> None:
    """GX keeps a batch's frame in its execution engine; fed through one batch definition, the next chunk
    replaces it, so chunks do not pile up waiting for a full collection (rare in a large process)."""
    import gc

    import great_expectations as gx
    import great_expectations.expectations as gxe
    import pandas as pd

    context = gate_module.quiet_context()  # GX builds suites inside an active context
    suite = gx.ExpectationSuite(name="chunks")
    suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column="ok", value_set=[True]))
    feed = gate_module._batch_feed(context, load_contracts()["metrics"])
    run = gate_module._run_identifier("chunks")
    gc.collect()
    gc.disable()
    try:
        before = sum(isinstance(o, pd.DataFrame) for o in gc.get_objects())
        outcomes = [
            gate_module._validate(feed, pl.DataFrame({"ok": [True] * 1000}), suite, run) for _ in range(5)
        ]
        alive = sum(isinstance(o, pd.DataFrame) for o in gc.get_objects()) - before
    finally:
        gc.enable()
    assert all(o.success for o in outcomes)
    assert alive <= 1
