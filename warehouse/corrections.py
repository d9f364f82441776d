"""Corrections in the warehouse: loaded from the reviewed files on every run, applied in SQL.

Facts stay in core as extracted. The views of schema `corrected` (what is released) and of schema
`audit` (what the gate checks) apply `core.corrections` to them: a reject drops a fact, a set
changes fields, an add publishes a missed fact from its span, an accept publishes a fact held for
its low confidence, and a retraction takes a document out with all its facts. Because the
views key on document, fact type, span and value, a correction outlives re-extraction.
"""

from __future__ import annotations

import duckdb
import polars as pl

from cds.corrections import FACT_TYPES, Correction, CorrectionError
from warehouse.database import query_frame, query_row, transaction
from warehouse.load import registered
from warehouse.sql import read_sql

CORRECTION_SCHEMA: dict[str, pl.DataType] = {
    "correction_id": pl.String(),
    "doc_id": pl.String(),
    "fact_type": pl.String(),
    "action": pl.String(),
    "span_start": pl.Int32(),
    "span_end": pl.Int32(),
    "match_value": pl.String(),
    "evidence": pl.String(),
    "reason": pl.String(),
    "author": pl.String(),
    "corrected_on": pl.Date(),
    "source_file": pl.String(),
    "source_line": pl.Int32(),
}
FIELD_SCHEMA: dict[str, pl.DataType] = {
    "correction_id": pl.String(),
    "field": pl.String(),
    "value": pl.String(),
}
# What each fact type's `value:` is compared with, in SQL (c: the correction, f: the fact).
VALUE_MATCH: dict[str, str] = {
    "dti_rank": "try_cast(c.match_value as integer) = f.rank",
    "metric": "try_cast(c.match_value as double) = f.value",
    "official": "sha256(lower(regexp_replace(trim(c.match_value), '\\s+', ' ', 'g'))) = f.person_id",
    "legal_ref": "c.match_value = f.number",
}
# Where each schema's fact views read the facts as extracted.
FACT_SOURCES: dict[str, str] = {"audit": "audit.extracted_{core_table}", "corrected": "core.{core_table}"}


def load_corrections(
    con: duckdb.DuckDBPyConnection,
    corrections: list[Correction],
    *,
    min_confidence: float,
    retract_vanished: bool,
) -> None:
    """Replace the warehouse's corrections and review policy with these, in one transaction; a span
    outside its document (or an add's evidence without the span's text) is a CorrectionError
    naming the file and line, and leaves the previous corrections in place."""
    rows = [
        {
            "correction_id": c.correction_id,
            "doc_id": c.fields.document,
            "fact_type": c.fields.fact,
            "action": c.fields.action,
            "span_start": c.fields.span[0] if c.fields.span else None,
            "span_end": c.fields.span[1] if c.fields.span else None,
            "match_value": c.match_value,
            "evidence": c.fields.evidence,
            "reason": c.fields.reason,
            "author": c.fields.author,
            "corrected_on": c.fields.date,
            "source_file": c.file,
            "source_line": c.line,
        }
        for c in corrections
    ]
    fields = [
        {"correction_id": c.correction_id, "field": name, "value": value}
        for c in corrections
        for name, value in c.field_values().items()
    ]
    policy = pl.DataFrame({"min_confidence": [min_confidence], "retract_vanished": [retract_vanished]})
    with transaction(con):
        con.execute(read_sql("load/clear_corrections.sql"))
        for table, frame in (
            ("core.corrections", pl.DataFrame(rows, schema=CORRECTION_SCHEMA, orient="row")),
            ("core.correction_fields", pl.DataFrame(fields, schema=FIELD_SCHEMA, orient="row")),
            ("core.review_policy", policy),
        ):
            with registered(con, "incoming", frame):
                con.execute(f"insert into {table} by name select * from incoming")  # table: constants
        impossible = query_frame(con, read_sql("load/select_impossible_corrections.sql"))
        if impossible.height:
            raise CorrectionError(
                [f"{file}:{line}: {problem}" for file, line, problem in impossible.iter_rows()]
            )


def corrections_version(con: duckdb.DuckDBPyConnection) -> str:
    """Digest of the loaded corrections, review policy and retracted documents."""
    return str(query_row(con, read_sql("load/select_corrections_version.sql"))[0])


def create_corrected_views(con: duckdb.DuckDBPyConnection) -> None:
    """The `corrected` and `audit` fact views, rendered from the fact tables' own columns (so a
    column added to a fact table is carried, and settable once FACT_TYPES names it)."""
    con.execute(read_sql("ddl/corrected_views.sql"))
    for schema, source in FACT_SOURCES.items():
        for fact_type, fact in FACT_TYPES.items():
            columns = dict(
                con.execute(
                    "select column_name, data_type from duckdb_columns() "
                    "where schema_name = 'core' and table_name = ? order by column_index",
                    [fact.core_table],
                ).fetchall()
            )
            missing = set(fact.settable) - set(columns)
            if missing:
                raise ValueError(f"core.{fact.core_table} has no column {sorted(missing)} to correct")
            con.execute(
                read_sql("ddl/corrected_fact_view.sql").format(
                    schema=schema,
                    core_table=fact.core_table,
                    facts=source.format(core_table=fact.core_table),
                    fact_type=fact_type,
                    value_match=VALUE_MATCH[fact_type],
                    set_columns=", ".join(
                        f"case when map_contains(s.fields, '{name}') then {_cast(name, columns[name])} "
                        f"else f.{name} end as {name}"
                        for name in fact.settable
                    ),
                    add_columns=", ".join(
                        f"{_added(name, data_type, name in fact.settable, schema)} as {name}"
                        for name, data_type in columns.items()
                    ),
                )
            )
        con.execute(read_sql("ddl/correction_status.sql").format(schema=schema))


def _cast(name: str, data_type: str) -> str:
    """A field's text from core.correction_fields as the column's type (names and types: catalog)."""
    value = f"s.fields['{name}']"
    if data_type.endswith("[]"):
        return f"string_split({value}, ' | ')"
    return f"cast({value} as {data_type})"


def _added(name: str, data_type: str, settable: bool, schema: str) -> str:
    """The value of one column of a fact an `add` correction publishes (c: correction, d: document)."""
    span_text = "substring(d.text, c.span_start + 1, c.span_end - c.span_start)"
    fixed = {
        "fact_id": "sha256('correction|' || c.correction_id)",
        "doc_id": "c.doc_id",
        "span_start": "c.span_start",
        "span_end": "c.span_end",
        "raw_text": span_text,
        "evidence": f"coalesce(c.evidence, {span_text})",
        "confidence": "1.0",
    }
    if name in fixed:
        return fixed[name]
    if name == "province_code":  # the rank's province as given, else the document's
        return (
            f"coalesce({_cast(name, data_type)}, (select p.province_code from {schema}.dim_document as p "
            "where p.doc_id = c.doc_id))"
        )
    return _cast(name, data_type) if settable else f"null::{data_type}"


def read_correction_frame(con: duckdb.DuckDBPyConnection, schema: str = "audit") -> pl.DataFrame:
    """The corrections with their status against `schema` (stale ones carry the reason)."""
    from warehouse.publish import published_query

    return query_frame(con, published_query("corrections", schema))


def stale_corrections(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return read_correction_frame(con).filter(pl.col("status") == "stale")


__all__ = [
    "CorrectionError",
    "corrections_version",
    "create_corrected_views",
    "load_corrections",
    "read_correction_frame",
    "stale_corrections",
]
