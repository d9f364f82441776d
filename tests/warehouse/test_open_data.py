"""The release reader answers from one reading of `public/latest`, even when a publish moves it."""

from __future__ import annotations

import json
from pathlib import Path

from warehouse.open_data import ReleaseReader
from warehouse.publish import MANIFEST, switch_latest

OLDER, NEWER = "20261201T010000000000Z", "20261202T010000000000Z"


def _release(public: Path, release_id: str) -> Path:
    folder = public / "releases" / release_id
    folder.mkdir(parents=True)
    manifest = {"release_id": release_id, "fingerprint": release_id, "row_counts": {"metrics": 1}}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_the_listing_marks_the_latest_the_answer_resolved_when_a_publish_moves_the_link(
    tmp_path: Path,
) -> None:
    switch_latest(tmp_path, _release(tmp_path, OLDER))
    reader = ReleaseReader(tmp_path, "100MB")
    resolved = reader.resolve("latest")

    switch_latest(tmp_path, _release(tmp_path, NEWER))  # a publish lands mid-answer
    listing = reader.releases(resolved)

    assert resolved.release_id == OLDER
    assert [(r.release_id, r.is_latest) for r in listing] == [(NEWER, False), (OLDER, True)]
    assert [(r.release_id, r.is_latest) for r in reader.releases(reader.resolve("latest"))] == [
        (NEWER, True),
        (OLDER, False),
    ]
