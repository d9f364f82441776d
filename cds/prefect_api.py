"""Prefect's API for one `cds` command: the server PREFECT_API_URL names, or a temporary one.

Left to itself, Prefect starts a temporary server in each process that has no PREFECT_API_URL,
but it counts the start-up allowance in sleep steps only, keeps waiting for a server that has
already exited, and lets that server print its tracebacks into the command's output. Starting it
here instead: the allowance is wall time (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS), a
server that exits is reported at once in one line naming its log, and the server starts while the
command is still importing the flows. Prefect is not imported here, so that it reads the
PREFECT_API_URL this module sets.

The temporary server keeps its SQLite database in PREFECT_HOME as `temporary-server.db`, apart
from the `prefect.db` of the long-running server `make serve` starts in the same folder: one
SQLite file cannot serve two servers at once. `python -m cds.prefect_api` creates and migrates
that database (`make install` runs it), so the first run does not pay for it.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cds.settings import apply_prefect_defaults

DATABASE_FILE = "temporary-server.db"
LOG_FILE = "temporary-server.log"
TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
DATABASE_VARIABLES = ("PREFECT_SERVER_DATABASE_CONNECTION_URL", "PREFECT_API_DATABASE_CONNECTION_URL")
PORT_ATTEMPTS = 3
EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception)\b")
POLL_SECONDS = 0.1
STOP_GRACE_SECONDS = 5
# No proxy for the health check: the temporary server is on 127.0.0.1.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PrefectUnavailableError(RuntimeError):
    """Prefect's API could not be reached or its temporary server did not start; the message is
    one line saying what failed and where to look."""


@dataclass(slots=True)
class TemporaryServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    log_offset: int  # where this start's output begins in the shared log
    started: float  # time.monotonic() at spawn: the allowance counts from here

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def failure(self) -> str:
        """What this start logged as its reason: the last exception line, else the last line."""
        try:
            with self.log.open("rb") as handle:
                handle.seek(self.log_offset)
                lines = [line.strip() for line in handle.read().decode("utf-8", "replace").splitlines()]
        except OSError:
            return ""
        lines = [line for line in lines if line]
        reason = next((line for line in reversed(lines) if EXCEPTION_LINE.match(line)), None)
        return (reason or (lines[-1] if lines else ""))[:300]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def prefect_home() -> Path:
    return Path(os.environ["PREFECT_HOME"]).expanduser()


def server_environment() -> dict[str, str]:
    """The environment of a temporary server: the command's own, the server's database in
    PREFECT_HOME unless the user chose one, and the flags Prefect gives its temporary servers."""
    env = dict(os.environ)
    if not any(env.get(name) for name in DATABASE_VARIABLES):
        env[DATABASE_VARIABLES[0]] = f"sqlite+aiosqlite:///{prefect_home() / DATABASE_FILE}"
    env.update(PREFECT_UI_ENABLED="0", PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
    env.pop("PREFECT_API_URL", None)
    return env


def startup_timeout() -> int:
    """The start-up allowance; a whole number of seconds, as Prefect's own setting requires."""
    value = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not value.isdigit():
        raise PrefectUnavailableError(f'{TIMEOUT_VARIABLE} must be a whole number of seconds, got "{value}"')
    return int(value)


class PrefectConnection:
    """A Prefect API being connected to: `start_prefect()` returns at once, `wait()` blocks until
    the API answers, so the caller can import its flows in between."""

    def __init__(self, configured: str | None, server: TemporaryServer | None, timeout: float) -> None:
        self.configured, self.server, self.timeout = configured, server, timeout

    def wait(self) -> str:
        """The API's URL once it answers; PrefectUnavailableError otherwise."""
        if self.configured:
            if not _healthy(self.configured, timeout=10):
                raise PrefectUnavailableError(
                    f"the Prefect API at {self.configured} does not answer (PREFECT_API_URL): start "
                    "that server, or unset PREFECT_API_URL to use a temporary one"
                )
            return self.configured
        assert self.server is not None
        self.server = _wait_healthy(self.server, self.timeout)
        return self.server.api_url


def start_prefect() -> PrefectConnection:
    """Start connecting this process to a Prefect API; call before Prefect is imported.

    With PREFECT_API_URL set, that server is used. Otherwise a temporary server is started,
    PREFECT_API_URL points at it, and it is stopped when the process exits, after Prefect has
    flushed its logs and events (Prefect drains them before `atexit` handlers run).
    """
    apply_prefect_defaults()
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return PrefectConnection(configured, None, 0)
    timeout = startup_timeout()
    return PrefectConnection(None, _spawn(), timeout)


def connect_prefect() -> str:
    """`start_prefect().wait()`."""
    return start_prefect().wait()


def _spawn() -> TemporaryServer:
    """Start a temporary server on a free port, logging to PREFECT_HOME; PREFECT_API_URL follows it."""
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    log = home / LOG_FILE
    port = _free_port()
    with log.open("ab") as handle:
        offset = handle.tell()
        handle.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%S')} temporary server on port {port}\n".encode())
        handle.flush()
        process = subprocess.Popen(
            [*_server_command(), "--port", str(port)],
            env=server_environment(),
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    server = TemporaryServer(process, port, log, offset, time.monotonic())
    atexit.register(server.stop)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server


def _server_command() -> list[str]:
    """The command Prefect itself runs for a temporary server (prefect.server.api.server)."""
    spec = importlib.util.find_spec("prefect")
    app_dir = Path(spec.origin).parent.parent if spec and spec.origin else Path(sys.prefix)
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(app_dir),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


def _wait_healthy(server: TemporaryServer, timeout: float) -> TemporaryServer:
    began = server.started
    attempts = 1
    while not _healthy(server.api_url, timeout=2):
        code = server.process.poll()
        if code is not None:
            last = server.failure()
            if "address already in use" in last.lower() and attempts < PORT_ATTEMPTS:
                attempts += 1
                server = _spawn()
                continue
            raise PrefectUnavailableError(
                f"Prefect's temporary server exited with code {code} before answering"
                f"{': ' + last if last else ''} (log: {server.log})"
            )
        if time.monotonic() - began > timeout:
            server.stop()
            raise PrefectUnavailableError(
                f"Prefect's temporary server did not answer within {timeout:g} s ({TIMEOUT_VARIABLE}; "
                f"log: {server.log})"
            )
        time.sleep(POLL_SECONDS)
    return server


def _healthy(api_url: str, timeout: float) -> bool:
    try:
        with _OPENER.open(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def migrate() -> None:
    """Create or migrate the temporary server's database, as its first start would."""
    import asyncio

    apply_prefect_defaults()
    os.environ.update(
        {name: value for name, value in server_environment().items() if name in DATABASE_VARIABLES}
    )
    prefect_home().mkdir(parents=True, exist_ok=True)
    from prefect.server.database import provide_database_interface

    asyncio.run(provide_database_interface().create_db())


if __name__ == "__main__":
    migrate()
    print(f"Prefect database ready in {prefect_home()}")
