"""Flow `publish`: run the quality gate, and only if it passes merge audited facts into core and
write the open-data release."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed, State

from cds.pipeline import publish_release, unchanged_release
from cds.settings import get_settings
from expectations.gate import GateResult
from flows.build_warehouse import validate
from warehouse.publish import Release

BLOCKED = "quality gate failed, nothing published"


@task(name="check_for_changes", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def unchanged_release_task() -> Release | None:
    return unchanged_release(get_settings())


@task(name="write_release", retries=1, retry_delay_seconds=5, timeout_seconds=3600, cache_policy=NO_CACHE)
def write_release_task(gate: GateResult) -> Release:
    return publish_release(get_settings(), gate)


def release_of(state: State) -> Release:
    """The Release a completed publish (or nightly) run returned."""
    result = state.result()
    if not isinstance(result, Release):
        raise TypeError(f"expected a Release from a completed run, got {type(result).__name__}")
    return result


# Persisted: the nightly flow reads the Release from this subflow's state, and a state the API hands
# back carries no data unless the result was stored.
@flow(name="publish", persist_result=True)
def publish(run_id: str = "manual") -> Release | State:
    """A failing gate ends the run Failed, naming the checks; `latest` stays as it was. With nothing
    new to merge, the latest release stands as it is (no gate, no rewrite)."""
    unchanged = unchanged_release_task()
    if unchanged is not None:
        get_run_logger().info("publish.skipped nothing new since release %s", unchanged.release_id)
        return unchanged
    gate = validate(run_id)
    if not gate.passed:
        return Failed(message=f"{BLOCKED}: {gate.summary()}")
    release = write_release_task(gate)
    state = "new release" if release.created else "unchanged, latest kept"
    get_run_logger().info(
        "publish.done release=%s (%s) rows=%s", release.release_id, state, release.row_counts
    )
    return release
