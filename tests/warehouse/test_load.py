"""Loading into the warehouse: raw ingestion, staging, the merge into core, idempotence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date

import duckdb
import polars as pl
import pytest

from cds import pipeline
from cds.settings import Settings
from cds.sources import FileBatch, read_file_batch
from tests.conftest import REPORT_TEXT, hand_extraction, table_counts, write_report
from transforms.frames import to_fact_frames
from warehouse.database import connect, query_row
from warehouse.load import document_texts

STAGED = ("documents", "dti_ranks", "metrics")


def stage_hand_facts(settings: Settings) -> None:
    documents = pipeline.select_documents_to_extract(settings)
    extractions = [(doc_id, hand_extraction(text)) for doc_id, text in documents.iter_rows()]
    pipeline.stage_facts(settings, to_fact_frames(extractions))


def staged_counts(settings: Settings) -> dict[str, int]:
    with connect(settings.warehouse_path, read_only=True) as con:
        return {t: int(query_row(con, f"select count(*) from staging.{t}")[0]) for t in STAGED}


def build(settings: Settings, run_id: str = "run-1") -> pipeline.IngestSummary:
    pipeline.prepare_warehouse(settings)
    summary = pipeline.ingest_source(settings, settings.source_dir, run_id)
    stage_hand_facts(settings)
    gate = pipeline.validate_staged(settings, run_id)
    assert gate.passed, gate.summary()
    pipeline.publish_release(settings, gate)
    return summary


def test_ingest_reads_documents_and_records_unreadable_files(settings: Settings) -> None:
    write_report(settings.source_dir, "vinh-long/a.txt", REPORT_TEXT)
    (settings.source_dir / "junk.txt").write_bytes(bytes(range(256)) * 4)
    (settings.source_dir / "empty.md").write_text("   \n", encoding="utf-8")

    pipeline.prepare_warehouse(settings)
    summary = pipeline.ingest_source(settings, settings.source_dir, "run-1")

    assert (summary.files_seen, summary.files_new, summary.documents_new) == (3, 3, 1)
    assert dict(summary.errors) == {"junk.txt": "binary data, not text", "empty.md": "empty document"}
    with connect(settings.warehouse_path, read_only=True) as con:
        errors = con.execute("select source_path, reason from raw.ingest_errors order by 1").fetchall()
    assert errors == [("empty.md", "empty document"), ("junk.txt", "binary data, not text")]


def test_ingest_in_small_batches_records_the_same_as_in_one(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    write_report(settings.source_dir, "b/copy-of-a.txt", REPORT_TEXT)  # same text: one document
    write_report(settings.source_dir, "c.txt", REPORT_TEXT + " Bản khác.")
    (settings.source_dir / "junk.txt").write_bytes(bytes(range(256)) * 4)
    (settings.source_dir / "empty.md").write_text("   \n", encoding="utf-8")
    batched = settings.model_copy(update={"ingest_batch_size": 2})
    whole = settings.model_copy(
        update={"ingest_batch_size": 100, "warehouse_path": settings.warehouse_path.with_name("whole.duckdb")}
    )
    summaries = []
    for each in (batched, whole):
        pipeline.prepare_warehouse(each)
        summaries.append(pipeline.ingest_source(each, each.source_dir, "run-1"))

    assert summaries[0] == summaries[1]
    assert (summaries[0].files_new, summaries[0].documents_new, len(summaries[0].errors)) == (5, 2, 2)
    assert table_counts(batched) == table_counts(whole)
    again = pipeline.ingest_source(batched, batched.source_dir, "run-2")
    assert (again.files_seen, again.files_new, again.documents_new) == (5, 0, 0)


@contextmanager
def reading_side_by_side(parts: int) -> Iterator[tuple[pipeline.FileReading, list[FileBatch]]]:
    """Ingest's parts read on a thread pool, as a task runner's processes would, recording each part."""
    sent: list[FileBatch] = []
    with ThreadPoolExecutor(parts) as pool:

        def start(batches: list[FileBatch]) -> Callable[[], list[pl.DataFrame]]:
            sent.extend(batches)
            futures = [pool.submit(read_file_batch, batch) for batch in batches]
            return lambda: [future.result() for future in futures]

        yield pipeline.FileReading(start, parts), sent


def test_ingest_read_in_parts_side_by_side_records_the_same_as_in_process(settings: Settings) -> None:
    for name in ("a", "b", "c", "d", "e"):
        write_report(settings.source_dir, f"{name}.txt", f"{REPORT_TEXT} Bản {name}.")
    write_report(settings.source_dir, "f/copy-of-a.txt", f"{REPORT_TEXT} Bản a.")  # same text: one document
    (settings.source_dir / "junk.txt").write_bytes(bytes(range(256)) * 4)
    batched = settings.model_copy(update={"ingest_batch_size": 4})
    here = batched.model_copy(update={"warehouse_path": settings.warehouse_path.with_name("here.duckdb")})
    pipeline.prepare_warehouse(here)
    expected = pipeline.ingest_source(here, here.source_dir, "run-1")

    pipeline.prepare_warehouse(batched)
    with reading_side_by_side(3) as (reading, sent):
        summary = pipeline.ingest_source(batched, batched.source_dir, "run-1", reading)

    assert summary == expected
    assert table_counts(batched) == table_counts(here)
    with (
        connect(batched.warehouse_path, read_only=True) as con,
        connect(here.warehouse_path, read_only=True) as other,
    ):
        rows = "select * exclude (ingested_at) from raw.documents order by doc_id"
        assert con.sql(rows).fetchall() == other.sql(rows).fetchall()
    assert [len(batch.paths) for batch in sent] == [2, 2, 1, 1, 1]  # batches of 4 and 3, in 3 parts at most

    # Files whose size and time match an ingested version are not sent at all; one that could not
    # be decoded has no such version and is read again (and known by its content).
    with reading_side_by_side(3) as (reading, sent):
        unchanged = pipeline.ingest_source(batched, batched.source_dir, "run-2", reading)
    assert (unchanged.files_seen, unchanged.files_new) == (7, 0)
    assert [batch.paths for batch in sent] == [("junk.txt",)]

    # Touched files are compared by content: each part knows its own files' versions, and only those.
    for path in batched.source_dir.rglob("*.txt"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    write_report(batched.source_dir, "c.txt", f"{REPORT_TEXT} Bản c, sửa lại.")
    with reading_side_by_side(3) as (reading, sent):
        again = pipeline.ingest_source(batched, batched.source_dir, "run-3", reading)
    assert (again.files_seen, again.files_new, again.documents_new) == (7, 1, 1)
    for batch in sent:
        shown = set(batch.paths)
        assert {path for path, _ in batch.known} <= shown and batch.known
        assert {stat[0] for stat in batch.unchanged} <= shown

    # The touched files' new stats were kept: the next run sends the workers nothing but junk again.
    with reading_side_by_side(3) as (reading, sent):
        pipeline.ingest_source(batched, batched.source_dir, "run-4", reading)
    assert [batch.paths for batch in sent] == [("junk.txt",)]


def test_staging_in_waves_stages_what_one_wave_would(settings: Settings) -> None:
    for name in ("a", "b", "c"):
        write_report(settings.source_dir, f"{name}.txt", f"{REPORT_TEXT} Bản {name}.")
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    doc_ids = pipeline.select_documents_to_backfill(settings)["doc_id"].to_list()
    waves = pipeline.document_waves(doc_ids, 2)
    assert [len(w) for w in waves] == [2, 1]

    for number, wave in enumerate(waves):
        documents = pipeline.read_documents(settings, wave)
        assert documents["doc_id"].to_list() == wave
        rows = documents.select("doc_id", "text").iter_rows()
        facts = to_fact_frames([(d, hand_extraction(t)) for d, t in rows])
        pipeline.stage_facts(settings, facts, append=number > 0)
    assert staged_counts(settings) == {"documents": 3, "dti_ranks": 3, "metrics": 3}

    stage_hand_facts(settings)  # a later run's first wave replaces what was staged
    assert staged_counts(settings) == {"documents": 3, "dti_ranks": 3, "metrics": 3}
    assert pipeline.document_waves([], 2) == [[]]


def test_rerun_on_unchanged_input_changes_nothing(settings: Settings) -> None:
    write_report(settings.source_dir, "vinh-long/a.txt", REPORT_TEXT)
    build(settings)
    first = table_counts(settings)

    summary = build(settings, run_id="run-2")

    assert (summary.files_new, summary.documents_new) == (0, 0)
    assert table_counts(settings) == first
    assert first["core.fact_dti_rank"] == first["core.fact_metric"] == 1


def test_a_touched_file_is_read_once_and_then_known_by_its_new_stats(settings: Settings) -> None:
    report = write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)
    first = table_counts(settings)
    os.utime(report, (1_000_000_000, 1_000_000_000))  # as a copy without its times leaves it

    summary = pipeline.ingest_source(settings, settings.source_dir, "run-2")

    assert (summary.files_new, summary.documents_new, summary.errors) == (0, 0, ())
    assert table_counts(settings) == first  # the same version: no new file, document or fact
    with connect(settings.warehouse_path) as con:
        stats = con.sql("select source_path, file_sha256, run_id from raw.file_stats").fetchall()
        version = con.sql("select file_sha256 from raw.files").fetchall()
        to_read = pipeline.unread_files(con, settings.source_dir, ["a.txt"])[0]
    assert stats == [("a.txt", version[0][0], "run-2")]
    assert to_read == []  # skipped, not read again
    pipeline.ingest_source(settings, settings.source_dir, "run-3")
    assert table_counts(settings) == first


def test_a_run_reads_and_holds_only_the_new_changed_and_unstatable_files(settings: Settings) -> None:
    kept = write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    changed = write_report(settings.source_dir, "b.txt", REPORT_TEXT + " Bản đầu.")
    write_report(settings.source_dir, "c.txt", REPORT_TEXT + " Bản khác.")
    build(settings)
    changed.write_text(REPORT_TEXT + " Bản sửa.", encoding="utf-8")
    os.utime(changed, ns=(kept.stat().st_mtime_ns + 10**9,) * 2)
    write_report(settings.source_dir, "d.txt", REPORT_TEXT + " Bản mới.")
    listed = ["a.txt", "b.txt", "c.txt", "d.txt", "gone.txt"]  # gone.txt: deleted after listing

    with connect(settings.warehouse_path) as con:
        to_read, known, unchanged = pipeline.unread_files(con, settings.source_dir, listed)

    assert to_read == ["b.txt", "d.txt", "gone.txt"]
    # the versions held are those of the files read, not of the archive
    assert {path for path, _ in known} == {"b.txt"} == {path for path, *_ in unchanged}
    summary = pipeline.ingest_source(settings, settings.source_dir, "run-2")
    assert (summary.files_seen, summary.files_new, summary.documents_new) == (4, 2, 2)


def test_same_text_under_two_names_is_one_document(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    write_report(settings.source_dir, "copy/a-copy.txt", REPORT_TEXT)
    build(settings)

    counts = table_counts(settings)
    assert counts["raw.files"] == 2
    assert counts["raw.documents"] == counts["core.dim_document"] == 1
    assert counts["core.fact_dti_rank"] == 1


def test_changed_file_is_a_new_version_that_replaces_the_old_facts(settings: Settings) -> None:
    report = write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)
    report.write_text(REPORT_TEXT + " Cập nhật.", encoding="utf-8")

    build(settings, run_id="run-2")

    counts = table_counts(settings)
    assert counts["raw.files"] == 2 and counts["raw.documents"] == 2
    assert counts["core.dim_document"] == 1
    assert counts["core.fact_dti_rank"] == 1
    with connect(settings.warehouse_path, read_only=True) as con:
        current = con.execute(
            "select d.text from core.dim_document join raw.documents d using (doc_id)"
        ).fetchone()
    assert current is not None and current[0].endswith("Cập nhật.")


def current_text(settings: Settings) -> str:
    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute(
            "select d.text from core.dim_document join raw.documents d using (doc_id)"
        ).fetchall()
    assert len(rows) == 1, rows
    return str(rows[0][0])


# Restored with its times, each version comes back at stats already stored: four changes reach the
# point where the stats of a version seen before must say it was seen again.
@pytest.mark.parametrize(("times_kept", "changes"), [(False, 2), (True, 4)], ids=["rewritten", "restored"])
def test_a_file_changed_back_to_an_earlier_version_holds_that_version_again(
    settings: Settings, times_kept: bool, changes: int
) -> None:
    first, second = REPORT_TEXT, REPORT_TEXT + " Cập nhật."
    report = write_report(settings.source_dir, "a.txt", first)
    times = {first: report.stat().st_mtime_ns}
    build(settings)
    for run, text in enumerate([second, first, second, first][:changes], start=2):
        report.write_text(text, encoding="utf-8")
        if times_kept and text in times:  # as a copy from a backup (`cp -p`) leaves it
            os.utime(report, ns=(times[text], times[text]))
        times.setdefault(text, report.stat().st_mtime_ns)

        assert pipeline.run_if_nothing_new(settings, settings.source_dir, "nightly") is None
        build(settings, run_id=f"run-{run}")

        assert current_text(settings) == text
    assert table_counts(settings)["raw.files"] == 2  # two versions, each read again when it came back


def test_facts_carry_raw_text_cut_from_the_document_at_their_span(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)

    with connect(settings.warehouse_path, read_only=True) as con:
        rows = con.execute(
            "select raw_text from core.fact_metric union all select raw_text from core.fact_dti_rank"
        )
        assert sorted(r[0] for r in rows.fetchall()) == ["30/63", "98,5%"]


def test_a_second_writer_process_gets_a_clear_error(settings: Settings) -> None:
    pipeline.prepare_warehouse(settings)
    code = (
        "from pathlib import Path\nfrom warehouse.database import connect\n"
        f"with connect(Path({str(settings.warehouse_path)!r})): pass\n"
    )
    with duckdb.connect(str(settings.warehouse_path)):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert result.returncode != 0
    assert "WarehouseBusyError" in result.stderr
    assert "in use by another process" in result.stderr


def test_wave_texts_carry_the_published_date_of_the_current_documents_view(settings: Settings) -> None:
    """document_texts works the date out over the wanted documents' paths only; it must give what
    raw.current_documents (every file version) gives, with changed files and copies under two names."""
    dated = {"url": "https://example.gov.vn/tin/a", "published_date": "2024-03-05"}
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    (settings.source_dir / "a.meta.json").write_text(json.dumps(dated), encoding="utf-8")
    write_report(settings.source_dir, "b/copy-of-a.txt", REPORT_TEXT)
    write_report(settings.source_dir, "c.txt", REPORT_TEXT + " Bản cũ.")
    (settings.source_dir / "c.meta.json").write_text(
        json.dumps({**dated, "published_date": "2023-06-01"}), encoding="utf-8"
    )
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    write_report(settings.source_dir, "c.txt", REPORT_TEXT + " Bản mới.")  # c.txt's old version is replaced
    (settings.source_dir / "c.meta.json").write_text(
        json.dumps({**dated, "published_date": "2025-01-02"}), encoding="utf-8"
    )
    write_report(settings.source_dir, "d.txt", REPORT_TEXT + " Bản cũ.")  # the old text, now under d.txt
    pipeline.ingest_source(settings, settings.source_dir, "run-2")

    with connect(settings.warehouse_path) as con:
        every = [row[0] for row in con.execute("select doc_id from raw.documents order by doc_id").fetchall()]
        through_view = con.execute(
            "select d.doc_id, d.text, c.published_date from raw.documents as d "
            "left join raw.current_documents as c using (doc_id) order by d.doc_id"
        ).fetchall()
        for wanted in (every, every[:1], every[1:]):
            assert document_texts(con, wanted).rows() == [row for row in through_view if row[0] in wanted]
    # the old text is current only as d.txt, which has no date: c.txt's old version must not lend it one
    assert sorted(row[2] for row in through_view if row[2]) == [date(2024, 3, 5), date(2025, 1, 2)]


def test_nothing_new_is_seen_as_such_when_a_file_name_holds_a_control_character(settings: Settings) -> None:
    write_report(settings.source_dir, "bản tin\x1b.txt", REPORT_TEXT)  # stored as `bản tin\x1b.txt`
    build(settings)

    assert pipeline.run_if_nothing_new(settings, settings.source_dir, "nightly") is not None
