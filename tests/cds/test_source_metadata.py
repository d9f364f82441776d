"""Sidecar metadata end to end: read beside each file, used by extraction, published with the document."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from cds import pipeline
from cds.settings import Settings
from cds.sources import list_report_files, read_report_files
from tests.conftest import REPORT_TEXT, write_report
from tests.test_cli import cds
from transforms.frames import extract_fact_frames

URL = "https://stttt.example.vn/tin-tuc/vinh-long-tong-ket-chuyen-doi-so"
# A dateline without a year: only the published date can say which 25 November it was.
DATELINE_TEXT = (
    "Vĩnh Long tổng kết chuyển đổi số\n"
    "Chiều 25-11, UBND tỉnh Vĩnh Long tổ chức hội nghị tổng kết chuyển đổi số. "
    "Tỷ lệ hồ sơ trực tuyến đạt 98,5%."
)


def write_sidecar(folder: Path, stem: str, **keys: object) -> None:
    (folder / f"{stem}.meta.json").write_text(json.dumps(keys), encoding="utf-8")


def test_sidecars_are_not_listed_as_documents(tmp_path: Path) -> None:
    write_report(tmp_path, "a.txt", REPORT_TEXT)
    write_sidecar(tmp_path, "a", url=URL)
    write_sidecar(tmp_path, "orphan", url=URL)
    write_report(tmp_path, "a.gold.json", "{}")

    assert list_report_files(tmp_path) == ["a.gold.json", "a.txt"]


def test_each_file_gets_its_own_sidecar_and_a_broken_one_is_only_a_warning(tmp_path: Path) -> None:
    write_report(tmp_path, "a.txt", REPORT_TEXT)
    write_sidecar(tmp_path, "a", url=URL, published_date="2022-11-25", source="portal")
    write_report(tmp_path, "sub/b.v2.md", REPORT_TEXT + " Thêm.")
    (tmp_path / "sub" / "b.v2.meta.json").write_text("{broken", encoding="utf-8")
    write_report(tmp_path, "c.txt", REPORT_TEXT + " Khác.")
    write_sidecar(tmp_path, "c", url="https://baotinh.example.vn/channel/5/202301/tin-c/")
    (tmp_path / "d.meta.json").symlink_to(tmp_path / "a.meta.json")
    write_report(tmp_path, "d.txt", REPORT_TEXT + " Nữa.")

    files = read_report_files(tmp_path, list_report_files(tmp_path), set(), max_bytes=10**6)
    rows = {r["source_path"]: r for r in files.iter_rows(named=True)}

    assert (rows["a.txt"]["source_url"], rows["a.txt"]["published_date"]) == (URL, date(2022, 11, 25))
    assert rows["sub/b.v2.md"]["doc_id"] and rows["sub/b.v2.md"]["reason"] is None
    assert rows["sub/b.v2.md"]["source_url"] is None
    assert "not UTF-8 JSON" in rows["sub/b.v2.md"]["meta_warning"]
    assert rows["c.txt"]["published_date"] is None  # a month in the URL is no publication day
    assert rows["d.txt"]["source_url"] is None and "symbolic link" in rows["d.txt"]["meta_warning"]
    assert all(r["reason"] is None for r in rows.values())


def test_a_document_keeps_its_own_title_unless_the_sidecar_gives_one(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Tiêu đề trang</title></head>"
        "<body><article><p>Tỷ lệ đạt 98,5%.</p></article></body></html>"
    )
    write_report(tmp_path, "a.html", page)
    write_report(tmp_path, "b.html", page.replace("98,5", "97,5"))
    write_sidecar(tmp_path, "b", title="Tiêu đề từ sidecar")

    files = read_report_files(tmp_path, list_report_files(tmp_path), set(), max_bytes=10**6)

    assert dict(files.select("source_path", "title").iter_rows()) == {
        "a.html": "Tiêu đề trang",
        "b.html": "Tiêu đề từ sidecar",
    }


@pytest.mark.integration
def test_a_sidecar_url_and_date_reach_the_published_documents_table(settings: Settings) -> None:
    write_report(settings.source_dir, "vinh-long.txt", DATELINE_TEXT)
    write_sidecar(settings.source_dir, "vinh-long", url=URL, published_date="2022-11-30", title="Tổng kết")
    write_report(settings.source_dir, "plain.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)

    summary = pipeline.ingest_source(settings, settings.source_dir, "run-1")
    doc_ids = pipeline.select_documents_to_backfill(settings)["doc_id"].to_list()
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.read_documents(settings, doc_ids)))
    gate = pipeline.validate_staged(settings, "run-1")
    assert gate.passed, gate.summary()
    pipeline.publish_release(settings, gate)

    assert (summary.files_seen, summary.errors, summary.meta_warnings) == (2, (), ())
    documents = pl.read_parquet(settings.public_dir / "latest" / "documents.parquet")
    rows = {r["source_path"]: r for r in documents.iter_rows(named=True)}
    assert rows["vinh-long.txt"]["source_url"] == URL
    assert rows["vinh-long.txt"]["published_date"] == date(2022, 11, 30)
    assert rows["vinh-long.txt"]["event_date"] == date(2022, 11, 25)  # the year came from the sidecar
    assert rows["plain.txt"]["source_url"] is None
    csv = pl.read_csv(settings.public_dir / "latest" / "documents.csv", infer_schema=False)
    assert URL in csv["source_url"].to_list()


def test_extract_reads_sidecars_and_skips_them_in_folders(tmp_path: Path) -> None:
    write_report(tmp_path, "a.txt", DATELINE_TEXT)
    write_sidecar(tmp_path, "a", url=URL, published_date="2022-11-30", extra={"ignored": True})
    write_report(tmp_path, "b.txt", DATELINE_TEXT + " Thêm.")
    write_sidecar(tmp_path, "b", url="https://baotinh.example.vn/thoi-su/tin-20211230213958762.htm")
    write_report(tmp_path, "c.txt", DATELINE_TEXT + " Khác.")
    (tmp_path / "c.meta.json").write_text('{"url": 7, "published_date": "2022-13-01"}', encoding="utf-8")
    write_report(
        tmp_path,
        "d.html",
        "<html><head><link rel=canonical href='https://p.example.vn/d'></head>"
        "<body><article><p>Chiều 25-11, Vĩnh Long họp.</p></article></body></html>",
    )
    write_report(
        tmp_path,
        "e.html",
        "<html><head><meta property='article:published_time' content='2021-12-01'>"
        "</head><body><article><p>Chiều 25-11, Vĩnh Long họp.</p></article></body></html>",
    )
    write_sidecar(tmp_path, "e", url="https://p.example.vn/e")

    result = cds("extract", str(tmp_path), "--format", "jsonl")

    assert result.returncode == 0, result.stderr
    records = {Path(r["source"]).name: r for r in map(json.loads, result.stdout.splitlines())}
    assert list(records) == ["a.txt", "b.txt", "c.txt", "d.html", "e.html"]  # no sidecar is an input
    assert all(r["error"] is None for r in records.values())
    assert (records["a.txt"]["source_url"], records["a.txt"]["published_date"]) == (URL, "2022-11-30")
    assert records["a.txt"]["event_date"] == "2022-11-25"
    assert records["b.txt"]["published_date"] == "2021-12-30"
    assert records["b.txt"]["event_date"] == "2021-11-25"
    assert records["c.txt"]["source_url"] is None and records["c.txt"]["published_date"] is None
    assert "c.txt" in result.stderr and "url is a JSON int" in result.stderr
    assert records["d.html"]["source_url"] == "https://p.example.vn/d"
    assert (records["e.html"]["source_url"], records["e.html"]["published_date"]) == (
        "https://p.example.vn/e",
        "2021-12-01",
    )
