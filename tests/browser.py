"""A real headless Chromium for browser tests, driven over the Chrome DevTools Protocol.

Chromium is found on the system or, when missing, installed from the Debian package `chromium`
(needs root and apt-get), so the tests need no Makefile step. Only the standard library and
`websockets` (installed with Prefect) talk to it.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import connect
from websockets.sync.connection import Connection

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",  # Chromium picks a free port and writes it to DevToolsActivePort
)
TIMEOUT = 60  # seconds; a loaded 2-core machine can take a while to start Chromium


class BrowserUnavailable(RuntimeError):
    """Chromium is missing and cannot be installed here; tests skip with this message."""


def find_chromium() -> Path | None:
    return next((Path(p) for p in CANDIDATES if Path(p).is_file() and os.access(p, os.X_OK)), None)


def ensure_chromium() -> Path:
    """The Chromium binary, installed with apt-get when missing (root only)."""
    found = find_chromium()
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise BrowserUnavailable(
            "Chromium is not installed and cannot be installed here (needs root and apt-get): "
            "run `apt-get install -y chromium` to enable the browser tests"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            raise BrowserUnavailable(f"`{' '.join(command)}` failed: {result.stderr.strip()[-500:]}")
    found = find_chromium()
    if not found:
        raise BrowserUnavailable("apt-get installed `chromium` but no chromium binary was found")
    return found


class DevTools:
    """One page target: send commands, keep every event for later checks."""

    def __init__(self, socket: Connection) -> None:
        self.socket = socket
        self.events: list[dict[str, Any]] = []
        self._ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        self.socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = self._receive(TIMEOUT)
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def navigate(self, url: str) -> None:
        """Open `url` and return once its load event (images included) has fired."""
        mark = len(self.events)
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events[mark:]):
            self._receive(max(deadline - time.monotonic(), 0.01))

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def press_tab(self) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab", windowsVirtualKeyCode=9)

    def screenshot(self, path: Path) -> Path:
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def requested_urls(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions, browser log errors and failed loads, as text."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                found.append(f"console: {[a.get('value') for a in params['args']]}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry']['text']} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed":
                found.append(f"failed load: {params.get('errorText')} ({params.get('type')})")
        return found

    def _receive(self, timeout: float) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(self.socket.recv(timeout=timeout))
        if "method" in message:
            self.events.append(message)
        return message


@contextmanager
def headless_chromium(profile: Path, width: int = 1280, height: int = 900) -> Iterator[DevTools]:
    """A fresh headless Chromium with an empty profile, its page ready with events enabled."""
    binary = ensure_chromium()
    command = [
        str(binary),
        *FLAGS,
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
        "about:blank",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with connect(_page_socket(profile), max_size=None, open_timeout=TIMEOUT) as socket:
            tools = DevTools(socket)
            for domain in ("Page", "Network", "Runtime", "Log"):
                tools.call(f"{domain}.enable")
            tools.call(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
            yield tools
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _page_socket(profile: Path) -> str:
    """The WebSocket URL of the first page target, once Chromium has written its port."""
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if port_file.is_file() and port_file.read_text().strip():
            port = port_file.read_text().split()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as response:
                    targets = json.load(response)
            except OSError:  # the port is written a moment before the server answers
                targets = []
            pages = [t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0])
        time.sleep(0.1)
    # Chromium is installed but did not start: a failure to look into, not a reason to skip.
    raise RuntimeError(f"Chromium did not open its DevTools port within {TIMEOUT} s")
