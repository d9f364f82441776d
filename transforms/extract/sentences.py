"""Sentences with character offsets, and which of them repeat an earlier one.

Web copies print photo captions twice; the annotation rules count a fact in an exactly
repeated sentence once, so each sentence knows whether it is such a repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.extract.text import squash

# A full stop / ! / ? / … (optionally closed by a quote or bracket) then space, or a line break:
# `(?<=[.!?…])["”’»)]?[ \t]+|\s*\n\s*`, written to open with the one character every match opens
# with (a quote, a bracket or a space), which each branch then checks by lookbehind; `re` then skips
# straight to such characters instead of trying both branches at every character. Same matches.
_BREAK_RE = re.compile(
    r"[\s\"”’»)]"
    r"(?:(?<=[.!?…][\"”’»)])[ \t]+"  # closing quote or bracket after the stop, then spaces
    r"|(?<=[.!?…][ \t])[ \t]*"  # spaces right after the stop
    r"|(?<=\n)\s*"  # a line break, then any blank space
    r"|(?<=\s)\s*\n\s*)"  # blank space holding a line break
)
# Abbreviations after which a full stop does not end a sentence ("TP. Hồ Chí Minh", "TS. Lê ...").
_ABBREV_RE = re.compile(r"(?:^|\s)(?:TP|Tp|TS|ThS|Th\.S|GS|PGS|PGS\.TS|GS\.TS|Ths|Mr|St|P|Q|TX)\.$")

_ABBREV_WINDOW = 12


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    repeat: bool  # same words as an earlier sentence: its facts were already counted
    # squash(text), the one-line form shown as every fact's evidence; computed once, not per fact.
    evidence: str = field(default="", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.evidence:
            object.__setattr__(self, "evidence", squash(self.text))


def _starts_sentence(text: str, pos: int) -> bool:
    nxt = text[pos : pos + 1]
    return bool(nxt) and (nxt.isupper() or nxt.isdigit() or nxt in '"“‘«(-–•')


def _after_abbreviation(text: str, pos: int) -> bool:
    """Whether text[:pos] ends with an abbreviation. The longest one plus its leading space is 8
    characters, so searching the last 12 (pos/endpos, no copy) finds what a search of the whole
    prefix would; '^' still only matches at the real start of the text."""
    return _ABBREV_RE.search(text, max(0, pos - _ABBREV_WINDOW), pos) is not None


def split_sentences(text: str) -> list[Sentence]:
    """Split on sentence-final punctuation before a capital, and on every line break."""
    cuts = [0]
    for m in _BREAK_RE.finditer(text):
        if "\n" not in m.group() and (
            not _starts_sentence(text, m.end()) or _after_abbreviation(text, m.start())
        ):
            continue
        cuts.extend((m.start(), m.end()))
    cuts.append(len(text))
    seen: set[str] = set()
    out: list[Sentence] = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        chunk = text[start:end]
        if not chunk.strip():
            continue
        evidence = squash(chunk)
        key = evidence.casefold()
        out.append(Sentence(start, end, chunk, key in seen and len(key) > 15, evidence))
        seen.add(key)
    return out


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    """The sentence holding character offset pos (sentences are few: a linear scan is fine)."""
    for s in sentences:
        if s.start <= pos < s.end:
            return s
    return None
