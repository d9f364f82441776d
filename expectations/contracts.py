"""Table contracts: one YAML file per published table, the single definition that drives the
quality suites (expectations.gate), the Frictionless schema and the column documentation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from warehouse.sql import sql_literal

CONTRACTS_DIR = Path(__file__).parent / "contracts"

ColumnType = Literal["string", "integer", "number", "date", "boolean"]
Severity = Literal["error", "warn"]


class Bilingual(BaseModel):
    vi: str
    en: str


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    type: ColumnType
    vi: str
    en: str
    not_null: bool = False
    unique: bool = False
    accepted_values: list[str | int] | None = None
    min: float | None = None
    max: float | None = None
    relationship: str | None = Field(None, description="'<table>.<column>' the values must exist in")


class RowCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    severity: Severity = "error"
    sql: str = Field(description="A boolean SQL expression over the table's columns; false = failing row")
    description: str


class RowRule(BaseModel):
    """A check every row must pass; a failing row is quarantined (error) or reported (warn)."""

    name: str
    severity: Severity
    sql: str
    description: str


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str
    staging_table: str | None = Field(None, description="Staging table new rows come from, if any")
    title: Bilingual
    description: Bilingual
    primary_key: list[str]
    columns: list[Column]
    row_checks: list[RowCheck] = []

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def row_key(self) -> str:
        """The single column that identifies a row (fact_id, doc_id…)."""
        if len(self.primary_key) != 1:
            raise ValueError(f"{self.table} has a compound key; rows cannot be quarantined one by one")
        return self.primary_key[0]

    def row_rules(self) -> list[RowRule]:
        """Column ranges and accepted values as SQL, then the contract's own row checks."""
        rules = [rule for column in self.columns for rule in _column_rules(column)]
        rules += [
            RowRule(name=c.name, severity=c.severity, sql=c.sql, description=c.description)
            for c in self.row_checks
        ]
        return rules


def _column_rules(column: Column) -> list[RowRule]:
    name = _identifier(column.name)
    rules = []
    if column.accepted_values is not None:
        values = ", ".join(_literal(v) for v in column.accepted_values)
        rules.append(
            RowRule(
                name=f"{column.name}_accepted_values",
                severity="error",
                sql=f"{name} is null or {name} in ({values})",
                description=f"{column.name} must be one of {column.accepted_values}",
            )
        )
    if column.min is not None or column.max is not None:
        low = "" if column.min is None else f"{name} >= {float(column.min)!r}"
        high = "" if column.max is None else f"{name} <= {float(column.max)!r}"
        rules.append(
            RowRule(
                name=f"{column.name}_in_range",
                severity="error",
                sql=f"{name} is null or ({' and '.join(part for part in (low, high) if part)})",
                description=f"{column.name} must be within [{column.min}, {column.max}]",
            )
        )
    return rules


def _identifier(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"column name {name!r} is not a plain identifier")
    return name


def _literal(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    return sql_literal(value)


@cache
def load_contracts() -> dict[str, Contract]:
    """Every contract, keyed by table name, in a stable order."""
    contracts = {}
    for path in sorted(CONTRACTS_DIR.glob("*.yml")):
        contract = Contract.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        if contract.table != path.stem:
            raise ValueError(f"{path.name} declares table {contract.table!r}; name the file after it")
        contracts[contract.table] = contract
    return contracts
