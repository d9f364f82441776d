"""One temporary Prefect server for the whole test session (starting one costs ~10 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cds.settings import Settings, get_settings


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    # None: PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS (120 s by default, tests/conftest.py)
    with prefect_test_harness(server_startup_timeout=None):
        yield


@pytest.fixture
def flow_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Point the flows (which read settings from the environment) at this test's folders."""
    for name in ("source_dir", "warehouse_path", "public_dir", "corrections_dir"):
        monkeypatch.setenv(f"CDS_{name.upper()}", str(getattr(settings, name)))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
