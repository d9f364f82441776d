"""Standard indicator codes for CĐS figures, read from a versioned code list (data/indicators.csv).

The code list is also published as an open-data table, so every code carries a Vietnamese and an
English label, a definition, its kind and measure (a share of a whole, a ratio to a plan, a count,
a rate), the units it accepts, the national indicator it mirrors where there is one, and the list
version. A figure gets the first code whose kind matches, all of whose `match_all` groups occur in
its subject and unit ('|' separates alternatives, ';' separates groups) and none of whose
`match_none` words do, and only if its unit is one the code accepts: "120 xã" is never a count of
team members. Otherwise it stays None.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from transforms.extract.text import WB_L, WB_R, alternation, fold

INDICATORS_CSV = Path(__file__).with_name("data") / "indicators.csv"


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    kind: str
    unit: str
    label_vi: str
    label_en: str
    version: str
    measure: str  # share | ratio | count | rate
    units: frozenset[str]  # folded units a figure must have to take this code
    required: tuple[re.Pattern[str], ...]
    forbidden: re.Pattern[str] | None


def _words(alternatives: str) -> re.Pattern[str]:
    return re.compile(WB_L + "(?:" + alternation(alternatives.split("|")) + ")" + WB_R)


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    """The code list, in matching order (specific codes before general ones)."""
    with INDICATORS_CSV.open(encoding="utf-8") as fh:
        return tuple(
            Indicator(
                code=r["code"],
                kind=r["kind"],
                unit=r["unit"],
                label_vi=r["label_vi"],
                label_en=r["label_en"],
                version=r["version"],
                measure=r["measure"],
                units=frozenset(fold(u.strip()) for u in r["units"].split("|") if u.strip()),
                required=tuple(_words(g) for g in r["match_all"].split(";") if g),
                forbidden=_words(r["match_none"]) if r["match_none"] else None,
            )
            for r in csv.DictReader(fh)
        )


@lru_cache(maxsize=1)
def _indicators_by_kind() -> dict[str, tuple[Indicator, ...]]:
    """The code list split by kind, each in matching order, so a figure only tries its own kind."""
    by_kind: dict[str, list[Indicator]] = {}
    for ind in indicators():
        by_kind.setdefault(ind.kind, []).append(ind)
    return {kind: tuple(inds) for kind, inds in by_kind.items()}


@lru_cache(maxsize=16384)
def indicator_for(kind: str, context: str) -> str | None:
    """The code of the standard indicator a figure's subject and unit describe, if any.
    Cached: reports repeat the same subjects and units, and each miss tries dozens of regexes."""
    folded_context = fold(context)
    for ind in _indicators_by_kind().get(kind, ()):
        if ind.forbidden and ind.forbidden.search(folded_context):
            continue
        if all(p.search(folded_context) for p in ind.required):
            return ind.code
    return None


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Indicator]:
    return {ind.code: ind for ind in indicators()}


@lru_cache(maxsize=16384)
def unit_fits(code: str, kind: str, unit: str) -> bool:
    """Whether a figure of this kind and unit may carry the code. Cached: units repeat."""
    ind = _by_code().get(code)
    return ind is not None and ind.kind == kind and fold(" ".join(unit.split())) in ind.units
