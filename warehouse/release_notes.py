"""What a release says about itself: the changelog against the previous release and the quality
report of the gate that let it through."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from expectations.data_docs import DATA_DOCS_DIR, write_data_docs
from warehouse.database import query_frame, query_row
from warehouse.quarantine import Quarantined
from warehouse.sql import CSV_COPY_OPTIONS, read_sql, sql_literal

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuiteValidationResult

CHANGELOG = "CHANGELOG.md"
QUALITY_DIR = "quality"


@dataclass(frozen=True, slots=True)
class Finding:
    """What one singular check found: how many rows, the first of them (for messages and samples),
    and the warehouse table holding them all, which a release copies to its quality folder with
    DuckDB. The rows stay out of Python: at a million reports the series conflicts alone are
    millions of rows, and the gate's result is kept until the release is written."""

    rows: int
    head: pl.DataFrame
    table: str  # `findings."<check>"`, replaced by the next gate


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The gate's outcome in publishable form: check rows, quarantined rows, named findings, and
    GX's validation result per published table (rendered as Data Docs)."""

    checks: pl.DataFrame
    quarantined: Quarantined
    findings: dict[str, Finding] = field(default_factory=dict)
    summary: str = ""
    validations: dict[str, ExpectationSuiteValidationResult] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        failed = self.checks.filter(~pl.col("success")) if self.checks.height else self.checks
        return {
            "checks": self.checks.height,
            "checks_failed": failed.height,
            "rows_quarantined": self.quarantined.rows,
            **{f"{name}_rows": finding.rows for name, finding in self.findings.items()},
        }


def write_quality_report(con: duckdb.DuckDBPyConnection, folder: Path, report: QualityReport) -> None:
    """quality/report.json (summary and counts), checks.csv, quarantine.csv and one CSV per finding
    (both copied by DuckDB from the warehouse), and the GX Data Docs of the gate's validation
    results in quality/data_docs/."""
    target = folder / QUALITY_DIR
    target.mkdir()
    report.checks.write_csv(target / "checks.csv")
    quarantined = report.quarantined
    _copy_rows(
        con,
        read_sql("load/select_quarantined_rows.sql"),
        {"run_id": quarantined.run_id},
        target / "quarantine.csv",
        quarantined.rows,
        f"quarantine.rows of run {quarantined.run_id!r}",
    )
    for name, finding in report.findings.items():
        _copy_rows(
            con, f"select * from {finding.table}", {}, target / f"{name}.csv", finding.rows, finding.table
        )
    body = {"summary": report.summary, "counts": report.counts()}
    (target / "report.json").write_text(
        json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    if report.validations:
        write_data_docs(target / DATA_DOCS_DIR, report.validations)


def _copy_rows(
    con: duckdb.DuckDBPyConnection,
    query: str,
    values: dict[str, object],
    path: Path,
    expected: int,
    source: str,
) -> None:
    """The rows of `query` as CSV; a count other than the gate's means another gate has replaced
    them since, and the release would describe a different state than the one that passed."""
    copied = int(query_row(con, f"copy ({query}) to {sql_literal(str(path))} {CSV_COPY_OPTIONS}", values)[0])
    if copied != expected:
        raise RuntimeError(
            f"{source} holds {copied} rows where the gate found {expected}: "
            "another gate ran since this one; run the pipeline again"
        )


def changelog_entry(
    con: duckdb.DuckDBPyConnection,
    release_id: str,
    folder: Path,
    counts: dict[str, int],
    keys: dict[str, list[str]],
    previous: Path | None,
    *,
    unchanged: Collection[str] = (),
) -> str:
    """Rows added and removed per table against the previous release, by each table's key,
    compared between the two releases' Parquet files by DuckDB (on a cursor of the warehouse
    connection `con`: under its memory limit); `unchanged` tables (files equal to the previous
    release's) add and remove nothing, without reading them."""
    lines = [f"## {release_id}", "", "| table | rows | added | removed |", "|---|---:|---:|---:|"]
    with con.cursor() as db:
        for name, rows in counts.items():
            before = previous / f"{name}.parquet" if previous else None
            if before is None or not before.exists():
                added, removed = rows, 0
            elif name in unchanged:
                added, removed = 0, 0
            else:
                added, removed = _diff(db, folder / f"{name}.parquet", before, keys[name])
            lines.append(f"| {name} | {rows} | {added} | {removed} |")
        lines += _correction_lines(db, folder, previous)
    return "\n".join(lines) + "\n"


FIRST_CORRECTIONS = """
select * from read_parquet($now) where status = 'applied' order by corrected_on, correction_id
"""
WITHDRAWN_CORRECTIONS = """
select * from read_parquet($before)
where status = 'applied'
  and correction_id not in (select correction_id from read_parquet($now) where status = 'applied')
order by corrected_on, correction_id
"""
CORRECTION_CHANGES = """
select c.* from read_parquet($now) as c
where c.status = 'applied'
  and c.correction_id not in (
      select correction_id from read_parquet($before)
      where status = 'applied' and (action, coalesce(fields, ''), reason)
          = (c.action, coalesce(c.fields, ''), c.reason)
  )
order by c.corrected_on, c.correction_id
"""


def _correction_lines(db: duckdb.DuckDBPyConnection, folder: Path, previous: Path | None) -> list[str]:
    """Each correction applied since the previous release (new, or with a new action, fields or
    reason), and each one withdrawn, with its reason: what a reader needs to trust the change."""
    now = folder / "corrections.parquet"
    before = previous / "corrections.parquet" if previous else None
    if not now.exists():
        return []
    if before is None or not before.exists():
        applied = query_frame(db, FIRST_CORRECTIONS, {"now": str(now)})
        withdrawn = pl.DataFrame()
    else:
        files: dict[str, object] = {"now": str(now), "before": str(before)}
        applied = query_frame(db, CORRECTION_CHANGES, files)
        withdrawn = query_frame(db, WITHDRAWN_CORRECTIONS, files)
    lines: list[str] = []
    if applied.height:
        lines += ["", "Corrections applied:", ""]
        lines += [f"- {describe_correction(row)}" for row in applied.iter_rows(named=True)]
    if withdrawn.height:
        lines += ["", "Corrections withdrawn (their facts are published as extracted again):", ""]
        lines += [f"- {describe_correction(row)}" for row in withdrawn.iter_rows(named=True)]
    return lines


def describe_correction(row: dict[str, Any]) -> str:
    """One line a reader understands: what was done to which fact of which document, and why."""
    source = f"`{row['source_path'] or row['doc_id'][:12]}`"
    if row["action"] == "retract":
        target = f"document {source} and all its facts"
    else:
        span = f", characters {row['span_start']}–{row['span_end']}" if row["span_start"] is not None else ""
        value = f" {row['value']}" if row["value"] is not None else ""
        target = f"{row['fact_type']}{value} in {source}{span}"
    change = f": {row['fields']}" if row["fields"] and row["action"] in ("set", "add") else ""
    return (
        f"`{row['correction_id']}` **{row['action']}** {target}{change} — {row['reason']} "
        f"({row['author']}, {row['corrected_on']})"
    )


def write_changelog(folder: Path, entry: str, previous: Path | None) -> None:
    """The new entry on top of the previous release's changelog."""
    history = (
        (previous / CHANGELOG).read_text(encoding="utf-8")
        if previous and (previous / CHANGELOG).exists()
        else ""
    )
    history = history.removeprefix("# Changelog\n\n")
    (folder / CHANGELOG).write_text(f"# Changelog\n\n{entry}\n{history}", encoding="utf-8")


def _diff(db: duckdb.DuckDBPyConnection, now: Path, before: Path, key: list[str]) -> tuple[int, int]:
    """(keys only in `now`, keys only in `before`); the key columns come from the table contract."""
    columns = ", ".join(f'"{column}"' for column in key)
    query = (
        f"select count(*) from (select distinct {columns} from read_parquet($a) "
        f"except select distinct {columns} from read_parquet($b))"
    )
    added = db.execute(query, {"a": str(now), "b": str(before)}).fetchall()[0][0]
    removed = db.execute(query, {"a": str(before), "b": str(now)}).fetchall()[0][0]
    return int(added), int(removed)


def json_text(document: dict[str, Any]) -> str:
    """Release JSON files (data package, manifest): UTF-8 text, readable, newline-terminated."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
