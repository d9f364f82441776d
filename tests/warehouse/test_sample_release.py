"""The sample corpus's release names every province as the evidence does, across the 2025 merger."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from warehouse.database import connect
from warehouse.publish import OPEN_DATA_DB, PUBLISHED_TABLES, published_query

pytestmark = pytest.mark.integration

NAMED_TABLES = ("dti_ranks", "metrics", "officials", "legal_refs", "documents")


def rows(release: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(release / OPEN_DATA_DB), read_only=True) as db:
        return db.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("sentence", "code", "regime", "name", "edition", "rank", "out_of"),
    [
        ("Bắc Giang xếp thứ 6/63", "24", 63, "Bắc Giang", 2023, 6, 63),
        ("Bắc Giang xếp thứ 6/63", "27", 63, "Bắc Ninh", 2023, 9, 63),
        ("Yên Bái xếp thứ 12/63", "15", 63, "Yên Bái", 2024, 12, 63),
        ("Yên Bái xếp thứ 12/63", "10", 63, "Lào Cai", 2024, 28, 63),
        ("Tỉnh Lào Cai xếp thứ 11/34", "15", 34, "Lào Cai", 2024, 11, 34),
        ("Tiền Giang xếp hạng 25", "82", 63, "Tiền Giang", 2024, 25, None),
    ],
)
def test_each_rank_carries_the_province_its_evidence_names(
    sample_release: Path,
    sentence: str,
    code: str,
    regime: int,
    name: str,
    edition: int,
    rank: int,
    out_of: int,
) -> None:
    found = rows(
        sample_release,
        "select distinct province_regime, province_name, out_of from dti_ranks "
        f"where contains(evidence, '{sentence}') and province_code = '{code}' "
        f"and edition_year = {edition} and pillar = 'overall' and rank = {rank}",
    )
    assert found == [(regime, name, out_of)]


def test_no_published_row_has_an_empty_province_name(sample_release: Path) -> None:
    for table in NAMED_TABLES:
        empty = rows(
            sample_release,
            f"select count(*), count(*) filter (where province_code is not null) from {table} "
            "where province_code is not null and (coalesce(trim(province_name), '') = '' "
            "or coalesce(trim(current_province_name), '') = '') union all "
            f"select count(*), count(*) filter (where province_code is not null) from {table}",
        )
        assert empty[0] == (0, 0) and empty[1][1] > 0, table  # none empty, among rows that name one


def test_dti_2024_has_separate_63_and_34_rows(sample_release: Path) -> None:
    regimes = rows(
        sample_release,
        "select province_code, province_regime, rank, out_of from province_dti_overall "
        "where edition_year = 2024 and pillar = 'overall' and province_code in ('15', '86') order by all",
    )
    assert regimes == [("15", 34, 11, 34), ("15", 63, 12, 63), ("86", 34, 14, 34), ("86", 63, 19, 63)]


def test_the_catalog_conflict_count_is_the_rows_of_the_quality_report(sample_release: Path) -> None:
    report = pl.read_csv(sample_release / "quality" / "no_conflicting_ranks.csv")
    index = (sample_release / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'Số xung đột <span lang="en">/ Conflicts</span></dt><dd>(\d+)</dd>', index)
    assert shown and int(shown[1]) == report.height


def test_no_two_provinces_share_a_label_on_the_indicators_page(sample_release: Path) -> None:
    for chart in (sample_release / "charts").glob("indicator_*.csv"):
        bars = pl.read_csv(chart, schema_overrides={"province_code": pl.String})
        assert bars["province"].n_unique() == bars.height, chart.name
        assert bars.select("province_code", "province_regime").n_unique() == bars.height, chart.name


def test_every_coded_figure_fits_its_indicator_and_none_was_quarantined_for_it(sample_release: Path) -> None:
    """The unit-fit rule ran in the gate (checks.csv) with no failing or quarantined row, and the
    release agrees when checked again against its own code list."""
    checks = pl.read_csv(sample_release / "quality" / "checks.csv")
    rules = checks.filter(
        (pl.col("table") == "metrics")
        & pl.col("check").is_in(["unit_fits_indicator", "percent_within_0_100"])
    )
    assert sorted(rules["check"]) == ["percent_within_0_100", "unit_fits_indicator"]
    assert rules.select("status", "failing_rows", "quarantined_rows").unique().rows() == [("pass", 0, 0)]
    coded, misfits = rows(
        sample_release,
        "select count(*), count(*) filter (where m.kind <> i.kind "
        "or not list_contains(string_split(lower(i.units), '|'), lower(m.unit))) "
        "from metrics as m join indicators as i using (indicator_code)",
    )[0]
    assert coded > 50 and misfits == 0


@pytest.mark.parametrize("table", sorted(PUBLISHED_TABLES))
def test_a_published_query_without_its_order_holds_the_same_rows(sample_release: Path, table: str) -> None:
    """Checks and counts read the tables unsorted; the release's files are sorted."""
    ordered = published_query(table, "corrected")  # as the release reads them
    unordered = published_query(table, "corrected", ordered=False)

    assert ordered.startswith(unordered) and ordered[len(unordered) :].startswith("order by ")
    with connect(sample_release.parents[2] / "cds.duckdb", read_only=True) as con:
        published, unsorted = con.sql(ordered).fetchall(), con.sql(unordered).fetchall()
    assert published == sorted(unsorted, key=published.index)  # the same rows, only their order differs
    assert len(published) == len(unsorted)
