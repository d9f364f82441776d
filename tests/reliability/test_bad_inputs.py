"""The bad-input corpus through the real ingest → extract → stage path.

One ingestion of the whole corpus (module fixture), then one test per case: every file ends as a
document, as exactly one `raw.ingest_errors` row with a reason, or — links and pipes — is never
read at all; the run completes and the good reports beside them load with their facts.
"""

from __future__ import annotations

import errno
import os
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from cds import pipeline
from cds.settings import Settings
from cds.sources import printable_path
from tests.reliability.bad_corpus import (
    CASES,
    DENIED,
    GOOD,
    LOADED,
    MACRO_MARKER,
    MAX_FILE_BYTES,
    OUTSIDE_SECRET,
    SCRIPT_MARKER,
    SKIPPED,
    SPARSE_BYTES,
    VIETNAMESE,
    BadInput,
    variant,
    write_corpus,
)
from transforms.documents import normalise_text
from transforms.frames import extract_fact_frames
from warehouse.database import connect

RUNNING_AS_ROOT = os.geteuid() == 0


@dataclass(frozen=True)
class Outcome:
    doc_id: str | None
    reason: str | None
    encoding: str | None
    text: str | None


@dataclass(frozen=True)
class Ingested:
    settings: Settings
    first: pipeline.IngestSummary
    second: pipeline.IngestSummary
    outcomes: dict[str, list[Outcome]]  # after the first run, by stored source_path
    staged: dict[str, int]


def _settings(root: Path) -> Settings:
    (root / "reports").mkdir(parents=True)
    return Settings(
        source_dir=root / "reports",
        warehouse_path=root / "warehouse" / "cds.duckdb",
        public_dir=root / "public",
        max_file_bytes=MAX_FILE_BYTES,
    )


@contextmanager
def denied(monkeypatch: pytest.MonkeyPatch, folder: Path, names: tuple[str, ...]) -> Iterator[None]:
    """Make `names` unreadable: chmod 000, and — since root ignores permissions — also emulate
    what the kernel would answer a normal user: PermissionError on open and on listing."""
    for name in names:
        (folder / name).chmod(0)
    if RUNNING_AS_ROOT:
        real_open, real_scandir = os.open, os.scandir

        def refuse(path: object) -> None:
            if isinstance(path, str | Path) and Path(path).name in names:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))

        def guarded_open(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
            refuse(path)
            return real_open(path, flags, mode, dir_fd=dir_fd)

        def guarded_scandir(path: str = ".") -> Iterator[os.DirEntry[str]]:
            refuse(path)
            return real_scandir(path)

        monkeypatch.setattr(os, "open", guarded_open)
        monkeypatch.setattr(os, "scandir", guarded_scandir)
    try:
        yield
    finally:
        monkeypatch.undo()
        for name in names:
            (folder / name).chmod(0o755)


def delete_after_listing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The race: `name` is listed, then removed before the reader gets to it."""
    real: Callable[[Path], list[str]] = pipeline.list_report_files

    def listing(root: Path) -> list[str]:
        paths = real(root)
        (root / name).unlink()
        return paths

    monkeypatch.setattr(pipeline, "list_report_files", listing)


def outcomes(settings: Settings) -> dict[str, list[Outcome]]:
    query = """
        select f.source_path, f.doc_id, e.reason, d.encoding, d.text
        from raw.files as f
        left join raw.ingest_errors as e using (source_path, file_sha256)
        left join raw.documents as d using (doc_id)
    """
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute(query).fetchall()
    found: dict[str, list[Outcome]] = {}
    for path, *rest in rows:
        found.setdefault(path, []).append(Outcome(*rest))
    return found


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    root = tmp_path_factory.mktemp("bad-corpus")
    settings = _settings(root)
    write_corpus(settings.source_dir, root / "outside")
    pipeline.prepare_warehouse(settings)
    with pytest.MonkeyPatch.context() as mp, denied(mp, settings.source_dir, DENIED):
        delete_after_listing(mp, "vanishing.txt")
        first = pipeline.ingest_source(settings, settings.source_dir, "run-1")
    after_first = outcomes(settings)
    facts = extract_fact_frames(pipeline.select_documents_to_extract(settings))
    staged = pipeline.stage_facts(settings, facts)
    (settings.source_dir / "changed.txt").write_text("Bản sửa: tỷ lệ đạt 55,5%.", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp, denied(mp, settings.source_dir, DENIED):
        second = pipeline.ingest_source(settings, settings.source_dir, "run-2")
    return Ingested(settings, first, second, after_first, staged)


def _id(case: BadInput) -> str:
    return f"{case.kind}:{printable_path(case.path)}"


@pytest.mark.parametrize("case", [*GOOD, *CASES], ids=_id)
def test_each_case_ends_as_expected(ingested: Ingested, case: BadInput) -> None:
    shown = printable_path(case.path)
    rows = ingested.outcomes.get(shown, [])
    if case.expected == SKIPPED:
        assert not [p for p in ingested.outcomes if p == shown or p.startswith(shown + "/")]
        return
    assert len(rows) == 1, rows  # one file version, and at most one error row for it
    (row,) = rows
    if case.expected == LOADED:
        assert (row.reason, bool(row.doc_id)) == (None, True)
    else:
        assert row.doc_id is None and row.reason is not None
        assert case.expected in row.reason


def test_the_run_completes_and_accounts_for_every_listed_file(ingested: Ingested) -> None:
    expected = {printable_path(c.path) for c in [*GOOD, *CASES] if c.expected != SKIPPED}
    assert set(ingested.outcomes) == expected
    errors = [c for c in CASES if c.expected not in (LOADED, SKIPPED)]
    assert len(ingested.first.errors) == len(errors)
    assert ingested.first.files_seen == len(expected)  # the vanished file was listed, then gone


def test_good_reports_load_with_their_facts(ingested: Ingested) -> None:
    with connect(ingested.settings.warehouse_path, read_only=True) as con:
        ranks = con.execute(
            "select r.province_code, r.rank, r.out_of from staging.dti_ranks as r"
            " join raw.current_files as f using (doc_id) where f.source_path like 'good/%' order by 1"
        ).fetchall()
        percents = con.execute(
            "select m.value from staging.metrics as m join raw.current_files as f using (doc_id)"
            " where f.source_path like 'good/%' and m.unit = '%' order by 1"
        ).fetchall()
    assert ranks == [("86", 30, 63), ("87", 2, 63)]
    assert percents == [(91.4,), (98.5,)]
    assert ingested.staged["documents"] > len(GOOD)


@pytest.mark.parametrize(
    ("path", "encoding", "text"),
    [
        ("utf16le-bom.txt", "utf-16", variant("le")),
        ("utf16be-bom.txt", "utf-16", variant("be")),
        ("cp1258.txt", "windows-1258", variant("cp")),
        ("tcvn3.txt", "tcvn3", variant("tcvn")),
        ("vni.txt", "vni", variant("vni")),
        ("tcvn3-declared.html", "tcvn3", variant("html").replace("\n", " ")),
        ("nfd.txt", "utf-8", variant("nfd")),
        ("eth.txt", "utf-8", variant("Đđ")),
    ],
)
def test_every_encoding_reads_as_the_same_vietnamese_text(
    ingested: Ingested, path: str, encoding: str, text: str
) -> None:
    (row,) = ingested.outcomes[path]
    assert (row.text, row.encoding) == (normalise_text(text), encoding)


def test_nothing_from_scripts_macros_or_outside_the_root_is_stored(ingested: Ingested) -> None:
    texts = "\n".join(o.text or "" for rows in ingested.outcomes.values() for o in rows)
    assert SCRIPT_MARKER not in texts and "document.write" not in texts and "<script" not in texts.lower()
    assert MACRO_MARKER not in texts and "AutoOpen" not in texts
    assert OUTSIDE_SECRET not in texts
    assert not Path("/tmp/cds-pwned").exists()
    with connect(ingested.settings.warehouse_path, read_only=True) as con:
        ranks = con.execute(
            "select r.rank from staging.dti_ranks as r join raw.current_files as f using (doc_id)"
            " where f.source_path = 'script-facts.html'"
        ).fetchall()
    assert ranks == [(30,)]  # the 1/63 only the script would have written is not a fact


def test_names_are_stored_printable_and_files_are_read_by_their_real_name(ingested: Ingested) -> None:
    stored = set(ingested.outcomes)
    assert {"new\\x0aline.txt", "esc\\x1b[31m.txt", "\\u202etxt.exe.txt", "bad\\xff.txt"} <= stored
    assert "reports\\\\..\\\\..\\\\etc\\\\passwd.txt" in stored
    assert all(path.isprintable() for path in stored)


def test_the_same_report_under_two_names_is_one_document(ingested: Ingested) -> None:
    (a,), (b,) = ingested.outcomes["copies/a.txt"], ingested.outcomes["copies/b.txt"]
    assert a.doc_id == b.doc_id is not None


def test_a_changed_file_is_a_new_version_and_nothing_else_is_read_again(ingested: Ingested) -> None:
    assert (ingested.second.files_new, ingested.second.documents_new, ingested.second.errors) == (1, 1, ())
    with connect(ingested.settings.warehouse_path, read_only=True) as con:
        versions = con.execute("select count(*) from raw.files where source_path = 'changed.txt'").fetchone()
        current = con.execute(
            "select d.text from raw.current_files join raw.documents as d using (doc_id)"
            " where source_path = 'changed.txt'"
        ).fetchone()
    assert versions == (2,)
    assert current == ("Bản sửa: tỷ lệ đạt 55,5%.",)


def test_a_sparse_200_mb_file_is_refused_from_its_size_without_being_read(settings: Settings) -> None:
    """The size check runs on fstat: Python never holds the file's bytes (peak ≪ 200 MB)."""
    big = settings.source_dir / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(SPARSE_BYTES)
    (settings.source_dir / "small.txt").write_text(VIETNAMESE, encoding="utf-8")
    pipeline.prepare_warehouse(settings)

    tracemalloc.start()
    try:
        summary = pipeline.ingest_source(settings, settings.source_dir, "run-1")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 20 * 1024 * 1024
    assert summary.documents_new == 1
    ((path, reason),) = summary.errors
    assert path == "huge.txt" and "209,715,200 bytes, over the 52,428,800-byte limit" in reason
