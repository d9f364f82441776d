"""Fact extractor: Vietnamese provincial CĐS report text → `transforms.model.Extraction`.

`extract_facts` is pure: it reads only the static data files shipped in `data/` (loaded once)
and the project's province table. Each fact type has its own module; this one wires them
together around one sentence split and one folded copy of the text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

from transforms.extract.dates import (
    FULL_DATE_RE,
    announcement_date,
    event_date,
    latest_announcement,
    store_stamp,
    written_after_merger,
)
from transforms.extract.dates import published_date as printed_published_date
from transforms.extract.legal import extract_legal_refs, legal_number_spans
from transforms.extract.metrics import MetricContext, extract_metrics
from transforms.extract.people import extract_people
from transforms.extract.provinces import MERGER_DATE, Mention, gazetteer, subject_code63, unit_province
from transforms.extract.rankings import RankContext, RankHit, extract_rankings, rank_hits, rank_list_spans
from transforms.extract.sentences import split_sentences
from transforms.extract.targets import annotate
from transforms.extract.text import fold, squash
from transforms.model import Extraction, Ranking

__all__ = ["extract_facts"]

TITLE_MAX = 220
# A national round-up (the DTI table of all provinces) names many provinces, ranks several, and dwells on
# none: it is about no one province.
ROUNDUP_MIN_NAMED = 8
ROUNDUP_MIN_RANKED = 5
ROUNDUP_MAX_SHARE = 0.25


def extract_facts(text: str, published_date: date | None = None) -> Extraction:
    """Read every fact the annotation rules ask for from one NFC-normalised document."""
    text_folded = fold(text)
    sentences = split_sentences(text)
    title, title_end = _title(text)
    published = published_date or printed_published_date(text)
    event = event_date(text, sentences, published, text_folded)
    doc_date = published or event or _stamp_date(text)
    places = gazetteer()
    mentions = places.mentions(text_folded)
    code63 = subject_code63(text, text_folded, title_end, mentions)
    hits = rank_hits(text_folded)
    ranking_ctx = RankContext(text, text_folded, sentences, mentions, places, code63, doc_date, hits)
    rankings = extract_rankings(ranking_ctx)
    national = _national_roundup(mentions, rankings)
    if event is None:
        event = announcement_date(sentences, text_folded, published, store_stamp(text), national)
    if doc_date is None and event is not None:
        doc_date = event  # the announcement dates the text: a rank's table and a name's code follow it
        rankings = extract_rankings(replace(ranking_ctx, doc_date=doc_date))
    if doc_date is None:  # undated: an edition it ranks was announced, or wording after the merger
        floor = latest_announcement([r.year for r in rankings if r.year])
        after_merger = written_after_merger(text_folded)
        if (floor and floor >= MERGER_DATE) or after_merger:
            doc_date = max(floor or MERGER_DATE, MERGER_DATE)  # the merged provinces' codes apply
            rankings = extract_rankings(replace(ranking_ctx, doc_date=doc_date))
    if national:
        code63 = None
    elif code63 is None:  # no province named: its districts (or, after the merger, its communes) tell
        unit = unit_province(text_folded, doc_date is not None and doc_date >= MERGER_DATE)
        if unit is not None:
            code63 = unit.code
            doc_date = doc_date or (MERGER_DATE if unit.regime == 34 else None)
            rankings = extract_rankings(replace(ranking_ctx, subject_code63=code63, doc_date=doc_date))
    excluded = _excluded_spans(text_folded, hits)
    metrics = annotate(
        extract_metrics(MetricContext(text, text_folded, sentences, excluded)),
        text_folded,
        sentences,
        event or doc_date,
    )
    return Extraction(
        title=title,
        published_date=published,
        province=places.as_of(code63, doc_date) if code63 else None,
        event_date=event,
        rankings=tuple(rankings),
        metrics=tuple(metrics),
        people=tuple(extract_people(text, text_folded, sentences)),
        legal_refs=tuple(extract_legal_refs(text, text_folded, sentences)),
    )


def _national_roundup(mentions: list[Mention], rankings: list[Ranking]) -> bool:
    """Many provinces named, at least ROUNDUP_MIN_RANKED of them ranked, the most named under a quarter."""
    counts = Counter(m.code63 for m in mentions)
    if len(counts) < ROUNDUP_MIN_NAMED or len({r.province_code for r in rankings}) < ROUNDUP_MIN_RANKED:
        return False
    return counts.most_common(1)[0][1] < ROUNDUP_MAX_SHARE * sum(counts.values())


def _stamp_date(text: str) -> date | None:
    stamp = store_stamp(text)
    return date(stamp[0], stamp[1], stamp[2] or 1) if stamp else None


def _title(text: str) -> tuple[str | None, int]:
    """The first line when it reads like a headline (short, no store stamp)."""
    first = text.split("\n", 1)[0]
    if store_stamp(first) or not first.strip() or len(first) > TITLE_MAX:
        return None, 0
    return squash(first), len(first)


def _excluded_spans(text_folded: str, hits: list[RankHit]) -> list[tuple[int, int]]:
    """Characters that are ranks (`hits`, from rank_hits), full dates or document numbers, so never
    quantities."""
    spans = [(h.start, h.end) for h in hits]
    spans += rank_list_spans(text_folded)
    spans += [(m.start(), m.end()) for m in FULL_DATE_RE.finditer(text_folded)]
    spans += legal_number_spans(text_folded)
    return spans
