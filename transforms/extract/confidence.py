"""How sure the extractor is of a fact, from the evidence its rule had (0..1).

A rank whose province is named beside it, with its denominator, in a sentence that names the DTI and
its edition, is nearly always right; a "dẫn đầu" whose province comes from the document's subject
and whose edition from the paragraph before is often not. Each fact starts from its rule's base
and gains or loses by the cues that agreed. The weights are set so that, on the gold sets, a band
of confidence holds about that share of correct facts: `make eval` prints the reliability table
that checks it, and `CDS_MIN_CONFIDENCE` holds back the facts below a threshold for review.
"""

from __future__ import annotations

from dataclasses import dataclass

# Rankings
RANK_BASE = 0.55
RANK_NAMED = 0.15  # the province is named in the rank's sentence (not taken from the document's subject)
RANK_NEAR = 0.08  # ... and within RANK_NEAR_CHARS of the rank
RANK_NEAR_CHARS = 40
RANK_OUT_OF = 0.08  # "12/63": the denominator is stated
RANK_DTI_NAMED = 0.08  # the sentence names the index
RANK_YEAR_STATED = 0.06  # the edition is stated with the rank, not carried from an earlier sentence
RANK_LEAD = -0.10  # "dẫn đầu", "đứng đầu": leads of groups and bodies are easily mistaken
RANK_TABLE = 0.90  # a row of a ranking table under a DTI heading
# Metrics
PERCENT = 0.95
PERCENT_RANGE = 0.85  # one end of "30 đến 40%"
QUANTITY_LISTED_UNIT = 0.90  # the unit noun is in the domain vocabulary
QUANTITY_OTHER_UNIT = 0.70  # any lower-case noun after the number
QUANTITY_FRACTION = 0.60  # "1.542/1.871" with no unit
SMALL_QUANTITY = 10  # below it, a count is often structural ("3 trụ cột")
SMALL_QUANTITY_PENALTY = -0.15
# People
PERSON_HONORIFIC = 0.92  # "ông", "đồng chí" before the name
PERSON_TITLED = 0.88  # a title phrase before the name or a title list after it
PERSON_SIGNATORY = 0.88
PERSON_SHORT_NAME = -0.10  # two syllables: more often a place or part of a name
# Legal references
LEGAL_CODED_NUMBER = 0.95  # "17/NQ-CP", "04-NQ/TU"
LEGAL_BARE_NUMBER = 0.80  # "Quyết định 742"
LEGAL_OWN_NUMBER = 0.97  # a document's own number in its header


@dataclass(frozen=True, slots=True)
class RankEvidence:
    named: bool
    distance: int | None  # characters between the province's name and the rank
    out_of: bool
    dti_named: bool
    year_stated: bool
    lead: bool


def rank_confidence(e: RankEvidence) -> float:
    score = RANK_BASE
    score += RANK_NAMED if e.named else 0.0
    score += RANK_NEAR if e.named and e.distance is not None and e.distance <= RANK_NEAR_CHARS else 0.0
    score += RANK_OUT_OF if e.out_of else 0.0
    score += RANK_DTI_NAMED if e.dti_named else 0.0
    score += RANK_YEAR_STATED if e.year_stated else 0.0
    score += RANK_LEAD if e.lead else 0.0
    return _clamp(score)


def metric_confidence(kind: str, value: float, listed_unit: bool, fraction: bool, range_end: bool) -> float:
    if kind == "percent":
        return PERCENT_RANGE if range_end else PERCENT
    score = QUANTITY_FRACTION if fraction else QUANTITY_LISTED_UNIT if listed_unit else QUANTITY_OTHER_UNIT
    return _clamp(score + (SMALL_QUANTITY_PENALTY if value < SMALL_QUANTITY else 0.0))


def person_confidence(honorific: bool, syllables: int) -> float:
    score = PERSON_HONORIFIC if honorific else PERSON_TITLED
    return _clamp(score + (PERSON_SHORT_NAME if syllables <= 2 else 0.0))


def legal_confidence(number: str) -> float:
    return LEGAL_CODED_NUMBER if any(ch in number for ch in "/-") else LEGAL_BARE_NUMBER


def _clamp(score: float) -> float:
    return round(min(0.99, max(0.05, score)), 2)
