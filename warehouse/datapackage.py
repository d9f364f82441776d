"""The Frictionless Data Package descriptor of a release, generated from the table contracts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from expectations.contracts import Column, Contract
from warehouse.sql import read_sql

# The bundled corpus is fictional (written for this project): a release built from it says so.
SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "samples" / "reports"
DEMO_NOTE = (
    "Dữ liệu minh hoạ: bản phát hành này được dựng từ bộ báo cáo mẫu hư cấu đi kèm phần mềm, "
    "không phải số liệu thật. / Demo data: this release was built from the fictional sample reports "
    "bundled with the software; its facts, names and figures are not real."
)

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def datapackage_descriptor(
    contracts: dict[str, Contract], release_id: str, *, demo: bool = False
) -> dict[str, Any]:
    """One CSV resource per published table; the Parquet twin sits beside each CSV. A release built
    from the bundled sample corpus carries `"demo": true` and a description saying so."""
    descriptor: dict[str, Any] = {
        "name": "cds-provincial-digital-transformation",
        "title": "Chuyển đổi số cấp tỉnh — dữ liệu mở / Provincial digital transformation open data",
        "version": release_id,
        "licenses": [LICENSE],
        "resources": [_resource(c) for c in contracts.values()],
    }
    if demo:
        descriptor.update(demo=True, description=DEMO_NOTE)
    return descriptor


def built_from_sample_corpus(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any document in core was read from the bundled sample corpus (by the source folder
    of the run that read it): then the release is demo data."""
    folders = con.execute(read_sql("meta/select_document_source_dirs.sql")).fetchall()
    return any(Path(folder).resolve() == SAMPLE_CORPUS for (folder,) in folders)


def _resource(contract: Contract) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [
            {
                "name": col.name,
                "type": col.type,
                "title": col.vi,
                "description": f"{col.vi} / {col.en}",
                **_constraints(col),
            }
            for col in contract.columns
        ],
        "primaryKey": contract.primary_key,
    }
    foreign_keys = [
        {"fields": [col.name], "reference": {"resource": ref_table, "fields": [ref_column]}}
        for col in contract.columns
        if col.relationship
        for ref_table, ref_column in [col.relationship.split(".")]
        if ref_table != "provinces"  # province codes repeat across the two regimes: not a unique key
    ]
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return {
        "name": contract.table,
        "path": f"{contract.table}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": f"{contract.title.vi} / {contract.title.en}",
        "description": f"{contract.description.vi}\n\n{contract.description.en}",
        "schema": schema,
    }


def _constraints(col: Column) -> dict[str, Any]:
    """Required columns and closed value lists (a province regime is 63 or 34) as Frictionless constraints."""
    constraints: dict[str, Any] = {}
    if col.not_null:
        constraints["required"] = True
    if col.accepted_values is not None:
        constraints["enum"] = list(col.accepted_values)
    return {"constraints": constraints} if constraints else {}
