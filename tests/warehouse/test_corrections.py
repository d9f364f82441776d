"""Corrections: reviewed files fix published facts, survive re-extraction, and show in the release."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import duckdb
import pytest

from cds import pipeline
from cds.corrections import CorrectionError, read_corrections
from cds.settings import PROJECT_ROOT, Settings
from tests.conftest import REPORT_TEXT, SAMPLES_DIR, write_report
from transforms.frames import extract_fact_frames
from warehouse.publish import OPEN_DATA_DB, Release

DOC_ID = hashlib.sha256(REPORT_TEXT.encode()).hexdigest()
RANK_SPAN = (REPORT_TEXT.index("30/63"), REPORT_TEXT.index("30/63") + len("30/63"))


def run_pipeline(settings: Settings, run_id: str, *, force: bool = False) -> Release | None:
    """One run as the nightly and backfill flows chain it (no Prefect): ingest, extract with the
    real extractor (with `force`, every document again), apply corrections and gate, publish."""
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, run_id)
    unchanged = None if force else pipeline.unchanged_release(settings)
    if unchanged is not None:
        return unchanged
    doc_ids = pipeline.select_documents_to_backfill(settings, force=force)["doc_id"].to_list()
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.read_documents(settings, doc_ids)))
    gate = pipeline.validate_staged(settings, run_id)
    return pipeline.publish_release(settings, gate) if gate.passed else None


def write_corrections(settings: Settings, name: str, text: str) -> Path:
    settings.corrections_dir.mkdir(parents=True, exist_ok=True)
    path = settings.corrections_dir / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def released(settings: Settings, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(settings.public_dir / "latest" / OPEN_DATA_DB), read_only=True) as db:
        return db.execute(sql).fetchall()


def changelog(settings: Settings) -> str:
    return (settings.public_dir / "latest" / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.fixture
def report(settings: Settings) -> Settings:
    write_report(settings.source_dir, "vinh-long/tong-ket-2022.txt", REPORT_TEXT)
    return settings


def test_a_reject_removes_a_wrong_rank_and_stays_applied_after_backfill_force(report: Settings) -> None:
    run_pipeline(report, "run-1")
    assert released(report, "select rank from dti_ranks") == [(30,)]
    write_corrections(
        report,
        "vinh-long.yml",
        f"""
        - document: {DOC_ID}
          fact: dti_rank
          span: [{RANK_SPAN[0]}, {RANK_SPAN[1]}]
          value: 30
          action: reject
          reason: The report quotes a draft ranking, withdrawn the next week.
          author: Nguyễn Thị Test
          date: 2026-12-01
        """,
    )

    second = run_pipeline(report, "run-2")  # no new document: the correction alone makes a release
    assert second is not None and second.created
    assert released(report, "select count(*) from dti_ranks") == [(0,)]
    assert released(report, "select action, status, facts from corrections") == [("reject", "applied", 1)]

    third = run_pipeline(report, "run-3", force=True)  # re-extracted: the fact is read again
    assert third is not None
    assert released(report, "select count(*) from dti_ranks") == [(0,)]
    with duckdb.connect(str(report.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from core.fact_dti_rank").fetchone() == (1,)


def test_a_set_changes_a_field_and_the_changelog_says_so(report: Settings) -> None:
    run_pipeline(report, "run-1")
    write_corrections(
        report,
        "edition.yml",
        f"""
        - document: {DOC_ID}
          fact: dti_rank
          value: 30
          action: set
          set: {{edition_year: 2021}}
          reason: The ranking quoted is DTI 2021's, announced in 2022.
          author: Trần Văn Test
          date: 2026-12-02
        """,
    )
    correction_id = read_corrections(report.corrections_dir)[0].correction_id

    run_pipeline(report, "run-2")

    assert released(report, "select edition_year, rank, corrected_by from dti_ranks") == [
        (2021, 30, correction_id)
    ]
    assert released(report, "select count(*) from metrics where corrected_by is not null") == [(0,)]
    entry = changelog(report).split("\n## ")[1]
    assert f"`{correction_id}` **set** dti_rank 30 in `vinh-long/tong-ket-2022.txt`" in entry
    assert "edition_year = 2021" in entry and "DTI 2021's, announced in 2022" in entry
    pages = (report.public_dir / "latest" / "provinces").glob("*.html")  # the catalog marks it
    marked = [p.name for p in pages if f"corrected by {correction_id}" in p.read_text(encoding="utf-8")]
    assert marked


def test_an_add_publishes_a_missed_fact_with_its_span(report: Settings) -> None:
    text = REPORT_TEXT + " Tỉnh có ba trăm điểm wifi công cộng."  # a number in words: not read
    write_report(report.source_dir, "vinh-long/tong-ket-2022.txt", text)
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    start, end = text.index("ba trăm"), text.index(" công cộng")
    write_corrections(
        report,
        "added.yml",
        f"""
        - document: {doc_id}
          fact: metric
          span: [{start}, {end}]
          action: add
          set: {{kind: quantity, value: 300, unit: điểm wifi, subject: điểm wifi công cộng}}
          evidence: Tỉnh có ba trăm điểm wifi công cộng.
          reason: The count is written in words, which the extractor does not read.
          author: Lê Test
          date: 2026-12-03
        """,
    )

    run_pipeline(report, "run-1")

    rows = released(
        report,
        "select value, unit, province_code, raw_text, evidence, span_start, span_end, confidence "
        "from metrics where corrected_by is not null",
    )
    assert rows == [
        (
            300.0,
            "điểm wifi",
            "86",
            "ba trăm điểm wifi",
            "Tỉnh có ba trăm điểm wifi công cộng.",
            start,
            end,
            1.0,
        )
    ]
    assert released(report, "select count(*) from metrics") == [(2,)]


def test_a_set_fixes_a_wrong_rank_and_publishes_it_despite_its_low_confidence(report: Settings) -> None:
    text = REPORT_TEXT + " Về chính quyền số, tỉnh đứng thứ mười hai cả nước."
    write_report(report.source_dir, "vinh-long/tong-ket-2022.txt", text)
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    run_pipeline(report, "run-1")  # 'thứ mười hai' (12th), read with confidence 0.55: held for review
    assert released(report, "select pillar from dti_ranks") == [("overall",)]
    write_corrections(
        report,
        "typo.yml",
        f"""
        - document: {doc_id}
          fact: dti_rank
          span: [{text.index("thứ mười hai")}, {text.index(" cả nước")}]
          value: 12
          action: set
          set: {{rank: 21}}
          reason: "The official DTI 2022 table ranks the province 21st; 'mười hai' in the report is a typo."
          author: Lê Test
          date: 2026-12-03
        """,
    )

    run_pipeline(report, "run-2")

    assert released(report, "select pillar, rank, confidence from dti_ranks order by pillar") == [
        ("digital_government", 21, 0.55),
        ("overall", 30, 0.99),
    ]


def test_a_stale_correction_is_warned_about_and_kept(report: Settings) -> None:
    write_corrections(
        report,
        "stale.yml",
        f"""
        - document: {DOC_ID}
          fact: metric
          value: 12.5
          action: reject
          reason: A figure an older extractor read.
          author: Test
          date: 2026-12-01
        """,
    )
    pipeline.prepare_warehouse(report)
    pipeline.ingest_source(report, report.source_dir, "run-1")
    pipeline.stage_facts(report, extract_fact_frames(pipeline.select_documents_to_extract(report)))

    gate = pipeline.validate_staged(report, "run-1")

    check = next(c for c in gate.checks if c.check == "corrections_are_current")
    assert gate.passed and not check.success and check.severity == "warn" and check.failing_rows == 1
    assert "no longer reads it" in check.detail and "stale.yml" in check.detail
    release = pipeline.publish_release(report, gate)
    assert release.created
    assert released(report, "select status, facts from corrections") == [("stale", 0)]


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("  fact: dti_rank\n  value: 30\n  action: reject\n  rnak: 3\n", 5, "unknown field 'rnak'"),
        ("  fact: dti_rank\n  value: 30\n  action: set\n  set: {rank: 90}\n", 5, "'rank: 90' is impossible"),
        ("  fact: dti_rank\n  value: 30\n  action: set\n  set:\n    pilar: x\n", 6, "unknown field 'pilar'"),
        ("  fact: dti_rank\n  span: [9, 3]\n  action: reject\n", 3, "span [9, 3] is impossible"),
        ("  fact: metric\n  action: reject\n", 3, "names a fact by 'span' or 'value'"),
        ("  fact: dti_rank\n  value: 30\n  action: replace\n", 4, "'action'"),
    ],
)
def test_a_malformed_correction_fails_with_file_and_line(
    settings: Settings, body: str, line: int, message: str
) -> None:
    folder = settings.corrections_dir
    folder.mkdir()
    tail = "  reason: a reason\n  author: Test\n  date: 2026-12-01\n"
    (folder / "bad.yml").write_text(f"- document: {DOC_ID}\n{body}{tail}", encoding="utf-8")

    with pytest.raises(CorrectionError) as failure:
        read_corrections(folder, folder.parent)

    assert str(failure.value).startswith(f"corrections/bad.yml:{line}: ")
    assert message in str(failure.value)


def test_a_span_outside_the_document_fails_the_run_with_file_and_line(report: Settings) -> None:
    write_corrections(
        report,
        "outside.yml",
        f"""
        # a comment line first
        - document: {DOC_ID}
          fact: dti_rank
          span: [5000, 5010]
          action: reject
          reason: wrong offsets
          author: Test
          date: 2026-12-01
        """,
    )
    with pytest.raises(CorrectionError, match=r"outside\.yml:2: span \[5000, 5010\] is outside the document"):
        run_pipeline(report, "run-1")
    assert not (report.public_dir / "latest").exists()


def test_facts_below_the_confidence_threshold_wait_and_an_accept_publishes_one(report: Settings) -> None:
    strict = report.model_copy(update={"min_confidence": 0.9})  # the legal reference reads 0.8

    run_pipeline(strict, "run-1")

    assert released(strict, "select count(*) from legal_refs") == [(0,)]
    assert released(strict, "select confidence from dti_ranks") == [(0.99,)]
    with duckdb.connect(str(strict.warehouse_path), read_only=True) as con:
        assert con.execute("select confidence from core.fact_legal_ref").fetchall() == [(0.8,)]
    write_corrections(
        strict,
        "accept.yml",
        f"""
        - document: {DOC_ID}
          fact: legal_ref
          value: "742"
          action: accept
          reason: Checked against the decision itself.
          author: Test
          date: 2026-12-04
        """,
    )
    run_pipeline(strict, "run-2")
    assert released(strict, "select number, confidence from legal_refs") == [("742", 0.8)]


def test_the_readme_example_publishes_a_held_back_sample_rank(settings: Settings) -> None:
    name = "thua-thien-hue/2021-11-02-dti-2020-xep-thu-hai.txt"
    write_report(settings.source_dir, name, (SAMPLES_DIR / name).read_text(encoding="utf-8"))
    run_pipeline(settings, "run-1")
    query = "select rank, out_of, corrected_by is not null from dti_ranks where pillar = 'digital_government'"
    assert released(settings, query) == []  # confidence 0.55: waits in review
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("# corrections/thua-thien-hue-dti-2020.yml\n", 1)[1].split("```", 1)[0]
    write_corrections(settings, "thua-thien-hue-dti-2020.yml", example)

    run_pipeline(settings, "run-2")

    assert released(settings, query) == [(1, 63, True)]
    assert "**set** dti_rank 1 in `thua-thien-hue/2021-11-02-dti-2020-xep-thu-hai.txt`" in changelog(settings)
