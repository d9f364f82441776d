"""A provincial portal on 127.0.0.1 for the collect tests: real HTTP, real sockets, a request log.

It serves an RSS feed, a sitemap and a listing page; articles about CĐS and not; a robots.txt that
forbids /private/; a 404, a 500 that succeeds on retry, a slow page, a 200 MB page (written in
chunks, never held), a redirect loop, a redirect to an article and a PDF attachment. Articles,
feeds and sitemaps carry an ETag and `Cache-Control: no-cache`, and answer a matching
If-None-Match with 304. The texts are written for these tests.
"""

from __future__ import annotations

import gzip
import hashlib
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.transforms.test_documents import text_pdf

PROVINCE = "86"  # Vĩnh Long (63-province regime): the portal's province
HUGE_BYTES = 200 * 1024 * 1024
SLOW_SECONDS = 5.0

CHROME_TOP = (
    '<header class="site-header"><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH VĨNH LONG</div>'
    '<nav class="main-menu"><a href="/">Trang chủ</a> <a href="/tin-tuc/">Tin tức</a> '
    '<a href="/gioi-thieu.html">Giới thiệu</a> <a href="/lien-he.html">Liên hệ</a></nav></header>'
    '<div class="breadcrumb">Trang chủ › Tin tức › Chuyển đổi số</div>'
)
CHROME_SIDE = (
    '<aside class="sidebar"><h3>Tin xem nhiều</h3><ul>'
    '<li><a href="/tin-tuc/a6.html">Lịch cắt điện tuần tới tại thành phố</a></li>'
    "<li>Thông báo tuyển dụng viên chức năm nay</li></ul></aside>"
)
CHROME_BOTTOM = (
    '<div class="share-buttons">Chia sẻ: Facebook Zalo</div>'
    '<div class="related-news"><h3>Tin liên quan</h3>'
    "<p>Hội nghị triển khai nhiệm vụ năm mới của các sở, ngành.</p></div>"
    '<footer class="site-footer"><p>Bản quyền thuộc Cổng thông tin điện tử tỉnh Vĩnh Long. '
    "Địa chỉ: số 1 đường Lê Lợi. Điện thoại: 0270 000 0000.</p></footer>"
)
# Lines of chrome: none of them may be left in a page's main text.
BOILERPLATE = (
    "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH VĨNH LONG",
    "Trang chủ › Tin tức › Chuyển đổi số",
    "Tin xem nhiều",
    "Lịch cắt điện tuần tới tại thành phố",
    "Thông báo tuyển dụng viên chức năm nay",
    "Chia sẻ: Facebook Zalo",
    "Tin liên quan",
    "Hội nghị triển khai nhiệm vụ năm mới của các sở, ngành.",
    "Bản quyền thuộc Cổng thông tin điện tử tỉnh Vĩnh Long.",
)


@dataclass(frozen=True)
class Article:
    path: str
    title: str
    paragraphs: tuple[str, ...]
    published: str | None  # article:published_time, when the page states it
    about_cds: bool

    def html(self) -> bytes:
        meta = (
            f'<meta property="article:published_time" content="{self.published}">' if self.published else ""
        )
        body = "".join(f"<p>{p}</p>" for p in self.paragraphs)
        page = (
            f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{self.title}</title>{meta}"
            f"</head><body>{CHROME_TOP}<div class='container'>{CHROME_SIDE}<div class='content'>"
            f"<article><h1>{self.title}</h1>{body}</article>{CHROME_BOTTOM}</div></div></body></html>"
        )
        return page.encode("utf-8")


ARTICLES: dict[str, Article] = {
    a.path: a
    for a in (
        Article(
            "/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html",
            "Vĩnh Long tổng kết chuyển đổi số năm 2022",
            (
                "Sáng 10-1, UBND tỉnh Vĩnh Long tổ chức hội nghị tổng kết công tác chuyển đổi số năm 2022.",
                "Năm 2022, Vĩnh Long xếp thứ 30/63 tỉnh, thành phố về Chỉ số chuyển đổi số cấp tỉnh.",
                "Tỷ lệ hồ sơ giải quyết trực tuyến đạt 68,5%.",
            ),
            None,
            True,
        ),
        Article(
            "/tin-tuc/bong-da-u15.html",
            "Giải bóng đá thiếu niên U15 khai mạc",
            (
                "Chiều 12-3, giải bóng đá thiếu niên U15 toàn tỉnh khai mạc tại sân vận động tỉnh.",
                "Giải có 16 đội bóng tham dự, thi đấu trong 2 tuần.",
            ),
            "2023-03-12T16:00:00+07:00",
            False,
        ),
        Article(
            "/tin-tuc/chinh-quyen-so-2023.html",
            "Xây dựng chính quyền số: ký số văn bản đạt 98,2%",
            (
                "Năm 2023, tỷ lệ văn bản điện tử được ký số của các cơ quan nhà nước tỉnh đạt 98,2%.",
                "Tỉnh tiếp tục đẩy mạnh chuyển đổi số trong cải cách hành chính.",
            ),
            "2023-06-20T09:00:00+07:00",
            True,
        ),
        Article(
            "/tin-tuc/flaky.html",
            "Dịch vụ công trực tuyến toàn trình tăng mạnh",
            ("Năm 2023, tỷ lệ dịch vụ công trực tuyến toàn trình của tỉnh đạt 55,1%, nhờ chuyển đổi số.",),
            "2023-09-05T08:00:00+07:00",
            True,
        ),
        Article(
            "/tin-tuc/a4.html",
            "Kinh tế số đóng góp 12% GRDP",
            ("Năm 2023, kinh tế số của Vĩnh Long đóng góp khoảng 12% GRDP, theo báo cáo chuyển đổi số.",),
            "2023-11-02T08:00:00+07:00",
            True,
        ),
        Article(
            "/tin-tuc/a5.html",
            "Tổ công nghệ số cộng đồng phủ khắp các ấp",
            ("Đến nay, toàn tỉnh có 1.003 tổ công nghệ số cộng đồng hỗ trợ người dân chuyển đổi số.",),
            None,
            True,
        ),
        Article(
            "/tin-tuc/a6.html",
            "Lịch cắt điện tuần tới tại thành phố",
            ("Điện lực thông báo lịch tạm ngừng cung cấp điện để bảo trì lưới điện trong tuần tới.",),
            None,
            False,
        ),
        Article(
            "/private/noi-bo.html",
            "Tài liệu nội bộ về chuyển đổi số",
            ("Tài liệu nội bộ, không công bố: chuyển đổi số.",),
            None,
            True,
        ),
    )
}
PDF_PATH = "/files/ke-hoach-chuyen-doi-so-2024.pdf"
PDF = text_pdf(["Ke hoach chuyen doi so tinh Vinh Long nam 2024", "Muc tieu: 100% ho so truc tuyen."])

# What the indexes list (base URL filled in per server).
FEED_ITEMS = (
    "/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html",
    "/tin-tuc/bong-da-u15.html",
    "/private/noi-bo.html",
    "/tin-tuc/khong-con.html",  # 404
    "/tin-tuc/flaky.html",  # 500 once, then 200
    "/tin-tuc/slow.html",  # slower than the client's timeout
    "/tin-tuc/huge.html",  # 200 MB
    "/tin-tuc/loop-a.html",  # redirect loop
    PDF_PATH,
)
SITEMAP_URLS = (
    "/tin-tuc/chinh-quyen-so-2023.html",
    "/tin-tuc/2023/01/10/tong-ket-chuyen-doi-so.html",
    "/cu/a4",
)
LISTING_LINKS = ("/tin-tuc/a5.html", "/tin-tuc/a6.html", "/gioi-thieu.html")


@dataclass(frozen=True)
class Hit:
    path: str
    status: int
    started: float  # time.monotonic() when the request arrived
    ended: float
    user_agent: str
    conditional: bool  # carried If-None-Match


@dataclass
class Portal:
    base: str
    log: list[Hit] = field(default_factory=list)
    huge_bytes_sent: int = 0
    max_in_flight: int = 0

    def requests(self, path: str, at_least: int = 0) -> list[Hit]:
        """The requests of `path` so far; with `at_least`, wait (up to 5 s) for that many to be logged
        (a request is logged once its answer is written, just after the client may have read it)."""
        deadline = time.monotonic() + 5
        while (
            len(found := [hit for hit in self.log if hit.path == path]) < at_least
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        return found

    def url(self, path: str) -> str:
        return self.base + path


def _pub_date(path: str) -> str:
    """An RSS pubDate for articles whose page states its date (others are undated in the feed)."""
    article = ARTICLES.get(path)
    if article is None or article.published is None:
        return ""
    stamp = datetime.fromisoformat(article.published).timestamp()
    return f"<pubDate>{formatdate(stamp, localtime=False, usegmt=True)}</pubDate>"


def _rss(base: str) -> bytes:
    items = "".join(
        f"<item><title>{ARTICLES[p].title if p in ARTICLES else p}</title>"
        f"<link>{base}{p}</link>{_pub_date(p)}</item>"
        for p in FEED_ITEMS
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin tức</title>'
        f"<link>{base}/</link><description>Tin tức tỉnh</description>{items}</channel></rss>"
    ).encode()


def _sitemap(base: str) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>2023-11-02</lastmod></url>" for p in SITEMAP_URLS)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{urls}</urlset>"
    ).encode()


def _listing() -> bytes:
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in LISTING_LINKS)
    return (
        f"<html><head><meta charset='utf-8'></head><body>{CHROME_TOP}<ul>{links}</ul></body></html>".encode()
    )


@contextmanager
def serve_portal() -> Iterator[Portal]:
    """The portal on a free port of 127.0.0.1 for the duration of the block."""
    lock = threading.Lock()
    flaky_calls = [0]
    in_flight = [0]
    portal = Portal(base="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

        def do_GET(self) -> None:
            started = time.monotonic()
            with lock:
                in_flight[0] += 1
                portal.max_in_flight = max(portal.max_in_flight, in_flight[0])
            status = 500
            try:
                status = self._answer()
            finally:
                with lock:
                    in_flight[0] -= 1
                    portal.log.append(
                        Hit(
                            self.path,
                            status,
                            started,
                            time.monotonic(),
                            self.headers.get("User-Agent", ""),
                            "If-None-Match" in self.headers,
                        )
                    )

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> int:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            cacheable = status == 200
            if cacheable and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return 304
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if cacheable:
                self.send_header("ETag", etag)
                self.send_header("Cache-Control", "no-cache")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            return status

        def _redirect(self, target: str) -> int:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return 302

        def _answer(self) -> int:
            path = self.path
            if path == "/robots.txt":
                return self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            if path == "/rss.xml":
                return self._send(200, _rss(portal.base), "application/rss+xml; charset=utf-8")
            if path == "/sitemap.xml":
                return self._send(200, _sitemap(portal.base), "application/xml")
            if path == "/sitemap-index.xml.gz":  # an index, gzipped, pointing at the sitemap
                index = (
                    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{portal.base}/sitemap.xml</loc></sitemap></sitemapindex>"
                )
                return self._send(200, gzip.compress(index.encode()), "application/x-gzip")
            if path == "/tin-tuc/":
                return self._send(200, _listing(), "text/html; charset=utf-8")
            if path == PDF_PATH:
                return self._send(200, PDF, "application/pdf")
            if path == "/tin-tuc/flaky.html":
                with lock:
                    flaky_calls[0] += 1
                    first = flaky_calls[0] == 1
                if first:
                    return self._send(500, b"Internal Server Error", "text/plain")
            if path == "/tin-tuc/slow.html":
                if self._client_left_within(SLOW_SECONDS):
                    return 0  # the client gave up waiting (status 0: nothing sent)
                return self._send(200, ARTICLES["/tin-tuc/a5.html"].html(), "text/html")
            if path == "/tin-tuc/huge.html":
                return self._huge()
            if path == "/tin-tuc/loop-a.html":
                return self._redirect("/tin-tuc/loop-b.html")
            if path == "/tin-tuc/loop-b.html":
                return self._redirect("/tin-tuc/loop-a.html")
            if path == "/cu/a4":
                return self._redirect("/tin-tuc/a4.html")
            article = ARTICLES.get(path)
            if article is not None:
                return self._send(200, article.html(), "text/html; charset=utf-8")
            return self._send(404, b"Not found", "text/plain")

        def _client_left_within(self, seconds: float) -> bool:
            """Wait up to `seconds`, noticing when the client closes the connection (so a request
            it abandoned does not count as in flight)."""
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                readable, _, _ = select.select([self.connection], [], [], 0.05)
                if readable and not self.connection.recv(1, socket.MSG_PEEK):
                    self.close_connection = True
                    return True
            return False

        def _huge(self) -> int:
            """200 MB announced and written in 64 KiB chunks until done or the client hangs up."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
            try:
                while portal.huge_bytes_sent < HUGE_BYTES:
                    self.wfile.write(chunk)
                    portal.huge_bytes_sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            return 200

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    portal.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        server.shutdown()
        server.server_close()


SOURCES_YAML = """\
sources:
  - name: portal-rss
    province: "{province}"
    kind: feed
    url: {base}/rss.xml
    allow_private: true
  - name: portal-sitemap
    province: "{province}"
    kind: sitemap
    url: {base}/sitemap.xml
    allow_private: true
  - name: portal-listing
    province: "{province}"
    kind: listing
    url: {base}/tin-tuc/
    link_pattern: /tin-tuc/[a-z0-9-]+\\.html$
    allow_private: true
"""


def sources_yaml(portal: Portal) -> str:
    return SOURCES_YAML.format(base=portal.base, province=PROVINCE)
