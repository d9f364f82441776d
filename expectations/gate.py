"""The quality gate: write, audit, then publish.

1. Row level: every staged row is checked against its contract's row rules (ranges, accepted
   values, "rank ≤ out_of", "evidence contains the text at the span"…) in SQL; rows failing an
   error rule are moved to quarantine with the rule and reason, and left out of the release.
2. Table level: the state that would be published (schema `audit`) is validated with Great
   Expectations suites compiled from the same contracts (schema, keys, not-null, references, and
   the row rules again), and the singular checks in `expectations/checks/assert_<rule>.sql` run
   as plain SQL (conflicts, reconciliation with official results, quarantine share, row-count
   drop, freshness).

GX has no Polars or DuckDB engine that works here, so each table is read from DuckDB with every
check computed as a boolean column, and validated as Arrow-backed pandas frames. GX sees the rows
that are new in this run (rows of staged documents, rows a correction touches, and every row of the
small tables without documents) and every row that fails a check: DuckDB computes the checks over
the whole table (keys unique, references, row rules) and hands over only those rows, so GX gives
the verdicts and failing-row counts of the whole table while a nightly run's gate costs what its
new rows cost in Python. A full build (every row new) is validated in chunks of GATE_CHUNK_ROWS,
so the gate's memory does not grow with the archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from expectations.contracts import Contract, RowRule, load_contracts
from expectations.gx_context import quiet_context
from warehouse.database import insertion_order_off, query_columns, query_frame, query_row
from warehouse.publish import (
    STAGED_DOCUMENTS,
    published_query,
    published_table_query,
)
from warehouse.quarantine import Quarantined, quarantine_rows, quarantined_in_run
from warehouse.release_notes import Finding, QualityReport
from warehouse.sql import sql_literal

if TYPE_CHECKING:
    import great_expectations as gx
    from great_expectations.core import ExpectationSuiteValidationResult

CHECK_PREFIX = "check__"
# Published table named in a contract relationship → the warehouse relation holding its keys.
REFERENCED_RELATIONS = {
    "provinces": "dim_province",
    "documents": "dim_document",
    "indicators": "dim_indicator",
    "metrics": "fact_metric",
}
CHECKS_DIR = Path(__file__).parent / "checks"
# Rows per frame GX validates at once: a full build's tables go through GX in chunks this long.
GATE_CHUNK_ROWS = 250_000
# Published tables that are views over other views, whose checks are computed once into a narrow
# temporary table (keys, referencing columns, a boolean per row check) before GX's row feed reads
# them: the feed's uniqueness window over the series view, computed in the same query, ran out of
# memory under a 1 GB limit at a million reports, and so did a temporary copy of the whole series
# (every column, the evidence texts too) on a nightly run at a million reports.
MATERIALISED = frozenset({"indicator_series"})
# First rows of a singular check's finding kept with the gate's result (messages, `cds validate`).
FINDING_HEAD_ROWS = 10
_SEVERITY = re.compile(r"^--\s*severity:\s*(error|warn)\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class GateParams:
    run_id: str
    max_quarantine_share: float = 0.10
    max_row_drop: float = 0.15
    freshness_days: int = 365


@dataclass(frozen=True, slots=True)
class CheckResult:
    table: str
    check: str
    severity: str
    success: bool
    failing_rows: int
    detail: str
    quarantined_rows: int = 0

    @property
    def status(self) -> str:
        if not self.success:
            return "fail" if self.severity == "error" else "warn"
        return "quarantined" if self.quarantined_rows else "pass"


@dataclass(frozen=True, slots=True)
class GateResult:
    checks: tuple[CheckResult, ...]
    quarantined: Quarantined = field(default_factory=Quarantined)
    findings: dict[str, Finding] = field(default_factory=dict)  # singular check name → its failing rows
    # Published table → GX's own result of its suite, kept whole for the release's Data Docs.
    validations: dict[str, ExpectationSuiteValidationResult] = field(default_factory=dict)
    # Published table → rows GX validated (new or changed rows, and rows failing a check).
    validated_rows: dict[str, int] = field(default_factory=dict)

    @property
    def blocking_failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.success and c.severity == "error")

    @property
    def passed(self) -> bool:
        return not self.blocking_failures

    def report(self) -> QualityReport:
        """The publishable form of this result (quality/ folder of a release)."""
        rows = [
            {
                "table": c.table,
                "check": c.check,
                "severity": c.severity,
                "status": c.status,
                "success": c.success,
                "failing_rows": c.failing_rows,
                "quarantined_rows": c.quarantined_rows,
                "detail": c.detail,
            }
            for c in self.checks
        ]
        return QualityReport(
            pl.DataFrame(rows), self.quarantined, self.findings, self.summary(), self.validations
        )

    def summary(self) -> str:
        failed = [f"{c.table}.{c.check} ({c.failing_rows} rows)" for c in self.blocking_failures]
        quarantined = self.quarantined.row_keys
        tail = f"; {quarantined} rows quarantined" if quarantined else ""
        if not failed:
            return f"all {len(self.checks)} blocking checks passed{tail}"
        return f"{len(failed)} of {len(self.checks)} checks failed: " + ", ".join(failed) + tail


def run_gate(con: duckdb.DuckDBPyConnection, params: GateParams) -> GateResult:
    """Quarantine failing staged rows, then validate what would be published."""
    contracts = load_contracts()
    with ThreadPoolExecutor(1) as background:
        # Importing GX costs seconds: it happens while DuckDB finds the rows to quarantine.
        context_ready = background.submit(quiet_context)
        quarantine_rows(con, _failing_staged_rows(con, contracts), params.run_id)
        quarantined = quarantined_in_run(con, params.run_id)
        context = context_ready.result()
    # One after the other, not side by side: both ask DuckDB for whole-table scans under the
    # warehouse's one memory limit, and at a million reports each needs most of it.
    validations, validated = _validate_tables(con, contracts, context, params.run_id)
    singular, findings = _run_singular_checks(con, params)
    checks = [
        _with_duplicates(
            con, contracts[name], _with_quarantine_counts(_to_check_result(name, result), quarantined)
        )
        for name, outcome in validations.items()
        for result in outcome.results
    ]
    return GateResult(tuple(checks + singular), quarantined, findings, validations, validated)


def _validate_tables(
    con: duckdb.DuckDBPyConnection, contracts: dict[str, Contract], context: Any, run_id: str
) -> tuple[dict[str, ExpectationSuiteValidationResult], dict[str, int]]:
    """GX's result per table, over its new rows and its failing rows, a bounded chunk at a time."""
    run = _run_identifier(run_id)
    validations, validated = {}, {}
    for name, contract in contracts.items():
        suite = build_suite(contract)
        outcomes, rows = [], 0
        feed = _batch_feed(context, contract)
        for chunk in _rows_to_validate(con, contract):
            outcomes.append(_validate(feed, chunk, suite, run))
            rows += chunk.height
        validations[name] = merge_outcomes(outcomes)
        validated[name] = rows
    return validations, validated


def _rows_to_validate(con: duckdb.DuckDBPyConnection, contract: Contract) -> Iterator[pl.DataFrame]:
    """The rows of a published table GX validates, as GX sees them (the boolean result of every
    check; the table's own columns keep their names for the schema check, without their values),
    in chunks of at most GATE_CHUNK_ROWS; at least one (maybe empty) chunk."""
    checks = _check_columns(contract)
    failing = " and ".join(f'"{name}"' for name in checks)
    with _checked_rows(con, contract, checks) as checked:
        selected = f"select * exclude (cds_new_row) from ({checked}) where cds_new_row or not ({failing})"
        reader = con.sql(selected).to_arrow_reader(GATE_CHUNK_ROWS)
        empty = True
        for batch in reader:
            empty = False
            yield pl.DataFrame(pl.from_arrow(batch))
        if empty:
            yield pl.DataFrame(pl.from_arrow(reader.schema.empty_table()))


@contextmanager
def _checked_rows(
    con: duckdb.DuckDBPyConnection, contract: Contract, checks: dict[str, str]
) -> Iterator[str]:
    """SQL of the audit table's rows as GX sees them, with the `cds_new_row` flag. A MATERIALISED
    table's row checks are first computed into a temporary table with its keys and references, read
    by the query that adds the uniqueness windows and reference lookups, and dropped once its rows
    are validated."""
    if contract.table not in MATERIALISED:
        yield published_table_query(
            con, contract.table, "audit", checks, values_of=set(), hidden=_new_rows(contract), ordered=False
        )
        return
    table = f"{contract.table}_checked"  # a published table's name (the contract's), not input
    # Computed in the second query, over the temporary table: the windows need every row, and the
    # references look up only the keys the rows name.
    later = _unique_columns(contract) | _relationship_columns(contract, within=f"temp.{table}")
    named = {column for columns in _unique_keys(contract).values() for column in columns}
    named |= {c.name for c in contract.columns if c.relationship}
    first = [f'({sql}) as "{name}"' for name, sql in checks.items() if name not in later]
    query = published_query(contract.table, "audit", ordered=False)
    with insertion_order_off(con):  # GX's verdicts do not depend on the rows' order
        con.execute(
            f"create or replace temp table {table} as select {', '.join(sorted(named) + first)}, "
            f"({_new_rows(contract)}) as cds_new_row from ({query}) as published"
        )
    try:
        names = query_columns(con, query)
        values = [f'null as "{c}"' for c in names]
        computed = [f'({later[name]}) as "{name}"' if name in later else f'"{name}"' for name in checks]
        yield f"select {', '.join(values + computed)}, cds_new_row from {table}"
    finally:
        con.execute(f"drop table if exists temp.{table}")


def _new_rows(contract: Contract) -> str:
    """SQL telling a row GX must see however it fares: a row of a document staged in this run, or a
    row a correction touches; every row of a table without documents (they are a few dozen)."""
    names = contract.column_names
    if "doc_id" not in names:
        return "true"
    new = f"published.doc_id in {STAGED_DOCUMENTS}"
    return new + (" or published.corrected_by is not null" if "corrected_by" in names else "")


def merge_outcomes(outcomes: list[Any]) -> ExpectationSuiteValidationResult:
    """One suite result from the results of its chunks: an expectation succeeds when it did on every
    chunk, and its counts are summed (the first chunk's result object carries the sums)."""
    merged = outcomes[0]
    for outcome in outcomes[1:]:
        for mine, theirs in zip(merged.results, outcome.results, strict=True):
            mine.success = bool(mine.success and theirs.success)
            _add_counts(mine.result, theirs.result or {})
    for result in merged.results:
        counts = result.result or {}
        if counts.get("element_count"):
            counts["unexpected_percent"] = 100 * counts.get("unexpected_count", 0) / counts["element_count"]
    failed = sum(1 for r in merged.results if not r.success)
    evaluated = len(merged.results)
    merged.success = failed == 0
    merged.statistics.update(
        successful_expectations=evaluated - failed,
        unsuccessful_expectations=failed,
        success_percent=100 * (evaluated - failed) / evaluated if evaluated else None,
    )
    return merged


def _add_counts(mine: dict[str, Any], theirs: dict[str, Any]) -> None:
    for key in ("element_count", "unexpected_count", "missing_count"):
        if key in mine or key in theirs:
            mine[key] = int(mine.get(key) or 0) + int(theirs.get(key) or 0)
    if "partial_unexpected_list" in mine:
        mine["partial_unexpected_list"] = (
            list(mine["partial_unexpected_list"]) + list(theirs.get("partial_unexpected_list") or [])
        )[:20]


def _run_identifier(run_id: str) -> Any:
    """GX's name for this gate run; Data Docs file and title each validation result under it."""
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))


def _check_columns(contract: Contract) -> dict[str, str]:
    """Every per-row check GX evaluates, as boolean SQL columns in one order (rules, references,
    not-null, keys): they are all the values GX needs to see, so its memory stays small however
    long the table (GX's own uniqueness check on 1.8 million text keys took over a gigabyte)."""
    return (
        _rule_columns(contract)
        | _relationship_columns(contract)
        | _not_null_columns(contract)
        | _unique_columns(contract)
    )


def _unique_keys(contract: Contract) -> dict[str, list[str]]:
    """Check name → the columns that must be unique together: the primary key and unique columns."""
    keys = {f"{c.name}_unique": [c.name] for c in contract.columns if c.unique}
    if len(contract.primary_key) == 1:
        keys[f"{contract.primary_key[0]}_unique"] = contract.primary_key
    else:
        keys["unique_" + "_".join(contract.primary_key)] = contract.primary_key
    return keys


def _unique_columns(contract: Contract) -> dict[str, str]:
    return {
        CHECK_PREFIX + check: f"count(*) over (partition by {', '.join(columns)}) = 1"
        for check, columns in _unique_keys(contract).items()
    }


def _not_null_columns(contract: Contract) -> dict[str, str]:
    return {
        CHECK_PREFIX + f"{c.name}_not_null": f"{c.name} is not null" for c in contract.columns if c.not_null
    }


def _rule_columns(contract: Contract) -> dict[str, str]:
    return {CHECK_PREFIX + rule.name: f"coalesce(({rule.sql}), false)" for rule in contract.row_rules()}


def _relationship_columns(contract: Contract, within: str | None = None) -> dict[str, str]:
    """References as SQL semi-joins: a value set of every key in GX grows with the warehouse. With
    `within` (a table holding the checked rows), only the keys its rows name are looked up: the set
    of every fact id at a million reports (18.8 million) is larger than DuckDB's memory limit."""
    columns = {}
    for column in contract.columns:
        if column.relationship is None:
            continue
        table, key = column.relationship.split(".")
        relation = REFERENCED_RELATIONS[table]
        named = f" where {key} in (select {column.name} from {within})" if within else ""
        columns[CHECK_PREFIX + _relationship_check(column.name, table)] = (
            f"{column.name} is null or {column.name} in (select {key} from audit.{relation}{named})"
        )
    return columns


def _relationship_check(column: str, table: str) -> str:
    return f"{column}_references_{table}"


def _failing_staged_rows(con: duckdb.DuckDBPyConnection, contracts: dict[str, Contract]) -> list[str]:
    """SQL of the staged rows that fail an error-severity row rule, one query per table and one row
    per (row, rule), in FAILING_COLUMNS: each table's checks computed once, over its staged rows only."""
    return [
        _failures_of(con, name, contract, rules)
        for name, contract in contracts.items()
        if contract.staging_table is not None
        and (rules := [r for r in contract.row_rules() if r.severity == "error"])
    ]


def _failures_of(con: duckdb.DuckDBPyConnection, name: str, contract: Contract, rules: list[RowRule]) -> str:
    """One table's failing staged rows as SQL: the table's rows of staged documents with a boolean
    per rule, then one select per rule of the rows that fail it."""
    checks = {CHECK_PREFIX + r.name: f"coalesce(({r.sql}), false)" for r in rules}
    query = published_table_query(con, name, "audit", checks, ordered=False)
    columns = contract.column_names  # the published table's columns (its schema check holds them to it)
    texts = {c: f'"{c}"' if c in columns else f"null::varchar as {c}" for c in ("raw_text", "evidence")}
    selects = [
        # Contract names, keys and descriptions: the pipeline's own texts, validated on load.
        f'select {sql_literal(name)} as table_name, "{contract.row_key}"::varchar as row_key, doc_id, '
        f"{sql_literal(rule.name)} as check_name, {sql_literal(rule.description)} as reason, "
        f'{texts["raw_text"]}, {texts["evidence"]} from checked where not "{CHECK_PREFIX + rule.name}"'
        for rule in rules
    ]
    failing = " or ".join(f'not "{check}"' for check in checks)
    staged = f"select * from ({query}) where doc_id in {STAGED_DOCUMENTS} and ({failing})"
    return f"(with checked as materialized ({staged})\n" + "\nunion all\n".join(selects) + ")"


def _with_duplicates(con: duckdb.DuckDBPyConnection, contract: Contract, result: CheckResult) -> CheckResult:
    """A failed uniqueness check names the first duplicated keys (GX saw only the boolean)."""
    columns = _unique_keys(contract).get(result.check)
    if result.success or columns is None:
        return result
    keys = ", ".join(columns)  # contract column names, validated when the contract loads
    duplicates = query_frame(
        con,
        f"select {keys}, count(*) as copies from ({published_query(contract.table, 'audit', ordered=False)}) "
        f"group by all having count(*) > 1 order by {keys} limit 3",
    )
    detail = "; ".join(f"{', '.join(map(str, row[:-1]))} ×{row[-1]}" for row in duplicates.iter_rows())
    return replace(result, detail=detail)


def _with_quarantine_counts(result: CheckResult, quarantined: Quarantined) -> CheckResult:
    hits = quarantined.rows_of(result.table, result.check)
    if not hits:
        return result
    return CheckResult(
        result.table,
        result.check,
        result.severity,
        result.success,
        result.failing_rows,
        result.detail,
        quarantined_rows=hits,
    )


def build_suite(contract: Contract) -> gx.ExpectationSuite:
    """One GX suite from one contract: schema, keys, not-null, and every SQL-computed check."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=contract.table)
    for expectation in _expectations(contract):
        suite.add_expectation(expectation)
    return suite


def _expectations(contract: Contract) -> Iterable[Any]:
    import great_expectations.expectations as gxe

    def meta(check: str, severity: str = "error") -> dict[str, str]:
        return {"check": check, "severity": severity}

    rules = contract.row_rules()
    relationships = [
        _relationship_check(c.name, c.relationship.split(".")[0]) for c in contract.columns if c.relationship
    ]
    yield gxe.ExpectTableColumnsToMatchOrderedList(
        column_list=[*contract.column_names, *_check_columns(contract)], meta=meta("schema")
    )
    for check in _unique_keys(contract):
        yield gxe.ExpectColumnValuesToBeInSet(column=CHECK_PREFIX + check, value_set=[True], meta=meta(check))
    for col in contract.columns:
        if col.not_null:
            yield gxe.ExpectColumnValuesToBeInSet(
                column=f"{CHECK_PREFIX}{col.name}_not_null",
                value_set=[True],
                meta=meta(f"{col.name}_not_null"),
            )
    for name in relationships:
        yield gxe.ExpectColumnValuesToBeInSet(column=CHECK_PREFIX + name, value_set=[True], meta=meta(name))
    for rule in rules:
        yield gxe.ExpectColumnValuesToBeInSet(
            column=CHECK_PREFIX + rule.name, value_set=[True], meta=meta(rule.name, rule.severity)
        )


def _batch_feed(context: Any, contract: Contract) -> Any:
    """One GX batch definition per table, fed each of its chunks in turn. A new data source per chunk
    left the previous chunk's frame in a reference cycle of its old execution engine, freed only by a
    full garbage collection, which a large process runs rarely: with none, each 250,000-row chunk
    kept about 13 MB."""
    source = context.data_sources.add_or_update_pandas(name=f"published_{contract.table}")
    return source.add_dataframe_asset(name=contract.table).add_batch_definition_whole_dataframe("release")


def _validate(feed: Any, frame: pl.DataFrame, suite: Any, run: Any) -> ExpectationSuiteValidationResult:
    """Validate one chunk of a published table; the run is stamped on the result as a Checkpoint would.
    The chunk replaces the one before it in the feed's execution engine."""
    batch = feed.get_batch(batch_parameters={"dataframe": frame.to_pandas(use_pyarrow_extension_array=True)})
    outcome = batch.validate(suite, result_format="SUMMARY")
    outcome.meta["run_id"] = run
    return outcome


def _to_check_result(table: str, result: Any) -> CheckResult:
    meta = result.expectation_config.meta or {}
    details = result.result or {}
    failing = int(details.get("unexpected_count") or 0)
    if not result.success and failing == 0 and result.exception_info.get("raised_exception"):
        detail = str(result.exception_info.get("exception_message"))
    else:
        detail = ", ".join(map(str, (details.get("partial_unexpected_list") or [])[:3]))
    return CheckResult(
        table=table,
        check=str(meta.get("check", result.expectation_config.type)),
        severity=str(meta.get("severity", "error")),
        success=bool(result.success),
        failing_rows=failing,
        detail=detail,
    )


def _run_singular_checks(
    con: duckdb.DuckDBPyConnection, params: GateParams
) -> tuple[list[CheckResult], dict[str, Finding]]:
    """Each `assert_<rule>.sql` returns the rows that fail it; none returned means it passed."""
    values = {
        "run_id": params.run_id,
        "max_quarantine_share": params.max_quarantine_share,
        "max_row_drop": params.max_row_drop,
        "freshness_days": params.freshness_days,
    }
    results, findings = [], {}
    for path in sorted(CHECKS_DIR.glob("assert_*.sql")):
        sql = path.read_text(encoding="utf-8")
        severity = _SEVERITY.search(sql)
        if severity is None:
            raise ValueError(f"{path.name} must declare '-- severity: error|warn' in its header")
        name = path.stem.removeprefix("assert_")
        finding = _record_finding(con, name, sql, {k: v for k, v in values.items() if f"${k}" in sql})
        findings[name] = finding
        detail = "; ".join(str(row) for row in finding.head.head(3).iter_rows())
        results.append(
            CheckResult("warehouse", name, severity.group(1), finding.rows == 0, finding.rows, detail)
        )
    return results, findings


def _record_finding(
    con: duckdb.DuckDBPyConnection, name: str, sql: str, values: dict[str, object]
) -> Finding:
    """A singular check's failing rows, kept in the warehouse table `findings."<name>"` (in the
    check's order) for the release to copy: only their count and first rows come into Python."""
    table = f'findings."{name}"'  # a check file's name (expectations/checks), not input
    con.execute(f"create or replace table {table} as\n{sql}", values)
    rows = int(query_row(con, f"select count(*) from {table}")[0])
    head = query_frame(con, f"select * from {table} limit {FINDING_HEAD_ROWS}")
    return Finding(rows, head, table)
