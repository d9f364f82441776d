"""Extraction results are cached by the documents' hashes and the extractor's code."""

from __future__ import annotations

import uuid

import polars as pl
import pytest
from prefect import flow
from prefect.states import State

from flows.build_warehouse import extract_batch_task
from flows.caching import extraction_cache_key
from tests.conftest import REPORT_TEXT

pytestmark = pytest.mark.integration


def batch(*doc_ids: str) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": list(doc_ids), "text": [REPORT_TEXT] * len(doc_ids)})


def test_the_same_documents_are_read_once_then_come_from_the_cache(prefect_server: None) -> None:
    @flow
    def extract_twice(documents: pl.DataFrame) -> tuple[State, State]:
        return (
            extract_batch_task(documents, return_state=True),
            extract_batch_task(documents, return_state=True),
        )

    first, second = extract_twice(batch(f"doc-{uuid.uuid4()}"))  # never seen: results persist across runs

    assert first.name == "Completed" and second.name == "Cached"
    assert second.result().metrics.equals(first.result().metrics)


def test_the_key_changes_with_the_documents() -> None:
    one = extraction_cache_key(None, {"documents": batch("a")})

    assert one == extraction_cache_key(None, {"documents": batch("a")})
    assert one != extraction_cache_key(None, {"documents": batch("b")})
    assert one != extraction_cache_key(None, {"documents": batch("a", "b")})


def test_the_key_changes_with_the_source_metadata_date() -> None:
    from datetime import date

    def dated(published: date | None) -> pl.DataFrame:
        return batch("a").with_columns(published_date=pl.lit(published, dtype=pl.Date))

    assert extraction_cache_key(None, {"documents": dated(None)}) != extraction_cache_key(
        None, {"documents": dated(date(2022, 11, 30))}
    )
    assert extraction_cache_key(None, {"documents": dated(date(2022, 11, 30))}) == extraction_cache_key(
        None, {"documents": dated(date(2022, 11, 30))}
    )
