"""The API under load while a nightly publish writes a new release beside the one being served:
no errors, and every answer is one complete release's, never a half-written one's."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from cds.settings import Settings
from tests.api.conftest import publish_source, running_api
from tests.conftest import REPORT_TEXT, SAMPLES_DIR, write_report
from warehouse.publish import read_manifest

pytestmark = pytest.mark.integration

CLIENTS = 16
AT_LEAST = 200


@dataclass(frozen=True)
class Answer:
    status: int
    release: str
    consistent: bool  # the body agrees with the manifest of the release it names
    detail: str


def _check_metrics(public: Path) -> Callable[[httpx.Response], bool]:
    def check(response: httpx.Response) -> bool:
        body = response.json()
        counts = read_manifest(public / "releases" / body["release"])["row_counts"]
        return body["count"] == counts["metrics"] == len(body["rows"])

    return check


def _check_tables(public: Path) -> Callable[[httpx.Response], bool]:
    def check(response: httpx.Response) -> bool:
        body = response.json()
        counts = read_manifest(public / "releases" / body["release"])["row_counts"]
        return all(t["rows"] == counts[t["name"]] for t in body["tables"] if t["name"] in counts)

    return check


def _check_sql(public: Path) -> Callable[[httpx.Response], bool]:
    def check(response: httpx.Response) -> bool:
        body = response.json()
        counts = read_manifest(public / "releases" / body["release"])["row_counts"]
        return body["rows"] == [{"n": counts["dti_ranks"]}]

    return check


def _check_releases(response: httpx.Response) -> bool:
    body = response.json()
    return all(not r["id"].startswith(".") and r["row_counts"] for r in body["releases"]) and any(
        r["id"] == body["latest"] and r["latest"] for r in body["releases"]
    )


def _check_csv(public: Path) -> Callable[[httpx.Response], bool]:
    def check(response: httpx.Response) -> bool:
        release = response.headers["X-CDS-Release"]
        return response.content == (public / "releases" / release / "dti_ranks.csv").read_bytes()

    return check


def _check_page(public: Path) -> Callable[[httpx.Response], bool]:
    def check(response: httpx.Response) -> bool:
        release = response.headers["X-CDS-Release"]
        return response.content == (public / "releases" / release / "index.html").read_bytes()

    return check


@pytest.fixture
def copy_of_sample_release(sample_release: Settings, tmp_path: Path) -> Settings:
    """The sample release and its warehouse, copied so this test may publish over them."""
    shutil.copy2(sample_release.warehouse_path, tmp_path / "cds.duckdb")
    shutil.copytree(sample_release.public_dir, tmp_path / "public", symlinks=True)
    shutil.copytree(SAMPLES_DIR, tmp_path / "reports")
    return Settings(
        source_dir=tmp_path / "reports",
        warehouse_path=tmp_path / "cds.duckdb",
        public_dir=tmp_path / "public",
    )


def test_concurrent_requests_during_a_publish_see_whole_releases_only(
    copy_of_sample_release: Settings,
) -> None:
    settings = copy_of_sample_release
    public = settings.public_dir
    before = (public / "latest").resolve().name
    write_report(settings.source_dir, "vinh-long/2023-01-10-tong-ket.txt", REPORT_TEXT)
    requests: list[tuple[str, Callable[[httpx.Response], bool]]] = [
        ("/api/tables/metrics?limit=1000", _check_metrics(public)),
        ("/api/tables", _check_tables(public)),
        ("/api/sql?q=select+count(*)+as+n+from+dti_ranks", _check_sql(public)),
        ("/api/releases", _check_releases),
        ("/api/tables/dti_ranks?format=csv&limit=1000", _check_csv(public)),
        ("/", _check_page(public)),
    ]
    answers: list[Answer] = []
    while_publishing: list[Answer] = []  # answers to requests sent before the publish ended
    publishing = threading.Event()
    publishing.set()

    with running_api(settings) as api, httpx.Client(base_url=api.url, timeout=60) as client:

        def ask(number: int) -> Answer:
            path, check = requests[number % len(requests)]
            try:
                response = client.get(path)
                ok = response.status_code == 200 and check(response)
                return Answer(response.status_code, response.headers.get("X-CDS-Release", ""), ok, path)
            except Exception as exc:  # an answer that cannot even be checked is a failure to report
                return Answer(0, "", False, f"{path}: {type(exc).__name__}: {exc}")

        def load() -> None:
            number = 0
            with ThreadPoolExecutor(CLIENTS) as pool:
                while publishing.is_set() or number < AT_LEAST:
                    sent_while_publishing = publishing.is_set()
                    batch = list(pool.map(ask, range(number, number + CLIENTS)))
                    answers.extend(batch)
                    if sent_while_publishing:
                        while_publishing.extend(batch)
                    number += CLIENTS

        loader = threading.Thread(target=load)
        loader.start()
        try:
            release = publish_source(settings, "run-2")
        finally:
            publishing.clear()
            loader.join(timeout=300)
        after = [ask(n) for n in range(len(requests))]

    assert release.created and release.release_id != before
    assert len(while_publishing) >= AT_LEAST, f"only {len(while_publishing)} requests overlapped the publish"
    failures = [a for a in answers + after if a.status != 200 or not a.consistent]
    assert failures == []
    assert {a.release for a in answers} <= {before, release.release_id}
    assert {a.release for a in after} == {release.release_id}
