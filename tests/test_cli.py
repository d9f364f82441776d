"""The `cds` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cds.settings import Settings
from tests.conftest import REPORT_TEXT, write_report
from tests.warehouse.test_load import build

CONTRACT_KEYS = {
    "source",
    "doc_id",
    "source_url",
    "title",
    "published_date",
    "province",
    "event_date",
    "rankings",
    "metrics",
    "people",
    "legal_refs",
    "error",
}


def cds(
    *args: str, settings: Settings | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(env or os.environ)
    if settings is not None:
        env.update(CDS_WAREHOUSE_PATH=str(settings.warehouse_path), CDS_PUBLIC_DIR=str(settings.public_dir))
    return subprocess.run(
        [sys.executable, "-m", "cds.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_extract_prints_one_contract_object_per_document_in_input_order(tmp_path: Path) -> None:
    write_report(tmp_path, "b/report.txt", REPORT_TEXT)
    write_report(tmp_path, "a.md", "# Tiêu đề\n\nTỷ lệ đạt 99,1%.")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")

    result = cds("extract", str(tmp_path), "--format", "jsonl")

    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(r["source"]).relative_to(tmp_path).as_posix() for r in records] == [
        "a.md",
        "b/report.txt",
        "broken.pdf",
    ]
    assert all(set(r) == CONTRACT_KEYS for r in records)
    assert records[2]["error"] and records[2]["doc_id"] is None
    assert records[0]["error"] is None and [m["value"] for m in records[0]["metrics"]] == [99.1]


def test_extract_gives_a_missing_input_its_error_line_and_goes_on(tmp_path: Path) -> None:
    """The contract: every input gets a line, an error line for one that cannot be read, and the
    others are still extracted; the missing one is also one line on stderr, and the exit code 1."""
    first = write_report(tmp_path, "a.txt", REPORT_TEXT)
    last = write_report(tmp_path, "b.md", "# Tiêu đề\n\nTỷ lệ đạt 99,1%.")
    missing = tmp_path / "nope.txt"

    result = cds("extract", str(first), str(missing), str(tmp_path / "gone"), str(last), "--format", "jsonl")

    assert result.returncode == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(first), str(missing), str(tmp_path / "gone"), str(last)]
    assert all(set(r) == CONTRACT_KEYS for r in records)
    assert records[1]["error"] == "does not exist" and records[1]["doc_id"] is None
    assert records[0]["error"] is None and records[3]["error"] is None and records[3]["metrics"]
    assert result.stderr.splitlines() == [
        f"Error: {missing}: does not exist",
        f"Error: {tmp_path / 'gone'}: does not exist",
    ]


@pytest.fixture
def published(settings: Settings) -> Settings:
    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    build(settings)
    return settings


def test_sql_reads_the_latest_release(published: Settings) -> None:
    result = cds("sql", "select province_code, rank from dti_ranks", settings=published)

    assert result.returncode == 0, result.stderr
    assert "86" in result.stdout and "30" in result.stdout


@pytest.mark.parametrize(
    "statement",
    [
        "insert into dti_ranks (fact_id) values ('x')",
        "create table t (x int)",
        "attach ':memory:' as other",
        "copy dti_ranks to '/tmp/cds-leak.csv'",
        "install httpfs",
        "set enable_external_access = true",
        "select * from read_csv('/etc/passwd')",
    ],
)
def test_sql_is_read_only(published: Settings, statement: str) -> None:
    result = cds("sql", statement, settings=published)

    assert result.returncode == 1
    assert "Query failed" in result.stderr
    assert not Path("/tmp/cds-leak.csv").exists()


@pytest.mark.integration
def test_run_exits_1_naming_the_checks_when_the_gate_blocks(settings: Settings, tmp_path: Path) -> None:
    write_report(
        settings.source_dir,
        "sai-so-lieu.txt",
        "Bến Tre công bố số liệu chuyển đổi số\nChiều 20/3/2023, Sở Thông tin và Truyền thông tỉnh Bến Tre "
        "cho biết tỷ lệ người dân có tài khoản định danh điện tử đạt 140%.",
    )
    env = dict(os.environ)
    env.update(CDS_SOURCE_DIR=str(settings.source_dir), PREFECT_HOME=str(tmp_path / "prefect"))
    env.pop("PREFECT_API_URL", None)

    result = cds("run", settings=settings, env=env)

    assert result.returncode == 1
    assert "quality gate failed, nothing published" in result.stderr
    assert "quarantine_share_below_limit" in result.stderr
    assert not (settings.public_dir / "latest").exists()
