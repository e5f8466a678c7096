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

A second, near-duplicate stage finds reworded copies (synonyms swapped, clauses reordered, figures changed), which
break exact runs into pieces too short to count: each sentence is sketched by MinHash over its character 3-grams, an
LSH index of the sketches proposes pairs of alike sentences, and a pair counts when the exact 3-gram sets agree
(Jaccard >= `NEAR_JACCARD`) and the two documents share at least `NEAR_PAIRS` such sentences. Its spans join the
exact ones before merging.

Work grows with the total number of fingerprints and sentences, not with the number of pairs: documents are compared
only where they share a fingerprint or an LSH bucket, and buckets shared by many documents are stock text.
"""

from __future__ import annotations

import functools
import json
import re
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


SENTENCE_ENDS = "。！？；!?;\n"
"""Characters that end a sentence for the near-duplicate stage (they are dropped from the match text)."""


@dataclass(slots=True)
class MatchText:
    """A document's text as matching sees it, with the offset in the document of every character kept.

    Attributes:
        chars: The normalised characters; ``\x00`` marks a break (an excluded span) that no run crosses.
        offsets: For each of `chars`, its offset in the document text.
        sentences: (start, end) of each sentence in `chars` (breaks excluded), for the near-duplicate stage.
    """

    chars: str
    offsets: np.ndarray
    sentences: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Document, excluded: list[tuple[int, int]] | None = None) -> MatchText:
        """Normalise a document's text; characters inside `excluded` spans are dropped (they break runs)."""
        return cls.of_text(doc.text, excluded)

    @classmethod
    def of_text(cls, text: str, excluded: list[tuple[int, int]] | None = None) -> MatchText:
        """`of` for a plain string."""
        if not text:
            return cls("", np.zeros(0, dtype=np.int64), [])
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        unique, inverse = np.unique(codes, return_inverse=True)
        table = _normal_codes(unique)
        mapped = table[inverse]  # -1: dropped; 0: a break
        for start, end in excluded or []:
            mapped[start:end] = 0
        kept = np.flatnonzero(mapped != -1)
        values = mapped[kept]
        is_break = values == 0
        repeated = is_break & np.concatenate(([True], is_break[:-1]))  # a break first, or right after a break
        kept, values, is_break = kept[~repeated], values[~repeated], is_break[~repeated]
        if not len(kept):
            return cls("", np.zeros(0, dtype=np.int64), [])
        chars = values.astype(np.uint32).tobytes().decode("utf-32-le")
        ends = np.isin(codes, np.frombuffer(SENTENCE_ENDS.encode("utf-32-le"), dtype=np.uint32))
        sentence = np.cumsum(ends)[kept] + np.cumsum(is_break)  # a break starts a new sentence too
        starts = np.flatnonzero(np.concatenate(([True], sentence[1:] != sentence[:-1])))
        stops = np.concatenate((starts[1:], [len(kept)]))
        sentences = []
        for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
            if is_break[start]:
                start += 1
            if stop > start:
                sentences.append((start, stop))
        return cls(chars, kept.astype(np.int64), sentences)

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
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def _normal_codes(codes: np.ndarray) -> np.ndarray:
    """`_normal_code` on an array of code points: a table for the Basic Multilingual Plane, the function beyond."""
    table = _bmp_table()
    inside = codes < len(table)
    result = np.empty(len(codes), dtype=np.int64)
    result[inside] = table[codes[inside]]
    result[~inside] = [_normal_code(int(code)) for code in codes[~inside]]
    return result


@functools.cache
def _bmp_table() -> np.ndarray:
    return np.array([_normal_code(code) for code in range(0x10000)], dtype=np.int64)


@functools.lru_cache(maxsize=65536)
def _normal_code(code: int) -> int:
    """`_normalise_char` on a code point: the normalised code point, or -1 for a dropped character."""
    normal = _normalise_char(chr(code)) if code else ""
    return ord(normal) if normal else -1


def fingerprints(text: str) -> list[tuple[int, int]]:
    """Winnowed (hash, position) pairs of a normalised text: the rightmost minimum of every window of hashes."""
    hashes, positions = fingerprint_arrays(text)
    return list(zip(hashes.tolist(), positions.tolist(), strict=True))


def fingerprint_arrays(text: str) -> tuple[np.ndarray, np.ndarray]:
    """`fingerprints` as two arrays: the hashes (uint64) and their positions (int64)."""
    if len(text) < K:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
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
    return hashes[positions].astype(np.uint64), positions.astype(np.int64)


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
    """Characters of each document, white space aside; `shared` counts the same way (document characters covered
    on the first document's side, punctuation included)."""

    texts: dict[str, str] = field(default_factory=dict)
    """Each document's text, to count covered characters the way `lengths` counts them."""

    def covered(self, name: str, spans: list[tuple[int, int]]) -> int:
        """Characters (white space aside) of a document inside the union of spans."""
        text = self.texts.get(name)
        if text is None:
            return union_length(spans)
        return sum(visible_length(text[start:end]) for start, end in _union(spans))

    def ratio(self, name: str) -> float:
        """Share of a document's characters (white space aside) found in any other document (总复制比)."""
        covered = self.covered(name, [(s.start, s.end) for s in self.spans.get(name, [])])
        return covered / self.lengths[name] if self.lengths.get(name) else 0.0

    def source_ratios(self, name: str) -> dict[str, float]:
        """Share of a document covered by text found in each other document (单篇复制比)."""
        by_source: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for span in self.spans.get(name, []):
            by_source[span.source].append((span.start, span.end))
        total = self.lengths.get(name) or 1
        return {source: self.covered(name, spans) / total for source, spans in by_source.items()}


_SPACE = re.compile(r"\s+")


def visible_length(text: str) -> int:
    """Characters of a text, white space aside (what copy ratios are shares of)."""
    return len(text) - sum(len(run) for run in _SPACE.findall(text))


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans joined."""
    joined: list[list[int]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    return [(start, end) for start, end in joined]


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
    """A document ready for matching: its match text (official formulations cut out), its winnowed fingerprints
    (exact stage: `hashes` at `positions` of the match text) and the MinHash sketches of its sentences
    (near-duplicate stage)."""

    text: MatchText
    hashes: np.ndarray
    positions: np.ndarray
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sketches: np.ndarray = field(default_factory=lambda: np.zeros((0, PERMUTATIONS), dtype=np.uint64))
    shingles: list[np.ndarray] = field(default_factory=list)

    @property
    def prints(self) -> list[tuple[int, int]]:
        """The fingerprints as (hash, position) pairs."""
        return list(zip(self.hashes.tolist(), self.positions.tolist(), strict=True))

    def to_bytes(self) -> bytes:
        """A compact binary form for the batch cache: a JSON header naming each array's dtype and shape, then the
        arrays' bytes (no pickled objects; reading is a few `np.frombuffer` calls)."""
        arrays = {
            "chars": np.frombuffer(self.text.chars.encode("utf-32-le"), dtype=np.uint32),
            "offsets": self.text.offsets,
            "text_sentences": np.asarray(self.text.sentences, dtype=np.int64).reshape(-1, 2),
            "hashes": self.hashes,
            "positions": self.positions,
            "sentences": np.asarray(self.sentences, dtype=np.int64).reshape(-1, 2),
            "sketches": self.sketches,
            "shingle_lengths": np.asarray([len(s) for s in self.shingles], dtype=np.int64),
            "shingles": np.concatenate(self.shingles) if self.shingles else np.zeros(0, dtype=np.uint64),
        }
        header = [[name, array.dtype.str, list(array.shape)] for name, array in arrays.items()]
        encoded = json.dumps(header).encode("ascii")
        body = b"".join(np.ascontiguousarray(array).tobytes() for array in arrays.values())
        return _PREPARED_MAGIC + len(encoded).to_bytes(4, "little") + encoded + body

    @classmethod
    def from_bytes(cls, data: bytes) -> Prepared:
        """The inverse of `to_bytes`.

        Raises:
            ValueError: when the data is not of this format (an older cache entry, or damage).
        """
        if not data.startswith(_PREPARED_MAGIC):
            raise ValueError("not a prepared document of this format")
        start = len(_PREPARED_MAGIC) + 4
        size = int.from_bytes(data[len(_PREPARED_MAGIC) : start], "little")
        stored: dict[str, np.ndarray] = {}
        offset = start + size
        for name, dtype, shape in json.loads(data[start : start + size]):
            count = int(np.prod(shape)) if shape else 1
            kind = np.dtype(dtype)
            if kind.hasobject:
                raise ValueError("object arrays are refused")
            stored[name] = np.frombuffer(data, dtype=kind, count=count, offset=offset).reshape(shape)
            offset += count * kind.itemsize
        if offset != len(data):
            raise ValueError("prepared document of the wrong length")
        text = MatchText(
            stored["chars"].tobytes().decode("utf-32-le"),
            stored["offsets"],
            [tuple(row) for row in stored["text_sentences"].tolist()],
        )
        cuts = np.cumsum(stored["shingle_lengths"])[:-1]
        shingles = np.split(stored["shingles"], cuts) if len(stored["shingle_lengths"]) else []
        sentences = [tuple(row) for row in stored["sentences"].tolist()]
        return cls(text, stored["hashes"], stored["positions"], sentences, stored["sketches"], shingles)


_PREPARED_MAGIC = b"ANZP1"


def prepare(doc: Document) -> Prepared:
    """Normalise a document for matching, fingerprint it and sketch its sentences; the one way documents and the
    library do it."""
    from analyzer.checks.boilerplate import official_spans

    excluded = [(p.start + s, p.start + e) for p in doc.paragraphs for s, e in official_spans(p.text)]
    text = MatchText.of(doc, excluded)
    sentences, sketches, shingles = sketch_sentences(text)
    return Prepared(text, *fingerprint_arrays(text.chars), sentences, sketches, shingles)


# The near-duplicate stage compares sentences, not documents: each sentence of at least NEAR_MIN normalised
# characters is a set of character 3-grams, sketched by MinHash with PERMUTATIONS hash functions; BANDS bands of
# ROWS rows index the sketches (LSH), so two sentences whose 3-gram Jaccard similarity is 0.5 meet in some band with
# probability 1 - (1 - 0.5**3)**8 = 0.66, at 0.7 with probability 0.97; candidates are verified on their exact
# 3-gram sets (Jaccard >= NEAR_JACCARD). Synonym swaps, reordered clauses and changed figures keep most 3-grams.
NEAR_MIN = 16
SHINGLE = 3
BANDS = 8
ROWS = 3
PERMUTATIONS = BANDS * ROWS
NEAR_JACCARD = 0.5
NEAR_PAIRS = 3
"""Near-duplicate sentences count only for documents that share at least this many: one formulaic sentence of the
genre (0000年0月00日至0月00日县委第二巡察组对…开展了常规巡察) alike in two reports is not a copy."""
NEAR_GROUP_DOCS = 50
"""A band bucket holding sentences of more documents than this is stock text (and would cost all-pairs work)."""
_MULTIPLIERS = np.random.default_rng(20261122).integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) * 2 + 1
_ADDENDS = np.random.default_rng(11222026).integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)


def sketch_sentences(text: MatchText) -> tuple[list[tuple[int, int]], np.ndarray, list[np.ndarray]]:
    """The sentences long enough to compare, their MinHash sketches (one row each) and their sorted 3-gram sets."""
    sentences = [(start, end) for start, end in text.sentences if end - start >= NEAR_MIN]
    if not sentences:
        return [], np.zeros((0, PERMUTATIONS), dtype=np.uint64), []
    codes = np.frombuffer(text.chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    grams = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
    for offset in range(SHINGLE):
        grams = grams * _BASE + codes[offset : offset + len(grams)]
    pieces = [grams[start : end - SHINGLE + 1] for start, end in sentences]
    joined = np.concatenate(pieces)
    lengths = np.array([len(piece) for piece in pieces])
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    owner = np.repeat(np.arange(len(pieces)), lengths)  # each sentence's 3-gram set, deduplicated in one sort
    order = np.lexsort((joined, owner))
    ordered, owned = joined[order], owner[order]
    fresh = np.concatenate(([True], (ordered[1:] != ordered[:-1]) | (owned[1:] != owned[:-1])))
    shingles = np.split(ordered[fresh], np.cumsum(np.bincount(owned[fresh], minlength=len(pieces)))[:-1])
    with np.errstate(over="ignore"):
        mixed = joined[None, :] * _MULTIPLIERS[:, None] + _ADDENDS[:, None]
        mixed ^= mixed >> np.uint64(29)
    sketches = np.minimum.reduceat(mixed, starts, axis=1).T.copy()
    return sentences, sketches, shingles


def _band_keys(sketches: np.ndarray) -> np.ndarray:
    """One key per sentence and band: the band's rows hashed together with the band number."""
    rows = sketches.reshape(len(sketches), BANDS, ROWS)
    keys = np.zeros((len(sketches), BANDS), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in range(ROWS):
            keys = keys * np.uint64(0x9E3779B97F4A7C15) + rows[:, :, row]
        keys += np.arange(BANDS, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93)
    return keys


def _pairs_within_groups(starts: np.ndarray, sizes: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i, j), i < j, of element positions inside the chosen groups of a sorted array (groups given by
    their starts and sizes), generated with NumPy."""
    group = np.repeat(np.arange(len(starts)), sizes)
    member = np.flatnonzero(chosen[group])
    later = (sizes[group] - 1 - (np.arange(len(group)) - starts[group]))[member]  # elements after it in its group
    left = np.repeat(member, later)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(later) - later, later)
    return left, right


def _groups(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and sizes of the runs of equal values in a sorted array."""
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return starts, np.diff(np.append(starts, len(values)))


def near_duplicates(ready: dict[str, Prepared]) -> dict[tuple[str, str], list[tuple[int, int, int, int]]]:
    """Sentence pairs of different documents whose 3-gram sets are alike, as runs (start, end, other_start,
    other_end) in match-text coordinates, by (document, other document), in both directions."""
    names = list(ready)
    counts = np.array([len(ready[name].sketches) for name in names], dtype=np.int64)
    if counts.sum() == 0:
        return {}
    base = np.concatenate(([0], np.cumsum(counts)[:-1]))
    key = np.concatenate([_band_keys(ready[name].sketches).ravel() for name in names if len(ready[name].sketches)])
    owner = np.repeat(np.arange(len(names)), counts * BANDS)
    row = np.concatenate([np.repeat(np.arange(count), BANDS) for count in counts if count])
    order = np.lexsort((owner, key))
    key, owner, row = key[order], owner[order], row[order]
    starts, sizes = _groups(key)
    first_of_owner = np.concatenate(([True], (key[1:] != key[:-1]) | (owner[1:] != owner[:-1])))
    distinct = np.add.reduceat(first_of_owner.astype(np.int64), starts)
    group_limit = min(NEAR_GROUP_DOCS, max(STOCK_MIN_DOCS, int(STOCK_SHARE * len(names))))
    left, right = _pairs_within_groups(starts, sizes, (distinct >= 2) & (distinct <= group_limit))
    apart = owner[left] != owner[right]
    left, right = left[apart], right[apart]
    total = int(counts.sum())
    sentence_pairs = np.unique((base[owner[left]] + row[left]) * total + base[owner[right]] + row[right])
    first, second = sentence_pairs // total, sentence_pairs % total
    doc_first = np.searchsorted(base, first, side="right") - 1
    doc_second = np.searchsorted(base, second, side="right") - 1
    doc_pairs, inverse, per_pair = np.unique(
        doc_first * len(names) + doc_second, return_inverse=True, return_counts=True
    )
    enough = per_pair[inverse] >= NEAR_PAIRS  # fewer candidate sentences than NEAR_PAIRS: it cannot pass
    found: dict[tuple[str, str], list[tuple[int, int, int, int]]] = defaultdict(list)
    for doc_a, gid_a, doc_b, gid_b in zip(
        doc_first[enough].tolist(),
        first[enough].tolist(),
        doc_second[enough].tolist(),
        second[enough].tolist(),
        strict=True,
    ):
        a, b = ready[names[doc_a]], ready[names[doc_b]]
        row_a, row_b = gid_a - int(base[doc_a]), gid_b - int(base[doc_b])
        set_a, set_b = a.shingles[row_a], b.shingles[row_b]
        common = len(np.intersect1d(set_a, set_b, assume_unique=True))
        if common / (len(set_a) + len(set_b) - common) < NEAR_JACCARD:
            continue
        (a_start, a_end), (b_start, b_end) = a.sentences[row_a], b.sentences[row_b]
        found[(names[doc_a], names[doc_b])].append((a_start, a_end, b_start, b_end))
    pairs: dict[tuple[str, str], list[tuple[int, int, int, int]]] = {}
    for (a, b), runs in found.items():
        if min(len({run[:2] for run in runs}), len({run[2:] for run in runs})) >= NEAR_PAIRS:
            pairs[(a, b)] = runs
            pairs[(b, a)] = [(b_start, b_end, a_start, a_end) for a_start, a_end, b_start, b_end in runs]
    return pairs


PAIR_MIN_PRINTS = 20
"""Documents are compared run by run only when they share at least this many fingerprints (outside stock text),
about 50 characters in common; a pair that counts as copying shares 200 or more (`PAIR_FLAG_CHARS`), about 80
fingerprints. A fingerprint is a 10-character gram, and reports of the genre share many 10-character turns of phrase:
in 400 generated independent reports, 52,000 of 80,000 pairs shared a fingerprint and 8,000 shared eight, while the
pairs sharing 20 or more were the 87 planted copying pairs and 11 others. Passages shorter than about 50
characters that two reports share and nothing else therefore do not count towards their copy ratios."""
COUNT_DOCS = 50
"""Fingerprints held by up to this many documents are counted for every pair that holds them; of those held by more
(up to the stock limit), only a one-in-`COUNT_SAMPLE` sample is counted, so that counting stays near linear while a
template copied by dozens of documents (hundreds of fingerprints) still makes their pairs candidates."""
COUNT_SAMPLE = 8


def candidate_pairs(hashes: list[np.ndarray], stock_limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of documents (by position in `hashes`) that share at least `PAIR_MIN_PRINTS` fingerprints, as an array
    of (a, b) rows with a < b, and the fingerprints held by more than `stock_limit` documents (stock text).

    Every pair of holders of a counted fingerprint is generated with NumPy (no Python loop over pairs).
    """
    if not hashes:
        return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=np.uint64)
    values = np.concatenate(hashes)
    owners = np.repeat(np.arange(len(hashes)), [len(h) for h in hashes])
    order = np.lexsort((owners, values))
    values, owners = values[order], owners[order]
    first = np.concatenate(([True], (values[1:] != values[:-1]) | (owners[1:] != owners[:-1])))
    values, owners = values[first], owners[first]  # each (fingerprint, document) once
    starts, sizes = _groups(values)
    stock = values[starts[sizes > stock_limit]]
    sampled = (values[starts] % np.uint64(COUNT_SAMPLE)) == 0
    counted = (sizes >= 2) & (sizes <= stock_limit) & ((sizes <= COUNT_DOCS) | sampled)
    left, right = _pairs_within_groups(starts, sizes, counted)
    if not len(left):
        return np.zeros((0, 2), dtype=np.int64), stock
    shared, count = np.unique(owners[left] * len(hashes) + owners[right], return_counts=True)
    chosen = shared[count >= PAIR_MIN_PRINTS]
    return np.stack([chosen // len(hashes), chosen % len(hashes)], axis=1), stock


def find_copies(docs: dict[str, Document], *, prepared: dict[str, Prepared] | None = None) -> CopyResult:
    """Find text shared between documents of a batch: exact runs of at least `MIN_RUN` normalised characters, and
    near-duplicate sentences (reworded copies), merged into spans.

    Args:
        docs: Documents by name (the name is what spans and pairs report).
        prepared: Documents already prepared (see `prepare`), by name; the others are prepared here.

    Returns:
        Copied spans per document (each with its source) and shared characters per pair.
    """
    ready = {name: (prepared or {}).get(name) or prepare(doc) for name, doc in docs.items()}
    names = list(ready)
    texts: dict[str, MatchText] = {name: item.text for name, item in ready.items()}
    hashes = [ready[name].hashes for name in names]
    positions = [ready[name].positions for name in names]
    stock_limit = max(STOCK_MIN_DOCS, int(STOCK_SHARE * len(docs)))
    pairs, stock = candidate_pairs(hashes, stock_limit)
    runs: dict[tuple[str, str], list[tuple[int, int, int, int]]] = defaultdict(list)
    stock_set = set(stock.tolist())
    where: dict[int, dict[int, list[int]]] = {}  # document -> fingerprint -> positions (stock aside), when needed
    for a, b in pairs.tolist():
        for number in (a, b):
            if number not in where:
                where[number] = defaultdict(list)
                for value, position in zip(hashes[number].tolist(), positions[number].tolist(), strict=True):
                    if value not in stock_set:
                        where[number][value].append(position)
        found = _pair_runs(texts[names[a]].chars, where[a], texts[names[b]].chars, where[b])
        if found:
            runs[(names[a], names[b])] += found
            runs[(names[b], names[a])] += [(sb, eb, sa, ea) for sa, ea, sb, eb in found]
    for key, found in near_duplicates(ready).items():
        runs[key] += found
    result = CopyResult(
        lengths={name: visible_length(doc.text) for name, doc in docs.items()},
        texts={name: doc.text for name, doc in docs.items()},
    )
    by_doc: dict[str, list[CopySpan]] = {name: [] for name in names}
    for (name, other), found in runs.items():
        merged = _merge(found)
        covered = []
        for start, end, other_start, other_end in merged:
            a_start, a_end = texts[name].span(start, end)
            b_start, b_end = texts[other].span(other_start, other_end)
            by_doc[name].append(CopySpan(name, a_start, a_end, other, b_start, b_end))
            covered.append((a_start, a_end))
        if name < other:  # shared characters as the reader counts them: punctuation in, white space out
            text = docs[name].text
            result.shared[(name, other)] = sum(visible_length(text[s:e]) for s, e in _union(covered))
    result.spans = {name: sorted(spans, key=lambda s: (s.start, s.source)) for name, spans in by_doc.items()}
    return result


def _pair_runs(
    text_a: str, where_a: dict[int, list[int]], text_b: str, where_b: dict[int, list[int]]
) -> list[tuple[int, int, int, int]]:
    """The maximal common runs of two documents through the fingerprints they share (each document's fingerprints
    given as value -> positions)."""
    shared = sorted((position, value) for value in where_a.keys() & where_b.keys() for position in where_a[value])
    found = []
    reached: dict[int, int] = {}  # diagonal -> end of the run already found on it
    for position, value in shared:
        for other_position in where_b[value]:
            diagonal = other_position - position
            if position + K <= reached.get(diagonal, -1):
                continue  # inside a run already extended: extending again would find the same run
            run = _extend(text_a, position, text_b, other_position)
            reached[diagonal] = max(reached.get(diagonal, -1), run[1])
            if run[1] - run[0] >= MIN_RUN:
                found.append(run)
    return found


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
    """Deduplicate runs, merge those a few characters apart in both documents (small edits), and trim overlaps, so
    that no character of the document is in two spans from the same source."""
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
            if end <= last[1]:
                continue  # inside the last run here, whatever its place there
            if start < last[1]:  # overlaps the last run here but comes from elsewhere there: keep what is new
                shift = last[1] - start
                if other_end - other_start == end - start:  # an exact run: the source moves with it
                    other_start += shift
                start += shift
                if end - start < MIN_RUN:
                    continue
        merged.append([start, end, other_start, other_end])
    return [tuple(run) for run in merged]
