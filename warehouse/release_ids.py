"""Release ids: the UTC time a release was written, to the microsecond ("20250102T030405000000Z").

They sort in the order releases were made, name the release's folder, and are read back as the
release's publication time by the catalog, the DCAT record and the API.
"""

from __future__ import annotations

from datetime import UTC, datetime

RELEASE_ID_FORMAT = "%Y%m%dT%H%M%S%fZ"


def new_release_id() -> str:
    return datetime.now(UTC).strftime(RELEASE_ID_FORMAT)


def release_time(release_id: str) -> datetime:
    """When the release was written; ValueError for an id that is not such a time."""
    return datetime.strptime(release_id, RELEASE_ID_FORMAT).replace(tzinfo=UTC)
