"""Metamorphic tests against memorising: change one thing in a real or golden report (the province it
is about, a number, the day of its event line) and the extracted facts must change the same way and in
no other way. A rule keyed on one document's wording, name or figure fails here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED_DIR
from transforms.documents import decode_document
from transforms.extract import extract_facts
from transforms.extract.dates import EVENT_RE
from transforms.extract.provinces import MERGER_DATE, dateline_code63, gazetteer
from transforms.extract.text import fold
from transforms.model import Extraction

GOLDEN = Path(__file__).parents[1] / "golden" / "reports"
# Provinces to swap in: names that are no family name, district or common word, in the 63 regime.
SWAP_IN = ("Lai Châu", "Điện Biên", "Cao Bằng", "Bạc Liêu", "Tuyên Quang", "Kon Tum", "Hà Giang", "Sóc Trăng")
TWO_DIGIT_PERCENT_RE = re.compile(r"\d{2}(?:,\d{1,2})?%")
METAMORPHIC = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Report:
    name: str
    text: str


@cache
def _reports() -> tuple[Report, ...]:
    folders = [GOLDEN] + [SHARED_DIR / s for s in ("seeds", "devset", "devset2") if (SHARED_DIR / s).is_dir()]
    return tuple(
        Report(path.stem, decode_document(path.read_bytes(), ".txt").text)
        for folder in folders
        for path in sorted(folder.glob("*.txt"))
    )


reports = st.sampled_from(_reports())


def _facts(x: Extraction) -> dict[str, object]:
    """What an extraction says, without offsets and evidence (they move when text lengths change)."""
    return {
        "province": x.province.code if x.province else None,
        "event_date": x.event_date,
        "rankings": sorted(
            (r.province_code or "", r.year or 0, r.pillar, r.rank, r.out_of or 0) for r in x.rankings
        ),
        "metrics": sorted((m.kind, m.value, m.unit) for m in x.metrics),
        "people": sorted(p.name for p in x.people),
        "legal_refs": sorted((lr.kind, lr.number) for lr in x.legal_refs),
    }


def _before_merger(x: Extraction) -> bool:
    day = x.published_date or x.event_date
    return day is not None and day < MERGER_DATE


@METAMORPHIC
@given(reports, st.sampled_from(SWAP_IN))
def test_swapping_the_province_changes_only_its_code(report: Report, new_name: str) -> None:
    before = extract_facts(report.text)
    assume(before.province is not None and _before_merger(before))
    assume(dateline_code63(report.text) is None)
    places = gazetteer()
    old_code = before.province.code
    old_name = places.name63[old_code]
    new_code = places.code63_of(fold(new_name))
    assert new_code is not None
    folded = fold(report.text)
    mentions = [m for m in places.mentions(folded) if m.code63 == old_code]
    # the province is written only by its own name, and the new one is not in the text yet
    assume(all(report.text[m.start : m.end] == old_name for m in mentions))
    assume(fold(new_name) not in folded and new_code != old_code)
    assume(not re.search(rf"[\w]{re.escape(old_name)}|{re.escape(old_name)}[\w]", report.text))

    after = extract_facts(report.text.replace(old_name, new_name))

    expected = _facts(before)
    expected["province"] = new_code
    expected["rankings"] = sorted(
        (new_code if code == old_code else code, *rest)
        for code, *rest in expected["rankings"]  # type: ignore[attr-defined]
    )
    assert _facts(after) == expected


@METAMORPHIC
@given(reports, st.data())
def test_changing_a_figure_changes_only_that_figure(report: Report, data: st.DataObject) -> None:
    facts = extract_facts(report.text)
    figures = [m for m in facts.metrics if TWO_DIGIT_PERCENT_RE.fullmatch(m.raw)]
    assume(figures)
    figure = data.draw(st.sampled_from(figures))
    old_int = figure.raw.split(",")[0].rstrip("%")
    new_int = str(data.draw(st.integers(10, 99)))
    assume(new_int != old_int)
    text = report.text[: figure.span.start] + new_int + report.text[figure.span.start + len(old_int) :]

    after = extract_facts(text)

    changed = [m for m in after.metrics if m.span.start == figure.span.start]
    new_raw = new_int + figure.raw[len(old_int) :]
    assert [m.value for m in changed] == [float(new_raw.rstrip("%").replace(",", "."))]
    unchanged = sorted((m.kind, m.value, m.unit, m.span.start) for m in after.metrics if m not in changed)
    expected = sorted((m.kind, m.value, m.unit, m.span.start) for m in facts.metrics if m is not figure)
    assert unchanged == expected
    rest = {k: v for k, v in _facts(after).items() if k != "metrics"}
    assert rest == {k: v for k, v in _facts(facts).items() if k != "metrics"}


@dataclass(frozen=True)
class EventLine:
    report: Report
    facts: Extraction
    day_start: int
    day_end: int


@cache
def _event_lines() -> tuple[EventLine, ...]:
    """Reports whose event date was read from a day/month line without a year ('Sáng 7/3')."""
    found = []
    for report in _reports():
        facts = extract_facts(report.text)
        line = next((m for m in EVENT_RE.finditer(fold(report.text)) if m["m"] and not m["y"]), None)
        event = facts.event_date
        if line and event and (event.day, event.month) == (int(line["d"]), int(line["m"])):
            found.append(EventLine(report, facts, line.start("d"), line.end("d")))
    return tuple(found)


@METAMORPHIC
@given(st.sampled_from(_event_lines()), st.sampled_from([-3, -2, -1, 1, 2, 3]))
def test_moving_the_event_line_moves_the_event_date(line: EventLine, days: int) -> None:
    before = line.facts
    assert before.event_date is not None
    moved = before.event_date + timedelta(days=days)
    assume(moved.month == before.event_date.month)
    # a printed publication date bounds the event: keep the moved event on or before it
    assume(before.published_date is None or moved <= before.published_date)
    text = line.report.text[: line.day_start] + str(moved.day) + line.report.text[line.day_end :]

    after = extract_facts(text)

    assert after.event_date == moved
    kept = ("province", "rankings", "people")
    assert {k: _facts(after)[k] for k in kept} == {k: _facts(before)[k] for k in kept}


def test_the_reports_cover_the_cases() -> None:
    """The strategies above have material: reports with a province, with percents, with a dated event."""
    facts = [extract_facts(r.text) for r in _reports()]
    assert sum(f.province is not None and _before_merger(f) for f in facts) >= 10
    assert sum(any(TWO_DIGIT_PERCENT_RE.fullmatch(m.raw) for m in f.metrics) for f in facts) >= 10
    assert sum(f.event_date is not None and f.event_date >= date(2020, 1, 1) for f in facts) >= 10
    assert len(_event_lines()) >= 10


pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
