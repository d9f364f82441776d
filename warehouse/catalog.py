"""The human face of a release: static HTML catalog pages and SVG charts written next to the data.

Everything is rendered ahead of time (Jinja2 pages, Vega-Lite specs turned into SVG by vl-convert)
and every link is relative, so the release folder reads the same from `file://`, a static host or
an archive, with no JavaScript and nothing fetched from the internet. Texts come from the table
contracts, the single source of documentation; Vietnamese first, English second.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel

from expectations.contracts import Contract
from warehouse.chart_render import VI_NUMBERS, render_svg, svg_size
from warehouse.database import query_frame
from warehouse.datapackage import LICENSE
from warehouse.release_ids import release_time
from warehouse.sql import read_sql, render_sql

if TYPE_CHECKING:
    from warehouse.release_notes import QualityReport

TEMPLATES_DIR = Path(__file__).parent / "catalog_templates"
STYLESHEET = "catalog.css"
OPEN_DATA_DB = "cds_open_data.duckdb"  # same name as warehouse.publish writes; not imported to avoid a cycle
PREVIEW_ROWS = 50
# A province page lists its latest facts per table; the rest are one filter away in the release's
# files. Without a bound, pages (and the time to render them) grow with the whole archive.
PROVINCE_PAGE_ROWS = 200
FACT_TABLES = ("dti_ranks", "metrics", "officials", "legal_refs")
# The order a province page lists each fact table's rows in (catalog/latest_page_facts.sql; `f` is
# the row): the newest first; ranks by edition, the current (34) ranking before the former (63)
# one and the overall rank before the pillars; ties broken by document and position.
PAGE_ORDER = {
    "dti_ranks": "f.edition_year desc nulls last, f.province_regime, f.pillar <> 'overall', f.pillar, "
    "f.doc_id, f.span_start",
    "metrics": "f.document_date desc nulls last, f.indicator_code nulls last, f.doc_id, f.span_start",
    "officials": "f.document_date desc nulls last, f.person_name nulls last, f.doc_id, f.span_start",
    "legal_refs": "f.document_date desc nulls last, f.kind nulls last, f.number nulls last, f.doc_id, "
    "f.span_start",
}
PAGE_FACT_IDENTIFIERS = {"table": frozenset(FACT_TABLES), "page_order": frozenset(PAGE_ORDER.values())}
OTHER_TABLES = ("documents", "provinces", "indicators", "indicator_series", "corrections")
# A series chart needs a trend (results in two periods) or a result to set against a target; a
# province page shows the indicators with the most points first, so pages and rendering stay bounded.
MAX_SERIES_CHARTS_PER_PAGE = 4
# A series chart's table on its page lists its most recent points; the chart and its CSV hold them
# all. A series gains a point with every dated report, so without a bound a province page (and the
# time to write it) grows with the archive: 1.5 MB per page at 100,000 reports.
SERIES_TABLE_ROWS = 40
LEVELS: dict[str | None, tuple[str, str]] = {
    None: ("Không nêu cấp", "Level not stated"),
    "national": ("Cả nước", "National"),
    "province": ("Cấp tỉnh", "Province level"),
    "district": ("Cấp huyện", "District level"),
    "commune": ("Cấp xã", "Commune level"),
}
RESULT_MARK = "Kết quả / Result"
TARGET_MARK = "Chỉ tiêu / Target"
SERIES_CONFLICTS_FINDING = "no_conflicting_series_values"  # assert_no_conflicting_series_values.sql
MIN_INDICATOR_PROVINCES = 3  # a bar chart of fewer provinces says nothing a table would not
MAX_INDICATOR_CHARTS = 8
FONT_STACK = "system-ui, 'Segoe UI', 'Noto Sans', 'DejaVu Sans', Arial, sans-serif"
QUALITY_KEYS = ("checks_passed", "checks_failed", "quarantined_rows", "conflicts")
QUALITY_DIR = "quality"  # written by warehouse.release_notes before the catalog; linked when present
DATA_DOCS_INDEX = "data_docs/index.html"  # GX Data Docs, see expectations.data_docs
CONFLICTS_FINDING = "no_conflicting_ranks"  # expectations/checks/assert_no_conflicting_ranks.sql
PILLARS: dict[str, tuple[str, str]] = {
    "overall": ("Tổng thể", "Overall"),
    "digital_government": ("Chính quyền số", "Digital government"),
    "digital_economy": ("Kinh tế số", "Digital economy"),
    "digital_society": ("Xã hội số", "Digital society"),
    "digital_infrastructure": ("Hạ tầng số", "Digital infrastructure"),
    "awareness": ("Nhận thức số", "Awareness"),
    "institutions": ("Thể chế số", "Institutions"),
    "data": ("Dữ liệu số", "Data"),
    "activities": ("Hoạt động chuyển đổi số", "Activities"),
    "cybersecurity": ("An toàn thông tin mạng", "Cybersecurity"),
    "human_resources": ("Nhân lực số", "Human resources"),
}
# The figure's caption carries the chart's title; these sizes stay legible when scaled down.
CHART_CONFIG = {
    "font": FONT_STACK,
    "background": "white",
    "view": {"stroke": "#ccc"},
    "axis": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 14},
    "text": {"fontSize": 12},
}
# Dark enough for text on white (labels take the line's colour); repeats are told apart by label.
LINE_COLOURS = (
    "#1b5e9e",
    "#c0392b",
    "#2e7d32",
    "#6a3d9a",
    "#b35900",
    "#00838f",
    "#8e244d",
    "#5d6d1e",
    "#37474f",
    "#d81b60",
)
_HEX_ID = re.compile(r"[0-9a-f]{64}")
RENDERER = f"vl-convert-python {version('vl-convert-python')}"  # part of every chart's key


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart with the data behind it, both as files relative to the release root. The
    size comes from the SVG, which may still be rendering in another process until it is read."""

    svg: str
    csv: str
    title: str
    alt: str
    size: Future[tuple[int, int]] | tuple[int, int]
    key: str  # what shapes the SVG (see ChartFiles): stands for its size in a page's key
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]  # the rows the page's table lists
    total_rows: int  # the rows of the chart's data (its CSV)

    @property
    def width(self) -> int:
        return self._size()[0]

    @property
    def height(self) -> int:
        return self._size()[1]

    def _size(self) -> tuple[int, int]:
        return self.size.result() if isinstance(self.size, Future) else self.size


@dataclass(slots=True)
class ChartFiles:
    """Where charts go, and the charts of the previous release they may be reused from.

    A chart is keyed by the SHA-256 of everything that shapes its SVG (the Vega-Lite spec with its
    data and the renderer's version): when the previous release has a chart of the same name and
    key, its SVG is hard-linked (copied if linking fails) instead of rendered again, the step that
    dominates a catalog's cost. The same key always renders the same bytes, so a reused chart is
    what rendering it would write.
    """

    release_dir: Path
    previous: Path | None = None
    previous_keys: dict[str, str] = field(default_factory=dict)  # slug → key, previous release
    keys: dict[str, str] = field(default_factory=dict)  # slug → key, this release
    pool: Executor | None = None  # renders the SVGs in other processes when given
    pending: list[Future[tuple[int, int]]] = field(default_factory=list)

    def wait(self) -> None:
        """Every SVG on disk (a failed rendering raises here)."""
        for rendering in self.pending:
            rendering.result()


@dataclass(slots=True)
class PageFiles:
    """The pages of the previous release a catalog may reuse, as ChartFiles does for charts.

    A page is keyed by the SHA-256 of everything that shapes its HTML: its template, the templates
    and this module's code (the filters), the Jinja versions and every value it is rendered with
    (charts by their key). When the previous release has the page with the same key, it is
    hard-linked instead of rendered. Only the home page names the release, so a page whose data did
    not change is the same bytes in every release, and a reused page is what rendering would write.
    """

    previous: Path | None = None
    previous_keys: dict[str, str] = field(default_factory=dict)  # page path → key, previous release
    keys: dict[str, str] = field(default_factory=dict)  # page path → key, this release

    def reuse(self, path: str, key: str, target: Path) -> bool:
        """Record `key` for the page at `path`; link the previous release's page as `target` when it
        has the same key, and say whether it did."""
        self.keys[path] = key
        return _link_unchanged(self.previous, self.previous_keys.get(path), key, path, target)


@dataclass(frozen=True, slots=True)
class CatalogData:
    """What the pages show, read from the published tables: counts, previews, each province's
    latest facts and the few columns the charts need. Ranks come counted and series only as far
    as the pages chart them, so it holds far fewer rows than the release; what still grows with
    the archive is the points of each charted series."""

    row_counts: dict[str, int]
    previews: dict[str, pl.DataFrame]  # table → its first PREVIEW_ROWS rows
    province_pages: pl.DataFrame  # province_code, province_regime, label, page: where each province is shown
    province_totals: pl.DataFrame  # page, table_name, facts
    province_names: pl.DataFrame  # page, province_name: every name the facts give a page's provinces
    latest_facts: dict[str, pl.DataFrame]  # fact table → each province's latest PROVINCE_PAGE_ROWS rows
    dti_ranks: pl.DataFrame  # ranks counted per province, edition, pillar and stated rank (reports)
    latest_indicator_figures: pl.DataFrame  # each province's latest figure per indicator
    indicator_series: pl.DataFrame  # the points of the series the pages chart, with their page
    series_disagreements: int  # indicator_series points whose documents state different values
    provinces: pl.DataFrame
    indicators: pl.DataFrame


def read_catalog_data(con: duckdb.DuckDBPyConnection) -> CatalogData:
    """CatalogData from a connection where each published table is a relation of its name (the
    release's open-data DuckDB file, or registered frames)."""
    tables = (*FACT_TABLES, *OTHER_TABLES)  # constants: safe to format into SQL
    page_rows: dict[str, object] = {"page_rows": PROVINCE_PAGE_ROWS}
    charts: dict[str, object] = {"charts_per_page": MAX_SERIES_CHARTS_PER_PAGE}
    # A temporary view (the release file is opened read-only): the other catalog queries join it.
    con.execute("create or replace temp view province_pages as " + read_sql("catalog/province_pages.sql"))
    return CatalogData(
        row_counts={t: int(query_frame(con, f"select count(*) as n from {t}")["n"][0]) for t in tables},
        previews={t: query_frame(con, f"select * from {t} limit {PREVIEW_ROWS}") for t in tables},
        province_pages=query_frame(con, "select * from province_pages"),
        province_totals=query_frame(con, read_sql("catalog/province_totals.sql")),
        province_names=query_frame(con, read_sql("catalog/province_names.sql")),
        latest_facts={t: query_frame(con, _latest_page_facts_sql(t), page_rows) for t in FACT_TABLES},
        dti_ranks=query_frame(con, read_sql("catalog/chart_dti_ranks.sql")),
        latest_indicator_figures=query_frame(con, read_sql("catalog/latest_indicator_figures.sql")),
        indicator_series=query_frame(con, read_sql("catalog/chart_indicator_series.sql"), charts),
        series_disagreements=int(
            query_frame(con, "select count(*) as n from indicator_series where values_stated > 1")["n"][0]
        ),
        provinces=query_frame(con, "select * from provinces"),
        indicators=query_frame(con, "select * from indicators"),
    )


def _latest_page_facts_sql(table: str) -> str:
    return render_sql(
        "catalog/latest_page_facts.sql", PAGE_FACT_IDENTIFIERS, table=table, page_order=PAGE_ORDER[table]
    )


def write_catalog(
    release_dir: Path,
    data: CatalogData,
    contracts: dict[str, Contract],
    release_id: str,
    quality: dict[str, object] | None = None,
    *,
    demo: bool = False,
    charts: ChartFiles | None = None,
    pages: PageFiles | None = None,
) -> list[Path]:
    """Write the catalog pages, charts and stylesheet into `release_dir`; return the files written.
    With `demo` (a release of the bundled sample corpus), every page carries a demo-data banner.
    With `charts` (naming the previous release), unchanged charts are reused from it, and
    `charts.keys` holds every chart's key afterwards (the release manifest keeps them); `pages`
    does the same for the HTML pages.

    `quality` may hold `checks_passed`, `checks_failed`, `quarantined_rows` and `conflicts`
    (see `quality_from_report`); anything missing shows as "—".
    """
    env = _environment()
    written = [_copy_stylesheet(release_dir)]
    out = charts or ChartFiles(release_dir)
    if out.release_dir != release_dir:
        raise ValueError(f"charts are written to {out.release_dir}, not to the release {release_dir}")
    earlier = pages or PageFiles()
    common = {"licence": LICENSE, "demo": demo}
    provinces = _province_summaries(data)
    dti_chart = _dti_overall_chart(out, data.dti_ranks)
    indicator_charts = _indicator_charts(out, data.latest_indicator_figures, data.indicators)
    written += [
        release_dir / c for chart in (dti_chart, *indicator_charts) if chart for c in (chart.svg, chart.csv)
    ]
    series_by_page = {
        p["page"]: _series_charts(out, p, data.indicator_series, data.indicators) for p in provinces
    }
    series_listing = [{**s, "province": p} for p in provinces for s in series_by_page[p["page"]]]
    written += [release_dir / c for s in series_listing for c in (s["chart"].svg, s["chart"].csv)]

    def page(path: str, template: str, **context: Any) -> None:
        values = {"root": "../" * path.count("/"), **common, **context}
        target = release_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not earlier.reuse(path, _page_key(template, values), target):
            target.write_text(env.get_template(template).render(**values), encoding="utf-8")
        written.append(target)

    datasets = [
        _dataset_summary(name, contracts[name], data) for name in contracts if name in data.row_counts
    ]
    page(
        "index.html",
        "index.html",
        release_id=release_id,
        updated=_release_date(release_id),
        datasets=datasets,
        quality=_quality_items(quality),
        quality_files=sorted(p.name for p in (release_dir / QUALITY_DIR).glob("*") if p.is_file()),
        quality_dir=QUALITY_DIR,
        data_docs=f"{QUALITY_DIR}/{DATA_DOCS_INDEX}"
        if (release_dir / QUALITY_DIR / DATA_DOCS_INDEX).is_file()
        else "",
        dti_chart=dti_chart,
        province_count=len(provinces),
        indicator_chart_count=len(indicator_charts),
        series_chart_count=len(series_listing),
        open_data_db=OPEN_DATA_DB,
    )
    for dataset in datasets:
        page(f"datasets/{dataset['name']}.html", "dataset.html", dataset=dataset, open_data_db=OPEN_DATA_DB)
    page("provinces/index.html", "provinces.html", provinces=provinces)
    for province in provinces:
        chart = _pillar_chart(out, province, data.dti_ranks)
        if chart:
            written += [release_dir / chart.svg, release_dir / chart.csv]
        series = series_by_page[province["page"]]
        facts = _province_facts(data, province["page"])
        page(
            f"provinces/{province['page']}.html",
            "province.html",
            province=province,
            chart=chart,
            series=series,
            **facts,
        )
    page("indicators.html", "indicators.html", charts=indicator_charts)
    page(
        "indicator_series.html",
        "indicator_series.html",
        series=series_listing,
        points=data.row_counts.get("indicator_series", 0),
        disagreements=data.series_disagreements,
        conflicts_file=_quality_file(release_dir, SERIES_CONFLICTS_FINDING),
        max_per_page=MAX_SERIES_CHARTS_PER_PAGE,
    )
    out.wait()
    return written


def _quality_file(release_dir: Path, finding: str) -> str:
    """The release-relative path of a finding's CSV, or "" when the release has no quality report."""
    path = f"{QUALITY_DIR}/{finding}.csv"
    return path if (release_dir / path).is_file() else ""


def quality_from_report(report: QualityReport) -> dict[str, object]:
    """The catalog's quality figures from the gate's publishable report."""
    checks = report.checks
    failed = checks.filter(~pl.col("success")).height if checks.height else 0
    quality: dict[str, object] = {
        "checks_passed": checks.height - failed,
        "checks_failed": failed,
        "quarantined_rows": report.quarantined.row_keys,
    }
    if CONFLICTS_FINDING in report.findings:
        # One row per conflict (a province, regime, edition and pillar with competing ranks): the
        # count shown is the number of rows of quality/no_conflicting_ranks.csv.
        quality["conflicts"] = report.findings[CONFLICTS_FINDING].rows
    return quality


# --- pages -------------------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = _cell
    env.filters["number"] = _vi_number
    env.filters["evidence"] = mark_evidence
    env.filters["pillar"] = lambda code: " / ".join(PILLARS.get(code, (code, code)))
    return env


def _copy_stylesheet(release_dir: Path) -> Path:
    release_dir.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(TEMPLATES_DIR / STYLESHEET, release_dir / STYLESHEET))


def _release_date(release_id: str) -> str:
    """Release ids are UTC timestamps (warehouse/release_ids.py); show them as a readable date."""
    try:
        stamp = release_time(release_id)
    except ValueError:
        return release_id
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def _quality_items(quality: dict[str, object] | None) -> list[tuple[str, str, object]]:
    labels = {
        "checks_passed": ("Số kiểm tra đạt", "Checks passed"),
        "checks_failed": ("Số kiểm tra không đạt", "Checks failed"),
        "quarantined_rows": ("Số dòng bị cách ly", "Quarantined rows"),
        "conflicts": ("Số xung đột", "Conflicts"),
    }
    values = quality or {}
    return [(*labels[key], values.get(key, "—")) for key in QUALITY_KEYS]


def _dataset_summary(name: str, contract: Contract, data: CatalogData) -> dict[str, Any]:
    preview = data.previews[name]
    return {
        "name": name,
        "contract": contract,
        "rows": data.row_counts[name],
        "preview_columns": preview.columns,
        "preview_rows": preview.rows(),
    }


def mark_evidence(evidence: str | None, raw_text: str | None) -> Markup:
    """The evidence sentence, escaped, with the fact's raw text wrapped in `<mark>`.

    Offsets are relative to the whole document, which a release does not carry, so the first
    occurrence of the raw text in its sentence stands for the span.
    """
    sentence = evidence or ""
    at = sentence.find(raw_text) if raw_text else -1
    if at < 0 or not raw_text:
        return escape(sentence)
    end = at + len(raw_text)
    # One Markup built from escaped parts: concatenating Markup objects costs a copy per part, and
    # province pages hold every fact of the province.
    return Markup(f"{escape(sentence[:at])}<mark>{escape(raw_text)}</mark>{escape(sentence[end:])}")


def _cell(value: object) -> Markup:
    """A preview cell: sha256 ids shortened (full value in the tooltip), missing values empty."""
    if value is None:
        return Markup("")
    if isinstance(value, str) and _HEX_ID.fullmatch(value):
        return Markup('<abbr title="{}">{}…</abbr>').format(value, value[:10])
    if isinstance(value, float):
        return escape(f"{value:g}")
    return escape(str(value))


def _vi_number(value: float | int | None) -> str:
    """Vietnamese notation (1.234,5) for the figures shown beside Vietnamese evidence."""
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


# --- provinces ---------------------------------------------------------------------------------


def _province_summaries(data: CatalogData) -> list[dict[str, Any]]:
    """Every province page that has at least one fact: its label, GSO code, regimes, fact counts, the
    filter that selects its rows in the published tables, and the former provinces merged into it."""
    counts: dict[str, dict[str, int]] = {}
    for page, table, n in data.province_totals.drop_nulls("page").iter_rows():
        counts.setdefault(page, dict.fromkeys(FACT_TABLES, 0))[table] = n
    pages = data.province_pages.sort("province_regime")  # the current (34) province first
    summaries = []
    # By code, the current province before the former one that had its code (15 Lào Cai, 15 Yên Bái (cũ)).
    for page in sorted(counts, key=lambda p: (p.removeprefix("63-"), p.startswith("63-"))):
        rows = pages.filter(pl.col("page") == page)
        code = rows["province_code"][0] if rows.height else page
        regimes = sorted(set(rows["province_regime"].to_list()), reverse=True)
        former_province = page != code  # a merged former province's own page ("63-24")
        summaries.append(
            {
                "page": page,
                "code": code,
                "name": _display_name(page, rows, data.province_names),
                "former_province": former_province,
                "counts": counts[page],
                "former": _former_pages(data.province_pages, code, regimes, counts),
            }
        )
    return summaries


def _display_name(page: str, rows: pl.DataFrame, named_in_facts: pl.DataFrame) -> str:
    """The page's labels (one province can have two names across the merger: "Huế / Thừa Thiên
    Huế"); a page whose province is not in the provinces table takes the names its facts give."""
    known = rows["label"].to_list()
    if not known:
        known = named_in_facts.filter(pl.col("page") == page)["province_name"].to_list()
    return " / ".join(dict.fromkeys(known)) or page


def _former_pages(
    pages: pl.DataFrame, code: str, regimes: list[int], counts: dict[str, dict[str, int]]
) -> list[dict[str, str]]:
    """The former provinces a current province was formed from that have pages of their own."""
    if 34 not in regimes:
        return []
    merged = pages.filter(pl.col("page").str.starts_with("63-") & (pl.col("current_page") == code))
    return [
        {"page": page, "label": label}
        for page, label in merged.sort("label").select("page", "label").iter_rows()
        if page in counts
    ]


def _province_facts(data: CatalogData, page: str) -> dict[str, Any]:
    """A province page's latest facts per table (chosen and numbered in SQL) and its totals."""
    totals = dict.fromkeys(FACT_TABLES, 0) | {
        table: n for _, table, n in data.province_totals.filter(pl.col("page") == page).iter_rows()
    }

    def rows(table: str) -> list[dict[str, Any]]:
        facts = data.latest_facts[table].filter(pl.col("page") == page)
        return facts.sort("page_order").to_dicts()

    labels = dict(data.indicators.select("indicator_code", "label_vi").iter_rows())
    metrics = rows("metrics")
    for metric in metrics:
        metric["indicator_label"] = labels.get(metric["indicator_code"])
    return {
        "ranks": rows("dti_ranks"),
        "metrics": metrics,
        "officials": rows("officials"),
        "legal_refs": rows("legal_refs"),
        "totals": totals,
    }


# --- charts ------------------------------------------------------------------------------------


def consensus_ranks(ranks: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """One rank per key for charting, because reports disagree: the value most documents state,
    then the latest stated, then the best. Every stated value stays visible in `reported`.
    `ranks` holds stated ranks with how many reports state each (reports) and their latest date."""
    votes = ranks.group_by([*keys, "rank"]).agg(
        pl.col("reports").sum().alias("votes"), pl.col("document_date").max().alias("latest")
    )
    chosen = votes.sort(["votes", "latest", "rank"], descending=[True, True, False], nulls_last=True).unique(
        list(keys), keep="first", maintain_order=True
    )
    reported = ranks.group_by(list(keys)).agg(
        pl.col("rank").unique().sort().cast(pl.String).str.join("; ").alias("reported"),
        pl.col("reports").sum(),
    )
    return chosen.join(reported, on=list(keys)).drop("votes", "latest").sort(list(keys))


def _dti_overall_chart(out: ChartFiles, dti: pl.DataFrame) -> Chart | None:
    """Overall rank over editions, one labelled line per province ranked in two editions or more
    of one ranking (a single rank is no trend, and fewer lines stay tellable apart); one panel per
    ranking, because ranks among the 63 former provinces and among the 34 merged ones are not on one
    scale, and a code names a different province in each (15: Yên Bái (cũ), Lào Cai)."""
    series = ["province_code", "province_regime"]
    overall = dti.filter((pl.col("pillar") == "overall") & pl.col("province_regime").is_not_null())
    ranked = consensus_ranks(overall, [*series, "edition_year"])
    lines = ranked.filter(pl.col("edition_year").n_unique().over(series) >= 2)
    if lines.is_empty():
        return None
    labels = overall.select(
        *series,
        pl.coalesce("label", "province_name", "province_code").alias("province"),
        pl.col("province_regime").alias("out_of"),
    ).unique(series)
    points = (
        lines.join(labels, on=series)
        .with_columns((pl.col("edition_year") == pl.col("edition_year").max().over(series)).alias("last"))
        .sort("province", "edition_year")
    )
    panels = [
        _rank_panel(points.filter(pl.col("out_of") == n), n)
        for n in sorted(points["out_of"].unique(), reverse=True)
    ]
    first, last = int(points["edition_year"].min()), int(points["edition_year"].max())  # type: ignore[arg-type]
    alt = (
        f"Biểu đồ đường: thứ hạng DTI tổng thể của {points['province'].n_unique()} tỉnh, thành phố "
        f"qua các kỳ {first}–{last}; trục tung đảo ngược, hạng 1 (tốt nhất) ở trên cùng. "
        "Overall DTI rank by province and edition, best at the top; the data is in the table below."
    )
    data = points.select(
        "province",
        "province_code",
        "province_regime",
        "edition_year",
        "rank",
        "out_of",
        "reported",
        "reports",
    )
    title = "Thứ hạng DTI tổng thể / Overall DTI rank"
    return _render(out, "dti_overall", {"hconcat": panels}, data, title, alt)


def _rank_panel(points: pl.DataFrame, out_of: int) -> dict[str, Any]:
    colour = {"field": "province", "type": "nominal", "legend": None, "scale": {"range": list(LINE_COLOURS)}}
    return {
        "title": f"Hạng trên {out_of} tỉnh / Rank out of {out_of}",
        "width": 60 * points["edition_year"].n_unique() + 120,
        "height": 360,
        "data": {"values": _records(points)},
        "encoding": {
            "x": {
                "field": "edition_year",
                "type": "ordinal",
                "title": "Kỳ DTI (năm dữ liệu) / Edition",
                "axis": {"labelAngle": 0},
            },
            "y": {
                "field": "rank",
                "type": "quantitative",
                "title": "Hạng (1 = tốt nhất) / Rank (1 = best)",
                "scale": {"domain": [1, out_of], "reverse": True, "nice": False},
                "axis": {
                    "values": [1, 10, 20, 30, 40, 50, 60] if out_of > 34 else [1, 5, 10, 15, 20, 25, 30]
                },
            },
            "color": colour,
        },
        "layer": [
            {"mark": {"type": "line", "point": {"size": 45}, "strokeWidth": 2}},
            {
                "transform": [{"filter": "datum.last"}],
                "mark": {"type": "text", "align": "left", "dx": 7, "fontSize": 11},
                "encoding": {"text": {"field": "province"}},
            },
        ],
    }


def _pillar_chart(out: ChartFiles, province: dict[str, Any], dti: pl.DataFrame) -> Chart | None:
    """The pillar ranks of a province page's latest ranking (edition, and table of 63 or 34) that
    states more than one pillar; the axis is out of that table's number of provinces."""
    page = province["page"]
    ranks = dti.filter(
        (pl.col("page") == page)
        & pl.col("edition_year").is_not_null()
        & pl.col("province_regime").is_not_null()
    )
    rankings = (
        ranks.group_by("edition_year", "province_regime")
        .agg(pl.col("pillar").n_unique().alias("pillars"))
        .filter(pl.col("pillars") > 1)
        # the latest edition; ranked both ways, the ranking with more pillars, then the current one
        .sort(["edition_year", "pillars", "province_regime"], descending=[True, True, False])
    )
    if rankings.is_empty():
        return None
    edition, out_of = (int(v) for v in rankings.row(0)[:2])
    latest = ranks.filter((pl.col("edition_year") == edition) & (pl.col("province_regime") == out_of))
    points = consensus_ranks(latest, ["pillar"]).with_columns(
        pl.col("pillar")
        .replace_strict({k: f"{vi} / {en}" for k, (vi, en) in PILLARS.items()}, default=pl.col("pillar"))
        .alias("label")
    )
    spec = _pillar_spec(points, edition, out_of)
    alt = (
        f"Biểu đồ cột: thứ hạng {points.height} trụ cột DTI năm {edition} của {province['name']} "
        f"(mã {province['code']}, trên {out_of} tỉnh; cột ngắn hơn là tốt hơn). "
        f"Pillar ranks for edition {edition} out of {out_of} provinces; shorter bars are better; "
        "the data is in the table below."
    )
    data = points.select("pillar", "label", "rank", "reported", "reports").with_columns(
        pl.lit(edition).alias("edition_year"), pl.lit(out_of).alias("out_of")
    )
    title = (
        f"Hồ sơ trụ cột DTI {edition} (trên {out_of} tỉnh) / DTI pillar profile {edition} (out of {out_of})"
    )
    return _render(out, f"pillars_{page}", spec, data, title, alt)


def _pillar_spec(points: pl.DataFrame, edition: int, out_of: int) -> dict[str, Any]:
    y = {
        "field": "label",
        "type": "nominal",
        "title": None,
        "sort": list(points.sort("rank")["label"]),
        "axis": {"labelLimit": 320},
    }
    x = {
        "field": "rank",
        "type": "quantitative",
        "title": f"Hạng trên {out_of} (1 = tốt nhất) / Rank out of {out_of} (1 = best)",
        "scale": {"domain": [0, out_of]},
    }
    return {
        "width": 480,
        "data": {"values": _records(points)},
        "encoding": {"y": y, "x": x},
        "layer": [
            {"mark": {"type": "bar", "color": "#2b6cb0"}},
            {"mark": {"type": "text", "align": "left", "dx": 4}, "encoding": {"text": {"field": "rank"}}},
        ],
    }


def _indicator_charts(out: ChartFiles, metrics: pl.DataFrame, indicators: pl.DataFrame) -> list[Chart]:
    """A bar chart per indicator reported by enough provinces: each province's latest figure."""
    coded = metrics.filter(pl.col("indicator_code").is_not_null() & pl.col("province_code").is_not_null())
    reach = coded.group_by("indicator_code").agg(pl.col("page").n_unique().alias("provinces"))
    chosen = (
        reach.filter(pl.col("provinces") >= MIN_INDICATOR_PROVINCES)
        .sort(["provinces", "indicator_code"], descending=[True, False])["indicator_code"]
        .head(MAX_INDICATOR_CHARTS)
    )
    labels = {row["indicator_code"]: row for row in indicators.to_dicts()}
    return [
        _indicator_chart(out, code, coded.filter(pl.col("indicator_code") == code), labels.get(code))
        for code in chosen
    ]


def _indicator_chart(out: ChartFiles, code: str, facts: pl.DataFrame, label: dict[str, Any] | None) -> Chart:
    latest = facts.sort(["document_date", "value"], descending=True, nulls_last=True).unique(
        "page", keep="first", maintain_order=True
    )
    data = latest.select(
        # Labels no two provinces share: "Bắc Ninh (cũ)" (code 27, until the merger) is not "Bắc Ninh" (24).
        pl.coalesce("label", "province_name", "province_code").alias("province"),
        "province_code",
        "province_regime",
        "value",
        "unit",
        "document_date",
        "source_path",
    ).sort("value", descending=True)
    vi, en, unit = (label["label_vi"], label["label_en"], label["unit"]) if label else (code, code, "")
    spec = {
        "width": 480,
        "data": {"values": _records(data)},
        "encoding": {
            "y": {
                "field": "province",
                "type": "nominal",
                "title": None,
                "sort": "-x",
                "axis": {"labelLimit": 240},
            },
            "x": {"field": "value", "type": "quantitative", "title": f"{vi} ({unit})"},
        },
        "layer": [
            {"mark": {"type": "bar", "color": "#2f855a"}},
            {
                "mark": {"type": "text", "align": "left", "dx": 4},
                "encoding": {"text": {"field": "value", "format": ","}},
            },
        ],
    }
    alt = (
        f"Biểu đồ cột: {vi} ({unit}) theo tỉnh, số liệu mới nhất của {data.height} tỉnh. "
        f"{en} by province, latest figure of {data.height} provinces; the data is in the table below."
    )
    return _render(out, f"indicator_{code}", spec, data, f"{vi} / {en}", alt)


def _series_charts(
    out: ChartFiles, province: dict[str, Any], series: pl.DataFrame, indicators: pl.DataFrame
) -> list[dict[str, Any]]:
    """A province page's indicator series charts: results over time as a line per level of
    government, targets as hollow diamonds at their deadline, never joined to the results, those
    with the most points first. Which indicators a page charts (results in two periods, or a
    result and a target; at most MAX_SERIES_CHARTS_PER_PAGE) is chosen where the points are read
    (catalog/chart_indicator_series.sql); the rest is in indicator_series."""
    points = series.filter(pl.col("page") == province["page"])
    if points.is_empty():
        return []
    reach = (
        points.group_by("indicator_code")
        .agg(
            pl.len().alias("points"),
            (~pl.col("is_target")).sum().alias("results"),
            pl.col("is_target").sum().alias("targets"),
            (pl.col("values_stated") > 1).sum().alias("disagreements"),
        )
        .sort(["points", "indicator_code"], descending=[True, False])
    )
    labels = {row["indicator_code"]: row for row in indicators.to_dicts()}
    return [
        {
            "indicator_code": code,
            "label": labels.get(code, {}).get("label_vi", code),
            "points": n,
            "results": results,
            "targets": targets,
            "disagreements": disagreements,
            "chart": _series_chart(
                out, province, code, points.filter(pl.col("indicator_code") == code), labels.get(code)
            ),
        }
        for code, n, results, targets, disagreements in reach.iter_rows()
    ]


def _series_chart(
    out: ChartFiles, province: dict[str, Any], code: str, points: pl.DataFrame, label: dict[str, Any] | None
) -> Chart:
    level_names = {k: f"{vi} / {en}" for k, (vi, en) in LEVELS.items()}
    data = points.sort("is_target", "admin_level", "period_end", nulls_last=False).select(
        pl.col("label").alias("province"),
        "province_code",
        "province_regime",
        "indicator_code",
        pl.col("admin_level")
        .replace_strict(level_names, default=pl.col("admin_level"), return_dtype=pl.String)
        .fill_null(level_names[None])
        .alias("level"),
        pl.when(pl.col("is_target")).then(pl.lit(TARGET_MARK)).otherwise(pl.lit(RESULT_MARK)).alias("mark"),
        "is_target",
        "period_start",
        "period_end",
        # Drawn at the middle of its period, so a year's figure sits inside that year on the axis.
        (pl.col("period_start") + (pl.col("period_end") - pl.col("period_start")) / 2).alias("period_mid"),
        "target_year",
        "value",
        "unit",
        "documents",
        "values_stated",
        "source_path",
    )
    vi, en, unit = (label["label_vi"], label["label_en"], label["unit"]) if label else (code, code, "")
    x = {
        "field": "period_mid",
        "type": "temporal",
        "title": "Kỳ (chỉ tiêu: năm hạn) / Period (targets: deadline year)",
        "axis": {"format": "%Y", "tickCount": {"interval": "year", "step": 1}},
    }
    y = {"field": "value", "type": "quantitative", "title": f"{vi} ({unit})", "scale": {"zero": True}}
    colour = {
        "field": "level",
        "type": "nominal",
        "title": "Cấp / Level",
        "scale": {"range": list(LINE_COLOURS)},
        "legend": {"labelLimit": 280},
    }
    shape = {
        "field": "mark",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [RESULT_MARK, TARGET_MARK], "range": ["circle", "diamond"]},
    }
    spec = {
        "width": 420,
        "height": 240,
        "data": {"values": _records(data)},
        "encoding": {"x": x, "y": y, "color": colour},
        "layer": [
            {
                "transform": [{"filter": "!datum.is_target"}],
                "mark": {"type": "line", "strokeWidth": 2, "point": {"filled": True, "size": 50}},
                "encoding": {"shape": shape},
            },
            {
                "transform": [{"filter": "datum.is_target"}],
                "mark": {"type": "point", "filled": False, "size": 170, "strokeWidth": 2},
                "encoding": {"shape": shape},
            },
            {
                "transform": [
                    {"filter": "datum.is_target"},
                    {"calculate": "'→ ' + year(datum.period_end)", "as": "deadline"},
                ],
                "mark": {"type": "text", "dy": -14, "fontSize": 11},
                "encoding": {"text": {"field": "deadline"}},
            },
        ],
    }
    results = data.filter(~pl.col("is_target"))
    targets = data.filter(pl.col("is_target"))
    alt = (
        f"Biểu đồ đường: {vi} ({unit}) của {province['name']}, {results.height} kết quả "
        f"và {targets.height} chỉ tiêu; kết quả nối bằng đường, chỉ tiêu là hình thoi rỗng tại năm hạn, "
        f"không nối với kết quả. {en} for {province['name']}: {results.height} results as a line, "
        f"{targets.height} targets as hollow diamonds at their deadline; the data is in the table below "
        "and in its CSV file."
    )
    title = f"{vi} — {province['name']} / {en}"
    listed = data.sort("period_end", descending=True, nulls_last=True, maintain_order=True).head(
        SERIES_TABLE_ROWS
    )
    return _render(out, f"series_{province['page']}_{code}", spec, data, title, alt, listed=listed)


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()} for row in frame.to_dicts()
    ]


def _render(
    out: ChartFiles,
    slug: str,
    spec: dict[str, Any],
    data: pl.DataFrame,
    title: str,
    alt: str,
    *,
    listed: pl.DataFrame | None = None,
) -> Chart:
    """Render a Vega-Lite spec to SVG offline (in `out.pool` when given; or reuse the previous
    release's SVG of the same key) and write it with its data as CSV under charts/. The page's
    table lists `listed` (some of the data's rows), or all of them."""
    full_spec = {**spec, "config": CHART_CONFIG}
    key = _chart_key(full_spec)
    folder = out.release_dir / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{slug}.svg"
    if _link_unchanged(out.previous, out.previous_keys.get(slug), key, f"charts/{slug}.svg", target):
        size: Future[tuple[int, int]] | tuple[int, int] = svg_size(target.read_text(encoding="utf-8"))
    elif out.pool is not None:
        size = out.pool.submit(render_svg, full_spec, str(target))
        out.pending.append(size)
    else:
        size = render_svg(full_spec, str(target))
    out.keys[slug] = key
    data.write_csv(folder / f"{slug}.csv")
    return Chart(
        svg=f"charts/{slug}.svg",
        csv=f"charts/{slug}.csv",
        title=title,
        alt=alt,
        size=size,
        key=key,
        headers=tuple(data.columns),
        rows=tuple((data if listed is None else listed).rows()),
        total_rows=data.height,
    )


def _page_key(template: str, values: dict[str, Any]) -> str:
    """What shapes a page's HTML: its template, the catalog's code and templates, and its values."""
    text = json.dumps(
        [template, _catalog_code_digest(), values], sort_keys=True, ensure_ascii=False, default=_key_value
    )
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def _catalog_code_digest() -> str:
    """The templates, this module (its filters format what pages show) and the Jinja versions."""
    digest = hashlib.sha256(f"jinja2 {version('jinja2')} markupsafe {version('markupsafe')}".encode())
    for path in (Path(__file__), *sorted(TEMPLATES_DIR.iterdir())):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _key_value(value: object) -> object:
    """A page value JSON cannot write, as what it shows. Anything else is refused rather than
    written by a `str` that could make two different pages look equal (a frame's shortened print)."""
    if isinstance(value, Chart):
        shown = (value.svg, value.csv, value.title, value.alt, value.headers, value.rows, value.total_rows)
        return [*shown, value.key]
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")  # a table's contract: every field
    raise TypeError(f"a catalog page value of type {type(value).__name__} has no key")


def _chart_key(spec: dict[str, Any]) -> str:
    """What shapes a chart's SVG: its full spec (data included), the locale and the renderer."""
    text = json.dumps([spec, VI_NUMBERS, RENDERER], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _link_unchanged(previous: Path | None, old_key: str | None, key: str, source: str, target: Path) -> bool:
    """Link the previous release's file `source` (relative to it) as `target` when the key it had
    there (`old_key`) is `key`; False, with nothing written, otherwise or when it is gone."""
    return previous is not None and old_key == key and _link(previous / source, target)


def _link(source: Path, target: Path) -> bool:
    """Hard-link `source` as `target` (a copy where links are not possible); False if it is gone."""
    if not source.is_file():
        return False
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return True
