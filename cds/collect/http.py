"""Polite, bounded HTTP fetching: httpx with an RFC 9111 cache (hishel: conditional GET), robots.txt
(protego), a per-host rate limit and concurrency cap, and caps on size, redirects and content types.

Every refusal or failure is a `FetchError` with a one-line reason (it becomes a `raw.fetch_errors`
row); `TransientFetchError` (5xx, timeouts, dropped connections) is the kind worth retrying.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import hishel
import httpx
from hishel.httpx import CacheTransport
from protego import Protego

HTML = frozenset({"text/html", "application/xhtml+xml"})
XML = frozenset(
    {"application/xml", "text/xml", "application/rss+xml", "application/atom+xml", "application/rdf+xml"}
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What each kind of URL may be; anything else is refused before its body is read.
ACCEPTED: dict[str, frozenset[str]] = {
    "feed": XML | {"text/plain"} | HTML,  # HTML: a feed URL may be a portal page (refused later as no feed)
    "sitemap": XML | {"text/plain", "application/gzip", "application/x-gzip"},
    "listing": HTML,
    "article": HTML | {"application/pdf", DOCX, "text/plain"},
}
EXTENSIONS = {"application/pdf": ".pdf", DOCX: ".docx", "text/plain": ".txt"} | dict.fromkeys(HTML, ".html")


class FetchError(Exception):
    """A URL that could not be fetched, or was refused; `reason` is one line a person can act on."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class TransientFetchError(FetchError):
    """A failure that may pass: a 5xx, a timeout, a dropped connection. Retried with backoff."""


@dataclass(frozen=True, slots=True)
class FetchConfig:
    user_agent: str
    rate_seconds: float
    host_concurrency: int
    timeout_seconds: float
    max_bytes: int
    max_redirects: int
    cache_path: Path
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response that passed every check, its body read in full (never more than the cap)."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    from_cache: bool  # the cache answered: unchanged since it was stored (revalidated by a 304, or fresh)


@dataclass
class _Host:
    """Per-host politeness: the next time a request may start, a concurrency cap, and robots.txt."""

    slots: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    robots: Protego | None = None
    robots_error: str | None = None
    robots_loaded: bool = False
    robots_lock: threading.Lock = field(default_factory=threading.Lock)


class Fetcher:
    """One per run: a shared client (its cache is a SQLite file beside the snapshots) and host state."""

    def __init__(self, config: FetchConfig) -> None:
        self.config = config
        config.cache_path.parent.mkdir(parents=True, exist_ok=True)
        storage = hishel.SqliteStorage(database_path=config.cache_path, max_stream_size=config.max_bytes)
        transport = CacheTransport(
            next_transport=httpx.HTTPTransport(retries=0),
            storage=storage,
            rfc=hishel.CacheOptions(shared=False),
        )
        self.client = httpx.Client(
            transport=transport,
            headers={"User-Agent": config.user_agent},
            timeout=httpx.Timeout(config.timeout_seconds),
            follow_redirects=False,  # followed here, so each hop is checked (robots, private addresses)
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    def fetch(self, url: str, purpose: str, *, allow_private: bool = False) -> Fetched:
        """GET `url` for `purpose` (feed, sitemap, listing, article); redirects followed up to the cap,
        each hop checked; raises FetchError with the reason."""
        accepted = ACCEPTED[purpose]
        seen: list[str] = []
        current = url
        while True:
            self._check_allowed(current, allow_private or self.config.allow_private)
            with self._request(current) as response:
                if response.is_redirect:
                    target = urljoin(current, response.headers.get("location", ""))
                    seen.append(current)
                    if target in seen:
                        raise FetchError(
                            f"redirect loop after {len(seen)} redirects ({target})", response.status_code
                        )
                    if len(seen) > self.config.max_redirects:
                        raise FetchError(
                            f"more than {self.config.max_redirects} redirects", response.status_code
                        )
                    current = target
                    continue
                return self._read(url, current, response, accepted)

    def _read(self, url: str, final_url: str, response: httpx.Response, accepted: frozenset[str]) -> Fetched:
        status = response.status_code
        if status >= 500:
            raise TransientFetchError(f"HTTP {status} from the server", status)
        if status >= 400:
            raise FetchError(f"HTTP {status}", status)
        content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type not in accepted:
            raise FetchError(f"content type {content_type or '(none)'!r} is not one fetched here", status)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.config.max_bytes:
            raise FetchError(
                f"response of {int(declared):,} bytes, over the {self.config.max_bytes:,}-byte cap", status
            )
        body = self._body(response)
        caching = response.extensions.get("caching")
        return Fetched(
            url=url,
            final_url=final_url,
            status=status,
            content_type=content_type,
            body=body,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            fetched_at=datetime.now(UTC).replace(tzinfo=None),
            from_cache=bool(caching.get("from_cache")) if isinstance(caching, dict) else False,
        )

    def _body(self, response: httpx.Response) -> bytes:
        """The body, streamed: reading stops past the cap (a 200 MB page is never held) or the deadline."""
        deadline = time.monotonic() + 3 * self.config.timeout_seconds
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                total += len(chunk)
                if total > self.config.max_bytes:
                    raise FetchError(
                        f"response over the {self.config.max_bytes:,}-byte cap", response.status_code
                    )
                if time.monotonic() > deadline:
                    raise TransientFetchError("response too slow: not complete within the deadline")
        except httpx.TimeoutException:
            raise TransientFetchError("timed out while reading the response") from None
        except httpx.TransportError as exc:
            raise TransientFetchError(f"connection failed while reading: {type(exc).__name__}") from None
        return b"".join(chunks)

    @contextmanager
    def _request(self, url: str) -> Iterator[httpx.Response]:
        host = self._host(url)
        with host.slots:
            self._wait_turn(host)
            try:
                with self.client.stream("GET", url) as response:
                    yield response
            except httpx.TimeoutException:
                raise TransientFetchError("timed out") from None
            except httpx.TransportError as exc:
                raise TransientFetchError(
                    f"connection failed: {type(exc).__name__}: {str(exc)[:80]}"
                ) from None

    def _wait_turn(self, host: _Host) -> None:
        """Requests to one host start at least `rate_seconds` (or robots.txt's Crawl-delay) apart."""
        delay = self.config.rate_seconds
        if host.robots is not None:
            delay = max(delay, float(host.robots.crawl_delay(self.config.user_agent) or 0))
        with host.lock:
            now = time.monotonic()
            start = max(now, host.next_start)
            host.next_start = start + delay
        time.sleep(max(0.0, start - now))

    def _host(self, url: str) -> _Host:
        key = _origin(url)
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(slots=threading.BoundedSemaphore(self.config.host_concurrency))
            return self._hosts[key]

    def _check_allowed(self, url: str, allow_private: bool) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise FetchError(f"not an http(s) URL: {url[:100]}")
        if not allow_private:
            refuse_private(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        robots = self._robots(url, allow_private)
        if robots is not None and not robots.can_fetch(url, self.config.user_agent):
            raise FetchError("forbidden by robots.txt")

    def _robots(self, url: str, allow_private: bool) -> Protego | None:
        """The host's robots.txt, fetched once per run. None (everything allowed) when it has none
        (4xx); an unreachable one (5xx, timeout) forbids the host for this run (RFC 9309)."""
        host = self._host(url)
        with host.robots_lock:
            if not host.robots_loaded:
                host.robots, host.robots_error = self._load_robots(_origin(url) + "/robots.txt")
                host.robots_loaded = True
        if host.robots_error:
            raise FetchError(host.robots_error)
        return host.robots

    def _load_robots(self, robots_url: str) -> tuple[Protego | None, str | None]:
        try:
            with self._request(robots_url) as response:
                if response.status_code >= 500:
                    return None, f"robots.txt unreachable (HTTP {response.status_code}): host not crawled"
                if response.status_code >= 300:  # none, or moved away: no rules
                    return None, None
                body = self._body(response)
        except TransientFetchError as exc:
            return None, f"robots.txt unreachable ({exc.reason}): host not crawled"
        except FetchError:
            return None, None
        return Protego.parse(body.decode("utf-8", errors="replace")), None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def refuse_private(hostname: str, port: int) -> None:
    """Raise unless every address the host resolves to is a public one (no loopback, private,
    link-local, reserved or shared range: a feed must not lead the collector into the intranet)."""
    try:
        infos = socket.getaddrinfo(hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"host {hostname} not found") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise FetchError(
                f"{hostname} resolves to a private or loopback address ({address}): not fetched "
                "(allow_private: true in sources.yml, or CDS_COLLECT_ALLOW_PRIVATE=true, allows it)"
            )
