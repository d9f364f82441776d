from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warehouse.release_ids import new_release_id, release_time


def test_a_new_release_id_reads_back_as_the_utc_time_it_was_made() -> None:
    before = datetime.now(UTC)
    release_id = new_release_id()
    assert before <= release_time(release_id) <= datetime.now(UTC) + timedelta(microseconds=1)


def test_release_ids_sort_in_the_order_they_were_made() -> None:
    assert release_time("20250102T030405000000Z") == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert sorted(["20250102T030405000001Z", "20241231T235959999999Z"])[0].startswith("2024")


def test_an_id_that_is_no_time_is_refused() -> None:
    with pytest.raises(ValueError):
        release_time("latest")
