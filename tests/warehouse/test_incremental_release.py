"""A nightly release reuses what did not change and is still what a release written from nothing
would be, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from cds import pipeline
from cds.settings import Settings
from tests.conftest import SAMPLES_DIR
from transforms.frames import extract_fact_frames
from warehouse.database import connect
from warehouse.publish import OPEN_DATA_DB, Release, write_release

pytestmark = pytest.mark.integration

# Written per release by design: the changelog carries the history of the folder it is in.
HISTORY = {"CHANGELOG.md"}
# Rendered by Great Expectations from the gate's results, with what it stamps on each rendering.
DATA_DOCS = "quality/data_docs/"


def run_once(settings: Settings, run_id: str) -> tuple[Release, pipeline.GateResult]:
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, run_id)
    pipeline.stage_facts(settings, extract_fact_frames(pipeline.select_documents_to_extract(settings)))
    gate = pipeline.validate_staged(settings, run_id)
    assert gate.passed, gate.summary()
    return pipeline.publish_release(settings, gate), gate


def files(release: Path) -> dict[str, Path]:
    return {p.relative_to(release).as_posix(): p for p in release.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Release, Release, Path]:
    """The sample corpus without one province, released; then with it, released again (the
    nightly case); then the second state written again into an empty folder, as a full rebuild."""
    root = tmp_path_factory.mktemp("incremental")
    source = root / "reports"
    shutil.copytree(SAMPLES_DIR, source)
    held_back = root / "held-back"
    shutil.move(source / "kon-tum", held_back)
    settings = Settings(
        source_dir=source,
        warehouse_path=root / "cds.duckdb",
        public_dir=root / "public",
        corrections_dir=root / "corrections",
    )
    first, _ = run_once(settings, "run-1")
    shutil.move(held_back, source / "kon-tum")
    second, gate = run_once(settings, "run-2")
    assert second.created and second.release_id != first.release_id
    rebuilt = root / "rebuilt"
    with connect(settings.warehouse_path) as con:
        write_release(con, rebuilt, 3, gate.report(), release_id=second.release_id)
    return settings, first, second, rebuilt / "releases" / second.release_id


def test_incremental_release_is_byte_identical_to_a_release_written_from_nothing(
    two_releases: tuple[Settings, Release, Release, Path],
) -> None:
    _, _, second, rebuilt = two_releases
    incremental, full = files(second.path), files(rebuilt)

    assert set(incremental) == set(full)
    different = [
        name
        for name in sorted(incremental)
        if name not in HISTORY | {OPEN_DATA_DB}
        and not name.startswith(DATA_DOCS)
        and incremental[name].read_bytes() != full[name].read_bytes()
    ]
    assert different == []
    # The analysts' DuckDB file holds the same tables (DuckDB does not promise equal file bytes).
    for name in ("metrics", "dti_ranks", "provinces"):
        query = f"select * from {name} order by all"
        with (
            duckdb.connect(str(incremental[OPEN_DATA_DB]), read_only=True) as a,
            duckdb.connect(str(full[OPEN_DATA_DB]), read_only=True) as b,
        ):
            assert a.execute(query).fetchall() == b.execute(query).fetchall()


def test_unchanged_tables_are_the_previous_release_files(
    two_releases: tuple[Settings, Release, Release, Path],
) -> None:
    _, first, second, _ = two_releases
    manifest = json.loads((second.path / "manifest.json").read_text(encoding="utf-8"))
    before = json.loads((first.path / "manifest.json").read_text(encoding="utf-8"))

    for table in ("provinces", "indicators"):  # reference tables: unchanged by a new province
        for kind in ("csv", "parquet"):
            assert (second.path / f"{table}.{kind}").stat().st_ino == (
                first.path / f"{table}.{kind}"
            ).stat().st_ino
        assert manifest["tables"][table] == before["tables"][table]
    for table in ("metrics", "documents"):  # the new province's reports add rows: rewritten
        assert manifest["tables"][table]["rows"] > before["tables"][table]["rows"]
        assert (second.path / f"{table}.csv").stat().st_ino != (first.path / f"{table}.csv").stat().st_ino
    changelog = (second.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "| provinces | 97 | 0 | 0 |" in changelog


def test_only_charts_whose_inputs_changed_are_rendered_again(
    two_releases: tuple[Settings, Release, Release, Path],
) -> None:
    _, first, second, _ = two_releases
    after, same = keys_kept(first, second, "chart_inputs")

    assert same and set(after) - same  # other provinces' charts stand; the new province's are new
    for slug in after:
        assert linked(first, second, f"charts/{slug}.svg") == (slug in same), slug


def test_only_pages_whose_inputs_changed_are_written_again(
    two_releases: tuple[Settings, Release, Release, Path],
) -> None:
    _, first, second, _ = two_releases
    after, same = keys_kept(first, second, "page_inputs")

    pages = {p.relative_to(second.path).as_posix() for p in second.path.glob("**/*.html")}
    assert set(after) == {p for p in pages if not p.startswith(DATA_DOCS)}
    # Kon Tum's page (a former province, merged in 2025) gains its reports; the home page and the
    # province list count them. Other provinces' pages stand, and so do unchanged tables' pages.
    assert {"provinces/63-62.html", "index.html", "provinces/index.html"} <= set(after) - same
    assert {"provinces/01.html", "datasets/provinces.html"} <= same
    for path in after:
        assert linked(first, second, path) == (path in same), path


def keys_kept(first: Release, second: Release, inputs: str) -> tuple[dict[str, str], set[str]]:
    """The second release's keys under `inputs` in its manifest, and the names whose key the first had."""
    before, after = (
        json.loads((release.path / "manifest.json").read_text(encoding="utf-8"))[inputs]
        for release in (first, second)
    )
    return after, {name for name, key in after.items() if before.get(name) == key}


def linked(first: Release, second: Release, path: str) -> bool:
    """Whether the second release's file at `path` is the first release's file (a hard link)."""
    old, new = first.path / path, second.path / path
    return old.exists() and old.stat().st_ino == new.stat().st_ino
