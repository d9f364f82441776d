"""indicator_series: coded figures as a tidy panel, results apart from targets, one value per point
chosen by the latest document, disagreements counted and listed, readable by former or current code."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from cds import pipeline
from cds.settings import Settings
from expectations.gate import CHECKS_DIR, GateParams, GateResult, run_gate
from tests.conftest import span_of, write_report
from transforms.frames import to_fact_frames
from transforms.model import Extraction, Metric, Province
from warehouse.database import connect, ensure_schema, query_frame
from warehouse.publish import OPEN_DATA_DB, Release

# Hà Giang (02) is a former province, part of today's Tuyên Quang (08) since 2025-07-01.
EARLY = (
    "Hà Giang sơ kết chuyển đổi số\n"
    "Năm 2023, tỷ lệ hồ sơ trực tuyến đạt 41,5%. "
    "Phấn đấu đến năm 2025 tỷ lệ hồ sơ trực tuyến đạt 80%. "
    "Năm 2022 tỷ lệ này là 30,2%. "
    "Tỷ lệ hồ sơ trực tuyến cấp xã đạt 35%. "
    "Có 120 xã tham gia."
)
LATE = (
    "Hà Giang tổng kết chuyển đổi số năm 2023\n"
    "Năm 2023, tỷ lệ hồ sơ trực tuyến đạt 42,7%. "
    "Tỉnh phấn đấu tỷ lệ hồ sơ trực tuyến đạt 90% trong thời gian tới. "
    "Tỷ lệ hồ sơ trực tuyến đạt 44%."
)
YEAR_2023 = (date(2023, 1, 1), date(2023, 12, 31))


def figure(text: str, raw: str, value: float, **fields: Any) -> Metric:
    metric = Metric(
        "percent", value, "%", raw, "tỷ lệ hồ sơ trực tuyến", "dossier_online_pct", span_of(text, raw)
    )
    return replace(metric, **fields)


def early_extraction() -> Extraction:
    t = EARLY
    return Extraction(
        province=Province("02", "Hà Giang"),
        event_date=date(2024, 1, 10),
        metrics=(
            figure(t, "41,5%", 41.5, period_start=YEAR_2023[0], period_end=YEAR_2023[1]),
            figure(
                t,
                "80%",
                80.0,
                target=True,
                target_year=2025,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 12, 31),
            ),
            figure(t, "30,2%", 30.2, period_start=date(2022, 1, 1), period_end=date(2022, 12, 31)),
            figure(t, "35%", 35.0, period_start=YEAR_2023[0], period_end=YEAR_2023[1], level="commune"),
            Metric("quantity", 120.0, "xã", "120 xã", "xã tham gia", None, span_of(t, "120 xã")),
        ),
    )


def late_extraction() -> Extraction:
    t = LATE
    return Extraction(
        province=Province("02", "Hà Giang"),
        event_date=date(2024, 3, 5),
        metrics=(
            figure(t, "42,7%", 42.7, period_start=YEAR_2023[0], period_end=YEAR_2023[1]),
            figure(t, "90%", 90.0, target=True),  # no deadline: cannot be placed in time
            figure(t, "44%", 44.0),  # no period stated: as of the document's date
        ),
    )


def build(settings: Settings, extractions: dict[str, Extraction]) -> tuple[GateResult, Release]:
    for name, text in (("early.txt", EARLY), ("late.txt", LATE)):
        write_report(settings.source_dir, name, text)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    documents = pipeline.select_documents_to_extract(settings)
    by_text = {text: doc_id for doc_id, text in documents.iter_rows()}
    frames = to_fact_frames([(by_text[text], extractions[text]) for text in by_text])
    pipeline.stage_facts(settings, frames)
    gate = pipeline.validate_staged(settings, "run-1")
    assert gate.passed, gate.summary()
    return gate, pipeline.publish_release(settings, gate)


@pytest.fixture
def release(settings: Settings) -> tuple[GateResult, Release]:
    return build(settings, {EARLY: early_extraction(), LATE: late_extraction()})


def replace_audit_series(con: duckdb.DuckDBPyConnection, select: str) -> None:
    """Make the series the gate reads (`audit.indicator_series`) the given test-written SELECT."""
    con.execute(f"create or replace view audit.indicator_series as {select}")


def series(release: Release, where: str = "true") -> pl.DataFrame:
    with duckdb.connect(str(release.path / OPEN_DATA_DB), read_only=True) as db:
        return query_frame(db, f"select * from indicator_series where {where}")  # test-written filters


def test_results_and_targets_are_separate_series_one_value_per_period(
    release: tuple[GateResult, Release],
) -> None:
    _, published = release
    rows = series(published).sort("is_target", "admin_level", "period_start", nulls_last=False)
    assert rows.select("admin_level", "is_target", "period_start", "period_end", "value").rows() == [
        (None, False, date(2022, 1, 1), date(2022, 12, 31), 30.2),
        (None, False, *YEAR_2023, 42.7),  # the later document's 2023 result wins over 41,5
        (None, False, date(2024, 3, 5), date(2024, 3, 5), 44.0),  # no period: the document's date
        ("commune", False, *YEAR_2023, 35.0),  # a commune-level figure is its own series
        (None, True, date(2025, 1, 1), date(2025, 12, 31), 80.0),  # the target, with its deadline
    ]
    assert rows.filter(pl.col("is_target"))["target_year"].to_list() == [2025]
    # a series is results or targets, never both, and its id says which
    assert rows.group_by("series_id").agg(pl.col("is_target").n_unique())["is_target"].to_list() == [1] * 3


def test_the_chosen_value_keeps_its_document_and_evidence_and_counts_the_disagreement(
    release: tuple[GateResult, Release],
) -> None:
    gate, published = release
    point = series(published, "not is_target and admin_level is null and period_start = date '2023-01-01'")
    assert point.height == 1
    row = point.row(0, named=True)
    assert (row["documents"], row["values_stated"]) == (2, 2)
    assert row["source_path"] == "late.txt" and row["raw_text"] == "42,7%" and "42,7%" in row["evidence"]
    assert LATE[row["span_start"] : row["span_end"]] == "42,7%"
    with duckdb.connect(str(published.path / OPEN_DATA_DB), read_only=True) as db:
        fact = db.execute(
            "select value, is_target, source_path from metrics where fact_id = ?", [row["fact_id"]]
        ).fetchall()
    assert fact == [(42.7, False, "late.txt")]

    listed = pl.read_csv(published.path / "quality" / "no_conflicting_series_values.csv")
    assert listed.select(
        "indicator_code", "period_start", "chosen_value", "values_stated_by_documents"
    ).rows() == [("dossier_online_pct", "2023-01-01", 42.7, "41.5 (1); 42.7 (1)")]
    conflicts = next(c for c in gate.checks if c.check == "no_conflicting_series_values")
    assert (conflicts.severity, conflicts.failing_rows) == ("warn", 1)


def test_a_former_province_is_read_by_its_own_code_or_the_current_one(
    release: tuple[GateResult, Release],
) -> None:
    _, published = release
    by_former = series(published, "province_code = '02' and province_regime = 63")
    by_current = series(published, "current_province_code = '08'")
    assert by_former.height == by_current.height == 5
    assert set(by_current["province_name"]) == {"Hà Giang"}
    assert set(by_current["current_province_name"]) == {"Tuyên Quang"}


def test_uncoded_and_unplaceable_figures_stay_out_but_remain_in_metrics(
    release: tuple[GateResult, Release],
) -> None:
    _, published = release
    assert series(published, "unit = 'xã' or value = 90").is_empty()
    with duckdb.connect(str(published.path / OPEN_DATA_DB), read_only=True) as db:
        kept = db.execute("select count(*) from metrics where unit = 'xã' or value = 90").fetchall()
    assert kept == [(2,)]


def test_the_check_passes_when_targets_stay_apart_and_fails_on_a_series_that_merges_them(
    release: tuple[GateResult, Release], settings: Settings
) -> None:
    gate, _ = release
    check = next(c for c in gate.checks if c.check == "series_keep_targets_apart")
    assert (check.severity, check.success) == ("error", True)

    proof = (CHECKS_DIR / "assert_series_keep_targets_apart.sql").read_text(encoding="utf-8")
    with connect(settings.warehouse_path) as con:
        assert con.execute(proof).fetchall() == []
        # A series built without telling targets from results (the mistake the check is for): the
        # 2025 target of 80 % becomes a "result" point.
        replace_audit_series(con, "select * replace (false as is_target) from core.indicator_series")
        failing = con.execute(proof).fetchall()
    assert len(failing) == 1 and failing[0][7] is True  # the figure itself is a target


def test_facts_read_before_targets_were_told_apart_stay_out(
    release: tuple[GateResult, Release], settings: Settings
) -> None:
    with connect(settings.warehouse_path) as con:
        con.execute(
            "update core.fact_metric set is_target = null where doc_id in "
            "(select doc_id from core.dim_document where source_path = 'late.txt')"
        )
        left = con.execute(
            "select count(*) from core.indicator_series where source_path = 'late.txt'"
        ).fetchall()
    assert left == [(0,)]


def test_the_gate_reads_the_series_from_a_copy_and_still_finds_a_duplicated_point(
    release: tuple[GateResult, Release], settings: Settings
) -> None:
    with connect(settings.warehouse_path) as con:
        # Every point twice (the mistake the uniqueness check is for), in the view the gate copies.
        replace_audit_series(
            con, "select * from core.indicator_series union all select * from core.indicator_series"
        )
        gate = run_gate(con, GateParams(run_id="run-2"))
        left = con.execute("select count(*) from duckdb_tables() where temporary").fetchall()
    unique = next(c for c in gate.checks if c.table == "indicator_series" and c.check.startswith("unique_"))
    assert (unique.success, unique.failing_rows) == (False, 10)  # 5 points, each twice
    assert "×2" in unique.detail  # the duplicated keys, named from audit
    assert left == [(0,)]  # the copy is dropped once its rows are validated


def test_the_gate_finds_old_points_failing_a_row_check_in_the_series_copy(
    release: tuple[GateResult, Release], settings: Settings
) -> None:
    with connect(settings.warehouse_path) as con:
        # Nothing is staged: every point is old, and GX sees only the points failing a check. The
        # target's period ends before it starts, one result's evidence lost its text, and another
        # names a fact that is not in metrics.
        replace_audit_series(
            con,
            "select * replace ("
            "case when is_target then period_start - 1 else period_end end as period_end, "
            "case when value = 30.2 then 'không có số liệu' else evidence end as evidence, "
            "case when value = 44 then 'no-such-fact' else fact_id end as fact_id) "
            "from core.indicator_series",
        )
        gate = run_gate(con, GateParams(run_id="run-2"))
    checks = {c.check: c for c in gate.checks if c.table == "indicator_series"}
    assert (checks["period_in_order"].success, checks["period_in_order"].failing_rows) == (False, 1)
    evidence = checks["evidence_contains_raw_text"]
    assert (evidence.success, evidence.failing_rows) == (False, 1)
    missing = checks["fact_id_references_metrics"]
    assert (missing.success, missing.failing_rows) == (False, 1)
    assert checks["doc_id_references_documents"].success and checks["series_id_not_null"].success
    assert gate.validated_rows["indicator_series"] == 3


# The choice rule on its own: figures of one series point in documents with or without dates, the
# order written out in Python and compared with the view's pick.
DAYS = st.one_of(st.none(), st.dates(date(2021, 1, 1), date(2021, 1, 4)))
FIGURES = st.lists(
    st.tuples(DAYS, DAYS, st.sampled_from(["d1", "d2", "d3"]), st.integers(0, 3)),
    min_size=1,
    max_size=8,
    unique_by=lambda f: (f[2], f[3]),  # a document states one figure per span
)


@pytest.fixture(scope="module")
def bare_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(tmp_path_factory.mktemp("choice") / "cds.duckdb") as con:
        ensure_schema(con)
        yield con


@settings_(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(figures=FIGURES)
def test_the_choice_is_the_latest_document_then_its_first_figure(
    bare_warehouse: duckdb.DuckDBPyConnection, figures: list[tuple[date | None, date | None, str, int]]
) -> None:
    con = bare_warehouse
    con.execute("delete from core.fact_metric; delete from core.dim_document")
    documents: dict[str, tuple[date | None, date | None]] = {}
    for event, published, doc_id, _ in figures:
        documents.setdefault(doc_id, (event, published))
    con.executemany(
        "insert into core.dim_document (doc_id, source_path, published_date, event_date, extracted_at) "
        "values (?, ?, ?, ?, now())",
        [[doc_id, f"{doc_id}.txt", published, event] for doc_id, (event, published) in documents.items()],
    )
    con.executemany(  # targets placed by their deadline: figures of undated documents enter too
        "insert into core.fact_metric (fact_id, doc_id, province_code, kind, value, unit, raw_text, "
        "subject, indicator_code, is_target, target_year, evidence, span_start, span_end) values "
        "(?, ?, '02', 'percent', ?, '%', 'x', 's', 'dossier_online_pct', true, 2025, 'x', ?, ?)",
        [[f"{doc_id}:{span}", doc_id, float(span), span, span + 1] for *_, doc_id, span in figures],
    )

    def order(fact: tuple[str, int]) -> tuple[Any, ...]:
        event, published = documents[fact[0]]
        day = event or published  # the document's date
        return (
            day is None,
            -(day or date.min).toordinal(),
            published is None,
            -(published or date.min).toordinal(),
            fact[0],
            fact[1],
        )

    expected = min(((doc_id, span) for *_, doc_id, span in figures), key=order)
    chosen = con.execute("select fact_id, documents, values_stated from core.indicator_series").fetchall()
    assert chosen == [(f"{expected[0]}:{expected[1]}", len(documents), len({s for *_, s in figures}))]
