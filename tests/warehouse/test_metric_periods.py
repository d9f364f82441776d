"""Figures carry whether they are targets, their period and level into the warehouse and the release;
the indicator code list carries what each code measures and accepts; warehouses from before open."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from cds import pipeline
from cds.settings import Settings
from tests.conftest import REPORT_TEXT, hand_extraction, write_report
from transforms.extract.indicators import INDICATORS_CSV
from transforms.extract.text import fold
from transforms.frames import to_fact_frames
from transforms.model import Extraction
from warehouse.database import connect, ensure_schema
from warehouse.publish import read_published_table

NEW_METRIC_COLUMNS = ("is_target", "target_year", "period_start", "period_end", "admin_level")
NEW_INDICATOR_COLUMNS = ("measure", "units", "definition", "mirrors")


def with_target(extraction: Extraction) -> Extraction:
    """The hand-made report's figure, plus the same figure read as a 2025 commune-level target."""
    result = replace(extraction.metrics[0], period_start=date(2022, 1, 1), period_end=date(2022, 12, 31))
    target = replace(
        result,
        target=True,
        target_year=2025,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        level="commune",
        span=replace(result.span, end=result.span.end - 1),  # another fact id
    )
    return replace(extraction, metrics=(result, target))


def stage(settings: Settings, extraction: Extraction) -> None:
    documents = pipeline.select_documents_to_extract(settings)
    pipeline.stage_facts(settings, to_fact_frames([(documents["doc_id"][0], extraction)]))


def test_targets_periods_and_levels_reach_the_published_metrics(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    stage(settings, with_target(hand_extraction()))
    gate = pipeline.validate_staged(settings, "run-1")
    assert gate.passed, gate.summary()
    release = pipeline.publish_release(settings, gate)

    with duckdb.connect(str(release.path / "cds_open_data.duckdb"), read_only=True) as db:
        rows = db.execute(
            "select value, is_target, target_year, period_start, period_end, admin_level "
            "from metrics order by is_target"
        ).fetchall()
    assert rows == [
        (98.5, False, None, date(2022, 1, 1), date(2022, 12, 31), None),
        (98.5, True, 2025, date(2025, 1, 1), date(2025, 12, 31), "commune"),
    ]


def test_the_published_code_list_declares_measure_units_definition_and_mirror(settings: Settings) -> None:
    pipeline.prepare_warehouse(settings)
    with connect(settings.warehouse_path) as con:
        published = read_published_table(con, "indicators", "core")
    with INDICATORS_CSV.open(encoding="utf-8") as file:
        shipped = {row["code"]: row for row in csv.DictReader(file)}
    assert published.height == len(shipped)
    for row in published.iter_rows(named=True):
        source = shipped[row["indicator_code"]]
        assert (row["measure"], row["units"], row["definition"]) == (
            source["measure"],
            source["units"],
            source["definition"],
        )
        assert row["mirrors"] == (source["mirrors"] or None)
    assert published.filter(published["indicator_code"] == "targets_achieved_pct")["measure"][0] == "ratio"


def test_a_warehouse_from_before_targets_gains_the_columns_and_keeps_its_figures(tmp_path: Path) -> None:
    """Older warehouses have none of the new columns: opening them adds them; the figures they hold
    stay, with is_target unknown (null), not silently called results."""
    settings = Settings(
        source_dir=tmp_path / "r", warehouse_path=tmp_path / "old.duckdb", public_dir=tmp_path / "p"
    )
    settings.source_dir.mkdir()
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    stage(settings, hand_extraction())
    gate = pipeline.validate_staged(settings, "run-1")
    assert gate.passed, gate.summary()
    pipeline.publish_release(settings, gate)  # merges the figure into core
    with connect(settings.warehouse_path) as con:
        for table in ("staging.metrics", "core.fact_metric"):
            for column in NEW_METRIC_COLUMNS:
                con.execute(f"alter table {table} drop column {column}")
        # Warehouses of that time also had a unique index on fact_id.
        con.execute("create unique index fact_metric_pk on core.fact_metric (fact_id)")
        con.execute("drop view audit.dim_indicator")
        old_indicators = con.execute(
            "select indicator_code, kind, label_vi, label_en, unit, code_list_version from core.dim_indicator"
        ).fetchall()
        con.execute("drop table core.dim_indicator")
        con.execute(
            "create table core.dim_indicator (indicator_code varchar primary key, kind varchar not null, "
            "label_vi varchar not null, label_en varchar not null, unit varchar not null, "
            "code_list_version varchar not null)"
        )
        con.executemany("insert into core.dim_indicator values (?, ?, ?, ?, ?, ?)", old_indicators)

    pipeline.prepare_warehouse(settings)  # what every run does first

    with connect(settings.warehouse_path) as con:
        for table in ("staging.metrics", "core.fact_metric"):
            columns = {row[0] for row in con.execute(f"describe {table}").fetchall()}
            assert set(NEW_METRIC_COLUMNS) <= columns, table
        metrics = read_published_table(con, "metrics", "corrected")  # as released
        indicators = read_published_table(con, "indicators", "core")
    assert metrics.select("value", *NEW_METRIC_COLUMNS).rows() == [(98.5, None, None, None, None, None)]
    assert indicators["measure"].null_count() == 0 and indicators["units"].null_count() == 0


UNITS = sorted(
    {
        unit.strip()
        for row in csv.DictReader(INDICATORS_CSV.open(encoding="utf-8"))
        for unit in [row["unit"], *row["units"].split("|")]
    }
)
SPELLINGS = [
    *UNITS,
    "Hoá đơn",  # old-style tone mark
    "HÓA ĐƠN",
    "  tổ   công nghệ số\u00a0cộng đồng ",
    "\u00d0iểm cầu",  # Latin eth for Đ
    "thuê bao/100 dân",
    "Uỷ ban",
]


def test_the_sql_unit_fold_agrees_with_the_extractor(tmp_path: Path) -> None:
    """The gate's unit-fit rule compares units in SQL (fold_unit) as the extractor does in Python."""
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_schema(con)
        folded = [con.execute("select fold_unit(?)", [unit]).fetchall()[0][0] for unit in SPELLINGS]
    assert folded == [fold(" ".join(unit.split())) for unit in SPELLINGS]
