"""Sentences with character offsets, and which of them repeat an earlier one.

Web copies print photo captions twice; the annotation rules count a fact in an exactly
repeated sentence once, so each sentence knows whether it is such a repeat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.extract.text import squash

# A full stop / ! / ? / … (optionally closed by a quote or bracket) then space, or a line break.
_BREAK_RE = re.compile(r"(?<=[.!?…])[\"”’»)]?[ \t]+|\s*\n\s*")
# Abbreviations after which a full stop does not end a sentence ("TP. Hồ Chí Minh", "TS. Lê ...").
_ABBREV_RE = re.compile(r"(?:^|\s)(?:TP|Tp|TS|ThS|Th\.S|GS|PGS|PGS\.TS|GS\.TS|Ths|Mr|St|P|Q|TX)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    repeat: bool  # same words as an earlier sentence: its facts were already counted

    @property
    def evidence(self) -> str:
        return squash(self.text)


def _starts_sentence(text: str, pos: int) -> bool:
    nxt = text[pos : pos + 1]
    return bool(nxt) and (nxt.isupper() or nxt.isdigit() or nxt in '"“‘«(-–•')


def split_sentences(text: str) -> list[Sentence]:
    """Split on sentence-final punctuation before a capital, and on every line break."""
    cuts = [0]
    for m in _BREAK_RE.finditer(text):
        if "\n" not in m.group() and (
            not _starts_sentence(text, m.end()) or _ABBREV_RE.search(text[: m.start()])
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
        key = squash(chunk).casefold()
        out.append(Sentence(start, end, chunk, repeat=key in seen and len(key) > 15))
        seen.add(key)
    return out


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    """The sentence holding character offset pos (sentences are few: a linear scan is fine)."""
    for s in sentences:
        if s.start <= pos < s.end:
            return s
    return None
