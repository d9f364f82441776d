"""Finding and reading report files: what is read, what is skipped, what becomes an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cds.sources import SourceError, _escape, list_report_files, printable_path, read_report_files
from tests.conftest import REPORT_TEXT, write_report


def test_lists_regular_files_recursively_in_sorted_order_without_hidden_ones(tmp_path: Path) -> None:
    write_report(tmp_path, "b/2.txt", "x")
    write_report(tmp_path, "a.md", "x")
    write_report(tmp_path, ".hidden.txt", "x")
    write_report(tmp_path, ".git/config", "x")

    assert list_report_files(tmp_path) == ["a.md", "b/2.txt"]


def test_symbolic_links_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_report(outside, "secret.txt", "x")
    root = tmp_path / "root"
    write_report(root, "a.txt", "x")
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "link.txt").symlink_to(outside / "secret.txt")

    assert list_report_files(root) == ["a.txt"]


def test_missing_source_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        list_report_files(tmp_path / "nope")


def test_reads_new_versions_only_and_explains_unreadable_files(tmp_path: Path) -> None:
    write_report(tmp_path, "a.txt", REPORT_TEXT)
    (tmp_path / "big.txt").write_bytes(b"x" * 2048)
    (tmp_path / "notes.xlsx").write_bytes(b"PK\x03\x04")
    first = read_report_files(tmp_path, ["a.txt", "big.txt", "notes.xlsx"], set(), max_bytes=1024)

    rows = {r["source_path"]: r for r in first.iter_rows(named=True)}
    assert rows["a.txt"]["doc_id"] and rows["a.txt"]["reason"] is None
    assert "over the 1,024-byte limit" in rows["big.txt"]["reason"]
    assert rows["notes.xlsx"]["reason"] == "unsupported file type .xlsx"

    known = {(r["source_path"], r["file_sha256"]) for r in first.iter_rows(named=True)}
    again = read_report_files(tmp_path, ["a.txt", "big.txt", "notes.xlsx"], known, max_bytes=1024)
    # No new version; the files that were read hold known ones, named for their stats, nothing decoded.
    assert again["known_version"].all() and again["source_path"].to_list() == ["a.txt", "notes.xlsx"]
    assert again.select("doc_id", "text", "reason").null_count().row(0) == (2, 2, 2)


def test_modification_time_is_kept(tmp_path: Path) -> None:
    path = write_report(tmp_path, "a.txt", REPORT_TEXT)
    os.utime(path, (1_700_000_000, 1_700_000_000))

    row = read_report_files(tmp_path, ["a.txt"], set(), max_bytes=10**6).row(0, named=True)

    assert row["modified_at"].isoformat() == "2023-11-14T22:13:20"
    assert row["size_bytes"] == len(REPORT_TEXT.encode())


def test_a_file_with_the_size_and_time_of_an_ingested_version_is_not_read(tmp_path: Path) -> None:
    path = write_report(tmp_path, "a.txt", REPORT_TEXT)
    first = read_report_files(tmp_path, ["a.txt"], set(), max_bytes=10**6)
    row = first.row(0, named=True)
    unchanged = {(row["source_path"], row["size_bytes"], row["modified_at"])}

    assert read_report_files(tmp_path, ["a.txt"], set(), 10**6, unchanged).height == 0

    path.write_text(REPORT_TEXT.replace("98,5%", "97,5%"), encoding="utf-8")  # same size, new time
    os.utime(path, (1_800_000_000, 1_800_000_000))
    again = read_report_files(tmp_path, ["a.txt"], set(), 10**6, unchanged)
    assert again.height == 1 and again.row(0, named=True)["file_sha256"] != row["file_sha256"]


@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=40))
def test_printable_path_fast_path_equals_escaping_every_character(relative: str) -> None:
    assert printable_path(relative) == "".join(_escape(char) for char in relative)
