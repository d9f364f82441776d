"""Query results as plain text for a terminal (`table`) or a document (`markdown`).

Values are printed verbatim: nothing is read as markup, nothing is cut or wrapped. What a format
cannot show literally is escaped so the value can be read back exactly: in `table`, control
characters and the backslash (`\\n`, `\\x1b`, `\\\\`), the column rule `│`, and a trailing
space; in `markdown`, the characters Markdown would act on (`\\|`, `\\*`, `\\[` …), line breaks
(`<br>`), other control characters and whitespace at a cell's edges (`&#N;`).
"""

from __future__ import annotations

import unicodedata

from rich.cells import cell_len

RULE = "│"
MARKDOWN_SPECIAL = frozenset("\\|`*_[]<>#~&!")
SHORT_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", RULE: "\\u2502"}


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Zl", "Zp"}


def escape_cell(value: str | None) -> str:
    """A value for the `table` layout: one line, no column rule, no trailing space; NULL is empty."""
    if value is None:
        return ""
    out = []
    for char in value:
        if char in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[char])
        elif _is_control(char):
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    if out and out[-1] == " ":
        out[-1] = "\\x20"
    return "".join(out)


def render_table(columns: list[str], rows: list[list[str | None]], width: int | None = None) -> str:
    """Aligned columns separated by `│`, one line per row. When `width` (a terminal's) is too
    narrow for that, one block per row instead (`column │ value` lines), so a wide result stays
    readable rather than wrapping into fragments."""
    header = [escape_cell(c) for c in columns]
    cells = [[escape_cell(v) for v in row] for row in rows]
    widths = [max([cell_len(h), *(cell_len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    if width is not None and sum(widths) + 3 * (len(widths) - 1) > width:
        return _render_records(header, cells)
    lines = [_line(header, widths), "─┼─".join("─" * w for w in widths)]
    lines += [_line(row, widths) for row in cells]
    return "\n".join(lines) + "\n"


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [cell + " " * (width - cell_len(cell)) for cell, width in zip(cells, widths, strict=True)]
    return f" {RULE} ".join(padded).rstrip(" ")


def _render_records(header: list[str], rows: list[list[str]]) -> str:
    label = max((cell_len(h) for h in header), default=0)
    blocks = []
    for number, row in enumerate(rows, start=1):
        lines = [f"─[ row {number} ]" + "─" * max(label - 6, 4)]
        lines += [
            f"{h}{' ' * (label - cell_len(h))} {RULE} {v}".rstrip(" ")
            for h, v in zip(header, row, strict=True)
        ]
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n"


def escape_markdown(value: str | None) -> str:
    """A value for a Markdown (GFM) table cell that renders as exactly the value."""
    if value is None:
        return ""
    out = []
    for char in value:
        if char in MARKDOWN_SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("<br>")
        elif _is_control(char):
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    text = "".join(out)
    # Markdown trims a cell: whitespace at its edges is written as character references.
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip()) if text.strip() else 0
    body = text[lead : len(text) - trail]
    return (
        "".join(f"&#{ord(c)};" for c in text[:lead])
        + body
        + "".join(f"&#{ord(c)};" for c in text[len(text) - trail :])
    )


def render_markdown(columns: list[str], rows: list[list[str | None]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = [
        "| " + " | ".join(escape_markdown(c) for c in columns) + " |",
        "|" + "|".join(" --- " for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(escape_markdown(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
