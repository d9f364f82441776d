"""The static catalog: pages from the contracts, provenance on province pages, offline charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from markupsafe import escape

from expectations.contracts import Contract, load_contracts
from warehouse.catalog import (
    MAX_SERIES_CHARTS_PER_PAGE,
    SERIES_TABLE_ROWS,
    CatalogData,
    _page_key,
    consensus_ranks,
    mark_evidence,
    quality_from_report,
    read_catalog_data,
    write_catalog,
)
from warehouse.datapackage import LICENSE

RELEASE_ID = "20250102T030405000000Z"
POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "date": pl.Date(),
    "boolean": pl.Boolean(),
}
VL_DOC = "vinh-long/2023-01-10-tong-ket.txt"
HUE_DOC = "hue/2023-05-02-dti.txt"
RANK_SENTENCE = "Năm 2022, Vĩnh Long xếp thứ 30/63 tỉnh, thành phố về Chỉ số chuyển đổi số."
TRICKY_SENTENCE = 'Tỉnh ban hành Quyết định số 742 <b>"mới"</b> & kế hoạch.'


def catalog_data(tables: dict[str, pl.DataFrame]) -> CatalogData:
    """What publish reads from a release's open-data DuckDB file, read from these frames instead."""
    with duckdb.connect() as db:
        for name, table in tables.items():
            db.register(name, table.to_arrow())
        return read_catalog_data(db)


def frame(contract: Contract, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A frame with exactly the contract's columns and types; columns a row omits are null."""
    schema = {c.name: POLARS_TYPES[c.type] for c in contract.columns}
    return pl.DataFrame([{name: row.get(name) for name in schema} for row in rows], schema=schema)


def fact(province: str, name: str, raw_text: str, evidence: str, path: str, **values: Any) -> dict[str, Any]:
    start = 100 + evidence.index(raw_text)
    return {
        "fact_id": f"{path}:{raw_text}",
        "province_code": province,
        "province_regime": 63,
        "province_name": name,
        "doc_id": "a" * 64,
        "source_path": path,
        "document_date": date(2023, 1, 10),
        "raw_text": raw_text,
        "evidence": evidence,
        "span_start": start,
        "span_end": start + len(raw_text),
        **values,
    }


def rank(province: str, name: str, year: int, pillar: str, value: int, path: str = VL_DOC) -> dict[str, Any]:
    raw = f"thứ {value}/63"
    evidence = f"Năm {year}, {name} xếp {raw} về trụ cột {pillar}."
    return fact(province, name, raw, evidence, path, edition_year=year, pillar=pillar, rank=value, out_of=63)


def percent(province: str, name: str, value: float, regime: int = 63) -> dict[str, Any]:
    raw = f"{value:g}%".replace(".", ",")
    evidence = f"Tỷ lệ hồ sơ trực tuyến của {name} đạt {raw}."
    return fact(
        province,
        name,
        raw,
        evidence,
        f"{province}/report.txt",
        kind="percent",
        value=value,
        unit="%",
        subject="tỷ lệ hồ sơ trực tuyến",
        indicator_code="dossier_online_pct",
        province_regime=regime,
    )


def series_point(
    value: float, year: int, *, target: bool = False, path: str = VL_DOC, values_stated: int = 1
) -> dict[str, Any]:
    """A point of Vĩnh Long's dossier-online series: a year's result, or a target with that deadline."""
    raw = f"{value:g}%".replace(".", ",")
    evidence = (
        f"Phấn đấu đến năm {year} tỷ lệ hồ sơ trực tuyến đạt {raw}."
        if target
        else f"Năm {year}, tỷ lệ hồ sơ trực tuyến đạt {raw}."
    )
    point = fact("86", "Vĩnh Long", raw, evidence, path)
    return point | {
        "fact_id": f"{path}:{year}:{target}",
        "series_id": "t" * 64 if target else "r" * 64,
        "current_province_code": "86",
        "current_province_name": "Vĩnh Long",
        "indicator_code": "dossier_online_pct",
        "is_target": target,
        "period_start": date(year, 1, 1),
        "period_end": date(year, 12, 31),
        "target_year": year if target else None,
        "value": value,
        "unit": "%",
        "documents": values_stated,
        "values_stated": values_stated,
    }


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    contracts = load_contracts()
    rows: dict[str, list[dict[str, Any]]] = {
        "corrections": [
            {
                "correction_id": "c0123456789",
                "action": "set",
                "fact_type": "dti_rank",
                "doc_id": "a" * 64,
                "source_path": VL_DOC,
                "value": "30",
                "fields": "edition_year = 2022",
                "reason": "The report gives DTI 2022's rank.",
                "author": "Test",
                "corrected_on": date(2026, 12, 1),
                "status": "applied",
                "facts": 1,
                "source_file": "corrections/vinh-long.yml",
                "source_line": 1,
            }
        ],
        "provinces": [
            {"province_code": "86", "name": "Vĩnh Long", "regime": "63", "valid_from": date(2008, 8, 1)},
            {"province_code": "46", "name": "Thừa Thiên Huế", "regime": "63", "valid_from": date(2008, 8, 1)},
            {"province_code": "46", "name": "Huế", "regime": "34", "valid_from": date(2025, 7, 1)},
            {"province_code": "22", "name": "Quảng Ninh", "regime": "63", "valid_from": date(2008, 8, 1)},
        ],
        "indicators": [
            {
                "indicator_code": "dossier_online_pct",
                "kind": "percent",
                "label_vi": "Tỷ lệ hồ sơ trực tuyến",
                "label_en": "Share of dossiers filed online",
                "unit": "%",
                "code_list_version": "2025.1",
            }
        ],
        "documents": [
            {"doc_id": "a" * 64, "source_path": VL_DOC, "title": "Tổng kết", "province_code": "86"},
            {"doc_id": "b" * 64, "source_path": HUE_DOC, "title": "DTI", "province_code": "46"},
        ],
        "dti_ranks": [
            fact(
                "86",
                "Vĩnh Long",
                "30/63",
                RANK_SENTENCE,
                VL_DOC,
                edition_year=2022,
                pillar="overall",
                rank=30,
                out_of=63,
                corrected_by="c0123456789",
            ),
            rank("86", "Vĩnh Long", 2021, "overall", 32),
            rank("86", "Vĩnh Long", 2022, "digital_government", 16),
            rank("46", "Thừa Thiên Huế", 2021, "overall", 2, HUE_DOC),
            rank("46", "Thừa Thiên Huế", 2022, "overall", 4, HUE_DOC),
            rank("46", "Thừa Thiên Huế", 2022, "overall", 4, HUE_DOC + "2"),
            rank("46", "Thừa Thiên Huế", 2022, "overall", 9, HUE_DOC + "3"),
            rank("46", "Thừa Thiên Huế", 2022, "digital_society", 3, HUE_DOC),
        ],
        "metrics": [
            percent("86", "Vĩnh Long", 98.5),
            percent("46", "Huế", 90.2, regime=34),
            percent("22", "Quảng Ninh", 50),
        ],
        "officials": [
            fact(
                "86",
                "Vĩnh Long",
                "Lê Văn An",
                "Ông Lê Văn An, Chủ tịch UBND tỉnh, phát biểu.",
                VL_DOC,
                person_id="p1",
                person_name="Lê Văn An",
                titles="Chủ tịch UBND tỉnh",
            )
        ],
        "legal_refs": [
            fact(
                "86",
                "Vĩnh Long",
                "Quyết định số 742",
                TRICKY_SENTENCE,
                VL_DOC,
                kind="Quyết định",
                number="742",
            )
        ],
        "indicator_series": [
            series_point(41.3, 2021),
            series_point(98.5, 2022, values_stated=2),
            series_point(100, 2025, target=True),
        ],
    }
    return {name: frame(contract, rows[name]) for name, contract in contracts.items()}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory, tables: dict[str, pl.DataFrame]) -> Path:
    release = tmp_path_factory.mktemp("release")
    for name, table in tables.items():  # the files publish writes, so every download link resolves
        table.write_csv(release / f"{name}.csv")
        table.write_parquet(release / f"{name}.parquet")
    (release / "datapackage.json").write_text("{}", encoding="utf-8")
    (release / "cds_open_data.duckdb").touch()
    quality: dict[str, object] = {"checks_passed": 41, "checks_failed": 2}
    written = write_catalog(release, catalog_data(tables), load_contracts(), RELEASE_ID, quality)
    assert all(path.is_file() for path in written)
    return release


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class Page(HTMLParser):
    """What the tests check in a page: links, headings, table headers, images."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str, dict[str, str | None]]] = []  # (tag, url, attributes)
        self.headings: list[int] = []
        self.header_cells: list[dict[str, str | None]] = []
        self.images: list[dict[str, str | None]] = []
        self.start_tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.start_tags.append((tag, attributes))
        for name in ("href", "src", "srcset", "data", "action", "poster"):
            if attributes.get(name):
                self.links.append((tag, attributes[name] or "", attributes))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "th":
            self.header_cells.append(attributes)
        if tag == "img":
            self.images.append(attributes)


def pages(catalog: Path) -> list[Path]:
    return sorted(catalog.rglob("*.html"))


def test_index_lists_every_table_with_title_rows_licence_and_quality(
    catalog: Path, tables: dict[str, pl.DataFrame]
) -> None:
    index = read(catalog / "index.html")
    for name, contract in load_contracts().items():
        assert str(escape(contract.title.vi)) in index
        assert str(escape(contract.title.en)) in index
        assert f'class="rows">{tables[name].height}<' in index
        for target in (f"{name}.csv", f"{name}.parquet", f"datasets/{name}.html"):
            assert f'href="{target}"' in index
    dti_title = str(escape(load_contracts()["dti_ranks"].title.vi))
    assert index.index(dti_title) < index.index("Provincial Digital")  # Vietnamese first
    assert 'href="datapackage.json"' in index and 'href="cds_open_data.duckdb"' in index
    assert "CC-BY-4.0" in index and "2025-01-02 03:04 UTC" in index
    assert "<dd>41</dd>" in index and "<dd>2</dd>" in index and "<dd>—</dd>" in index  # no conflicts given


def test_without_quality_every_figure_shows_a_dash(tmp_path: Path, tables: dict[str, pl.DataFrame]) -> None:
    write_catalog(tmp_path, catalog_data(tables), load_contracts(), "r1")
    assert read(tmp_path / "index.html").count("<dd>—</dd>") == 4


def test_dataset_pages_document_every_column_in_both_languages(
    catalog: Path, tables: dict[str, pl.DataFrame]
) -> None:
    for name, contract in load_contracts().items():
        page = read(catalog / "datasets" / f"{name}.html")
        for column in contract.columns:
            assert f"<code>{column.name}</code>" in page
            assert str(escape(column.vi)) in page and str(escape(column.en)) in page
        preview = page.split('id="preview"')[1]
        assert preview.count("<tr>") == min(tables[name].height, 50) + 1  # + the header row


def test_province_pages_show_each_fact_with_its_marked_evidence_and_source(catalog: Path) -> None:
    vinh_long = read(catalog / "provinces" / "86.html")
    assert "Năm 2022, Vĩnh Long xếp thứ <mark>30/63</mark> tỉnh" in vinh_long
    assert "Ông <mark>Lê Văn An</mark>, Chủ tịch UBND tỉnh" in vinh_long
    assert "<mark>98,5%</mark>" in vinh_long
    assert f"<code>{VL_DOC}</code> · 2023-01-10" in vinh_long
    assert "<b>" not in vinh_long and "&lt;b&gt;&#34;mới&#34;&lt;/b&gt; &amp; kế hoạch" in vinh_long
    listing = read(catalog / "provinces" / "index.html")
    assert all(f'href="{code}.html"' in listing for code in ("22", "46", "86"))
    assert "Huế / Thừa Thiên Huế" in read(catalog / "provinces" / "46.html")
    assert vinh_long.count("corrected by c0123456789") == 1  # the one corrected fact is marked


def test_pages_load_nothing_from_outside_the_release_and_every_link_resolves(catalog: Path) -> None:
    for path in pages(catalog):
        text = read(path)
        for tag, url, attributes in Page(text).links:
            if re.match(r"(?i)([a-z][a-z0-9+.-]*:|//)", url):
                assert (tag, url, attributes.get("rel")) == ("a", LICENSE["path"], "license"), path
            elif url.startswith("#"):
                assert f'id="{url[1:]}"' in text, f"{path}: {url}"
            else:
                assert (path.parent / url.split("#")[0]).resolve().is_file(), f"{path}: {url}"
    stylesheet = read(catalog / "catalog.css")
    assert "@import" not in stylesheet and "url(" not in stylesheet
    for svg in (catalog / "charts").glob("*.svg"):
        assert not re.search(r"(?i)(href|src)\s*=\s*[\"']?(https?:)?//|<image|@import|url\(", read(svg)), svg


def test_every_page_is_accessible_by_construction(catalog: Path) -> None:
    for path in pages(catalog):
        text = read(path)
        page = Page(text)
        assert text.startswith('<!DOCTYPE html>\n<html lang="vi">') and '<meta charset="utf-8">' in text
        assert page.headings.count(1) == 1 and page.headings[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)), path
        assert all(cell.get("scope") in ("col", "row") for cell in page.header_cells), path
        assert all(image.get("alt") for image in page.images), path
        assert page.start_tags[page.start_tags.index(("body", {})) + 1][1].get("class") == "skip-link"
        assert 'id="main"' in text


def test_charts_are_valid_svg_with_vietnamese_text_and_their_data_beside_them(catalog: Path) -> None:
    charts = catalog / "charts"
    names = {p.stem for p in charts.glob("*.svg")}
    assert names == {
        "dti_overall",
        "pillars_86",
        "pillars_46",
        "indicator_dossier_online_pct",
        "series_86_dossier_online_pct",
    }
    for name in names:
        root = ET.fromstring(read(charts / f"{name}.svg"))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", texts), name
        assert (charts / f"{name}.csv").is_file()
    index = Page(read(catalog / "index.html"))
    assert [i["src"] for i in index.images] == ["charts/dti_overall.svg"]
    assert "hạng 1 (tốt nhất) ở trên cùng" in (index.images[0]["alt"] or "")
    assert 'src="../charts/pillars_86.svg"' in read(catalog / "provinces" / "86.html")


def test_the_rank_chart_takes_the_rank_most_documents_state(catalog: Path) -> None:
    data = pl.read_csv(catalog / "charts" / "dti_overall.csv", schema_overrides={"province_code": pl.String})
    hue = data.filter((pl.col("province_code") == "46") & (pl.col("edition_year") == 2022)).row(0, named=True)
    assert (hue["province"], hue["rank"], hue["reported"], hue["reports"]) == ("Thừa Thiên Huế", 4, "4; 9", 3)


def test_consensus_breaks_ties_by_the_latest_document() -> None:
    ranks = pl.DataFrame(
        {
            "key": ["x", "x"],
            "rank": [5, 7],
            "reports": [1, 1],
            "document_date": [date(2023, 1, 1), date(2024, 1, 1)],
        }
    )
    assert consensus_ranks(ranks, ["key"])["rank"].to_list() == [7]


def test_consensus_counts_the_reports_behind_each_stated_rank() -> None:
    """Ranks come counted (one row per stated rank and date); the votes are the reports, not rows."""
    ranks = pl.DataFrame(
        {
            "key": ["x", "x", "x"],
            "rank": [5, 7, 7],
            "reports": [3, 1, 1],
            "document_date": [date(2023, 1, 1), date(2024, 1, 1), date(2024, 2, 1)],
        }
    )
    chosen = consensus_ranks(ranks, ["key"]).row(0, named=True)
    assert (chosen["rank"], chosen["reported"], chosen["reports"]) == (5, "5; 7", 5)


@pytest.mark.parametrize(
    ("evidence", "raw_text", "expected"),
    [
        ("đạt 98,5% & hơn", "98,5%", "đạt <mark>98,5%</mark> &amp; hơn"),
        ("<i>không</i> khớp", "xyz", "&lt;i&gt;không&lt;/i&gt; khớp"),
        (None, None, ""),
    ],
)
def test_mark_evidence_escapes_and_marks_the_raw_text(
    evidence: str | None, raw_text: str | None, expected: str
) -> None:
    assert str(mark_evidence(evidence, raw_text)) == expected


def test_quality_figures_come_from_the_gate_report() -> None:
    from warehouse.quarantine import Quarantined
    from warehouse.release_notes import Finding, QualityReport

    conflicts = pl.DataFrame(
        {
            "province_code": ["86", "15"],
            "province_regime": [63, 63],
            "edition_year": [2022, 2024],
            "pillar": ["overall", "overall"],
            "ranks_stated": ["30 (1); 31 (1)", "12 (2); 13 (1)"],
        }
    )
    report = QualityReport(
        checks=pl.DataFrame({"check": ["a", "b", "c"], "success": [True, True, False]}),
        quarantined=Quarantined("run-1", row_keys=2),  # rows, however many checks each failed
        # One row per conflict (two ranks competing for one key are one conflict), counted from the
        # finding's row count: its first rows alone are kept in Python.
        findings={"no_conflicting_ranks": Finding(2, conflicts.head(1), 'findings."no_conflicting_ranks"')},
    )
    assert quality_from_report(report) == {
        "checks_passed": 2,
        "checks_failed": 1,
        "quarantined_rows": 2,
        "conflicts": 2,
    }


def test_province_pages_list_the_latest_facts_and_point_to_the_rest(
    tmp_path: Path, tables: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    import warehouse.catalog as catalog_module

    monkeypatch.setattr(catalog_module, "PROVINCE_PAGE_ROWS", 1)
    write_catalog(tmp_path, catalog_data(tables), load_contracts(), RELEASE_ID)

    page = read(tmp_path / "provinces" / "86.html")
    assert "3 thứ hạng DTI" in page and "3 DTI ranks" in page  # the counts are of every fact
    assert "1 mục mới nhất trong tổng số 3" in page
    link = '<a href="../dti_ranks.csv" download>dti_ranks.csv</a>'
    assert f"{link} (lọc <code>province_code = '86'</code>)" in page
    assert "xếp thứ <mark>30/63</mark>" in page  # the 2022 edition, the latest
    assert ">2021<" not in page
    assert "tổng số" not in read(tmp_path / "provinces" / "22.html")  # all of its facts fit


def test_only_the_series_a_page_charts_are_read_into_the_catalog(tables: dict[str, pl.DataFrame]) -> None:
    """A page charts the indicators with results in two periods (or a result and a target), at
    most MAX_SERIES_CHARTS_PER_PAGE, most points first; the catalog reads only their points, while
    the disagreement count is over every point."""

    def series(code: str, years: int, first_year: int = 2015) -> list[dict[str, Any]]:
        points = [series_point(50.0 + i, first_year + i, values_stated=2) for i in range(years)]
        return [p | {"indicator_code": code, "fact_id": f"{code}:{p['fact_id']}"} for p in points]

    rows = [
        *series("a_pct", 6),
        *series("b_pct", 5),
        *series("c_pct", 4),
        *series("d_pct", 3),
        *series("e_pct", 3),  # as many points as d_pct: the code breaks the tie
        *series("f_pct", 1),  # a single result is no trend
    ]
    points = frame(load_contracts()["indicator_series"], rows)
    data = catalog_data(tables | {"indicator_series": points})
    charted = data.indicator_series.group_by("indicator_code").len().sort("indicator_code")
    assert MAX_SERIES_CHARTS_PER_PAGE == 4
    assert charted.rows() == [("a_pct", 6), ("b_pct", 5), ("c_pct", 4), ("d_pct", 3)]
    assert data.series_disagreements == len(rows)


def test_a_province_page_charts_its_series_with_targets_apart_and_the_series_page_explains_the_rule(
    catalog: Path,
) -> None:
    vinh_long = read(catalog / "provinces" / "86.html")
    assert 'id="series-dossier_online_pct"' in vinh_long
    assert 'src="../charts/series_86_dossier_online_pct.svg"' in vinh_long
    data = pl.read_csv(catalog / "charts" / "series_86_dossier_online_pct.csv", try_parse_dates=True)
    assert data.select("mark", "period_end", "value").rows() == [
        ("Kết quả / Result", date(2021, 12, 31), 41.3),
        ("Kết quả / Result", date(2022, 12, 31), 98.5),
        ("Chỉ tiêu / Target", date(2025, 12, 31), 100.0),
    ]
    svg = ET.parse(catalog / "charts" / "series_86_dossier_online_pct.svg").getroot()
    marks = [e.get("aria-label", "") for e in svg.iter() if e.get("aria-roledescription") == "point"]
    assert sorted(label.rsplit(": ", 1)[1] for label in marks) == [
        "Chỉ tiêu / Target",
        "Kết quả / Result",
        "Kết quả / Result",
    ]
    page = read(catalog / "indicator_series.html")
    assert "văn bản mới nhất thắng" in page and "the latest document wins" in page
    assert 'href="provinces/86.html#series-dossier_online_pct"' in page
    assert "1 điểm có bất đồng" in page  # the 2022 point, stated two ways
    assert 'href="indicator_series.html"' in read(catalog / "index.html")


def test_a_long_series_lists_its_latest_points_on_the_page_and_all_of_them_in_its_csv(
    tmp_path: Path, tables: dict[str, pl.DataFrame]
) -> None:
    years = range(2025 - SERIES_TABLE_ROWS - 5, 2025)  # a point a year, more than the page lists
    points = frame(
        load_contracts()["indicator_series"], [series_point(40.0 + i / 10, y) for i, y in enumerate(years)]
    )
    write_catalog(tmp_path, catalog_data(tables | {"indicator_series": points}), load_contracts(), RELEASE_ID)
    data = pl.read_csv(tmp_path / "charts" / "series_86_dossier_online_pct.csv", try_parse_dates=True)
    assert data.height == len(years)
    page = read(tmp_path / "provinces" / "86.html")
    figure = page.split('id="series-dossier_online_pct"', 1)[1].split("</figure>", 1)[0]
    listed = [int(year) for year in re.findall(r"<td>(\d{4})-12-31</td>", figure)]  # each row's period end
    assert listed == list(reversed(years))[:SERIES_TABLE_ROWS]  # the latest periods, newest first
    assert f"Bảng liệt kê {SERIES_TABLE_ROWS} điểm có kỳ mới nhất trong tổng số {len(years)}" in figure
    assert f"The table lists the {SERIES_TABLE_ROWS} points of the latest periods of {len(years)}" in figure


def test_a_short_series_lists_every_point(catalog: Path) -> None:
    figure = read(catalog / "provinces" / "86.html").split('id="series-dossier_online_pct"', 1)[1]
    assert figure.split("</figure>", 1)[0].count("<tr><td>") == 3
    assert "Bảng liệt kê" not in figure


def test_a_page_value_without_a_faithful_key_is_refused() -> None:
    # A frame prints shortened, so two different frames could give one key and a stale page.
    with pytest.raises(TypeError, match="DataFrame"):
        _page_key("province.html", {"rows": pl.DataFrame({"a": [1]})})
    dated = {"when": date(2025, 7, 1), "points": (1, 2.5)}
    assert _page_key("province.html", dated) == _page_key("province.html", dict(dated))
    assert _page_key("province.html", dated) != _page_key(
        "province.html", {**dated, "when": date(2025, 7, 2)}
    )
    assert _page_key("province.html", dated) != _page_key("dataset.html", dated)
