"""The `cds` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cds.settings import Settings
from cds.sources import list_report_files
from tests.conftest import REPORT_TEXT, cli_env, start_cds_run, write_report
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


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a user's mistake gets on stderr (and no traceback anywhere)."""
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.integration
def test_every_command_answers_a_users_mistake_in_one_line_without_a_traceback(
    published: Settings, tmp_path: Path
) -> None:
    """Typical wrong input for every command: missing paths, a bad setting, empty and several SQL
    statements, a warehouse another run holds. Exit 2 is a usage error (nothing started), 1 a failed
    command, 3 a busy warehouse."""
    from cds.locking import writer_lock

    bad_setting = 'Error: CDS_KEEP_RELEASES must be a whole number, got "abc"'
    env = {**os.environ, "CDS_KEEP_RELEASES": "abc"}
    for args in (
        ("run",),
        ("collect",),
        ("extract", str(tmp_path)),
        ("validate",),
        ("publish",),
        ("publish", "--dry-run"),
        ("releases",),
        ("status",),
        ("sql", "select 1"),
        ("api",),
    ):
        result = cds(*args, settings=published, env=env)
        assert (result.returncode, _one_line_error(result)) == (2, bad_setting), args

    for variable, value, message in (
        ("CDS_MAX_ROW_DROP", "3", 'CDS_MAX_ROW_DROP must be at most 1.0, got "3"'),
        ("CDS_TASK_RUNNER", "ray", "CDS_TASK_RUNNER must be one of 'threads' or 'dask', got \"ray\""),
        ("CDS_REFRESH_EXTRACTION_CACHE", "maybe", "CDS_REFRESH_EXTRACTION_CACHE must be true or false"),
    ):
        result = cds("status", settings=published, env={**os.environ, variable: value})
        assert result.returncode == 2 and message in _one_line_error(result), result.stderr

    missing = tmp_path / "does" / "not" / "exist"
    result = cds("run", str(missing), settings=published)
    assert result.returncode == 2
    assert (
        _one_line_error(result)
        == f"Error: source folder {missing} does not exist or is not a folder (SOURCE)"
    )
    result = cds("run", settings=published, env={**os.environ, "CDS_SOURCE_DIR": str(missing)})
    assert result.returncode == 2 and "(CDS_SOURCE_DIR)" in _one_line_error(result)

    result = cds("collect", "--url", "http://127.0.0.1:9/feed.xml", settings=published)
    assert result.returncode == 2 and "--url and --province go together" in _one_line_error(result)

    result = cds("extract", str(missing), settings=published)
    assert result.returncode == 1 and _one_line_error(result) == f"Error: {missing}: does not exist"

    result = cds("sql", "", settings=published)
    assert result.returncode == 2 and "empty" in _one_line_error(result)
    result = cds("sql", "select 1; select 2", settings=published)
    assert result.returncode != 0 and "2 statements" in _one_line_error(result)

    busy = {**os.environ, "CDS_LOCK_WAIT_SECONDS": "0"}
    with writer_lock(published.warehouse_path, 0):
        for args in (("validate",), ("publish",), ("publish", "--dry-run")):
            result = cds(*args, settings=published, env=busy)
            assert result.returncode == 3, (args, result.stderr)
            assert "another pipeline run is writing the warehouse" in _one_line_error(result), args


def test_an_unknown_cds_variable_is_a_warning_naming_the_closest_setting(published: Settings) -> None:
    result = cds("releases", settings=published, env={**os.environ, "CDS_KEEP_RELEASE": "3"})

    assert result.returncode == 0
    assert _one_line_error(result) == (
        "Warning: CDS_KEEP_RELEASE is not a cds setting and is ignored; did you mean CDS_KEEP_RELEASES?"
    )


def test_debug_shows_the_traceback_of_a_users_mistake_too(published: Settings) -> None:
    result = cds("--debug", "status", settings=published, env={**os.environ, "CDS_KEEP_RELEASES": "abc"})

    assert result.returncode == 2
    assert "Traceback" in result.stderr and "SettingsError" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("Error: CDS_KEEP_RELEASES must be")


def test_version() -> None:
    from importlib.metadata import version

    result = cds("--version")

    assert result.returncode == 0 and result.stdout.strip() == f"cds-pipeline {version('cds-pipeline')}"


def test_a_run_with_nothing_new_is_recorded_without_starting_prefect(
    published: Settings, tmp_path: Path
) -> None:
    from warehouse.database import connect
    from warehouse.runs import recent_runs

    latest = (published.public_dir / "latest").resolve()
    prefect_home = tmp_path / "prefect"
    env = cli_env(published, prefect_home)

    result = cds("run", settings=published, env=env)

    assert result.returncode == 0, result.stderr
    assert not prefect_home.exists()  # no temporary server, no Prefect state
    assert (published.public_dir / "latest").resolve() == latest  # no new release
    for line in ("Release:", "Catalog:", f"{published.public_dir / 'latest' / 'index.html'}", "Quality:"):
        assert line in result.stdout
    assert "blocking checks passed" in result.stdout
    with connect(published.warehouse_path, read_only=True) as con:
        last = recent_runs(con, 1).row(0, named=True)
    assert (last["status"], last["documents_new"], last["release_id"]) == ("completed", 0, latest.name)
    assert last["files_seen"] == 1 and "nothing new" in last["message"]

    for report in published.source_dir.rglob("*.txt"):  # touched, bytes unchanged: still nothing new
        os.utime(report, (1_000_000_000, 1_000_000_000))
    assert run_if_nothing_new_for(published) is not None
    with connect(published.warehouse_path, read_only=True) as con:
        assert con.sql("select count(*) from raw.file_stats").fetchall() == [(1,)]  # not read again

    write_report(published.source_dir, "b.txt", REPORT_TEXT.replace("30/63", "31/63"))
    assert run_if_nothing_new_for(published) is None  # a new file: the flow must run


def run_if_nothing_new_for(settings: Settings) -> object:
    from cds.pipeline import run_if_nothing_new

    return run_if_nothing_new(settings, settings.source_dir, "nightly")


@pytest.mark.integration
def test_status_shows_a_run_in_progress_without_waiting_for_it(settings: Settings, tmp_path: Path) -> None:
    """`cds status` during a `cds run`: the stage and counts so far from the run's status file,
    never waiting for the writer lock nor failing on DuckDB's lock of the warehouse."""
    import shutil
    import time

    from tests.conftest import SAMPLES_DIR

    shutil.copytree(SAMPLES_DIR, settings.source_dir, dirs_exist_ok=True)
    env = cli_env(settings, tmp_path / "prefect")
    log = tmp_path / "run.log"
    run = start_cds_run(env, log)
    # (seconds `cds status` took, seconds `cds --version` took just before, what status said) while
    # the run went on. On an idle machine status answers in well under 2 s; on a shared, loaded one
    # every command's start-up is slower, so its answer is compared with a command that does nothing.
    seen: list[tuple[float, float, str]] = []
    try:
        while run.poll() is None:
            began = time.perf_counter()
            cds("--version", env=env)
            baseline = time.perf_counter() - began
            began = time.perf_counter()
            status = cds("status", settings=settings, env=env)
            took = time.perf_counter() - began
            assert status.returncode == 0 and "Traceback" not in status.stderr, status.stderr
            if "Running now:" in status.stdout and run.poll() is None:
                seen.append((took, baseline, status.stdout))
            time.sleep(0.2)
        run.wait()
    finally:
        run.kill()
    assert run.returncode == 0, log.read_text(encoding="utf-8", errors="replace")[-3000:]
    assert seen, "no `cds status` saw the run in progress"
    said = [text for _, _, text in seen]
    stages = {
        line.split("stage ")[1].split(",")[0]
        for text in said
        for line in text.splitlines()
        if "stage " in line
    }
    assert stages & {"ingest", "extract and load", "validate and publish"}, stages
    assert any(f"files_seen {len(list_report_files(SAMPLES_DIR))}" in text for text in said)
    timings = [(round(took, 2), round(baseline, 2)) for took, baseline, _ in seen]
    # Never waits for the run: no slower than starting a command that does nothing, plus 1 s.
    assert min(took - baseline for took, baseline, _ in seen) < 1, timings

    after = cds("status", settings=settings, env=env)
    assert "Running now" not in after.stdout and "completed" in after.stdout


def test_validate_failures_shows_only_what_did_not_pass_with_sample_rows(settings: Settings) -> None:
    from cds import pipeline
    from tests.conftest import hand_extraction
    from transforms.frames import to_fact_frames

    write_report(settings.source_dir, "a.txt", REPORT_TEXT)
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    documents = pipeline.select_documents_to_extract(settings)
    bad = [(doc_id, hand_extraction(text, percent=140.0)) for doc_id, text in documents.iter_rows()]
    pipeline.stage_facts(settings, to_fact_frames(bad))

    result = cds("validate", "--failures", settings=settings)

    assert result.returncode == 1, result.stderr  # a quarter of the new facts quarantined: blocked
    assert " pass " not in result.stdout
    assert "percent_within_0_100" in result.stdout and "quarantine_share_below_limit" in result.stdout
    assert "Sample failing rows: metrics.percent_within_0_100" in result.stdout
    assert "98,5%" in result.stdout  # the quarantined row's own text
    assert "Sample failing rows: warehouse.quarantine_share_below_limit" in result.stdout
    everything = cds("validate", settings=settings)
    assert everything.stdout.count(" pass ") > 20
