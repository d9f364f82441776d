"""Which documents a backfill extracts: new ones always, loaded ones only with `force`, by date."""

from __future__ import annotations

from datetime import date

import pytest

from cds import pipeline
from cds.settings import Settings
from tests.conftest import write_report
from transforms.frames import to_fact_frames
from transforms.model import Extraction
from warehouse.database import connect
from warehouse.load import merge_staging_into_core

# file name → (event date, published date) the "extractor" reads from it
DATED = {
    "a-2021.txt": (date(2021, 6, 1), None),
    "b-2022.txt": (None, date(2022, 3, 15)),  # no event date: the published date counts
    "c-2023.txt": (date(2023, 1, 10), date(2022, 12, 30)),  # the event date wins
    "d-undated.txt": (None, None),
}


def load_into_core(settings: Settings, names: list[str]) -> dict[str, str]:
    """Ingest one report per name and put the named ones into core; return name → doc_id."""
    for name in DATED:
        write_report(settings.source_dir, name, f"Báo cáo chuyển đổi số {name}.")
    pipeline.prepare_warehouse(settings)
    pipeline.ingest_source(settings, settings.source_dir, "run-1")
    with connect(settings.warehouse_path, read_only=True) as con:
        doc_ids = dict(con.execute("select source_path, doc_id from raw.current_files").fetchall())
    extractions = [
        (doc_ids[name], Extraction(title=name, event_date=DATED[name][0], published_date=DATED[name][1]))
        for name in names
    ]
    pipeline.stage_facts(settings, to_fact_frames(extractions))
    with connect(settings.warehouse_path) as con:
        merge_staging_into_core(con)
    return doc_ids


def selected(settings: Settings, doc_ids: dict[str, str], **kwargs: object) -> set[str]:
    frame = pipeline.select_documents_to_backfill(settings, **kwargs)  # type: ignore[arg-type]
    by_id = {doc_id: name for name, doc_id in doc_ids.items()}
    assert frame.columns == ["doc_id"]  # ids only: texts are read a wave at a time
    return {by_id[doc_id] for doc_id in frame["doc_id"]}


def test_without_force_only_documents_missing_from_core_are_selected(settings: Settings) -> None:
    doc_ids = load_into_core(settings, ["a-2021.txt", "b-2022.txt"])

    assert selected(settings, doc_ids) == {"c-2023.txt", "d-undated.txt"}
    assert selected(settings, doc_ids, from_date=date(2021, 1, 1)) == {"c-2023.txt", "d-undated.txt"}
    assert set(pipeline.select_documents_to_extract(settings)["doc_id"]) == {
        doc_ids["c-2023.txt"],
        doc_ids["d-undated.txt"],
    }


def test_force_without_dates_selects_every_current_document(settings: Settings) -> None:
    doc_ids = load_into_core(settings, list(DATED))

    assert selected(settings, doc_ids) == set()
    assert selected(settings, doc_ids, force=True) == set(DATED)


@pytest.mark.parametrize(
    ("from_date", "to_date", "expected"),
    [
        (date(2022, 1, 1), date(2022, 12, 31), {"b-2022.txt"}),
        (date(2022, 3, 15), None, {"b-2022.txt", "c-2023.txt"}),
        (None, date(2022, 3, 15), {"a-2021.txt", "b-2022.txt"}),
        (date(2023, 1, 10), date(2023, 1, 10), {"c-2023.txt"}),
        (date(2024, 1, 1), None, set()),
    ],
)
def test_force_with_dates_selects_loaded_documents_dated_in_the_window(
    settings: Settings, from_date: date | None, to_date: date | None, expected: set[str]
) -> None:
    doc_ids = load_into_core(settings, list(DATED))

    assert selected(settings, doc_ids, from_date=from_date, to_date=to_date, force=True) == expected


def test_force_with_dates_still_takes_documents_not_yet_in_core(settings: Settings) -> None:
    doc_ids = load_into_core(settings, ["a-2021.txt", "c-2023.txt"])

    chosen = selected(settings, doc_ids, from_date=date(2023, 1, 1), force=True)

    assert chosen == {"b-2022.txt", "c-2023.txt", "d-undated.txt"}


def test_a_reversed_window_is_refused(settings: Settings) -> None:
    pipeline.prepare_warehouse(settings)

    with pytest.raises(ValueError, match="after"):
        pipeline.select_documents_to_backfill(settings, date(2023, 1, 1), date(2022, 1, 1), force=True)
