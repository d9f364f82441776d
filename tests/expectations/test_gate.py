"""The quality gate blocks what must not be published, and passes what is right."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from cds import pipeline
from cds.settings import Settings
from expectations.contracts import load_contracts
from expectations.gate import GateResult
from tests.conftest import REPORT_TEXT, hand_extraction, write_report
from transforms.frames import to_fact_frames
from transforms.model import Extraction

ExtractionOf = Callable[[str], Extraction]


def gate_for(settings: Settings, extraction_of: ExtractionOf) -> GateResult:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    documents = pipeline.select_documents_to_extract(settings)
    frames = to_fact_frames([(d, extraction_of(t)) for d, t in documents.iter_rows()])
    pipeline.stage_facts(settings, frames)
    return pipeline.validate_staged(settings)


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


@pytest.mark.parametrize(
    ("bad_extraction", "expected_failure"),
    [
        (lambda t: hand_extraction(t, rank=70), "dti_ranks.rank_within_out_of"),
        (lambda t: hand_extraction(t, percent=140.0), "metrics.percent_within_0_100"),
        (
            lambda t: replace(hand_extraction(t), metrics=hand_extraction(t).metrics * 2),
            "metrics.fact_id_unique",
        ),
        (
            lambda t: replace(
                hand_extraction(t),
                legal_refs=tuple(
                    replace(r, span=replace(r.span, start=0, end=5)) for r in hand_extraction(t).legal_refs
                ),
            ),
            "legal_refs.evidence_contains_raw_text",
        ),
        (
            lambda t: replace(
                hand_extraction(t),
                rankings=tuple(replace(r, pillar="popularity") for r in hand_extraction(t).rankings),
            ),
            "dti_ranks.pillar_accepted_values",
        ),
        (
            lambda t: replace(
                hand_extraction(t),
                rankings=tuple(replace(r, province_code="99") for r in hand_extraction(t).rankings),
            ),
            "dti_ranks.province_code_references_provinces",
        ),
    ],
    ids=[
        "rank-above-out-of",
        "percent-140",
        "duplicate-fact",
        "evidence-mismatch",
        "unknown-pillar",
        "unknown-province",
    ],
)
def test_bad_facts_fail_the_gate(
    settings: Settings, bad_extraction: ExtractionOf, expected_failure: str
) -> None:
    gate = gate_for(settings, bad_extraction)

    assert not gate.passed
    assert expected_failure in failed_checks(gate)
