"""Corrections: reviewed YAML files in `corrections/` that fix published facts, read and validated.

A correction names a fact by what survives re-extraction (document id, fact type, span and/or
value), never by a fact_id, so it stays applied when the extractor changes. This module reads and
checks the files (unknown fields, impossible values, a missing target: each error names the file
and line); applying them is SQL (`warehouse/corrections.py`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

Action = Literal["reject", "set", "add", "accept", "retract"]
FieldType = type[int] | type[float] | type[str] | type[date] | type[bool] | type[list[str]]


@dataclass(frozen=True, slots=True)
class FactType:
    """A kind of fact a correction can name: its published table, warehouse table and fields."""

    table: str  # published table
    core_table: str  # warehouse fact table
    value_field: str  # what `value:` is compared with
    settable: dict[str, Any]  # field → Python type a `set` (or an `add`) may give it
    required_for_add: tuple[str, ...]


FACT_TYPES: dict[str, FactType] = {
    "dti_rank": FactType(
        "dti_ranks",
        "fact_dti_rank",
        "rank",
        {
            "province_code": str,
            "edition_year": int,
            "pillar": str,
            "rank": int,
            "out_of": int,
            "regime": int,
            "score": float,
        },
        ("pillar", "rank"),
    ),
    "metric": FactType(
        "metrics",
        "fact_metric",
        "value",
        {
            "province_code": str,
            "kind": str,
            "value": float,
            "unit": str,
            "subject": str,
            "indicator_code": str,
            "is_target": bool,
            "target_year": int,
            "period_start": date,
            "period_end": date,
            "admin_level": str,
        },
        ("kind", "value", "unit", "subject"),
    ),
    "official": FactType(
        "officials", "fact_person_role", "person_name", {"titles": list[str], "province_code": str}, ()
    ),
    "legal_ref": FactType(
        "legal_refs",
        "fact_legal_ref",
        "number",
        {"kind": str, "number": str, "issued_date": date, "issuer": str, "province_code": str},
        ("kind", "number"),
    ),
}
ACTIONS_NAMING_A_FACT = ("reject", "set", "accept")
DOC_ID_PATTERN = r"^[0-9a-f]{64}$"
LIST_SEPARATOR = " | "  # between the items of a list field (an official's titles) written as text


class CorrectionError(ValueError):
    """One or more correction files are malformed; each line of the message names file and line."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


class CorrectionFields(BaseModel):
    """The fields a correction file may hold, as written (unknown fields are an error)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    document: str = Field(pattern=DOC_ID_PATTERN, description="the document id (sha256 of its text)")
    source: str | None = Field(None, description="the source file, for readers (not used to match)")
    fact: Literal["dti_rank", "metric", "official", "legal_ref"] | None = None
    span: tuple[int, int] | None = None
    value: str | int | float | None = None
    action: Action
    fields: dict[str, Any] = Field(default_factory=dict, alias="set")
    evidence: str | None = None
    reason: str = Field(min_length=3)
    author: str = Field(min_length=1)
    date: date


@dataclass(frozen=True, slots=True)
class Correction:
    """One validated correction and where it was written."""

    fields: CorrectionFields
    file: str
    line: int

    @property
    def correction_id(self) -> str:
        """Stable while the correction names the same target with the same action (the reason,
        author or date may be edited without changing it)."""
        f = self.fields
        key = json.dumps([f.document, f.fact, f.span, _text(f.value), f.action], ensure_ascii=False)
        return "c" + hashlib.sha256(key.encode()).hexdigest()[:10]

    @property
    def match_value(self) -> str | None:
        return _text(self.fields.value)

    def field_values(self) -> dict[str, str]:
        """The values a `set` or `add` gives, as text the warehouse casts to each column's type."""
        return {name: _text(value) or "" for name, value in self.fields.fields.items()}


def read_corrections(folder: Path, root: Path | None = None) -> list[Correction]:
    """Every correction in `folder/*.yml`, validated; CorrectionError lists every problem found."""
    corrections: list[Correction] = []
    errors: list[str] = []
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        shown = _shown(path, root)
        found, problems = parse_corrections(path.read_text(encoding="utf-8"), shown)
        corrections += found
        errors += problems
    seen: dict[str, Correction] = {}
    for correction in corrections:
        first = seen.setdefault(correction.correction_id, correction)
        if first is not correction:
            errors.append(
                f"{correction.file}:{correction.line}: the same correction as {first.file}:{first.line} "
                "(same document, fact, span, value and action): keep one"
            )
    if errors:
        raise CorrectionError(errors)
    return corrections


def parse_corrections(text: str, shown: str) -> tuple[list[Correction], list[str]]:
    """The corrections of one file's text (a YAML list), and its errors as 'file:line: message'."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return [], [f"{shown}:{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]
    if data is None:
        return [], []
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        return [], [f"{shown}:1: a corrections file is a list of corrections ('- document: …')"]
    corrections, errors = [], []
    for item, node in zip(data, root.value, strict=True):
        line = node.start_mark.line + 1
        lines = _key_lines(node)
        if not isinstance(item, dict):
            errors.append(f"{shown}:{line}: a correction is a mapping of fields (document, fact, action…)")
            continue
        try:
            fields = CorrectionFields.model_validate(item)
        except ValidationError as exc:
            errors += [_pydantic_error(shown, line, lines, error) for error in exc.errors()]
            continue
        problems = list(_check(fields))
        errors += [f"{shown}:{lines.get(key, line)}: {message}" for key, message in problems]
        if not problems:
            corrections.append(Correction(fields, shown, line))
    return corrections, errors


def _check(c: CorrectionFields) -> Iterable[tuple[str, str]]:
    """(field, message) for each rule the structure alone cannot say."""
    if c.action == "retract":
        for name in ("fact", "span", "value", "evidence"):
            if getattr(c, name) is not None:
                yield name, f"a retraction names a document only: remove '{name}'"
        if c.fields:
            yield "set", "a retraction names a document only: remove 'set'"
        return
    if c.fact is None:
        yield "action", f"'{c.action}' needs 'fact' (one of {', '.join(FACT_TYPES)})"
        return
    fact = FACT_TYPES[c.fact]
    if c.span is not None and not 0 <= c.span[0] < c.span[1]:
        yield "span", f"span {list(c.span)} is impossible: it must be [start, end] with 0 <= start < end"
    if c.action in ACTIONS_NAMING_A_FACT and c.span is None and c.value is None:
        yield "action", f"'{c.action}' names a fact by 'span' or 'value' (or both)"
    if c.action in ("reject", "accept") and c.fields:
        yield "set", f"'{c.action}' changes no field: remove 'set'"
    if c.action == "set" and not c.fields:
        yield "set", "'set' needs the fields to change, e.g. 'set: {edition_year: 2022}'"
    if c.action == "add":
        if c.span is None:
            yield "action", "'add' needs the 'span' of the missed fact in the document"
        if c.value is not None:
            yield "value", "'add' gives its fields under 'set' (e.g. 'set: {rank: 15, pillar: overall}')"
        missing = [name for name in fact.required_for_add if name not in c.fields]
        if c.fact == "official":
            yield "fact", "officials cannot be added yet: write the person's name in a metric or report it"
        elif missing:
            yield "set", f"'add' of a {c.fact} needs {', '.join(missing)} under 'set'"
    elif c.evidence is not None:
        yield "evidence", "'evidence' belongs to an 'add' only"
    for name, value in c.fields.items():
        for message in _field_problems(c.fact, name, value):
            yield f"set.{name}", message


def _field_problems(fact_name: str, name: str, value: Any) -> Iterable[str]:
    fact = FACT_TYPES[fact_name]
    if name not in fact.settable:
        yield f"unknown field '{name}' for a {fact_name} (allowed: {', '.join(fact.settable)})"
        return
    try:
        TypeAdapter(fact.settable[name]).validate_python(value, strict=fact.settable[name] is not float)
    except ValidationError:
        expected = getattr(fact.settable[name], "__name__", str(fact.settable[name]))
        yield f"'{name}: {value!r}' is impossible: expected {expected}"
        return
    if name == "province_code" and value not in province_codes():
        yield f"'province_code: {value!r}' is not a GSO province code"
        return
    column = _contract_columns(fact.table).get(name)
    if column is None or value is None:
        return
    if column.accepted_values is not None and value not in column.accepted_values:
        yield f"'{name}: {value!r}' is impossible: one of {column.accepted_values}"
    if (column.min is not None and value < column.min) or (column.max is not None and value > column.max):
        yield f"'{name}: {value!r}' is impossible: within [{column.min}, {column.max}]"


@cache
def _contract_columns(table: str) -> dict[str, Any]:
    from expectations.contracts import load_contracts

    return {column.name: column for column in load_contracts()[table].columns}


@cache
def province_codes() -> frozenset[str]:
    text = (resources.files("transforms.provinces") / "provinces.csv").read_text(encoding="utf-8")
    return frozenset(line.split(",", 1)[0] for line in text.splitlines()[1:] if line)


def _key_lines(node: yaml.Node) -> dict[str, int]:
    """Line of each key of a mapping node, nested keys as 'parent.key'."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[str(key.value)] = key.start_mark.line + 1
            for child, line in _key_lines(value).items():
                lines[f"{key.value}.{child}"] = line
    return lines


def _pydantic_error(shown: str, line: int, lines: dict[str, int], error: Any) -> str:
    location = [str(part) for part in error["loc"]]
    key = ".".join(location)
    at = lines.get(key) or (lines.get(location[0]) if location else None) or line
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(f.alias or n for n, f in CorrectionFields.model_fields.items())
        return f"{shown}:{at}: unknown field '{key}' (allowed: {allowed})"
    if error["type"] == "missing":
        return f"{shown}:{line}: missing field '{key}'"
    return f"{shown}:{at}: '{key}': {error['msg']} (got {error.get('input')!r})"


def _shown(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def _text(value: Any) -> str | None:
    """A field value as stable text: dates in ISO form, lists joined by ' | ', numbers as written."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value)


def fingerprint(corrections: list[Correction]) -> str:
    """Changes when any correction (its target, action, fields, reason, author or date) changes."""
    digest = hashlib.sha256()
    for c in sorted(corrections, key=lambda c: c.correction_id):
        digest.update(c.fields.model_dump_json(by_alias=True).encode())
    return digest.hexdigest()
