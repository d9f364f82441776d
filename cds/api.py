"""`cds api`: the published releases over HTTP, read-only, for other systems (provincial data-sharing
platforms, open-data portals, notebooks).

FastAPI serves it (with uvicorn); every query goes through warehouse/open_data.py, the same guards
as `cds sql`, on each release's own DuckDB file, never the warehouse. Every response names its
release (`X-CDS-Release`, and in JSON bodies); `ETag` and `Last-Modified` come from the release's
fingerprint and publication time. URLs under `/api/releases/<id>/` and `/releases/<id>/` never
change; `latest` and the unprefixed ones follow the newest release.
"""

import hashlib
import json
import mimetypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

import duckdb
import pyarrow as pa
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from cds.settings import Settings
from warehouse.open_data import (
    QueryRefused,
    ReleaseReader,
    ReleaseRef,
    ResultFormat,
    StatementRefused,
    TableInfo,
    TablePage,
    UnknownRelease,
    one_line,
    read_table_page,
    run_query,
    time_limit,
    write_result,
)

MEDIA_TYPES = {
    ResultFormat.json: "application/json",
    ResultFormat.csv: "text/csv; charset=utf-8",
    ResultFormat.parquet: "application/vnd.apache.parquet",
}
ACCEPTED = {
    "application/json": ResultFormat.json,
    "text/csv": ResultFormat.csv,
    "application/vnd.apache.parquet": ResultFormat.parquet,
    "application/x-parquet": ResultFormat.parquet,
}
PAGE_PARAMETERS = frozenset({"format", "order", "limit", "offset"})
RELEASE_HEADER = "X-CDS-Release"
FILTER_HELP = (
    "Any other query parameter filters rows by a column: `province_code=86` (equal), "
    "`edition_year__gte=2022`, `document_date__lt=2024-01-01` (`__ne`, `__gt`, `__gte`, `__lt`, "
    "`__lte`); values are cast to the column's type."
)
for suffix, media_type in (
    (".jsonld", "application/ld+json"),
    (".parquet", "application/vnd.apache.parquet"),
):
    mimetypes.add_type(media_type, suffix)


class ApiError(Exception):
    """An error answered as JSON with its status and the release it concerns."""

    def __init__(self, status: int, message: str, release: ReleaseRef | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.release = status, message, release


def create_app(settings: Settings) -> FastAPI:
    """The API over `settings.public_dir`; each request reads the releases as they are then."""
    reader = ReleaseReader(settings.public_dir, settings.duckdb_memory_limit)
    app = FastAPIOffline(
        title="cds-pipeline open data API",
        summary="Read-only access to the published releases of provincial digital-transformation facts.",
        version="1",
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD"],
        allow_headers=["*"],
        expose_headers=[RELEASE_HEADER, "ETag", "Last-Modified", "Link"],
    )

    @app.exception_handler(ApiError)
    async def api_error(_: Request, error: ApiError) -> JSONResponse:
        body: dict[str, Any] = {"error": error.message}
        headers = {}
        if error.release is not None:
            body["release"] = error.release.release_id
            headers[RELEASE_HEADER] = error.release.release_id
        return JSONResponse(body, status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        """A bad parameter (a limit over the cap, an unknown format) in one line, naming the release."""
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'][1:])}: {problem['msg']}"
            for problem in error.errors()
        )
        asked = request.path_params.get("release_id") or request.query_params.get("release") or "latest"
        try:
            release = reader.resolve(asked)
        except UnknownRelease:
            release = None
        return await api_error(request, ApiError(422, problems, release))

    def release_of(release_id: str) -> ReleaseRef:
        try:
            return reader.resolve(release_id)
        except UnknownRelease as missing:
            raise ApiError(404, str(missing)) from None

    def table_of(release: ReleaseRef, name: str) -> TableInfo:
        for table in reader.tables(release):
            if table.name == name:
                return table
        raise ApiError(404, f"release {release.release_id} has no table {name!r}", release)

    @app.get("/api", summary="What this API serves")
    def index(request: Request) -> Response:
        release = release_of("latest")
        body = {
            "release": release.release_id,
            "releases": str(request.url_for("releases")),
            "tables": str(request.url_for("latest_tables")),
            "sql": str(request.url_for("sql")),
            "dcat": str(request.url_for("latest_file", path="dcat.jsonld")),
            "docs": str(request.base_url) + "docs",
        }
        return _respond(request, release, _json(body), ResultFormat.json)

    @app.get("/api/releases", summary="The releases, newest first")
    def releases(request: Request) -> Response:
        release = release_of("latest")
        body = {
            "release": release.release_id,
            "latest": release.release_id,
            "releases": [_release_body(request, r) for r in reader.releases(release)],
        }
        return _respond(request, release, _json(body), ResultFormat.json)

    @app.get("/api/releases/{release_id}", summary="One release (or `latest`)")
    def release(request: Request, release_id: str) -> Response:
        ref = release_of(release_id)
        return _respond(request, ref, _json({"release": ref.release_id, **_release_body(request, ref)}))

    @app.get("/api/tables", summary="The tables of the latest release")
    def latest_tables(request: Request) -> Response:
        return _tables(request, release_of("latest"))

    @app.get("/api/releases/{release_id}/tables", summary="The tables of a release")
    def release_tables(request: Request, release_id: str) -> Response:
        return _tables(request, release_of(release_id))

    def _tables(request: Request, release: ReleaseRef) -> Response:
        def body() -> bytes:
            tables = []
            for table in reader.tables(release):
                url = str(request.url_for("release_table", release_id=release.release_id, table=table.name))
                tables.append(
                    {
                        "name": table.name,
                        "kind": "view" if table.is_view else "table",
                        "rows": table.rows,
                        "columns": table.columns,
                        "url": url,
                        "csv": f"{url}?format=csv",
                        "parquet": f"{url}?format=parquet",
                    }
                )
            return _json({"release": release.release_id, "tables": tables})

        return _respond(request, release, body, ResultFormat.json)

    limit_help = f"Rows per page, at most {settings.api_max_rows} (CDS_API_MAX_ROWS)."
    Limit = Annotated[int, Query(ge=1, le=settings.api_max_rows, description=limit_help)]
    Offset = Annotated[int, Query(ge=0, description="Rows to skip.")]
    Order = Annotated[str | None, Query(description="Columns to sort by, comma-separated; `-` = descending.")]
    Format = Annotated[
        ResultFormat | None, Query(description="json (default), csv or parquet; or use Accept.")
    ]

    @app.get("/api/tables/{table}", summary="Rows of a table of the latest release", description=FILTER_HELP)
    def latest_table(
        request: Request,
        table: str,
        format: Format = None,
        order: Order = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Response:
        return _rows(request, release_of("latest"), table, order, limit, offset)

    @app.get("/api/releases/{release_id}/tables/{table}", summary="Rows of a table", description=FILTER_HELP)
    def release_table(
        request: Request,
        release_id: str,
        table: str,
        format: Format = None,
        order: Order = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Response:
        return _rows(request, release_of(release_id), table, order, limit, offset)

    def _rows(
        request: Request, release: ReleaseRef, name: str, order: str | None, limit: int, offset: int
    ) -> Response:
        table = table_of(release, name)
        filters = tuple(
            (*_split_filter(key), value)
            for key, value in request.query_params.multi_items()
            if key not in PAGE_PARAMETERS
        )
        page = TablePage(
            filters, tuple(k.strip() for k in (order or "").split(",") if k.strip()), limit, offset
        )
        fmt = _format(request)
        links: dict[str, str] = {}  # the next page, for every format (a CSV has no body to say it)

        def body() -> bytes:
            with (
                _answering(release),
                reader.cursor(release) as con,
                time_limit(con, settings.api_query_seconds),
            ):
                rows = read_table_page(con, table, page)
            following = None
            if rows.num_rows > limit:
                following = str(request.url.include_query_params(offset=offset + limit))
                links["Link"] = f'<{following}>; rel="next"'
            rows = rows.slice(0, limit)
            if fmt is not ResultFormat.json:
                return write_result(rows, fmt)
            head = {"release": release.release_id, "table": name, "limit": limit, "offset": offset}
            return _envelope({**head, "count": rows.num_rows, "next": following}, rows)

        return _respond(request, release, body, fmt, f"{name}-{release.release_id}", links)

    @app.get("/api/sql", summary="A read-only query on the latest release (or `release`)")
    def sql(
        request: Request,
        q: Annotated[str, Query(description="One SELECT statement, as for `cds sql`.")],
        release: Annotated[str, Query(description="Release id, or latest.")] = "latest",
        format: Format = None,
    ) -> Response:
        ref = release_of(release)
        fmt = _format(request)

        def body() -> bytes:
            with _answering(ref), reader.cursor(ref) as con:
                rows = run_query(con, q, max_rows=settings.api_max_rows, seconds=settings.api_query_seconds)
            if fmt is not ResultFormat.json:
                return write_result(rows, fmt)
            columns = [{"name": f.name, "type": str(f.type)} for f in rows.schema]
            return _envelope(
                {"release": ref.release_id, "query": q, "columns": columns, "count": rows.num_rows}, rows
            )

        return _respond(request, ref, body, fmt, filename=f"query-{ref.release_id}")

    @app.get("/releases/{release_id}/{path:path}", summary="A file of a release (stable URL)")
    def release_file(request: Request, release_id: str, path: str) -> Response:
        return _file(request, release_of(release_id), path)

    @app.get("/", include_in_schema=False)
    def catalog(request: Request) -> Response:
        return _file(request, release_of("latest"), "index.html")

    @app.get(
        "/{path:path}", summary="A file of the latest release (the catalog's pages, dcat.jsonld, downloads)"
    )
    def latest_file(request: Request, path: str) -> Response:
        return _file(request, release_of("latest"), path)

    _answer_head_like_get(app)
    return app


def _answer_head_like_get(app: FastAPI) -> None:
    """HEAD on every GET route, answered with GET's headers and no body (RFC 9110 §9.3.2): link
    checkers, DCAT harvesters and caches ask a download's size, type, ETag and date without
    fetching it. Starlette's own routes do this; FastAPI's do not. The OpenAPI document is built
    (and kept) first, so that it lists each operation once, under GET."""
    app.openapi()
    for route in app.routes:
        if isinstance(route, APIRoute) and route.methods and "GET" in route.methods:
            route.methods.add("HEAD")


def _release_body(request: Request, release: ReleaseRef) -> dict[str, Any]:
    return {
        "id": release.release_id,
        "latest": release.is_latest,
        "published_at": release.published_at.isoformat(),
        "fingerprint": release.fingerprint,
        "row_counts": release.row_counts,
        "tables": str(request.url_for("release_tables", release_id=release.release_id)),
        "catalog": str(request.url_for("release_file", release_id=release.release_id, path="index.html")),
        "dcat": str(request.url_for("release_file", release_id=release.release_id, path="dcat.jsonld")),
    }


@contextmanager
def _answering(release: ReleaseRef) -> Iterator[None]:
    """Turn a refused or failed query into a 4xx naming the release: 403 for what is never
    allowed (writes, ATTACH, COPY, file access), 400 for the rest (a typo, a timeout, too many rows)."""
    try:
        yield
    except (StatementRefused, duckdb.PermissionException) as refused:
        raise ApiError(403, one_line(refused), release) from None
    except (QueryRefused, duckdb.Error) as failed:
        raise ApiError(400, one_line(failed), release) from None


def _split_filter(key: str) -> tuple[str, str]:
    column, _, comparison = key.partition("__")
    return column, comparison


def _format(request: Request) -> ResultFormat:
    """`?format=` first, else the most preferred type of the Accept header we serve, else JSON."""
    asked = request.query_params.get("format")
    if asked is not None:
        return ResultFormat(asked)
    ranked: list[tuple[float, int, ResultFormat]] = []
    for item in request.headers.get("accept", "").split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        weight = next((p.removeprefix("q=") for p in params if p.startswith("q=")), "1")
        if media_type in ACCEPTED:
            ranked.append((-float(weight or 0), len(ranked), ACCEPTED[media_type]))
    return min(ranked)[2] if ranked else ResultFormat.json


def _respond(
    request: Request,
    release: ReleaseRef,
    body: Callable[[], bytes] | bytes,
    fmt: ResultFormat = ResultFormat.json,
    filename: str | None = None,
    extra_headers: dict[str, str] | None = None,
) -> Response:
    """The body with the release's headers (and `extra_headers`, which the body may fill as it is
    made); 304 without running anything when the client's copy (its ETag, or its date) is still
    this release's."""
    headers = _release_headers(request, release, fmt)
    if _not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    content = body() if callable(body) else body
    headers.update(extra_headers or {})
    if filename and fmt is not ResultFormat.json:
        headers["Content-Disposition"] = f'inline; filename="{filename}.{fmt.value}"'
    return Response(content, media_type=MEDIA_TYPES[fmt], headers=headers)


def _release_headers(request: Request, release: ReleaseRef, fmt: ResultFormat | str) -> dict[str, str]:
    """ETag: the release fingerprint with what was asked for; a release's own URLs may be cached
    for good, `latest` ones are revalidated."""
    asked = f"{release.release_id}\n{release.fingerprint}\n{request.url.path}\n{request.url.query}\n{fmt}"
    stable = f"/{release.release_id}/" in request.url.path or request.query_params.get("release") == (
        release.release_id
    )
    return {
        RELEASE_HEADER: release.release_id,
        "ETag": '"' + hashlib.sha256(asked.encode()).hexdigest()[:32] + '"',
        "Last-Modified": format_datetime(release.published_at, usegmt=True),
        "Cache-Control": "public, max-age=31536000, immutable" if stable else "no-cache",
        "Vary": "Accept",
    }


def _not_modified(request: Request, headers: dict[str, str]) -> bool:
    if "if-none-match" in request.headers:
        tags = {tag.strip().removeprefix("W/") for tag in request.headers["if-none-match"].split(",")}
        return headers["ETag"] in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(headers["Last-Modified"]) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _file(request: Request, release: ReleaseRef, path: str) -> Response:
    """A file inside a complete release; anything else (a dotted or climbing path, a folder, a
    link out) is 404."""
    parts = PurePosixPath(path or "index.html").parts
    if not parts or any(p in {"..", "/"} or p.startswith(".") for p in parts):
        raise ApiError(404, f"no file {path!r} in release {release.release_id}", release)
    root = release.path.resolve()
    file = (root / Path(*parts)).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        raise ApiError(404, f"no file {path!r} in release {release.release_id}", release)
    headers = _release_headers(request, release, "file")
    if _not_modified(request, headers):
        return Response(status_code=304, headers=headers)
    return FileResponse(file, headers=headers)


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def _envelope(head: dict[str, Any], rows: pa.Table) -> bytes:
    """`head` as a JSON object with the rows (DuckDB's JSON, the same writer as `cds sql`)."""
    return _json(head)[:-1] + b', "rows": ' + write_result(rows, ResultFormat.json).strip() + b"}"
