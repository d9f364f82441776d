"""Misuse: SQL injection in document text, file names and CLI arguments; reads outside the source
root; code in documents. Hostile strings are data — stored verbatim, executed never."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cds import cli, pipeline, sources
from cds.settings import Settings, get_settings
from cds.sources import OUTSIDE_ROOT, SYMLINK, list_report_files, read_report_files
from tests.conftest import REPORT_TEXT, write_report
from tests.reliability.bad_corpus import macro_docx
from tests.warehouse.test_load import build
from warehouse.database import connect
from warehouse.publish import OPEN_DATA_DB

INJECTIONS = (
    "'; drop table core.fact_metric; --",
    "x' or '1'='1",
    "\"; attach '/tmp/cds-injected.db' as x; --",
)
# As file names: the "/" of the third makes folders, so its source_path is the string itself.
HOSTILE_NAMES = tuple(f"{injection}.txt" for injection in INJECTIONS)
TARGETS = ("/tmp/cds-injected.db", "/tmp/cds-export", "/tmp/cds-leak.db", "/tmp/cds-profile.json")


def _tables(settings: Settings) -> set[str]:
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute("select schema_name || '.' || table_name from duckdb_tables()").fetchall()
    return {name for (name,) in rows}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A warehouse and release built from reports whose text and names are injection strings."""
    root = tmp_path_factory.mktemp("hostile")
    settings = Settings(
        source_dir=root / "reports", warehouse_path=root / "cds.duckdb", public_dir=root / "public"
    )
    for number, (name, injection) in enumerate(zip(HOSTILE_NAMES, INJECTIONS, strict=True)):
        write_report(settings.source_dir, name, f"{REPORT_TEXT}\nGhi chú {number}: {injection}")
    build(settings)
    return settings


@pytest.fixture
def cli_env(hostile: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("CDS_WAREHOUSE_PATH", str(hostile.warehouse_path))
    monkeypatch.setenv("CDS_PUBLIC_DIR", str(hostile.public_dir))
    get_settings.cache_clear()
    yield hostile
    get_settings.cache_clear()


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli.app, list(args))


def _digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links resolved) with its sha256: any write shows up here."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- injection strings in document text and file names ------------------------------------------


def test_injection_text_is_stored_verbatim_and_every_table_survives(hostile: Settings) -> None:
    with connect(hostile.warehouse_path, read_only=True) as con:
        stored = {
            path: text for path, text in con.execute("select first_path, text from raw.documents").fetchall()
        }
        metrics = con.execute("select count(*) from core.fact_metric").fetchone()
    assert set(stored) == set(HOSTILE_NAMES)  # the names are stored verbatim too
    for name, injection in zip(HOSTILE_NAMES, INJECTIONS, strict=True):
        assert stored[name].endswith(injection)
    assert metrics == (3,)
    assert {"core.fact_metric", "core.fact_dti_rank", "raw.documents"} <= _tables(hostile)
    assert not any(Path(target).exists() for target in TARGETS)


def test_injection_names_reach_the_release_verbatim(cli_env: Settings) -> None:
    result = run_cli("sql", "select source_path from documents order by source_path")

    assert result.exit_code == 0, result.stderr
    for name in HOSTILE_NAMES:
        assert name in result.stdout


# --- injection strings as CLI arguments ---------------------------------------------------------


@pytest.mark.parametrize("injection", INJECTIONS)
def test_extract_of_an_injection_path_is_a_clean_missing_file_error(
    cli_env: Settings, injection: str
) -> None:
    result = run_cli("extract", f"{injection}.txt", "--format", "jsonl")

    assert result.exit_code == 1
    assert "does not exist" in result.stderr
    # The contract: the missing input still gets its line, its name verbatim, with the error.
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert (record["source"], record["error"], record["doc_id"]) == (
        f"{injection}.txt",
        "does not exist",
        None,
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "statement",
    [
        "select 1; drop table dti_ranks",  # stacked statements
        "select count(*) from dti_ranks; delete from dti_ranks",
        "begin; drop table documents; commit",
        "\"; attach '/tmp/cds-injected.db' as x; --",
        "attach '/tmp/cds-leak.db' as leak",  # a file, not :memory:
        "pragma threads = 1",
        "pragma profiling_output = '/tmp/cds-profile.json'",
        "export database '/tmp/cds-export'",
        "load httpfs",
        "install httpfs from 'http://example.org'",
        "call enable_logging()",
        "call dbgen(sf = 0.001)",
        "create macro leak(x) as x",
        "set allow_unsigned_extensions = true",
        "select * from glob('/etc/*')",
    ],
)
def test_sql_refuses_writes_and_external_access(cli_env: Settings, statement: str) -> None:
    release = cli_env.public_dir / "latest"
    before = _digest(release)

    result = run_cli("sql", statement)

    assert result.exit_code == 1
    assert "Query failed" in result.stderr
    assert _digest(release) == before
    assert not any(Path(target).exists() for target in TARGETS)
    assert run_cli("sql", "select count(*) as n from dti_ranks").exit_code == 0


@pytest.mark.parametrize("statement", ["checkpoint", "vacuum", "create temp table t as select 1"])
def test_what_duckdb_accepts_read_only_still_changes_nothing(cli_env: Settings, statement: str) -> None:
    release = cli_env.public_dir / "latest"
    before = _digest(release)

    run_cli("sql", statement)

    assert _digest(release) == before
    assert not [p for p in release.resolve().iterdir() if p.name.endswith((".wal", ".tmp"))]
    assert (release / OPEN_DATA_DB).exists()


# --- the source root is a boundary --------------------------------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text("Mật khẩu quản trị: hunter2", encoding="utf-8")
    return path


def test_relative_paths_that_climb_out_of_the_root_are_refused(settings: Settings, secret: Path) -> None:
    climbing = os.path.relpath(secret, settings.source_dir)
    assert climbing.startswith("..")

    rows = read_report_files(settings.source_dir, [climbing, str(secret)], set(), max_bytes=10**6)

    assert rows["reason"].to_list() == [OUTSIDE_ROOT, OUTSIDE_ROOT]
    assert rows["text"].to_list() == [None, None]


def test_a_folder_swapped_for_a_link_after_listing_is_not_followed(settings: Settings, secret: Path) -> None:
    write_report(settings.source_dir, "sub/secret.txt", REPORT_TEXT)
    listed = list_report_files(settings.source_dir)
    (settings.source_dir / "sub" / "secret.txt").unlink()
    (settings.source_dir / "sub").rmdir()
    (settings.source_dir / "sub").symlink_to(secret.parent, target_is_directory=True)  # the race

    rows = read_report_files(settings.source_dir, listed, set(), max_bytes=10**6)

    assert rows.select("source_path", "reason", "text").rows() == [("sub/secret.txt", SYMLINK, None)]


def test_a_file_swapped_for_a_link_after_listing_is_not_followed(settings: Settings, secret: Path) -> None:
    report = write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    listed = list_report_files(settings.source_dir)
    report.unlink()
    report.symlink_to(secret)

    rows = read_report_files(settings.source_dir, listed, set(), max_bytes=10**6)

    assert rows.select("reason", "text").rows() == [(SYMLINK, None)]


def test_a_relative_source_dir_with_dotdot_is_fine_but_links_out_stay_unread(
    tmp_path: Path, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_report(tmp_path / "reports", "a.txt", REPORT_TEXT)
    (tmp_path / "reports" / "leak.txt").symlink_to(secret)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    settings = Settings(
        source_dir=tmp_path / "work" / ".." / "reports",
        warehouse_path=tmp_path / "cds.duckdb",
        public_dir=tmp_path / "public",
    )
    pipeline.prepare_warehouse(settings)

    summary = pipeline.ingest_source(settings, settings.source_dir, "run-1")

    assert (summary.files_seen, summary.documents_new, summary.errors) == (1, 1, ())
    with connect(settings.warehouse_path, read_only=True) as con:
        texts = [text for (text,) in con.execute("select text from raw.documents").fetchall()]
    assert texts == [REPORT_TEXT] and "hunter2" not in "".join(texts)


def test_an_open_that_fails_midway_closes_every_folder(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_report(settings.source_dir, "a/b/c.txt", REPORT_TEXT)
    opened: list[int] = []
    real_open, real_close = os.open, os.close

    def tracking_open(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if path == "c.txt":
            raise OSError(errno.EIO, "Input/output error")
        fd = real_open(path, flags, mode, dir_fd=dir_fd)
        opened.append(fd)
        return fd

    def tracking_close(fd: int) -> None:
        opened.remove(fd)
        real_close(fd)

    monkeypatch.setattr(sources.os, "open", tracking_open)
    monkeypatch.setattr(sources.os, "close", tracking_close)
    rows = read_report_files(settings.source_dir, ["a/b/c.txt"], set(), max_bytes=10**6)
    monkeypatch.undo()

    assert rows["reason"].to_list() == ["cannot read file: Input/output error"]
    assert opened == []


# --- documents never run -------------------------------------------------------------------------


def test_scripts_and_macros_in_documents_never_run_and_never_become_text(settings: Settings) -> None:
    pwned = settings.source_dir.parent / "pwned"
    script = f"require('fs').writeFileSync('{pwned}', 'x'); document.write('xếp thứ 1/63')"
    (settings.source_dir / "page.html").write_text(
        f"<html><body><article><p>{REPORT_TEXT}</p><script>{script}</script>"
        f'<img src=x onerror="{script}"></article></body></html>',
        encoding="utf-8",
    )
    (settings.source_dir / "notes.md").write_text(
        f"# Ghi chú\n\n{REPORT_TEXT} Một.\n\n<script>{script}</script>\n<SCRIPT>{script}", encoding="utf-8"
    )
    (settings.source_dir / "macro.docx").write_bytes(macro_docx())
    pipeline.prepare_warehouse(settings)

    summary = pipeline.ingest_source(settings, settings.source_dir, "run-1")

    assert (summary.documents_new, summary.errors) == (3, ())
    with connect(settings.warehouse_path, read_only=True) as con:
        texts = [text for (text,) in con.execute("select text from raw.documents").fetchall()]
    assert all(REPORT_TEXT.splitlines()[1] in text for text in texts)
    joined = "\n".join(texts)
    assert "writeFileSync" not in joined and "1/63" not in joined and "AutoOpen" not in joined
    assert not pwned.exists()
