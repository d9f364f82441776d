"""Shared fixtures: an isolated warehouse and public folder per test, and hand-made facts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds.settings import PROJECT_ROOT, Settings, apply_prefect_defaults
from transforms.model import Extraction, LegalRef, Metric, Person, Province, Ranking, Span

SHARED_DIR = PROJECT_ROOT.parent / "shared"
SAMPLES_DIR = PROJECT_ROOT / "samples" / "reports"

apply_prefect_defaults()  # before Prefect is imported: the start-up allowance, no telemetry


@pytest.fixture(autouse=True)
def _preserve_environment() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    source = tmp_path / "reports"
    source.mkdir()
    return Settings(
        source_dir=source,
        warehouse_path=tmp_path / "warehouse" / "cds.duckdb",
        public_dir=tmp_path / "public",
        corrections_dir=tmp_path / "corrections",
    )


WAREHOUSE_TABLES = (
    "raw.files",
    "raw.documents",
    "raw.ingest_errors",
    "core.dim_document",
    "core.dim_person",
    "core.fact_dti_rank",
    "core.fact_metric",
    "core.fact_person_role",
    "core.fact_legal_ref",
)


def table_counts(settings: Settings) -> dict[str, int]:
    """Rows per warehouse table, read-only."""
    from warehouse.database import connect, query_row

    with connect(settings.warehouse_path, read_only=True) as con:
        return {t: int(query_row(con, f"select count(*) from {t}")[0]) for t in WAREHOUSE_TABLES}


def start_cds_run(env: dict[str, str], log: Path, **popen: Any) -> subprocess.Popen[str]:
    """`cds run` in the background, its output in `log`: a file, not a pipe, so a run that prints
    much, waits on another, or leaves orphans holding the output open can never block on its reader."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "cds.cli", "run"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            **popen,
        )


def cli_env(settings: Settings, prefect_home: Path, **extra: str) -> dict[str, str]:
    """The environment of a `cds` subprocess run as a user would from a shell: this test's folders,
    its own Prefect home, and no Prefect API configured (so a temporary server per run)."""
    env = dict(os.environ)
    env.update(
        CDS_SOURCE_DIR=str(settings.source_dir),
        CDS_WAREHOUSE_PATH=str(settings.warehouse_path),
        CDS_PUBLIC_DIR=str(settings.public_dir),
        CDS_CORRECTIONS_DIR=str(settings.corrections_dir),
        PREFECT_HOME=str(prefect_home),
        **extra,
    )
    env.pop("PREFECT_API_URL", None)
    return env


def write_report(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


REPORT_TEXT = (
    "Vĩnh Long tổng kết chuyển đổi số năm 2022\n"
    "Năm 2022, Vĩnh Long xếp thứ 30/63 tỉnh, thành phố về Chỉ số chuyển đổi số. "
    "Tỷ lệ hồ sơ trực tuyến đạt 98,5%. "
    "Ông Lê Văn An, Chủ tịch UBND tỉnh, phát biểu. "
    "Tỉnh ban hành Quyết định số 742."
)


def span_of(text: str, needle: str) -> Span:
    """The sentence around `needle` and its exact offsets, as the extractor reports them."""
    start = text.index(needle)
    sentence_start = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1)
    sentence_end = text.find(". ", start)
    evidence = text[sentence_start : sentence_end + 1 if sentence_end != -1 else len(text)]
    return Span(evidence, start, start + len(needle))


def hand_extraction(text: str = REPORT_TEXT, *, rank: int = 30, percent: float = 98.5) -> Extraction:
    """Facts a correct extractor reads from REPORT_TEXT (values overridable to make bad facts)."""
    return Extraction(
        title=text.splitlines()[0],
        province=Province("86", "Vĩnh Long"),
        event_date=date(2023, 1, 10),
        rankings=(Ranking("86", 2022, "overall", rank, 63, None, span_of(text, "30/63")),),
        metrics=(
            Metric("percent", percent, "%", "98,5%", "tỷ lệ hồ sơ trực tuyến", None, span_of(text, "98,5%")),
        ),
        people=(Person("Lê Văn An", ("Chủ tịch UBND tỉnh",), span_of(text, "Lê Văn An")),),
        legal_refs=(LegalRef("Quyết định", "742", None, None, span_of(text, "Quyết định số 742")),),
    )
