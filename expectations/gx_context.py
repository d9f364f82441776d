"""One way to get a Great Expectations context, shared by the gate and the Data Docs writer."""

from __future__ import annotations

import logging
import os
from typing import Any


def quiet_context() -> Any:
    """An in-memory GX context without telemetry, progress bars or INFO chatter.

    Ephemeral, so nothing of a run (suites, results, sites) outlives it or leaks into the next one.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)  # GX sets INFO on some of its loggers

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context
