"""Named crash points for crash-safety tests: `CDS_FAILPOINT=<name>` kills the process with
SIGKILL when execution reaches that point, exactly as a power cut or an OOM kill would.

Unset (always, outside those tests) a failpoint is one environment lookup.
"""

from __future__ import annotations

import os
import signal

FAILPOINTS = frozenset(
    {
        "ingest.read",  # files read, nothing loaded yet
        "load.staging",  # inside the staging transaction, half the tables written
        "load.staged",  # staging committed, gate not run
        "merge.core",  # inside the merge transaction into core
        "release.writing",  # release files written under the temporary name
        "release.switching",  # new `latest` link made, not yet renamed into place
    }
)


def failpoint(name: str) -> None:
    if name not in FAILPOINTS:
        raise ValueError(f"unknown failpoint {name!r}")
    if os.environ.get("CDS_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
