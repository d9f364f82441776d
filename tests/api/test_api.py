"""`cds api` over real HTTP: a running uvicorn server on a release of the sample corpus, asked with a
real HTTP client the way another system would ask it."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import duckdb
import httpx
import pyarrow.parquet as pq
import pytest
from rdflib import Graph

from cds.settings import Settings
from expectations.contracts import load_contracts
from tests.api.conftest import ApiServer, latest, running_api
from warehouse.publish import OPEN_DATA_DB, PUBLISHED_TABLES, read_manifest

pytestmark = pytest.mark.integration

MAX_ROWS = 1000
QUERY_SECONDS = 2


@pytest.fixture(scope="module")
def api(sample_release: Settings) -> Iterator[ApiServer]:
    with running_api(
        sample_release, CDS_API_MAX_ROWS=str(MAX_ROWS), CDS_API_QUERY_SECONDS=str(QUERY_SECONDS)
    ) as server:
        yield server


@pytest.fixture(scope="module")
def client(api: ApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=60) as http:
        yield http


def release_id(settings: Settings) -> str:
    return latest(settings).resolve().name


def rows_of(settings: Settings, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(latest(settings) / OPEN_DATA_DB), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def raw_get(api: ApiServer, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (an HTTP client would normalise `..`)."""
    address = urlsplit(api.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- releases and tables ------------------------------------------------------------------------


def test_releases_list_names_the_latest(client: httpx.Client, sample_release: Settings) -> None:
    response = client.get("/api/releases")

    assert response.status_code == 200
    body = response.json()
    current = release_id(sample_release)
    assert response.headers["X-CDS-Release"] == body["latest"] == body["release"] == current
    [entry] = [r for r in body["releases"] if r["id"] == current]
    assert entry["latest"] is True
    assert entry["row_counts"] == read_manifest(latest(sample_release))["row_counts"]
    assert client.get(entry["tables"]).status_code == 200


def test_tables_of_latest_and_of_the_release_are_the_same(
    client: httpx.Client, sample_release: Settings
) -> None:
    current = release_id(sample_release)
    by_latest = client.get("/api/tables").json()
    by_id = client.get(f"/api/releases/{current}/tables").json()

    assert by_latest == by_id and by_latest["release"] == current
    counts = {t["name"]: t["rows"] for t in by_latest["tables"]}
    assert {name: counts[name] for name in PUBLISHED_TABLES} == read_manifest(latest(sample_release))[
        "row_counts"
    ]
    dti = next(t for t in by_latest["tables"] if t["name"] == "dti_ranks")
    assert [c["name"] for c in dti["columns"]] == load_contracts()["dti_ranks"].column_names
    assert all(c["description"] for c in dti["columns"])


def test_a_provinces_dti_ranks_filtered_and_ordered(client: httpx.Client, sample_release: Settings) -> None:
    response = client.get(
        "/api/tables/dti_ranks",
        params={"province_code": "86", "pillar": "overall", "order": "edition_year,-rank,fact_id"},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    expected = rows_of(
        sample_release,
        "select fact_id from dti_ranks where province_code = '86' and pillar = 'overall' "
        "order by edition_year, rank desc, fact_id",
    )
    assert [r["fact_id"] for r in body["rows"]] == [fact_id for (fact_id,) in expected]
    assert expected and body["count"] == len(expected) and body["next"] is None
    assert body["release"] == release_id(sample_release)


def test_date_ranges_and_typed_values(client: httpx.Client, sample_release: Settings) -> None:
    params = {"document_date__gte": "2023-01-01", "document_date__lt": "2024-01-01", "limit": str(MAX_ROWS)}
    rows = client.get("/api/tables/metrics", params=params).json()["rows"]

    expected = rows_of(
        sample_release,
        "select count(*) from metrics where document_date >= '2023-01-01' and document_date < '2024-01-01'",
    )
    assert rows and len(rows) == expected[0][0]
    assert all("2023-01-01" <= r["document_date"] < "2024-01-01" for r in rows)
    wrong = client.get("/api/tables/dti_ranks", params={"edition_year": "two thousand"})
    assert wrong.status_code == 400 and "two thousand" in wrong.json()["error"]
    typo = client.get("/api/tables/dti_ranks", params={"provnce_code": "86"})
    assert typo.status_code == 400 and "no column 'provnce_code'" in typo.json()["error"]


def test_pages_with_limit_offset_and_next_cover_the_table_once(
    client: httpx.Client, sample_release: Settings
) -> None:
    seen: list[str] = []
    url: str | None = "/api/tables/metrics?limit=40"
    while url:
        body = client.get(url).json()
        seen += [r["fact_id"] for r in body["rows"]]
        url = body["next"]

    assert seen == [fact_id for (fact_id,) in rows_of(sample_release, "select fact_id from metrics")]
    csv_pages, url = [], "/api/tables/metrics?limit=100&format=csv"
    while url:
        response = client.get(url)
        csv_pages.append(response.text.split("\n", 1)[1])  # each page has its header line
        url = response.links.get("next", {}).get("url")
    header = (latest(sample_release) / "metrics.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert header + "\n" + "".join(csv_pages) == (latest(sample_release) / "metrics.csv").read_text(
        encoding="utf-8"
    )
    over = client.get("/api/tables/metrics", params={"limit": MAX_ROWS + 1})
    assert over.status_code == 422
    assert over.json() == {
        "error": "limit: Input should be less than or equal to 1000",
        "release": release_id(sample_release),
    }
    assert over.headers["X-CDS-Release"] == release_id(sample_release)


# --- formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", PUBLISHED_TABLES)
def test_a_whole_table_as_csv_is_the_release_csv(
    client: httpx.Client, sample_release: Settings, table: str
) -> None:
    response = client.get(f"/api/tables/{table}", params={"format": "csv", "limit": MAX_ROWS})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content == (latest(sample_release) / f"{table}.csv").read_bytes()


def test_accept_header_chooses_the_format(client: httpx.Client, sample_release: Settings) -> None:
    as_csv = client.get("/api/tables/dti_ranks?limit=1000", headers={"Accept": "text/csv"})
    as_parquet = client.get(
        "/api/tables/dti_ranks?limit=1000",
        headers={"Accept": "application/json;q=0.5, application/vnd.apache.parquet"},
    )
    as_json = client.get("/api/tables/dti_ranks?limit=1000", headers={"Accept": "text/html,*/*"})

    assert as_csv.content == (latest(sample_release) / "dti_ranks.csv").read_bytes()
    assert (
        as_csv.headers["X-CDS-Release"] == as_parquet.headers["X-CDS-Release"] == release_id(sample_release)
    )
    table = pq.read_table(io.BytesIO(as_parquet.content))
    assert table.column("fact_id").to_pylist() == [r["fact_id"] for r in as_json.json()["rows"]]
    assert table.to_pylist() == pq.read_table(latest(sample_release) / "dti_ranks.parquet").to_pylist()
    assert len({as_csv.headers["ETag"], as_parquet.headers["ETag"], as_json.headers["ETag"]}) == 3


# --- caching headers, CORS, docs, files ---------------------------------------------------------


def test_etag_and_last_modified_come_from_the_release(client: httpx.Client, sample_release: Settings) -> None:
    current = release_id(sample_release)
    stable = client.get(f"/api/releases/{current}/tables/dti_ranks")
    moving = client.get("/api/tables/dti_ranks")

    assert stable.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert moving.headers["Cache-Control"] == "no-cache"
    assert stable.headers["Last-Modified"] == moving.headers["Last-Modified"]
    again = client.get("/api/tables/dti_ranks", headers={"If-None-Match": moving.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["X-CDS-Release"] == current
    dated = client.get(
        "/api/tables/dti_ranks", headers={"If-Modified-Since": moving.headers["Last-Modified"]}
    )
    assert dated.status_code == 304
    other = client.get("/api/tables/dti_ranks", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_cors_is_open_for_get(client: httpx.Client) -> None:
    simple = client.get("/api/tables", headers={"Origin": "https://portal.example.gov.vn"})
    preflight = client.options(
        "/api/tables/dti_ranks",
        headers={"Origin": "https://portal.example.gov.vn", "Access-Control-Request-Method": "GET"},
    )

    assert simple.headers["access-control-allow-origin"] == "*"
    assert "X-CDS-Release" in simple.headers["access-control-expose-headers"]
    assert preflight.status_code == 200 and "GET" in preflight.headers["access-control-allow-methods"]


def test_head_answers_with_the_headers_of_get_and_no_body(
    client: httpx.Client, sample_release: Settings
) -> None:
    current = release_id(sample_release)
    for path in (
        "/api/tables/dti_ranks?format=csv",
        f"/releases/{current}/metrics.parquet",
        "/dcat.jsonld",
        "/api/releases",
        "/",
    ):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"" and got.content, path
        for name in ("content-type", "content-length", "etag", "last-modified", "x-cds-release"):
            assert head.headers.get(name) == got.headers.get(name), (path, name)
    missing = client.head("/api/tables/no_such_table")
    assert missing.status_code == 404 and missing.content == b""


def test_openapi_docs_are_served_without_the_internet(client: httpx.Client) -> None:
    docs = client.get("/docs")
    schema = client.get("/openapi.json").json()

    assert docs.status_code == 200
    scripts = [part.split('"')[0] for part in docs.text.split('src="')[1:]]
    assert scripts and all(src.startswith("/") for src in scripts)
    assert all(client.get(src).status_code == 200 for src in scripts)
    assert {"/api/releases", "/api/tables/{table}", "/api/sql"} <= set(schema["paths"])
    assert {method for operations in schema["paths"].values() for method in operations} == {"get"}


def test_root_serves_the_catalog_page_and_release_files(
    client: httpx.Client, sample_release: Settings
) -> None:
    current = release_id(sample_release)
    page = client.get("/")
    stable = client.get(f"/releases/{current}/index.html")

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.content == stable.content == (latest(sample_release) / "index.html").read_bytes()
    assert client.get("/datasets/dti_ranks.html").status_code == 200
    dcat = client.get("/dcat.jsonld")
    assert dcat.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=dcat.text, format="json-ld")) > 0


# --- read-only SQL ------------------------------------------------------------------------------


def test_sql_answers_with_the_release_and_the_columns(client: httpx.Client, sample_release: Settings) -> None:
    query = "select province_name, count(*) as ranks from dti_ranks group by 1 order by 2 desc, 1"
    response = client.get("/api/sql", params={"q": query})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["release"] == response.headers["X-CDS-Release"] == release_id(sample_release)
    assert [c["name"] for c in body["columns"]] == ["province_name", "ranks"]
    assert [(r["province_name"], r["ranks"]) for r in body["rows"]] == rows_of(sample_release, query)
    as_csv = client.get("/api/sql", params={"q": "select * from indicators", "format": "csv"})
    assert as_csv.content == (latest(sample_release) / "indicators.csv").read_bytes()


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("insert into dti_ranks (fact_id) values ('x')", 403, "INSERT statements are refused"),
        ("update dti_ranks set rank = 1", 403, "UPDATE statements are refused"),
        ("delete from documents", 403, "DELETE statements are refused"),
        ("drop table dti_ranks", 403, "DROP statements are refused"),
        ("create table t as select 1", 403, "CREATE statements are refused"),
        ("attach '/tmp/cds-api-attached.db' as other", 403, "ATTACH statements are refused"),
        ("copy dti_ranks to '/tmp/cds-api-leak.csv'", 403, "COPY statements are refused"),
        ("export database '/tmp/cds-api-export'", 403, "EXPORT statements are refused"),
        ("install httpfs", 403, "statements are refused"),
        ("set enable_external_access = true", 403, "SET statements are refused"),
        ("pragma threads = 1", 403, "statements are refused"),
        ("select 1; drop table dti_ranks", 403, "2 statements given"),
        ("select * from read_csv('/etc/passwd')", 403, "file system operations are disabled"),
        ("select * from read_text('/etc/hostname')", 403, "file system operations are disabled"),
        ("select * from glob('/*')", 403, "file system operations are disabled"),
        ("select * from 'warehouse/cds.duckdb'", 403, "file system operations are disabled"),
        ("", 400, "the query is empty"),
        ("select * from no_such_table", 400, "no_such_table does not exist"),
    ],
)
def test_sql_refuses_anything_but_one_read(
    client: httpx.Client, sample_release: Settings, query: str, status: int, message: str
) -> None:
    before = _digest(latest(sample_release).resolve())

    response = client.get("/api/sql", params={"q": query})

    assert response.status_code == status, response.text
    assert message in response.json()["error"]
    assert "\n" not in response.json()["error"]
    assert response.json()["release"] == release_id(sample_release)
    assert _digest(latest(sample_release).resolve()) == before
    assert not any(
        Path(p).exists() for p in ("/tmp/cds-api-attached.db", "/tmp/cds-api-leak.csv", "/tmp/cds-api-export")
    )


def test_a_query_that_would_run_forever_is_stopped(client: httpx.Client) -> None:
    query = "select max(a.range + b.range) from range(1000000) a, range(1000000) b"  # 10^12 pairs

    response = client.get("/api/sql", params={"q": query})

    assert response.status_code == 400
    assert response.json()["error"] == f"the query ran longer than {QUERY_SECONDS} s and was stopped"
    assert response.elapsed.total_seconds() < QUERY_SECONDS + 10
    assert client.get("/api/sql", params={"q": "select 1 as one"}).json()["rows"] == [{"one": 1}]


def test_a_hundred_million_row_cartesian_product_is_cut_off(client: httpx.Client) -> None:
    query = "select * from range(10000) a, range(10000) b"

    response = client.get("/api/sql", params={"q": query})

    assert response.status_code == 400
    assert response.json()["error"].startswith(f"the result has more than {MAX_ROWS} rows (the cap)")


# --- path traversal -----------------------------------------------------------------------------


def test_names_that_climb_out_or_name_partial_releases_are_404(
    api: ApiServer, sample_release: Settings
) -> None:
    current = release_id(sample_release)
    releases = sample_release.public_dir / "releases"
    partial = releases / f".{current}.partial"
    partial.mkdir(exist_ok=True)
    (partial / "index.html").write_text("half-written", encoding="utf-8")
    (sample_release.public_dir / "secret.txt").write_text("not published", encoding="utf-8")
    dotdot = quote("../../", safe="")
    paths = [
        f"/api/tables/{dotdot}etc{quote('/', safe='')}passwd",
        "/api/tables/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/tables/dti_ranks%00",
        "/api/tables/%2e%2e",
        f"/api/releases/{dotdot}/tables",
        "/api/releases/..%2F..%2Fwarehouse/tables",
        f"/api/releases/.{current}.partial/tables",
        f"/api/releases/.{current}.partial/tables/dti_ranks",
        "/api/releases/%2e%2e/tables/dti_ranks",
        "/api/releases/releases/tables",
        f"/releases/.{current}.partial/index.html",
        f"/releases/{current}/..%2F..%2Fsecret.txt",
        f"/releases/{current}/%2e%2e/%2e%2e/secret.txt",
        "/releases/..%2Fsecret.txt/x",
        "/%2e%2e/secret.txt",
        "/..%2Fsecret.txt",
        "/..%2F..%2F..%2Fetc%2Fpasswd",
        "/.%2e/.%2e/etc/passwd",
        "/datasets/%2e%2e/%2e%2e/secret.txt",
        "/datasets",
    ]
    try:
        answers = {path: raw_get(api, path) for path in paths}
        sql = raw_get(api, f"/api/sql?q=select+1&release={dotdot}")
    finally:
        (partial / "index.html").unlink()
        partial.rmdir()
        (sample_release.public_dir / "secret.txt").unlink()

    assert {path: status for path, (status, _) in answers.items()} == dict.fromkeys(paths, 404)
    assert not any(
        b"not published" in body or b"half-written" in body or b"root:" in body
        for _, body in answers.values()
    )
    assert sql[0] == 404
    assert json.loads(answers[f"/api/releases/.{current}.partial/tables"][1])["error"].startswith(
        "no release"
    )


def test_a_busy_port_is_a_one_line_error(sample_release: Settings) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = dict(os.environ, CDS_PUBLIC_DIR=str(sample_release.public_dir))
        result = subprocess.run(
            [sys.executable, "-m", "cds.cli", "api", "--port", str(port)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    assert result.returncode == 1
    assert result.stderr.startswith(f"Cannot listen on 127.0.0.1:{port}: Address already in use")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
