"""Loading frames into the warehouse: raw documents, staged facts, and the merge into core.

Every load hands a Polars frame to DuckDB through Arrow and runs in one transaction, so a load
either lands whole or not at all, and loading the same input twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl

from cds.failpoints import failpoint
from transforms.frames import FactFrames
from warehouse.database import FACT_IDENTIFIERS, FACT_TABLES, query_frame, query_row, transaction
from warehouse.sql import read_sql, render_sql

STAGING_INSERTS: dict[str, str] = {
    "documents": "load/insert_staging_documents.sql",
    "dti_ranks": "load/insert_staging_dti_ranks.sql",
    "metrics": "load/insert_staging_metrics.sql",
    "person_roles": "load/insert_staging_person_roles.sql",
    "legal_refs": "load/insert_staging_legal_refs.sql",
}


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> Iterator[None]:
    """Expose a frame to SQL under `name` (zero-copy through Arrow) for the duration of a block."""
    con.register(name, frame.to_arrow())
    try:
        yield
    finally:
        con.unregister(name)


def files_to_read(con: duckdb.DuckDBPyConnection, listed: pl.DataFrame) -> list[int]:
    """Positions (`at`) of the listed files (at, source_path, size_bytes, modified_at) whose stats
    are not those of their path's current version: the files ingest opens.

    DuckDB matches the listing against raw, so the archive's versions never come into Python: a
    nightly run over a million unchanged files holds its listing, not a million known versions.
    """
    with registered(con, "listed", listed):
        return query_frame(con, read_sql("load/select_files_to_read.sql"))["at"].to_list()


def known_file_versions(con: duckdb.DuckDBPyConnection, paths: list[str]) -> pl.DataFrame:
    """(source_path, file_sha256) pairs already ingested at the given stored paths, readable or not."""
    with registered(con, "wanted", _paths_frame(paths)):
        return query_frame(con, read_sql("load/select_known_file_versions.sql"))


def load_ingested_files(con: duckdb.DuckDBPyConnection, files: pl.DataFrame, run_id: str) -> None:
    """Record read files: documents, file versions, unreadable files and the new stats of known versions,
    in one transaction."""
    with transaction(con), registered(con, "incoming", files):
        for statement in (
            "insert_raw_documents",
            "insert_raw_files",
            "insert_raw_ingest_errors",
            "insert_raw_file_stats",
        ):
            con.execute(read_sql(f"load/{statement}.sql"), {"run_id": run_id})


def restored_versions(con: duckdb.DuckDBPyConnection, files: pl.DataFrame) -> int:
    """How many read files (rows of `read_report_files`) hold an earlier, no longer current version."""
    with registered(con, "incoming", files.select("source_path", "file_sha256", "known_version")):
        return int(query_row(con, read_sql("load/count_restored_versions.sql"))[0])


def ingested_file_stats(con: duckdb.DuckDBPyConnection, paths: list[str]) -> pl.DataFrame:
    """(source_path, size_bytes, modified_at) at which the current versions of the given stored paths
    were read or found again."""
    with registered(con, "wanted", _paths_frame(paths)):
        return query_frame(con, read_sql("load/select_ingested_file_stats.sql"))


def _paths_frame(paths: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"source_path": paths}, schema={"source_path": pl.String})


def documents_to_extract(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return query_frame(con, read_sql("load/select_documents_to_extract.sql"))


def document_texts(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> pl.DataFrame:
    """(doc_id, text) of the given documents, in doc_id order."""
    with registered(con, "wanted", pl.DataFrame({"doc_id": doc_ids}, schema={"doc_id": pl.String})):
        return query_frame(con, read_sql("load/select_document_texts.sql"))


def load_staging(
    con: duckdb.DuckDBPyConnection, facts: FactFrames, *, append: bool = False
) -> dict[str, int]:
    """Replace staging with this extraction's facts (or, with `append`, add a further wave of
    them); return rows staged per table."""
    with transaction(con):
        if not append:
            con.execute(read_sql("load/clear_staging.sql"))
        # The wave's stored texts, read once for the four fact tables that cut raw_text from them.
        with registered(con, "wanted", facts.documents.select("doc_id")):
            con.execute(
                "create or replace temp table wave_texts as " + read_sql("load/select_document_texts.sql")
            )
        for table, statement in STAGING_INSERTS.items():
            with registered(con, "incoming", getattr(facts, table)):
                con.execute(read_sql(statement))
            if table == "metrics":
                failpoint("load.staging")
        con.execute("drop table wave_texts")
    return facts.row_counts()


def merge_staging_into_core(con: duckdb.DuckDBPyConnection) -> None:
    """Make the audited staging state the core state, then empty staging."""
    with transaction(con):
        con.execute(read_sql("load/merge_documents.sql"))
        failpoint("merge.core")
        for core_table, (staging_table, columns) in FACT_TABLES.items():
            con.execute(
                render_sql(
                    "load/merge_fact_table.sql",
                    FACT_IDENTIFIERS,
                    core_table=core_table,
                    staging_table=staging_table,
                    staging_columns=columns,
                )
            )
        con.execute(read_sql("load/clear_staging.sql"))
        con.execute(read_sql("load/record_merge.sql"))


def core_version(con: duckdb.DuckDBPyConnection) -> int:
    """The number of the latest merge into core (0 before the first)."""
    return int(query_row(con, "select coalesce(max(merge_id), 0) from meta.core_merges")[0])
