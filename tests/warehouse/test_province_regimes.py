"""Province identity across the 2025-07-01 merger: a fact's province is (code, regime), named in that
regime and rolled up to the current (34-province) province, from the staged row to the release."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cds import pipeline
from cds.settings import Settings
from tests.conftest import REPORT_TEXT, SHARED_DIR, span_of, write_report
from transforms.frames import extract_fact_frames, to_fact_frames
from transforms.model import Extraction, Metric, Province, Ranking
from warehouse.database import connect
from warehouse.load import load_staging
from warehouse.publish import OPEN_DATA_DB, read_published_table

MERGER_CSV = SHARED_DIR / "reference" / "province_merger_2025.csv"
MERGER_REPORTS = Path(__file__).parent / "merger_reports"
GOLDEN = sorted(p.stem for p in MERGER_REPORTS.glob("*-dti2024*.txt"))
PUBLISHED_COLUMNS = (
    "province_code",
    "province_regime",
    "province_name",
    "current_province_code",
    "current_province_name",
    "edition_year",
    "pillar",
    "rank",
    "out_of",
)
FACT_TABLES = ("dti_ranks", "metrics", "officials", "legal_refs", "documents")


def merger_reference() -> dict[tuple[str, int], tuple[str, str, str]]:
    """(code, regime) → (name, current code, current name), read from the public merger table only
    (not from the pipeline's own provinces.csv), so the test does not check the data against itself."""
    reference: dict[tuple[str, int], tuple[str, str, str]] = {}
    with MERGER_CSV.open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            new = (row["new_gso_code"], row["new_province"])
            reference[(new[0], 34)] = (new[1], *new)
            for name, code in zip(
                row["old_provinces"].split(";"), row["old_gso_codes"].split(";"), strict=True
            ):
                reference[(code, 63)] = (name, *new)
    return reference


REFERENCE = merger_reference() if MERGER_CSV.is_file() else {}
needs_merger_table = pytest.mark.skipif(
    not REFERENCE, reason="../shared/reference is not beside the repository"
)


# --- property: every (code, regime) is published under its reference name ----------------------


@pytest.fixture(scope="module")
def staged_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A warehouse holding one ingested report, whose facts each example re-stages."""
    root = tmp_path_factory.mktemp("regimes")
    settings = Settings(
        source_dir=root / "reports", warehouse_path=root / "cds.duckdb", public_dir=root / "pub"
    )
    settings.source_dir.mkdir()
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    return settings


def extraction_about(provinces: list[tuple[str, int]], document: tuple[str, int]) -> Extraction:
    """One rank per (code, regime), read in that regime's table, and a document about `document`
    dated in its regime's period (its figures are about the province of that period)."""
    span = span_of(REPORT_TEXT, "30/63")
    rankings = tuple(
        Ranking(code, 2024, "overall", i + 1, regime, None, span, regime=regime)
        for i, (code, regime) in enumerate(provinces)
    )
    code, regime = document
    figure = Metric("percent", 98.5, "%", "98,5%", "hồ sơ trực tuyến", None, span_of(REPORT_TEXT, "98,5%"))
    return Extraction(
        title="Báo cáo",
        published_date=date(2025, 8, 1) if regime == 34 else date(2024, 8, 1),
        province=Province(code, "tên do văn bản ghi"),
        rankings=rankings,
        metrics=(figure,),
    )


@needs_merger_table
@example(provinces=sorted(REFERENCE), document=("15", 63))  # every pair of the merger table at once
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    provinces=st.lists(st.sampled_from(sorted(REFERENCE)), min_size=1, max_size=12, unique=True),
    document=st.sampled_from(sorted(REFERENCE)),
)
def test_every_code_and_regime_is_published_under_its_reference_name(
    staged_warehouse: Settings, provinces: list[tuple[str, int]], document: tuple[str, int]
) -> None:
    with connect(staged_warehouse.warehouse_path) as con:
        doc_id = str(con.execute("select doc_id from raw.documents").fetchall()[0][0])
        load_staging(con, to_fact_frames([(doc_id, extraction_about(provinces, document))]))
        published = {
            table: read_published_table(con, table, "audit", staged_only=True) for table in FACT_TABLES
        }

    columns = ["province_code", "province_regime", "province_name", "current_province_code"]
    ranks = published["dti_ranks"].select(*columns, "current_province_name").rows()
    assert sorted(ranks) == sorted((code, regime, *REFERENCE[(code, regime)]) for code, regime in provinces)
    for table in ("metrics", "documents"):
        rows = published[table].select(*columns, "current_province_name").rows()
        assert rows == [(*document, *REFERENCE[document])], table


@needs_merger_table
def test_a_former_province_is_labelled_apart_from_the_merged_one(staged_warehouse: Settings) -> None:
    """Two provinces never share a label: Bắc Ninh (27, former) is not Bắc Ninh (24, merged)."""
    with connect(staged_warehouse.warehouse_path) as con:
        provinces = read_published_table(con, "provinces", "core")
    by_label = provinces.group_by("label").agg(
        pl.col("province_code").n_unique().alias("codes"),
        pl.len().alias("rows"),
        pl.col("province_code").first(),
    )
    # A label names one province: one row, or the two rows of a province that went on unchanged.
    for label, codes, rows, code in by_label.iter_rows():
        assert codes == 1 and (rows == 1 or len(REFERENCE_PREDECESSORS[code]) == 1), label
    named = {
        (c, int(r)): label for c, r, label in provinces.select("province_code", "regime", "label").iter_rows()
    }
    assert [named[("24", 63)], named[("27", 63)], named[("24", 34)]] == [
        "Bắc Giang (cũ)",
        "Bắc Ninh (cũ)",
        "Bắc Ninh",
    ]
    assert [named[("15", 63)], named[("15", 34)], named[("01", 63)]] == ["Yên Bái (cũ)", "Lào Cai", "Hà Nội"]


def predecessors() -> dict[str, list[str]]:
    """Former code → the former codes merged with it into one province (itself included)."""
    merged: dict[str, list[str]] = {}
    if MERGER_CSV.is_file():
        with MERGER_CSV.open(encoding="utf-8") as file:
            for row in csv.DictReader(file):
                codes = row["old_gso_codes"].split(";")
                merged |= dict.fromkeys(codes, codes)
    return merged


REFERENCE_PREDECESSORS = predecessors()


# --- golden texts: both 2024 rankings of merged provinces, extracted, loaded and published -------


def build_release(root: Path, reports: list[Path]) -> tuple[Path, Any]:
    """A real release (no Prefect) of these reports: extraction, staging, gate, merge, publish."""
    settings = Settings(
        source_dir=root / "reports", warehouse_path=root / "cds.duckdb", public_dir=root / "pub"
    )
    settings.source_dir.mkdir(parents=True)
    for report in reports:
        write_report(settings.source_dir, report.name, report.read_text(encoding="utf-8"))
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.select_documents_to_extract(settings)))
    gate = pipeline.validate_staged(settings, "run-1")
    assert gate.passed, gate.summary()
    return pipeline.publish_release(settings, gate).path, gate


@pytest.fixture(scope="module")
def merger_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reports = sorted(MERGER_REPORTS.glob("*.txt"))
    release, _ = build_release(tmp_path_factory.mktemp("merger"), reports)
    return release


def published(release: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(release / OPEN_DATA_DB), read_only=True) as db:
        return db.execute(sql).fetchall()


@pytest.mark.integration
@pytest.mark.parametrize("report", GOLDEN)
def test_both_2024_rankings_of_merged_provinces_are_published_under_the_ranked_province(
    merger_release: Path, report: str
) -> None:
    expected = {tuple(row) for row in json.loads((MERGER_REPORTS / f"{report}.published.json").read_text())}
    with duckdb.connect(str(merger_release / OPEN_DATA_DB), read_only=True) as db:
        query = f"select distinct {', '.join(PUBLISHED_COLUMNS)} from dti_ranks where source_path = ?"
        assert set(db.execute(query, [f"{report}.txt"]).fetchall()) == expected


@pytest.mark.integration
def test_the_overall_view_keeps_the_two_2024_rankings_apart(merger_release: Path) -> None:
    rows = published(
        merger_release,
        "select province_code, province_regime, province_name, rank, out_of from province_dti_overall "
        "where edition_year = 2024 and pillar = 'overall' and province_code in ('15', '86') order by all",
    )
    assert rows == [
        ("15", 34, "Lào Cai", 11, 34),
        ("15", 63, "Yên Bái", 12, 63),
        ("86", 34, "Vĩnh Long", 14, 34),
        ("86", 63, "Vĩnh Long", 19, 63),
    ]


@pytest.mark.integration
def test_pillar_chart_axis_follows_the_ranking_it_plots(merger_release: Path) -> None:
    """Lào Cai's page plots its 34-province pillar ranks out of 34; Yên Bái (cũ) has its own page."""
    lao_cai = pl.read_csv(merger_release / "charts" / "pillars_15.csv")
    assert set(lao_cai["out_of"]) == {34} and set(lao_cai["rank"]) == {7, 11, 15}
    svg = (merger_release / "charts" / "pillars_15.svg").read_text(encoding="utf-8")
    assert "Rank out of 34 (1 = best)" in svg and "out of 63" not in svg
    page = (merger_release / "provinces" / "15.html").read_text(encoding="utf-8")
    assert "<h1>Lào Cai</h1>" in page and 'href="63-15.html">Yên Bái (cũ)</a>' in page
    former = (merger_release / "provinces" / "63-15.html").read_text(encoding="utf-8")
    assert "<h1>Yên Bái (cũ)</h1>" in former and "12/63" in former and "11/34" not in former


@pytest.mark.integration
def test_no_published_row_has_an_empty_province_name(merger_release: Path) -> None:
    for table in FACT_TABLES:
        empty = published(
            merger_release,
            f"select count(*) from {table} where province_code is not null "
            "and (coalesce(trim(province_name), '') = '' or coalesce(trim(current_province_name), '') = '')",
        )
        assert empty == [(0,)], table


# --- conflicts: counted as the quality report lists them --------------------------------------


@pytest.mark.integration
def test_catalog_counts_the_conflicts_the_quality_report_lists(merger_release: Path) -> None:
    """Hà Nội DTI 2023 is stated as 6/63 in one document and as first (no denominator) in another:
    one conflict in the 63-province ranking, one row of the report, "1" on the front page."""
    report = pl.read_csv(
        merger_release / "quality" / "no_conflicting_ranks.csv", schema_overrides={"province_code": pl.String}
    )
    assert report.select(
        "province_code", "province_regime", "edition_year", "pillar", "ranks_stated"
    ).rows() == [("01", 63, 2023, "overall", "1 (1); 6 (1)")]
    index = (merger_release / "index.html").read_text(encoding="utf-8")
    shown = re.search(r"Số xung đột <span lang=\"en\">/ Conflicts</span></dt><dd>(\d+)</dd>", index)
    assert shown and int(shown[1]) == report.height == 1


# --- rows without a recorded regime (stored before rankings recorded one) ----------------------


@pytest.mark.parametrize(
    ("out_of", "edition", "published", "expected"),
    [
        (34, 2024, date(2025, 10, 28), 34),  # the stated denominator first
        (63, 2024, date(2025, 10, 28), 63),
        (None, 2022, date(2025, 10, 28), 63),  # up to DTI 2023, only the 63 were ranked
        (None, 2025, date(2026, 10, 1), 34),  # from DTI 2025, only the 34
        (None, 2024, date(2025, 6, 30), 63),  # DTI 2024 both ways: the document's period
        (None, 2024, date(2025, 7, 1), 34),
    ],
)
def test_a_rank_without_a_recorded_regime_takes_it_from_out_of_the_edition_or_the_period(
    staged_warehouse: Settings, out_of: int | None, edition: int, published: date, expected: int
) -> None:
    ranking = Ranking("15", edition, "overall", 12, out_of, None, span_of(REPORT_TEXT, "30/63"), regime=None)
    extraction = Extraction(published_date=published, rankings=(ranking,))
    with connect(staged_warehouse.warehouse_path) as con:
        doc_id = str(con.execute("select doc_id from raw.documents").fetchall()[0][0])
        load_staging(con, to_fact_frames([(doc_id, extraction)]))
        ranks = read_published_table(con, "dti_ranks", "audit", staged_only=True)
    assert ranks.select("province_regime", "province_name").rows() == [
        (expected, "Yên Bái" if expected == 63 else "Lào Cai")
    ]


def test_a_warehouse_from_before_regimes_gains_the_column_and_keeps_its_ranks(tmp_path: Path) -> None:
    """Older warehouses have no regime column: opening them adds it, and their ranks are named by
    the derived regime."""
    settings = Settings(
        source_dir=tmp_path / "r", warehouse_path=tmp_path / "old.duckdb", public_dir=tmp_path / "p"
    )
    settings.source_dir.mkdir()
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)
    with connect(settings.warehouse_path) as con:
        for table in ("staging.dti_ranks", "core.fact_dti_rank"):
            con.execute(f"alter table {table} drop column regime")
        # Warehouses of that time also had a unique index on fact_id.
        con.execute("create unique index fact_dti_rank_pk on core.fact_dti_rank (fact_id)")
    pipeline.prepare_warehouse(settings)  # what every run does first
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    old_style = Ranking("86", 2022, "overall", 30, 63, None, span_of(REPORT_TEXT, "30/63"))  # no regime
    documents = pipeline.select_documents_to_extract(settings)
    extraction = Extraction(published_date=date(2023, 1, 10), rankings=(old_style,))
    pipeline.stage_facts(settings, to_fact_frames([(documents["doc_id"][0], extraction)]))
    with connect(settings.warehouse_path) as con:
        columns = {row[0] for row in con.execute("describe core.fact_dti_rank").fetchall()}
        ranks = read_published_table(con, "dti_ranks", "audit")
        indexes = con.execute("select index_name from duckdb_indexes() where schema_name = 'core'").fetchall()
    assert "regime" in columns
    assert indexes == []  # the gate checks fact_id is unique; an in-memory index outgrew millions of facts
    assert ranks.select("province_code", "province_regime", "province_name").rows() == [
        ("86", 63, "Vĩnh Long")
    ]
