"""SQL lives in files under warehouse/sql; this module finds them and fills allow-listed identifiers."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"
# COPY options of every CSV the pipeline writes with DuckDB: release tables, quality findings, and
# query results served to readers (warehouse/open_data.py), so all read alike.
CSV_COPY_OPTIONS = "(header)"


@cache
def read_sql(relative_path: str) -> str:
    return (SQL_DIR / relative_path).read_text(encoding="utf-8")


def sql_statements(relative_path: str) -> list[str]:
    """The statements of a multi-statement file, for running with bound parameters one by one
    (DuckDB binds parameters to the last statement of a script only)."""
    return [part.strip() for part in read_sql(relative_path).split(";\n") if _has_code(part)]


def _has_code(part: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in part.splitlines())


def sql_literal(text: str) -> str:
    """A SQL string literal, where no parameter can be bound (ATTACH, COMMENT ON, the contracts'
    check expressions); the texts are the pipeline's own (paths, contract titles and values)."""
    return "'" + text.replace("'", "''") + "'"


def render_sql(relative_path: str, allowed: dict[str, frozenset[str]], **identifiers: str) -> str:
    """Fill `{name}` placeholders with identifiers, each checked against its allow-list.

    Values are never formatted into SQL; only table and schema names are, and only known ones.
    """
    for name, value in identifiers.items():
        if value not in allowed.get(name, frozenset()):
            raise ValueError(f"identifier {name}={value!r} is not allowed here")
    return read_sql(relative_path).format(**identifiers)
