"""`cds sql --format table|csv|json|markdown`: values verbatim in every format, the release's own CSV
byte for byte, and one-line errors for empty or stacked queries."""

from __future__ import annotations

import csv
import io
import json
import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cds.render import RULE, render_markdown, render_table
from cds.settings import Settings
from tests.api.conftest import cds_sql, latest
from warehouse.open_data import ResultFormat, text_values, write_result
from warehouse.publish import PUBLISHED_TABLES

TABLE_ESCAPE = re.compile(r"\\(\\|n|r|t|x[0-9a-f]{2}|u[0-9a-f]{4})")
MARKDOWN_TOKEN = re.compile(r"\\(.)|<br>|&#(\d+);|(.)", re.DOTALL)
SHORT = {"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}


def unescape_table_cell(cell: str) -> str:
    return TABLE_ESCAPE.sub(lambda m: SHORT.get(m[1]) or chr(int(m[1][1:], 16)), cell)


def parse_table(text: str) -> list[list[str]]:
    """Rows of the aligned layout (header first), each cell unescaped."""
    lines = text.removesuffix("\n").split("\n")
    del lines[1]  # the rule under the header
    rows = []
    for line in lines:
        parts = line.split(RULE)
        cells = [parts[0], *(p[1:] for p in parts[1:])]  # one space after each rule
        rows.append([unescape_table_cell(c.rstrip(" ")) for c in cells])
    return rows


def parse_records(text: str) -> list[list[str]]:
    """Values of the one-block-per-row layout."""
    rows: list[list[str]] = []
    for line in text.removesuffix("\n").split("\n"):
        if line.startswith("─[ row "):
            rows.append([])
        else:
            rows[-1].append(unescape_table_cell(line.split(f" {RULE}", 1)[1].removeprefix(" ")))
    return rows


def unescape_markdown(cell: str) -> str:
    return "".join(
        m[1] if m[1] is not None else "\n" if m[0] == "<br>" else chr(int(m[2])) if m[2] else m[3]
        for m in MARKDOWN_TOKEN.finditer(cell)
    )


def parse_markdown(text: str) -> list[list[str]]:
    rows = []
    for number, line in enumerate(text.removesuffix("\n").split("\n")):
        if number == 1:
            continue
        cells, current, escaped = [], "", False
        for char in line[2:-2]:  # inside the outer "| " … " |"
            if char == "|" and not escaped:
                cells.append(current[:-1])  # drop the space before the separator
                current = ""
                continue
            current += char
            escaped = char == "\\" and not escaped
        cells.append(current)
        rows.append([unescape_markdown(c if i == 0 else c.removeprefix(" ")) for i, c in enumerate(cells)])
    return rows


def every_format(first: str, second: str) -> dict[str, list[str]]:
    """The values of a two-column one-row DuckDB result, read back from each format."""
    with duckdb.connect() as con:
        result = con.sql("select ?::varchar as a, ?::varchar as b", params=[first, second]).to_arrow_table()
    columns, rows = text_values(result)
    csv_rows = list(csv.reader(io.StringIO(write_result(result, ResultFormat.csv).decode(), newline="")))
    json_rows = json.loads(write_result(result, ResultFormat.json))
    return {
        "csv": csv_rows[1],
        "json": [json_rows[0]["a"], json_rows[0]["b"]],
        "table": parse_table(render_table(columns, rows))[1],
        "narrow table": parse_records(render_table(columns, rows, width=3))[0],
        "markdown": parse_markdown(render_markdown(columns, rows))[1],
    }


@settings(max_examples=100, deadline=None)
@given(st.text(), st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_string_round_trips_through_every_format(first: str, second: str) -> None:
    for shown in every_format(first, second).values():
        assert shown == [first, second]


@pytest.mark.parametrize(
    "value",
    [
        "[/x] and [bold]",
        "[bold red]x[/]",
        "ghi chú [1]",
        "a | b",
        " lề ",
        "x \\n y",
        "`*_#<br>&amp;",
        "\x1b[31m",
    ],
)
def test_brackets_markup_and_escapes_round_trip(value: str) -> None:
    assert set(map(tuple, every_format(value, "").values())) == {(value, "")}


def test_a_wide_terminal_row_becomes_one_block_per_row() -> None:
    columns = ["province_name", "evidence"]
    rows: list[list[str | None]] = [["Vĩnh Long", "x" * 300], ["Hà Nội", None]]

    text = render_table(columns, rows, width=80)

    assert max(len(line) for line in text.splitlines()) == len("evidence      │ " + "x" * 300)
    assert parse_records(text) == [["Vĩnh Long", "x" * 300], ["Hà Nội", ""]]
    assert parse_table(render_table(columns, rows)) == [columns, ["Vĩnh Long", "x" * 300], ["Hà Nội", ""]]


# --- the command itself, on a release of the sample corpus ---------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("table", PUBLISHED_TABLES)
def test_csv_is_the_release_csv_byte_for_byte(sample_release: Settings, table: str) -> None:
    result = cds_sql(sample_release, "--format", "csv", f"select * from {table}")

    assert result.returncode == 0, result.stderr
    assert result.stdout == (latest(sample_release) / f"{table}.csv").read_bytes()


@pytest.mark.integration
@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_markup_like_values_print_verbatim(sample_release: Settings, fmt: str) -> None:
    result = cds_sql(sample_release, "--format", fmt, "select '[/x] and [bold]' as s")

    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    shown = result.stdout.decode()
    if fmt == "markdown":
        assert parse_markdown(shown) == [["s"], ["[/x] and [bold]"]]
    else:
        assert "[/x] and [bold]" in shown


@pytest.mark.integration
def test_duckdb_settings_print_as_a_table(sample_release: Settings) -> None:
    result = cds_sql(sample_release, "select name, value, description from duckdb_settings()")

    assert result.returncode == 0, result.stderr
    rows = parse_table(result.stdout.decode())
    assert rows[0] == ["name", "value", "description"]
    assert rows[[r[0] for r in rows].index("access_mode")][:2] == ["access_mode", "read_only"]


@pytest.mark.integration
def test_json_has_the_rows_of_the_release(sample_release: Settings) -> None:
    result = cds_sql(sample_release, "--format", "json", "select * from dti_ranks order by fact_id")

    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    with duckdb.connect() as con:
        csv_path = str(latest(sample_release) / "dti_ranks.csv")
        expected = con.sql("select fact_id, rank from read_csv(?) order by fact_id", params=[csv_path])
        assert [(r["fact_id"], r["rank"]) for r in rows] == expected.fetchall()


@pytest.mark.integration
@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("", 2, "the query is empty"),
        ("   -- nothing but a comment", 2, "the query is empty"),
        ("select 1; select 2", 1, "2 statements given"),
        ("select count(*) from dti_ranks; delete from dti_ranks", 1, "2 statements given"),
        ("drop table dti_ranks", 1, "DROP statements are refused"),
        ("select * from no_such_table", 1, "Table with name no_such_table does not exist"),
    ],
)
def test_user_mistakes_are_one_line_errors(
    sample_release: Settings, query: str, code: int, message: str
) -> None:
    result = cds_sql(sample_release, query)

    stderr = result.stderr.decode()
    assert result.returncode == code
    assert result.stdout == b""
    assert message in stderr and len(stderr.strip().splitlines()) == 1
    assert "Traceback" not in stderr
