"""Copy detection between documents: winnowed character k-gram fingerprints, verified and extended to exact spans.

Text is first normalised for matching (`MatchText`): white space and punctuation are dropped, digits become 0 and
template placeholders (X, ×, *) become X, so that a copy with changed figures or placeholders filled in still
matches; official formulations (规范提法, from ``analyzer/data/phrases.txt``) are cut out, since every report must
quote them. Each document keeps the winnowed minimum of every window of `WINDOW` consecutive `K`-gram hashes, which
guarantees that any shared run of `K + WINDOW - 1` = 13 normalised characters (the commonly quoted CNKI rule) is
found, while the index holds about a quarter of the k-grams. Fingerprints shared by more than `STOCK_SHARE` of the
batch are stock text, not evidence of copying between any two documents. Shared fingerprints are verified against
the text and extended to maximal common runs; runs of at least `MIN_RUN` characters become spans, and spans a few
characters apart merge, so that small edits do not cut a copied passage in pieces.

Work grows with the total number of fingerprints, not with the number of pairs: documents are compared only where
they share a fingerprint.

This module is the exact-match stage; a near-duplicate stage for reworded copies, the reference library and the
batch outputs are to come (issue 5).
"""

from __future__ import annotations

import functools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from analyzer.document import Document

K = 10
WINDOW = 4
MIN_RUN = K + WINDOW - 1
MERGE_GAP = 4
STOCK_SHARE = 0.2
STOCK_MIN_DOCS = 4
_BASE = np.uint64(1_000_003)


@dataclass(slots=True)
class MatchText:
    """A document's text as matching sees it, with the offset in the document of every character kept."""

    chars: str
    offsets: np.ndarray

    @classmethod
    def of(cls, doc: Document, excluded: list[tuple[int, int]] | None = None) -> MatchText:
        """Normalise a document's text; characters inside `excluded` spans are dropped (they break runs)."""
        mask = np.zeros(len(doc.text) + 1, dtype=bool)
        for start, end in excluded or []:
            mask[start:end] = True
        kept: list[str] = []
        offsets: list[int] = []
        for index, char in enumerate(doc.text):
            if mask[index]:
                if kept and kept[-1] != "\x00":
                    kept.append("\x00")  # a break no run crosses
                    offsets.append(index)
                continue
            normal = _normalise_char(char)
            if normal:
                kept.append(normal)
                offsets.append(index)
        return cls("".join(kept), np.asarray(offsets, dtype=np.int64))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The document offsets of normalised characters start..end (end exclusive)."""
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


@functools.lru_cache(maxsize=65536)
def _normalise_char(char: str) -> str:
    if char.isspace():
        return ""
    if char.isdecimal():
        return "0"
    if char in "XxＸ×*＊":
        return "X"
    category = unicodedata.category(char)
    if category.startswith(("P", "S", "Z", "C")):
        return ""
    return char.lower()


def fingerprints(text: str) -> list[tuple[int, int]]:
    """Winnowed (hash, position) pairs of a normalised text: the rightmost minimum of every window of hashes."""
    if len(text) < K:
        return []
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    hashes = np.zeros(len(codes) - K + 1, dtype=np.uint64)
    for offset in range(K):  # polynomial hash of every k-gram, vectorised over positions
        hashes = hashes * _BASE + codes[offset : offset + len(hashes)]
    broken = codes == 0
    if broken.any():  # no k-gram may span a break
        spans_break = np.convolve(broken.astype(np.int32), np.ones(K, dtype=np.int32), mode="valid") > 0
        hashes = np.where(spans_break, np.uint64(np.iinfo(np.uint64).max), hashes)
    if len(hashes) < WINDOW:
        positions = np.array([len(hashes) - 1 - int(np.argmin(hashes[::-1]))])
    else:
        windows = np.lib.stride_tricks.sliding_window_view(hashes, WINDOW)
        positions = np.arange(len(windows)) + (WINDOW - 1 - np.argmin(windows[:, ::-1], axis=1))
        positions = positions[np.concatenate(([True], positions[1:] != positions[:-1]))]
    positions = positions[hashes[positions] != np.iinfo(np.uint64).max]
    return [(int(value), int(position)) for value, position in zip(hashes[positions], positions, strict=True)]


@dataclass(slots=True)
class CopySpan:
    """A passage of one document found in another: where it is in each (document offsets)."""

    doc: str
    start: int
    end: int
    source: str
    source_start: int
    source_end: int

    def to_dict(self) -> dict[str, object]:
        """Plain-data view."""
        return {
            "start": self.start,
            "end": self.end,
            "source": self.source,
            "source_start": self.source_start,
            "source_end": self.source_end,
        }


@dataclass(slots=True)
class CopyResult:
    """Copied spans per document and shared characters per pair of documents."""

    spans: dict[str, list[CopySpan]] = field(default_factory=dict)
    shared: dict[tuple[str, str], int] = field(default_factory=dict)
    lengths: dict[str, int] = field(default_factory=dict)

    def ratio(self, name: str) -> float:
        """Share of a document's characters (white space aside) found in any other document (总复制比)."""
        covered = union_length([(s.start, s.end) for s in self.spans.get(name, [])])
        return covered / self.lengths[name] if self.lengths.get(name) else 0.0

    def source_ratios(self, name: str) -> dict[str, float]:
        """Share of a document covered by text found in each other document (单篇复制比)."""
        by_source: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for span in self.spans.get(name, []):
            by_source[span.source].append((span.start, span.end))
        total = self.lengths.get(name) or 1
        return {source: union_length(spans) / total for source, spans in by_source.items()}


def union_length(spans: list[tuple[int, int]]) -> int:
    total = 0
    current_start = current_end = -1
    for start, end in sorted(spans):
        if start > current_end:
            total += max(current_end - current_start, 0)
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    return total + max(current_end - current_start, 0)


@dataclass(slots=True)
class Prepared:
    """A document ready for matching: its match text (official formulations cut out) and its fingerprints."""

    text: MatchText
    prints: list[tuple[int, int]]


def prepare(doc: Document) -> Prepared:
    """Normalise a document for matching and fingerprint it; the one way documents and the library do it."""
    from analyzer.checks.boilerplate import official_spans

    excluded = [(p.start + s, p.start + e) for p in doc.paragraphs for s, e in official_spans(p.text)]
    text = MatchText.of(doc, excluded)
    return Prepared(text, fingerprints(text.chars))


def find_copies(docs: dict[str, Document], *, prepared: dict[str, Prepared] | None = None) -> CopyResult:
    """Find text shared between documents of a batch.

    Args:
        docs: Documents by name (the name is what spans and pairs report).
        prepared: Documents already prepared (see `prepare`), by name; the others are prepared here.

    Returns:
        Copied spans per document (each with its source) and shared characters per pair.
    """
    ready = {name: (prepared or {}).get(name) or prepare(doc) for name, doc in docs.items()}
    texts: dict[str, MatchText] = {name: item.text for name, item in ready.items()}
    prints: dict[str, list[tuple[int, int]]] = {name: item.prints for name, item in ready.items()}
    index: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for name, found in prints.items():
        for value, position in found:
            index[value].append((name, position))
    stock_limit = max(STOCK_MIN_DOCS, int(STOCK_SHARE * len(docs)))
    result = CopyResult(lengths={name: sum(not c.isspace() for c in doc.text) for name, doc in docs.items()})
    for name, text in texts.items():
        runs: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
        reached: dict[tuple[str, int], int] = {}  # (other, diagonal) -> end of the run already found on it
        for value, position in prints[name]:
            holders = index[value]
            if len({holder for holder, _ in holders}) > stock_limit:
                continue  # stock text of the batch: shared too widely to say who copied whom
            for other, other_position in holders:
                if other == name:
                    continue
                diagonal = (other, other_position - position)
                if position + K <= reached.get(diagonal, -1):
                    continue  # inside a run already extended: extending again would find the same run
                run = _extend(text.chars, position, texts[other].chars, other_position)
                reached[diagonal] = max(reached.get(diagonal, -1), run[1])
                if run[1] - run[0] >= MIN_RUN:
                    runs[other].append(run)
        spans = []
        for other, found in runs.items():
            for start, end, other_start, other_end in _merge(found):
                a_start, a_end = text.span(start, end)
                b_start, b_end = texts[other].span(other_start, other_end)
                spans.append(CopySpan(name, a_start, a_end, other, b_start, b_end))
                key = (name, other) if name < other else (other, name)
                if name < other:
                    result.shared[key] = result.shared.get(key, 0) + (end - start)
        result.spans[name] = sorted(spans, key=lambda s: (s.start, s.source))
    return result


def _extend(a: str, i: int, b: str, j: int) -> tuple[int, int, int, int]:
    """The maximal common run of a and b through a[i:i+K] == b[j:j+K]; empty if the k-grams differ (a collision)."""
    if a[i : i + K] != b[j : j + K]:
        return i, i, j, j
    start_a, start_b = i, j
    while start_a > 0 and start_b > 0 and a[start_a - 1] == b[start_b - 1] and a[start_a - 1] != "\x00":
        start_a -= 1
        start_b -= 1
    end_a, end_b = i + K, j + K
    while end_a < len(a) and end_b < len(b) and a[end_a] == b[end_b] and a[end_a] != "\x00":
        end_a += 1
        end_b += 1
    return start_a, end_a, start_b, end_b


def _merge(runs: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Deduplicate runs and merge those a few characters apart in both documents (small edits)."""
    merged: list[list[int]] = []
    for start, end, other_start, other_end in sorted(set(runs)):
        if merged:
            last = merged[-1]
            close_here = start - last[1] <= MERGE_GAP
            close_there = -MERGE_GAP <= other_start - last[3] <= MERGE_GAP
            if close_here and close_there:
                last[1] = max(last[1], end)
                last[3] = max(last[3], other_end)
                continue
            if start >= last[0] and end <= last[1]:
                continue
        merged.append([start, end, other_start, other_end])
    return [tuple(run) for run in merged]
