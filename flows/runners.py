"""Which Prefect task runner runs the per-document work (parse + extract).

Threads by default; `CDS_TASK_RUNNER=dask` uses prefect-dask's DaskTaskRunner, on a local cluster
of processes or, with `CDS_DASK_ADDRESS`, on an existing Dask cluster. The DuckDB write stays a
single task in the flow's own process either way.
"""

from __future__ import annotations

from typing import Any

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from cds.settings import Settings


def task_runner_for(settings: Settings) -> TaskRunner[Any]:
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=settings.extract_workers)
    from prefect_dask import DaskTaskRunner

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": settings.extract_workers, "threads_per_worker": 1, "processes": True}
    )
