"""Extraction records become frames shaped exactly like the staging tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.conftest import REPORT_TEXT, hand_extraction
from transforms.frames import METRIC_SCHEMA, RANK_SCHEMA, FactFrames, to_fact_frames


def test_one_row_per_fact_with_its_span_and_the_document_province() -> None:
    frames = to_fact_frames([("doc-1", hand_extraction()), ("doc-2", hand_extraction())])

    assert frames.row_counts() == {
        "documents": 2,
        "dti_ranks": 2,
        "metrics": 2,
        "person_roles": 2,
        "legal_refs": 2,
    }
    metric = frames.metrics.row(0, named=True)
    assert metric["province_code"] == "86" and metric["value"] == 98.5
    assert REPORT_TEXT[metric["span_start"] : metric["span_end"]] == "98,5%"
    assert dict(frames.dti_ranks.schema) == RANK_SCHEMA and dict(frames.metrics.schema) == METRIC_SCHEMA


def test_no_documents_give_empty_typed_frames() -> None:
    empty = FactFrames.concat([])

    assert all(count == 0 for count in empty.row_counts().values())
    assert dict(empty.dti_ranks.schema) == RANK_SCHEMA


def test_a_metric_row_carries_target_deadline_period_and_level() -> None:
    base = hand_extraction()
    target = replace(
        base.metrics[0],
        target=True,
        target_year=2025,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        level="commune",
    )
    frames = to_fact_frames([("doc-1", replace(base, metrics=(base.metrics[0], target)))])

    rows = frames.metrics.select(
        "is_target", "target_year", "period_start", "period_end", "admin_level"
    ).rows()
    assert rows == [
        (False, None, None, None, None),
        (True, 2025, date(2025, 1, 1), date(2025, 12, 31), "commune"),
    ]
