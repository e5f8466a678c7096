"""Normalise read text: unify line ends and remove scrape artefacts, recording where each removal was.

Normalisation never changes the visible characters inside a paragraph: it only turns every line end into "\\n"
and removes artefacts that download sites insert (``##paidbegin##``, ``##paidend##`` and the like) and stray
byte-order marks. Each removal is kept as an `Artefact`, so that an offset in the normalised text maps back to the
text as read.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

# Markers of pay-walled or scraped text: ##paidbegin##, ##paidend##, ##end## ...; U+FEFF left inside the text.
ARTEFACT_PATTERN = re.compile(r"##[A-Za-z][A-Za-z_]{1,30}##|\ufeff")
# Every line boundary `str.splitlines` knows, so that a paragraph is a line whichever way a caller splits.
_LINE_ENDS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e]")


@dataclass(frozen=True, slots=True)
class Artefact:
    """A piece of the read text that normalisation removed.

    Attributes:
        start: Where it was, as an offset into the normalised text (the removal point).
        original_start: Its offset in the text as read (after line ends were unified).
        text: What was removed.
    """

    start: int
    original_start: int
    text: str


@dataclass(slots=True)
class NormalizedText:
    """The normalised text and the removals that produced it."""

    text: str
    artefacts: list[Artefact] = field(default_factory=list)

    def to_original(self, offset: int) -> int:
        """Map an offset in the normalised text to the offset in the read text (line ends unified)."""
        starts = [artefact.start for artefact in self.artefacts]
        removed = sum(len(a.text) for a in self.artefacts[: bisect.bisect_right(starts, offset)])
        return offset + removed


def normalize(text: str) -> NormalizedText:
    """Unify line ends and remove scrape artefacts.

    Args:
        text: Text as read.

    Returns:
        The normalised text and where artefacts were removed.

    Example:
        >>> normalize("一、总体情况\\r\\n##paidbegin##（1）学习不够。").text
        '一、总体情况\\n（1）学习不够。'
    """
    text = _LINE_ENDS.sub("\n", text)
    pieces: list[str] = []
    artefacts: list[Artefact] = []
    position = 0
    removed = 0
    for match in ARTEFACT_PATTERN.finditer(text):
        pieces.append(text[position : match.start()])
        artefacts.append(Artefact(start=match.start() - removed, original_start=match.start(), text=match.group()))
        removed += match.end() - match.start()
        position = match.end()
    pieces.append(text[position:])
    return NormalizedText(text="".join(pieces), artefacts=artefacts)
