"""All configuration in one place: environment variables with the `CDS_` prefix, defaults that work.

Relative paths resolve against the project root, so `cds run` behaves the same from any working
directory of a checkout.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Prefect and GX read their own variables; these are our defaults for them (a value the user set
# wins). Prefect's state lives with the project, never in ~/.prefect. Its temporary server gets
# 120 s to answer: a first start (database creation and migrations) on a busy 2-core machine took
# up to 40 s, past Prefect's default of 20 (README, "Prefect's state").
PREFECT_DIR = PROJECT_ROOT / ".prefect"
PREFECT_DEFAULTS = {
    "PREFECT_HOME": str(PREFECT_DIR),
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
}


def apply_prefect_defaults() -> None:
    """Set PREFECT_DEFAULTS where the environment has no value; call before Prefect is imported
    (Prefect reads its settings once, at import)."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def _under_root(path: Path) -> Path:
    return path if path.is_absolute() else (PROJECT_ROOT / path)


class Settings(BaseSettings):
    """Pipeline settings; every field can be set as `CDS_<FIELD>` in the environment."""

    model_config = SettingsConfigDict(env_prefix="CDS_", extra="ignore")

    source_dir: Path = Field(Path("samples/reports"), description="Folder of province reports to ingest.")
    warehouse_path: Path = Field(Path("warehouse/cds.duckdb"), description="The DuckDB warehouse file.")
    public_dir: Path = Field(Path("public"), description="Where open-data releases are published.")
    keep_releases: int = Field(5, ge=1, description="How many releases to keep under public/releases.")
    chart_processes: int = Field(
        2, ge=0, description="Processes rendering a release's catalog charts (0: in the publishing process)."
    )
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1, description="Larger input files are refused.")
    ingest_batch_size: int = Field(
        2000, ge=1, description="Files read and loaded per ingest transaction (bounds ingest memory)."
    )
    extract_batch_size: int = Field(200, ge=1, description="Documents per extraction task.")
    extract_wave_size: int = Field(
        5000, ge=1, description="Documents read, extracted and staged at a time (bounds extraction memory)."
    )
    task_runner: Literal["threads", "dask"] = Field(
        "threads",
        description="Task runner for extraction and ingest's decoding (local Dask): 'threads' or 'dask'.",
    )
    dask_address: str | None = Field(
        None, description="Address of an existing Dask scheduler; a local cluster is started when unset."
    )
    refresh_extraction_cache: bool = Field(
        False, description="Re-extract batches even when a cached result for the same documents exists."
    )
    extract_workers: int = Field(
        2, ge=1, description="Threads or local Dask worker processes for extraction."
    )
    duckdb_memory_limit: str = Field(
        "1GB", description="Memory DuckDB may use before spilling to disk (e.g. '4GB')."
    )
    lock_wait_seconds: float = Field(
        900, ge=0, description="How long a run waits for another run to release the warehouse."
    )
    max_quarantine_share: float = Field(
        0.10,
        ge=0,
        le=1,
        description="Above this share of a run's new facts quarantined, nothing is published.",
    )
    max_row_drop: float = Field(
        0.15,
        ge=0,
        le=1,
        description="A published table shrinking by more than this share blocks the release.",
    )
    freshness_days: int = Field(365, ge=1, description="Warn when the newest report is older than this.")
    public_base_url: str = Field(
        "http://127.0.0.1:8000/",
        description="Where releases are served (`cds api`, or a static host of the public folder): "
        "the absolute links of each release's DCAT metadata start with it.",
    )
    publisher_name: str = Field(
        "cds-pipeline", description="The publisher named in each release's DCAT metadata."
    )
    api_max_rows: int = Field(10_000, ge=1, description="Most rows one `cds api` response returns.")
    api_query_seconds: float = Field(
        10, gt=0, description="`cds api` stops a query (`/api/sql`, a table page) running longer."
    )
    # `cds collect`: fetching reports from the web into snapshots the nightly run ingests.
    sources_file: Path = Field(Path("sources.yml"), description="The web sources `cds collect` reads.")
    collect_dir: Path | None = Field(
        None, description="Where snapshots are written; default: the `collected` folder of the source folder."
    )
    collect_allow_private: bool = Field(
        False, description="Allow requests to private and loopback addresses (tests, intranet portals)."
    )
    collect_user_agent: str = Field(
        "cds-pipeline/0.1 (open data from provincial digital-transformation reports)",
        description="The User-Agent of every request (add a contact address); robots.txt is matched on it.",
    )
    collect_rate_seconds: float = Field(1.0, ge=0, description="Least time between two requests to one host.")
    collect_host_concurrency: int = Field(2, ge=1, description="Requests in flight to one host at most.")
    collect_timeout_seconds: float = Field(20, gt=0, description="Connect/read timeout of one request.")
    collect_max_bytes: int = Field(20 * 1024 * 1024, ge=1, description="Larger responses are refused.")
    collect_max_redirects: int = Field(5, ge=0, description="Redirects followed per request at most.")
    collect_retries: int = Field(
        3, ge=0, description="Retries (with backoff) of a fetch after a 5xx or a timeout."
    )
    collect_max_articles: int = Field(
        500, ge=1, description="Articles fetched per source and run at most (the rest wait for the next run)."
    )

    corrections_dir: Path = Field(
        Path("corrections"), description="Folder of reviewed correction files (*.yml) applied on every run."
    )
    min_confidence: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Facts the extractor is less sure of wait in review (`cds review`), unpublished.",
    )
    retract_vanished: bool = Field(
        False,
        description="Take documents whose source files were removed from the folder out of the next release "
        "(default: only report them).",
    )

    @field_validator("source_dir", "warehouse_path", "public_dir", "sources_file", "corrections_dir")
    @classmethod
    def _resolve(cls, value: Path) -> Path:
        return _under_root(value.expanduser())

    @property
    def snapshot_dir(self) -> Path:
        """Snapshots land inside the source folder unless placed elsewhere, so nightly ingests them."""
        if self.collect_dir is None:
            return self.source_dir / "collected"
        return _under_root(self.collect_dir.expanduser())


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


# CDS_* variables that are not settings of the pipeline: read by ops/ scripts, prefect.yaml, the
# sample generator and the tests. Any other CDS_* variable is most likely a misspelt setting.
OTHER_VARIABLES = frozenset(
    {
        "CDS_PROJECT_DIR",
        "CDS_PREFECT_PORT",
        "CDS_PREFECT_HEALTH_TIMEOUT",
        "CDS_STOP_GRACE_SECONDS",
        "CDS_FAILPOINT",
        "CDS_SAMPLE_FONT",
        "CDS_SAMPLE_FONT_BOLD",
        "CDS_UPDATE_SCREENSHOT",
    }
)
# What a value must be, by pydantic error type; {ge} etc. come from the error's context.
EXPECTED = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "bool_parsing": "true or false",
    "greater_than_equal": "at least {ge}",
    "greater_than": "greater than {gt}",
    "less_than_equal": "at most {le}",
    "less_than": "less than {lt}",
    "literal_error": "one of {expected}",
}


class SettingsError(ValueError):
    """A setting's value is invalid; the message is one line naming its environment variable."""


def variable_name(field: str) -> str:
    return f"CDS_{field.upper()}"


def load_settings() -> Settings:
    """`get_settings()`, with an invalid value reported as one line that names its variable
    (`CDS_KEEP_RELEASES must be a whole number, got "abc"`) instead of pydantic's report."""
    try:
        return get_settings()
    except ValidationError as exc:
        raise SettingsError(describe_invalid(exc)) from None


def describe_invalid(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        template = EXPECTED.get(error["type"])
        context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
        expected = template.format(**context) if template else str(error["msg"]).lower()
        problems.append(f'{variable_name(field)} must be {expected}, got "{error.get("input")}"')
    return "; ".join(problems)


def unknown_variables(environ: Mapping[str, str] = os.environ) -> list[str]:
    """A warning for each CDS_* variable that no setting reads, with the closest known name."""
    known = sorted({variable_name(name) for name in Settings.model_fields} | OTHER_VARIABLES)
    warnings = []
    for name in sorted(n for n in environ if n.startswith("CDS_") and n not in known):
        closest = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {closest[0]}?" if closest else ""
        warnings.append(f"{name} is not a cds setting and is ignored{hint}")
    return warnings
