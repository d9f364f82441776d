"""Releases: complete before they are visible, atomic `latest`, nothing new when nothing changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from cds import pipeline
from cds.settings import PROJECT_ROOT, Settings
from expectations.contracts import load_contracts
from tests.conftest import REPORT_TEXT, write_report
from tests.warehouse.test_load import build
from warehouse.publish import OPEN_DATA_DB, PUBLISHED_TABLES, chart_pool, prune_releases, switch_latest


def test_release_holds_every_table_as_parquet_and_csv_with_a_datapackage(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)
    latest = settings.public_dir / "latest"

    assert latest.is_symlink()
    for table in PUBLISHED_TABLES:
        parquet = pl.read_parquet(latest / f"{table}.parquet")
        csv = pl.read_csv(latest / f"{table}.csv", infer_schema=False)
        assert parquet.columns == csv.columns == load_contracts()[table].column_names
        assert parquet.height == csv.height
    package = json.loads((settings.public_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == sorted(PUBLISHED_TABLES)
    assert all(f.get("description") for r in package["resources"] for f in r["schema"]["fields"])


def test_open_data_duckdb_file_is_self_contained(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)

    with duckdb.connect(str(settings.public_dir / "latest" / OPEN_DATA_DB), read_only=True) as con:
        row = con.execute("select province_code, edition_year, rank, raw_text from dti_ranks").fetchone()
    assert row == ("86", 2022, 30, "30/63")


def test_unchanged_warehouse_publishes_no_new_release(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)
    first = (settings.public_dir / "latest").resolve()

    release = pipeline.publish_release(settings, pipeline.validate_staged(settings, "run-2"))

    assert not release.created
    assert (settings.public_dir / "latest").resolve() == first
    assert len(list((settings.public_dir / "releases").iterdir())) == 1


def test_switch_latest_replaces_the_link_in_one_step(tmp_path: Path) -> None:
    public = tmp_path
    old, new = public / "releases" / "1", public / "releases" / "2"
    old.mkdir(parents=True)
    new.mkdir()
    switch_latest(public, old)
    switch_latest(public, new)

    assert (public / "latest").resolve() == new.resolve()
    assert not (public / ".latest.switching").exists()


def test_prune_keeps_the_newest_and_the_current_release(tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    for name in ("1", "2", "3", "4"):
        (releases / name).mkdir(parents=True)
    switch_latest(tmp_path, releases / "1")

    removed = prune_releases(releases, keep=2)

    assert removed == ["2"]
    assert sorted(p.name for p in releases.iterdir()) == ["1", "3", "4"]


def test_release_carries_a_changelog_and_the_quality_report(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)
    write_report(settings.source_dir, "b.txt", REPORT_TEXT + " Bản thứ hai.")

    build(settings, run_id="run-2")

    latest = settings.public_dir / "latest"
    changelog = (latest / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.count("## ") == 2 and "| dti_ranks | 2 | 1 | 0 |" in changelog
    report = json.loads((latest / "quality" / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["checks_failed"] == 1  # freshness: the hand-made report is from 2023 (a warning)
    checks = pl.read_csv(latest / "quality" / "checks.csv")
    assert checks.filter(pl.col("severity") == "error")["success"].all()


def test_a_large_row_count_drop_blocks_the_release(settings: Settings) -> None:
    for number in range(4):
        write_report(settings.source_dir, f"r{number}.txt", REPORT_TEXT + f" Số {number}.")
    build(settings)
    with duckdb.connect(str(settings.warehouse_path)) as con:  # documents vanish from the warehouse
        con.execute("delete from raw.files where source_path <> 'r0.txt'")

    gate = pipeline.validate_staged(settings, "run-2")

    assert [f"{c.table}.{c.check}" for c in gate.blocking_failures] == ["warehouse.row_count_no_large_drop"]


@pytest.mark.integration
def test_release_is_a_valid_frictionless_data_package(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("frictionless")),
            "validate",
            "--json",
            str(settings.public_dir / "latest" / "datapackage.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    report = json.loads(result.stdout)
    assert report["valid"], result.stdout[:2000]


def test_open_data_duckdb_documents_its_columns_and_offers_views(settings: Settings) -> None:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)

    with duckdb.connect(str(settings.public_dir / "latest" / OPEN_DATA_DB), read_only=True) as con:
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'dti_ranks' and column_name = 'rank'"
        ).fetchall()
        overall = con.execute(
            "select province_code, edition_year, rank, documents from province_dti_overall"
        ).fetchall()
    assert comment == [("Thứ hạng / Rank (1 = best)",)]
    assert overall == [("86", 2022, 30, 1)]


UNGUARDED_SCRIPT = """
from warehouse.publish import chart_pool

with chart_pool(2) as processes:  # no `if __name__ == "__main__":`: each new process runs this again
    print("parallel" if processes.ready() is not None else "in this process", flush=True)
"""


def test_a_script_without_a_main_guard_renders_charts_in_its_own_process(tmp_path: Path) -> None:
    script = tmp_path / "publish_script.py"
    script.write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "in this process"
    assert "the chart processes could not start, so charts render in this process" in done.stderr


def test_chart_processes_are_used_when_they_start() -> None:
    with chart_pool(1) as processes:
        assert processes.ready() is not None
    with chart_pool(0) as processes:
        assert processes.ready() is None
