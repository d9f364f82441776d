"""The quality gate: compile the table contracts into Great Expectations suites and run them
on what would be published, before anything is.

GX has no Polars or DuckDB engine that works here, so each table is read from DuckDB once,
with the contract's row checks computed as boolean columns in SQL, and validated as an
Arrow-backed pandas frame.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import polars as pl

from expectations.contracts import Contract, load_contracts
from warehouse.publish import read_published_table

if TYPE_CHECKING:
    import great_expectations as gx

CHECK_PREFIX = "check__"


@dataclass(frozen=True, slots=True)
class CheckResult:
    table: str
    check: str
    severity: str
    success: bool
    failing_rows: int
    detail: str


@dataclass(frozen=True, slots=True)
class GateResult:
    checks: tuple[CheckResult, ...]

    @property
    def blocking_failures(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.success and c.severity == "error")

    @property
    def passed(self) -> bool:
        return not self.blocking_failures

    def summary(self) -> str:
        failed = [f"{c.table}.{c.check} ({c.failing_rows} rows)" for c in self.blocking_failures]
        if not failed:
            return f"all {len(self.checks)} checks passed"
        return f"{len(failed)} of {len(self.checks)} checks failed: " + ", ".join(failed)


def run_gate(con: duckdb.DuckDBPyConnection, schema: str = "audit") -> GateResult:
    """Validate every published table as it would be built from `schema`."""
    contracts = load_contracts()
    frames = {
        name: read_published_table(
            con, name, schema, {CHECK_PREFIX + c.name: c.sql for c in contract.row_checks}
        )
        for name, contract in contracts.items()
    }
    context = _quiet_context()
    checks: list[CheckResult] = []
    for name, contract in contracts.items():
        suite = build_suite(contract, frames)
        checks.extend(_validate(context, contract, frames[name], suite))
    return GateResult(tuple(checks))


def build_suite(contract: Contract, frames: dict[str, pl.DataFrame]) -> gx.ExpectationSuite:
    """One GX suite from one contract; relationships resolve against the other tables' frames."""
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=contract.table)
    for expectation in _expectations(contract, frames):
        suite.add_expectation(expectation)
    return suite


def _expectations(contract: Contract, frames: dict[str, pl.DataFrame]) -> Iterable[Any]:
    import great_expectations.expectations as gxe

    def meta(check: str, severity: str = "error") -> dict[str, str]:
        return {"check": check, "severity": severity}

    yield gxe.ExpectTableColumnsToMatchOrderedList(
        column_list=[*contract.column_names, *(CHECK_PREFIX + c.name for c in contract.row_checks)],
        meta=meta("schema"),
    )
    if len(contract.primary_key) > 1:
        yield gxe.ExpectCompoundColumnsToBeUnique(
            column_list=contract.primary_key, meta=meta("unique_" + "_".join(contract.primary_key))
        )
    for col in contract.columns:
        if col.not_null:
            yield gxe.ExpectColumnValuesToNotBeNull(column=col.name, meta=meta(f"{col.name}_not_null"))
        if col.unique or contract.primary_key == [col.name]:
            yield gxe.ExpectColumnValuesToBeUnique(column=col.name, meta=meta(f"{col.name}_unique"))
        if col.accepted_values is not None:
            yield gxe.ExpectColumnValuesToBeInSet(
                column=col.name, value_set=col.accepted_values, meta=meta(f"{col.name}_accepted_values")
            )
        if col.min is not None or col.max is not None:
            yield gxe.ExpectColumnValuesToBeBetween(
                column=col.name, min_value=col.min, max_value=col.max, meta=meta(f"{col.name}_in_range")
            )
        if col.relationship is not None:
            table, column = col.relationship.split(".")
            known = frames[table].get_column(column).drop_nulls().unique().sort().to_list()
            yield gxe.ExpectColumnValuesToBeInSet(
                column=col.name, value_set=known, meta=meta(f"{col.name}_references_{table}")
            )
    for check in contract.row_checks:
        yield gxe.ExpectColumnValuesToBeInSet(
            column=CHECK_PREFIX + check.name, value_set=[True], meta=meta(check.name, check.severity)
        )


def _validate(context: Any, contract: Contract, frame: pl.DataFrame, suite: Any) -> list[CheckResult]:
    source = context.data_sources.add_or_update_pandas(name=f"published_{contract.table}")
    asset = source.add_dataframe_asset(name=contract.table)
    batch = asset.add_batch_definition_whole_dataframe("release").get_batch(
        batch_parameters={"dataframe": frame.to_pandas(use_pyarrow_extension_array=True)}
    )
    outcome = batch.validate(suite, result_format="SUMMARY")
    return [_to_check_result(contract.table, r) for r in outcome.results]


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


def _quiet_context() -> Any:
    """An in-memory GX context without telemetry, progress bars or INFO chatter."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context
