"""Thin Prefect flows over the plain stage functions of `cds.pipeline`."""

from cds.settings import apply_prefect_defaults

# Before any flow module imports Prefect, which reads its settings once: Prefect's state in the
# project and an ample start-up allowance for its temporary server (cds/settings.py).
apply_prefect_defaults()
