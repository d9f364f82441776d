"""The quality gate's checks as plain DuckDB SQL, to price what Great Expectations costs.

The checks are compiled from the same YAML contracts as `expectations.gate` and given the same
names (schema, <col>_not_null, <col>_unique, unique_<a>_<b>, <col>_accepted_values,
<col>_in_range, <col>_references_<table>, row checks by name), so the two gates can be compared
check by check. Each published table is materialised once from the `audit` schema (as the GX gate
reads each table once into a frame) and all its checks run as one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

import expectations
from expectations.contracts import Column, Contract, load_contracts
from warehouse.sql import render_sql

SCHEMAS = frozenset({"core", "audit"})
CHECKS_DIR = Path(expectations.__file__).parent / "checks"
# The gate's parameters (cds.settings defaults); run_id only names the run's quarantine rows.
DEFAULT_PARAMS: dict[str, object] = {
    "run_id": "bench",
    "max_quarantine_share": 0.10,
    "max_row_drop": 0.15,
    "freshness_days": 365,
}


@dataclass(frozen=True, slots=True)
class SqlCheck:
    table: str
    check: str
    severity: str
    failing_rows: int

    @property
    def success(self) -> bool:
        return self.failing_rows == 0


def quoted(name: str) -> str:
    return '"' + name + '"'


def column_checks(col: Column, contract: Contract) -> list[tuple[str, str]]:
    """(check name, SQL counting failing rows) for a column's not-null, unique and reference checks."""
    c = quoted(col.name)
    out: list[tuple[str, str]] = []
    if col.not_null:
        out.append((f"{col.name}_not_null", f"count(*) filter (where {c} is null)"))
    if col.unique or contract.primary_key == [col.name]:
        out.append((f"{col.name}_unique", f"count({c}) - count(distinct {c})"))
    if col.relationship is not None:
        other, other_col = col.relationship.split(".")
        known = (
            f"(select distinct {quoted(other_col)} from gate_{other} where {quoted(other_col)} is not null)"
        )
        out.append(
            (
                f"{col.name}_references_{other}",
                f"count(*) filter (where {c} is not null and {c} not in {known})",
            )
        )
    return out


def table_checks(contract: Contract) -> list[tuple[str, str, str]]:
    """(check, severity, failing-count SQL) for every check of one contract except the schema;
    the row rules (accepted values, ranges, the contract's row checks) come from the contract as
    SQL already, exactly as the GX gate computes them into boolean columns."""
    checks: list[tuple[str, str, str]] = []
    if len(contract.primary_key) > 1:
        key = ", ".join(quoted(k) for k in contract.primary_key)
        name = "unique_" + "_".join(contract.primary_key)
        checks.append((name, "error", f"count(*) - count(distinct ({key}))"))
    for col in contract.columns:
        checks += [(name, "error", sql) for name, sql in column_checks(col, contract)]
    for rule in contract.row_rules():
        checks.append(
            (rule.name, rule.severity, f"count(*) filter (where not coalesce(({rule.sql}), false))")
        )
    return checks


def materialise(con: duckdb.DuckDBPyConnection, contracts: dict[str, Contract], schema: str) -> None:
    """Each published table once, as a temporary table named gate_<table>."""
    for name in contracts:
        query = render_sql(f"published/{name}.sql", {"schema": SCHEMAS}, schema=schema)
        con.execute(f"create or replace temp table gate_{name} as {query}")


def schema_check(con: duckdb.DuckDBPyConnection, contract: Contract) -> SqlCheck:
    """The column list and order, as GX's ExpectTableColumnsToMatchOrderedList checks it."""
    rows = con.execute(f"select * from gate_{contract.table} limit 0").description or []
    found = [r[0] for r in rows]
    return SqlCheck(contract.table, "schema", "error", 0 if found == contract.column_names else 1)


def run_sql_gate(
    con: duckdb.DuckDBPyConnection, schema: str = "audit", params: dict[str, object] | None = None
) -> list[SqlCheck]:
    """Every contract check as SQL on what would be published from `schema`."""
    contracts = load_contracts()
    materialise(con, contracts, schema)
    results: list[SqlCheck] = []
    try:
        for name, contract in contracts.items():
            results.append(schema_check(con, contract))
            checks = table_checks(contract)
            select = ", ".join(sql for _, _, sql in checks)
            counts = con.execute(f"select {select} from gate_{name} as published").fetchone() or ()
            results += [
                SqlCheck(name, check, severity, int(n))
                for (check, severity, _), n in zip(checks, counts, strict=True)
            ]
    finally:
        for name in contracts:
            con.execute(f"drop table if exists gate_{name}")
    return results + singular_checks(con, params or {})


def singular_checks(con: duckdb.DuckDBPyConnection, params: dict[str, object]) -> list[SqlCheck]:
    """The gate's `assert_<rule>.sql` files, which are plain SQL in both gates: counted the same."""
    values = {**DEFAULT_PARAMS, **params}
    results = []
    for path in sorted(CHECKS_DIR.glob("assert_*.sql")):
        sql = path.read_text(encoding="utf-8")
        severity = "warn" if "-- severity: warn" in sql else "error"
        rows = con.execute(sql, {k: v for k, v in values.items() if f"${k}" in sql}).fetchall()
        results.append(SqlCheck("warehouse", path.stem.removeprefix("assert_"), severity, len(rows)))
    return results
