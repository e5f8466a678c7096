"""A planted-copy benchmark for the copy stage: how many copying pairs are found, how many innocent pairs are not.

    python bench/bench_copying.py                # 60 sources, 4 kinds of planted copy, independent negatives
    python bench/bench_copying.py --sources 30

From the corpus's written documents it builds a batch of independent reports (negatives: same genre, shared stock
phrases and official formulations, no copying) and planted copies of some of them:

- ``whole``: a whole report with its place names and figures changed;
- ``partial``: the first half of a report's paragraphs, the rest from an independent report not in the batch;
- ``pieces``: a third of the paragraphs from each of three reports of the batch;
- ``edited``: a whole report with figures changed, some words swapped for synonyms, clauses reordered.

A pair counts as flagged when the copy stage finds at least `FLAG_CHARS` shared characters between them. It prints
pair precision and recall (overall and per kind), the mean absolute error of each planted copy's copy ratio against
the truth (the share of its characters taken from sources), and the time taken. Two planted copies of the same
source share its text, so that pair counts as copying too. Both stages of the copy detection run (exact
runs and near-duplicate sentences).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.copying import find_copies  # noqa: E402
from analyzer.engine import from_text  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from generate import SYNONYMS  # noqa: E402

FLAG_CHARS = 200
PLACE = re.compile(r"[\u4e00-\u9fff]{2}(?=镇|乡|县|区|村|社区|街道)")


def _written() -> list[list[str]]:
    docs = []
    for path in sorted((ROOT / "corpora" / "written").glob("*.json")):
        docs.append([p["text"] for p in json.loads(path.read_text(encoding="utf-8"))["paragraphs"]])
    return docs


def _rename(lines: list[str], rng: random.Random) -> list[str]:
    names = ["桃源", "松溪", "临川", "白石", "东湖", "云台"]
    out = [PLACE.sub(rng.choice(names), line) for line in lines]
    return [re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), line) for line in out]


def _edit(lines: list[str], rng: random.Random) -> list[str]:
    out = []
    for line in _rename(lines, rng):
        for word, other in SYNONYMS.items():
            if rng.random() < 0.5:
                line = line.replace(word, other)
        clauses = line.split("，")
        if len(clauses) > 3 and rng.random() < 0.3:
            middle = clauses[1:-1]
            rng.shuffle(middle)
            line = "，".join([clauses[0], *middle, clauses[-1]])
        out.append(line)
    return out


def build(sources: int, seed: int = 7):
    """Planted batch: {name: lines}, the true copying pairs with their kind, and each copy's true ratio."""
    rng = random.Random(seed)
    pool = _written()
    rng.shuffle(pool)
    batch = {f"ind{i:03d}": lines for i, lines in enumerate(pool[: len(pool) - 20])}
    outside = pool[len(pool) - 20 :]
    names = sorted(batch)
    truth: dict[tuple[str, str], str] = {}
    ratios: dict[str, float] = {}
    kinds = ["whole", "partial", "pieces", "edited"]
    for number in range(sources):
        kind = kinds[number % 4]
        source = names[number % len(names)]
        copy = f"{kind}{number:03d}"
        lines = batch[source]
        if kind == "whole":
            batch[copy] = _rename(lines, rng)
            truth[(copy, source)] = kind
            ratios[copy] = 1.0
        elif kind == "edited":
            batch[copy] = _edit(lines, rng)
            truth[(copy, source)] = kind
            ratios[copy] = 1.0
        elif kind == "partial":
            half = len(lines) // 2
            filler = outside[(number // 4) % len(outside)]  # a filler of its own for each partial copy
            batch[copy] = lines[:half] + filler[half:]
            truth[(copy, source)] = kind
            ratios[copy] = sum(map(len, lines[:half])) / max(sum(map(len, batch[copy])), 1)
        else:
            chosen = [source, names[(number + 7) % len(names)], names[(number + 13) % len(names)]]
            parts = []
            for position, name in enumerate(chosen):
                other = batch[name]
                third = len(other) // 3
                parts += other[position * third : (position + 1) * third]
                truth[(copy, name)] = kind
            batch[copy] = parts
            ratios[copy] = 1.0
    return batch, truth, ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=60)
    args = parser.parse_args()
    batch, truth, ratios = build(args.sources)
    docs = {name: from_text("\n".join(lines), source=name) for name, lines in batch.items()}
    start = time.perf_counter()
    result = find_copies(docs)
    seconds = time.perf_counter() - start
    flagged = {pair for pair, chars in result.shared.items() if chars >= FLAG_CHARS}
    truth_pairs = {tuple(sorted(pair)) for pair in truth}
    # Two copies of one source share its text too: such pairs are copying, not false alarms.
    sources: dict[str, set[str]] = {}
    for copy, source in truth:
        sources.setdefault(copy, set()).add(source)
    copies = sorted(sources)
    for i, a in enumerate(copies):
        for b in copies[i + 1 :]:
            if sources[a] & sources[b]:
                truth_pairs.add((a, b))
    found = flagged & truth_pairs
    precision = len(found) / len(flagged) if flagged else 0.0
    recall = len(found) / len(truth_pairs) if truth_pairs else 0.0
    print(
        f"batch: {len(docs)} documents ({len(docs) - len(ratios)} independent, {len(ratios)} planted copies); "
        f"{len(truth_pairs)} copying pairs; copy stage {seconds:.2f} s"
    )
    print(f"pairs: precision {precision:.3f}, recall {recall:.3f} (flagged at >= {FLAG_CHARS} shared characters)")
    for threshold in (40, 60, 100):
        at = {pair for pair, chars in result.shared.items() if chars >= threshold}
        print(
            f"  at >= {threshold}: precision {len(at & truth_pairs) / max(len(at), 1):.3f}, "
            f"recall {len(at & truth_pairs) / max(len(truth_pairs), 1):.3f}"
        )
    for kind in ("whole", "partial", "pieces", "edited"):
        pairs = {tuple(sorted(p)) for p, k in truth.items() if k == kind}
        hit = len(pairs & flagged)
        print(f"  {kind:8} recall {hit / len(pairs):.3f} ({hit}/{len(pairs)})" if pairs else f"  {kind:8} -")
    errors = [abs(result.ratio(name) - ratio) for name, ratio in ratios.items()]
    print(f"copy ratio: mean absolute error {sum(errors) / len(errors):.3f} over {len(errors)} planted copies")
    for kind in ("whole", "partial", "pieces", "edited"):
        kind_errors = [abs(result.ratio(n) - r) for n, r in ratios.items() if n.startswith(kind)]
        measured = [result.ratio(n) for n in ratios if n.startswith(kind)]
        mean_error, mean_measured = sum(kind_errors) / len(kind_errors), sum(measured) / len(measured)
        print(f"  {kind:8} error {mean_error:.3f}, measured mean {mean_measured:.3f}")
    false = sorted(flagged - truth_pairs)[:5]
    if false:
        print("some false pairs:", [(a, b, result.shared[(a, b)]) for a, b in false])


if __name__ == "__main__":
    main()
