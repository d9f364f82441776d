"""Flow `publish`: run the quality gate, and only if it passes merge audited facts into core and
write the open-data release."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from cds.pipeline import QualityGateFailed, publish_release
from cds.settings import get_settings
from flows.build_warehouse import validate
from warehouse.publish import Release


@task(name="write_release", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def write_release_task() -> Release:
    return publish_release(get_settings())


@flow(name="publish")
def publish() -> Release:
    """A failing gate raises QualityGateFailed: nothing is written and `latest` stays as it was."""
    gate = validate()
    if not gate.passed:
        raise QualityGateFailed(gate)
    release = write_release_task()
    state = "new release" if release.created else "unchanged, latest kept"
    get_run_logger().info(
        "publish.done release=%s (%s) rows=%s", release.release_id, state, release.row_counts
    )
    return release
