"""Table contracts: one YAML file per published table, the single definition that drives the
quality suites (expectations.gate), the Frictionless schema and the column documentation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

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


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str
    title: Bilingual
    description: Bilingual
    primary_key: list[str]
    columns: list[Column]
    row_checks: list[RowCheck] = []

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


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
