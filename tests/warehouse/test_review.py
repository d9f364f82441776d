"""The review queue, its CSV round trip, retraction and vanished sources, on real pipeline runs."""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cds import pipeline
from cds.settings import Settings, get_settings
from tests.conftest import REPORT_TEXT, hand_extraction, write_report
from tests.warehouse.test_corrections import changelog, released, run_pipeline, write_corrections
from transforms.frames import FactFrames, extract_fact_frames, to_fact_frames

SAYS_31 = REPORT_TEXT.replace("30/63", "31/63").replace("Quyết định số 742", "Quyết định số 743")
SAYS_30 = "Bản tin.\nNăm 2022, Vĩnh Long xếp thứ 30/63 tỉnh, thành phố về Chỉ số chuyển đổi số."
BROKEN = REPORT_TEXT.replace("Vĩnh Long tổng kết", "Bản tin: Vĩnh Long tổng kết")
TODAY = date(2026, 12, 4)


def doc_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def build_queue_case(settings: Settings) -> None:
    """Three reports: two disagree on Vĩnh Long's DTI 2022 rank (one differs from the official 30),
    and one, read wrongly (rank 70 of 63), is quarantined; a correction names a fact that is gone.
    One bad fact among a dozen is above the default quarantine share that blocks a release."""
    settings = settings.model_copy(update={"max_quarantine_share": 0.5})
    write_report(settings.source_dir, "vinh-long/a-31.txt", SAYS_31)
    write_report(settings.source_dir, "vinh-long/b-30.txt", SAYS_30)
    write_report(settings.source_dir, "vinh-long/c-broken.txt", BROKEN)
    write_corrections(
        settings,
        "old.yml",
        f"""
        - document: {doc_id(SAYS_30)}
          fact: metric
          value: 55
          action: reject
          reason: A figure an older extractor read.
          author: Test
          date: 2026-11-30
        """,
    )
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    documents = pipeline.read_documents(settings, [doc_id(SAYS_31), doc_id(SAYS_30)])
    broken = to_fact_frames([(doc_id(BROKEN), hand_extraction(BROKEN, rank=70))])
    pipeline.stage_facts(settings, FactFrames.concat([extract_fact_frames(documents), broken]))
    gate = pipeline.validate_staged(settings, "run-1")
    assert gate.passed, gate.summary()
    pipeline.publish_release(settings, gate)


def test_review_lists_every_kind_of_item_by_impact_with_evidence_and_the_correction_to_write(
    settings: Settings,
) -> None:
    build_queue_case(settings.model_copy(update={"min_confidence": 0.85}))  # holds the 0.8 legal refs
    queue = pipeline.review_items(settings.model_copy(update={"min_confidence": 0.85}))

    waiting = queue.filter(queue["impact"] > 0)
    items = waiting.select("item", "source", "value", "suggested").rows()
    assert ("differs from official DTI", "vinh-long/a-31.txt", "31", "set: rank = 30") in items
    assert ("conflicting rank", "vinh-long/a-31.txt", "31", "reject") in items
    assert ("conflicting rank", "vinh-long/b-30.txt", "30", "accept") in items
    assert (
        "quarantined",
        "vinh-long/c-broken.txt",
        "30/63",
        "add (with the right fields under set)",
    ) in items
    assert ("low confidence", "vinh-long/a-31.txt", "743", "accept, set or reject") in items
    stale = waiting.filter(waiting["item"] == "stale correction").row(0, named=True)
    assert stale["action"] == "reject" and "no longer reads it" in stale["detail"]
    assert waiting["impact"].to_list() == sorted(waiting["impact"].to_list(), reverse=True)
    assert waiting["item"][0] == "conflicting rank"  # two published ranks disagree: the most impact
    quarantined = waiting.filter(waiting["item"] == "quarantined").row(0, named=True)
    assert (
        quarantined["evidence"]
        == "Năm 2022, Vĩnh Long xếp thứ 30/63 tỉnh, thành phố về Chỉ số chuyển đổi số."
    )
    assert BROKEN[quarantined["span_start"] : quarantined["span_end"]] == "30/63"
    assert quarantined["detail"].split(":")[0] in {"rank_in_range", "rank_within_out_of"}


def fill(rows: list[dict[str, str]], item: str, source: str, **answer: str) -> None:
    row = next(r for r in rows if r["item"] == item and r["source"] == source)
    row.update(answer, author="Phạm Test", date="2026-12-04")


def test_export_and_import_round_trip_to_the_same_correction_files(
    settings: Settings, tmp_path: Path
) -> None:
    build_queue_case(settings)
    exported = tmp_path / "review.csv"
    from cds.review import export_queue, import_queue

    export_queue(pipeline.review_items(settings), exported)
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fill(
        rows,
        "differs from official DTI",
        "vinh-long/a-31.txt",
        action="set",
        set="rank = 30",
        reason="The official list says 30.",
    )
    fill(rows, "conflicting rank", "vinh-long/b-30.txt", action="accept", reason="Matches the official list.")
    with exported.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    written = import_queue(exported, settings.corrections_dir, TODAY)
    first = {p.name: p.read_bytes() for p in sorted(settings.corrections_dir.glob("*.yml"))}
    assert sorted(p.name for p in written) == ["old.yml", "review-2026-12-04.yml"]  # canonical form
    assert set(first) == {"old.yml", "review-2026-12-04.yml"}
    run_pipeline(settings, "run-2")
    assert released(
        settings, "select rank, corrected_by is not null from dti_ranks order by source_path"
    ) == [
        (30, True),
        (30, True),
    ]

    again = tmp_path / "again.csv"  # the queue now carries the three corrections, filled in
    export_queue(pipeline.review_items(settings), again)
    for path in settings.corrections_dir.glob("*.yml"):
        path.unlink()
    import_queue(again, settings.corrections_dir, TODAY)
    assert {p.name: p.read_bytes() for p in sorted(settings.corrections_dir.glob("*.yml"))} == first


def test_a_retracted_document_leaves_the_next_release_and_the_changelog_says_why(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cds.cli import app

    write_report(settings.source_dir, "vinh-long/a-31.txt", SAYS_31)
    write_report(settings.source_dir, "vinh-long/b-30.txt", SAYS_30)
    run_pipeline(settings, "run-1")
    assert released(settings, "select count(*) from dti_ranks") == [(2,)]
    for name in ("source_dir", "warehouse_path", "public_dir", "corrections_dir"):
        monkeypatch.setenv(f"CDS_{name.upper()}", str(getattr(settings, name)))
    get_settings.cache_clear()

    result = CliRunner().invoke(
        app, ["retract", "vinh-long/a-31.txt", "--reason", "Draft published by mistake", "--author", "Test"]
    )
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert (settings.corrections_dir / f"retract-{doc_id(SAYS_31)[:12]}.yml").exists()
    release = run_pipeline(settings, "run-2")
    assert release is not None and release.created
    assert released(settings, "select count(*) from documents where source_path = 'vinh-long/a-31.txt'") == [
        (0,)
    ]
    for table in ("dti_ranks", "metrics", "officials", "legal_refs"):
        rows = released(settings, f"select count(*) from {table} where doc_id = '{doc_id(SAYS_31)}'")
        assert rows == [(0,)], table
    assert released(settings, "select count(*) from dti_ranks") == [(1,)]
    entry = changelog(settings).split("\n## ")[1]
    assert "**retract** document `vinh-long/a-31.txt` and all its facts — Draft published by mistake" in entry
    assert "| dti_ranks | 1 | 0 | 1 |" in entry


def test_a_deleted_source_file_is_reported_and_can_be_retracted_by_setting(settings: Settings) -> None:
    write_report(settings.source_dir, "vinh-long/a-31.txt", SAYS_31)
    write_report(settings.source_dir, "vinh-long/b-30.txt", SAYS_30)
    run_pipeline(settings, "run-1")
    (settings.source_dir / "vinh-long" / "a-31.txt").unlink()

    pipeline.prepare_warehouse(settings)
    summary = pipeline.ingest_source(settings, settings.source_dir, "run-2")

    assert summary.vanished == ("vinh-long/a-31.txt",)
    queue = pipeline.review_items(settings)
    vanished = queue.filter(queue["item"] == "vanished source").row(0, named=True)
    assert vanished["source"] == "vinh-long/a-31.txt" and vanished["suggested"] == "retract"
    assert "no longer in the folder" in vanished["detail"]
    run_pipeline(settings, "run-2")  # the default reports it only: its facts stay published
    assert released(settings, "select count(*) from dti_ranks") == [(2,)]

    retracting = settings.model_copy(update={"retract_vanished": True})
    release = run_pipeline(retracting, "run-3")

    assert release is not None and release.created
    assert released(retracting, "select source_path from documents") == [("vinh-long/b-30.txt",)]
    assert released(retracting, "select count(*) from dti_ranks") == [(1,)]
    write_report(settings.source_dir, "vinh-long/a-31.txt", SAYS_31)  # back in the folder: back in
    run_pipeline(retracting, "run-4")
    assert released(retracting, "select count(*) from dti_ranks") == [(2,)]


def test_importing_a_badly_filled_row_names_the_csv_line_and_writes_nothing(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cds.cli import app
    from warehouse.review import REVIEW_COLUMNS

    filled = tmp_path / "review.csv"
    with filled.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REVIEW_COLUMNS))
        writer.writeheader()
        base = {"item": "low confidence", "fact": "dti_rank", "document": doc_id(SAYS_30), "value": "30"}
        writer.writerow({**base, "action": "accept", "reason": "Checked.", "author": "Test"})
        writer.writerow({**base, "action": "set", "set": "rank = 90", "reason": "Typo.", "author": "Test"})
    monkeypatch.setenv("CDS_CORRECTIONS_DIR", str(settings.corrections_dir))
    get_settings.cache_clear()

    result = CliRunner().invoke(app, ["corrections", "import", str(filled)])
    get_settings.cache_clear()

    assert result.exit_code == 1
    assert "review.csv:3: 'rank: 90' is impossible" in result.output
    assert not settings.corrections_dir.exists()
