"""The review round trip for people who work in a spreadsheet: the queue as CSV, and the rows a
reviewer filled in back into correction files (and `cds retract`'s retraction file).

Correction files written here are in one canonical form (fixed key order, corrections sorted by
date, document, span and id), so exporting the queue and importing it again writes the same bytes.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from cds.corrections import (
    FACT_TYPES,
    LIST_SEPARATOR,
    Correction,
    CorrectionError,
    parse_corrections,
)

KEY_ORDER = (
    "document",
    "source",
    "fact",
    "span",
    "value",
    "action",
    "set",
    "evidence",
    "reason",
    "author",
    "date",
)
HEADER = "# Reviewed corrections (README: Corrections). One item per fact; see `cds review`.\n"


def export_queue(queue: pl.DataFrame, path: Path) -> None:
    """The queue as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Vietnamese)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(queue.columns)
        for row in queue.iter_rows():
            writer.writerow(["" if value is None else _cell(value) for value in row])


def import_queue(path: Path, corrections_dir: Path, today: date) -> list[Path]:
    """Write the rows with an `action` into correction files (the row's `file`, else
    `review-<date>.yml`), merged with the corrections those files already hold; the files written.
    Every row is checked first; a bad row is a CorrectionError naming the CSV line, and nothing is
    written."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items: dict[str, list[dict[str, Any]]] = defaultdict(list)
    errors: list[str] = []
    for number, row in enumerate(rows, start=2):
        if not (row.get("action") or "").strip():
            continue
        try:
            item = correction_item(row, today)
        except ValueError as exc:
            errors.append(f"{path.name}:{number}: {exc}")
            continue
        problems = _problems(item, f"{path.name}:{number}")
        errors += problems
        if not problems:
            name = Path((row.get("file") or "").strip()).name or f"review-{item['date']}.yml"
            items[name].append(item)
    if errors:
        raise CorrectionError(errors)
    written = []
    for name, new in items.items():
        target = corrections_dir / name
        existing = [item_of(c) for c in read_file(target)]
        written.append(write_correction_file(target, existing + new))
    return written


def correction_item(row: dict[str, str], today: date) -> dict[str, Any]:
    """One correction (as it is written in a file) from a filled-in review row."""
    fact = (row.get("fact") or "").strip() or None
    action = row["action"].strip()
    start, end = (row.get("span_start") or "").strip(), (row.get("span_end") or "").strip()
    item: dict[str, Any] = {
        "document": (row.get("document") or "").strip(),
        "source": (row.get("source") or "").strip() or None,
        "fact": fact if action != "retract" else None,
        "span": [int(start), int(end)] if start and end and action != "retract" else None,
        "value": _typed_value(fact, (row.get("value") or "").strip()) if action != "retract" else None,
        "action": action,
        "set": _parse_set(fact, row.get("set") or ""),
        "evidence": (row.get("evidence") or None) if action == "add" else None,
        "reason": (row.get("reason") or "").strip(),
        "author": (row.get("author") or "").strip(),
        "date": date.fromisoformat(row["date"].strip()) if (row.get("date") or "").strip() else today,
    }
    if action == "add":
        item["value"] = None
    return item


def item_of(correction: Correction) -> dict[str, Any]:
    """A validated correction back in its written form."""
    f = correction.fields
    return {
        "document": f.document,
        "source": f.source,
        "fact": f.fact,
        "span": list(f.span) if f.span else None,
        "value": f.value,
        "action": f.action,
        "set": dict(f.fields),
        "evidence": f.evidence,
        "reason": f.reason,
        "author": f.author,
        "date": f.date,
    }


def write_correction_file(path: Path, items: list[dict[str, Any]]) -> Path:
    """Write `items` in canonical form, one entry per correction id (a later item replaces an
    earlier one with the same target and action), and check the file reads back cleanly."""
    unique: dict[str, dict[str, Any]] = {}
    for item in items:
        unique[_identity(item)] = item
    ordered = sorted(
        unique.values(), key=lambda i: (str(i["date"]), i["document"], i.get("span") or [], _identity(i))
    )
    body = [{key: item[key] for key in KEY_ORDER if item.get(key) not in (None, {}, "")} for item in ordered]
    text = HEADER + yaml.safe_dump(
        body, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )
    _, problems = parse_corrections(text, str(path))
    if problems:
        raise CorrectionError(problems)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def retraction_item(doc_id: str, source: str | None, reason: str, author: str, today: date) -> dict[str, Any]:
    return {
        "document": doc_id,
        "source": source,
        "action": "retract",
        "reason": reason,
        "author": author,
        "date": today,
    }


def read_file(path: Path) -> list[Correction]:
    if not path.exists():
        return []
    found, problems = parse_corrections(path.read_text(encoding="utf-8"), str(path))
    if problems:
        raise CorrectionError(problems)
    return found


def _problems(item: dict[str, Any], where: str) -> list[str]:
    text = yaml.safe_dump([{k: v for k, v in item.items() if v not in (None, {}, "")}], allow_unicode=True)
    _, problems = parse_corrections(text, where)
    return [f"{where}: " + p.split(": ", 1)[1] if p.startswith(where) else p for p in problems]


def _identity(item: dict[str, Any]) -> str:
    text = yaml.safe_dump([{k: v for k, v in item.items() if v not in (None, {}, "")}], allow_unicode=True)
    found, _ = parse_corrections(text, "")
    return found[0].correction_id if found else repr(sorted(item.items(), key=str))


def _typed_value(fact: str | None, text: str) -> Any:
    """`value` as the fact type compares it (a rank is an integer, a figure a number)."""
    if not text or fact is None:
        return text or None
    kind = FACT_TYPES[fact].settable.get(FACT_TYPES[fact].value_field, str)
    return _convert(kind, text)


def _parse_set(fact: str | None, text: str) -> dict[str, Any]:
    """'field = value; field = value' (as the published `fields` column shows them) → typed fields."""
    fields: dict[str, Any] = {}
    for part in (p.strip() for p in text.split("; ") if p.strip()):
        name, sep, value = part.partition(" = ")
        if not sep:
            raise ValueError(f"'set' is written 'field = value; field = value', got {part!r}")
        kind = FACT_TYPES[fact].settable.get(name.strip(), str) if fact in FACT_TYPES else str
        fields[name.strip()] = _convert(kind, value.strip())
    return fields


def _convert(kind: Any, text: str) -> Any:
    if kind is int:
        return int(text)
    if kind is float:
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    if kind is date:
        return date.fromisoformat(text)
    if kind is not str and getattr(kind, "__origin__", None) is list:
        return text.split(LIST_SEPARATOR)
    return text


def _cell(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
