"""Copy detection at scale: our copy stage against exact 13-gram matching and datasketch MinHash-LSH, on one batch.

    python bench/bench_copying_scale.py --n 4000                      # all three methods
    python bench/bench_copying_scale.py --n 400 --methods ours        # a quick look
    python bench/bench_copying_scale.py --n 4000 --methods ours --profile   # where the copy stage spends its time

It generates a batch of N genre reports with planted copies once (`bench/generate.py`: whole copies with names
changed, partial copies, pieces from three sources, edited copies, filled-in templates, and independent reports of
the genre as negatives), writes it to a temporary folder as .txt files, and runs each method in a subprocess of its
own on the same files, so that peak memory (``ru_maxrss`` of the child) is the method's. Methods:

- ``ours``: `analyzer.engine.from_text` per report (the structure stage every analysis runs anyway, timed apart),
  then `analyzer.copying.prepare` and `analyzer.copying.find_copies` (timed as the copy stage); a pair is flagged at
  ``result.shared[pair] >= PAIR_FLAG_CHARS``, a document's ratio is ``result.ratio(name)``;
- ``exact13``: every 13-gram of the normalised text (no white space or punctuation, digits as 0) hashed and
  indexed hash -> documents; for every pair of documents found through the index, the characters of each covered
  by 13-grams shared with the other; flagged at >= 200 in either direction; ratio = covered / normalised length;
- ``datasketch``: a `datasketch.MinHash` (128 permutations) of each document's set of normalised character
  `DATASKETCH_K`-grams, a `MinHashLSH` at threshold 0.3, each document queried for candidates, and each candidate
  pair verified as exact13 does (>= 200 characters covered by shared 13-grams); ratio from the verified pairs.

Times are wall-clock seconds of one run (reading the files is timed apart); precision and recall are over pairs of
documents, the truth being each copy with its sources and two copies that took the same text of one source.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import KINDS, Batch, generate_batch, gram_hashes  # noqa: E402

METHODS = ("ours", "exact13", "datasketch")
FLAG_CHARS = 200
"""Shared characters from which exact13 and datasketch flag a pair (ours uses `PAIR_FLAG_CHARS`, also 200)."""
GRAM = 13
REPORTED_CHARS = 40
"""exact13 hands on pairs sharing at least this many characters (millions of pairs share a stock 13-gram or two)."""
DATASKETCH_K = 5
"""Shingle size for datasketch: on the 4,000-report batch (seed 7), 5-grams gave recall about 0.65 and 13-grams
0.55 (both precision 1.000, about 15 s); pieces and partial copies are too small a part of a report for either."""
DATASKETCH_THRESHOLD = 0.3
DATASKETCH_PERMUTATIONS = 128


# --- the methods, each run in a child process -------------------------------------------------------------------


def _read(folder: Path) -> dict[str, str]:
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}


def _normalised(texts: dict[str, str]) -> dict[str, str]:
    from analyzer.copying import MatchText

    return {name: MatchText.of_text(text).chars for name, text in texts.items()}


def _gram_hashes(chars: str, k: int = GRAM) -> np.ndarray:
    """Hashes of every k-gram of a normalised text (see `generate.gram_hashes`)."""
    return gram_hashes(chars, k)


def _union(starts: np.ndarray, k: int = GRAM) -> int:
    """Characters covered by windows of k characters starting at sorted, distinct `starts`."""
    if not len(starts):
        return 0
    return int(np.minimum(np.diff(starts), k).sum()) + k


def _ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The ranges ``starts[i] .. starts[i] + counts[i]`` concatenated."""
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(ends[-1] if len(ends) else 0)


def run_ours(texts: dict[str, str], timings: dict[str, float], profile: bool) -> tuple[dict, dict]:
    from analyzer.checks.copying import PAIR_FLAG_CHARS
    from analyzer.copying import find_copies, prepare
    from analyzer.engine import from_text

    start = time.perf_counter()
    docs = {name: from_text(text, source=name) for name, text in texts.items()}
    timings["structure"] = time.perf_counter() - start
    timings["rss_before_mb"] = _peak_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    prepared = {name: prepare(doc) for name, doc in docs.items()}
    timings["prepare"] = time.perf_counter() - start
    result = find_copies(docs, prepared=prepared)
    timings["match"] = time.perf_counter() - start
    if profiler is not None:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime")
        stats.print_stats(25)
        stats.sort_stats("cumulative").print_stats(25)
    shared = {f"{a}|{b}": chars for (a, b), chars in result.shared.items()}
    ratios = {name: result.ratio(name) for name in texts}
    timings["flag_chars"] = PAIR_FLAG_CHARS
    return shared, ratios


def run_exact13(texts: dict[str, str], timings: dict[str, float], profile: bool) -> tuple[dict, dict]:
    start = time.perf_counter()
    names = list(texts)
    chars = list(_normalised(texts).values())
    hashes = [_gram_hashes(text) for text in chars]
    all_hashes = np.concatenate(hashes)
    all_docs = np.repeat(np.arange(len(names), dtype=np.int64), [len(h) for h in hashes])
    order = np.lexsort((all_docs, all_hashes))
    all_hashes, all_docs = all_hashes[order], all_docs[order]
    new_hash = np.concatenate(([True], all_hashes[1:] != all_hashes[:-1]))
    first = new_hash | np.concatenate(([True], all_docs[1:] != all_docs[:-1]))
    index_docs = all_docs[first]  # hash -> documents, each document once, hashes in order
    group_of_entry = np.cumsum(new_hash[first]) - 1
    group_starts = np.flatnonzero(np.concatenate(([True], group_of_entry[1:] != group_of_entry[:-1])))
    group_sizes = np.diff(np.concatenate((group_starts, [len(index_docs)])))
    groups = np.empty(len(order), dtype=np.int64)
    groups[order] = np.cumsum(new_hash) - 1  # the group of each document's k-gram, in document order
    cuts = np.cumsum([len(h) for h in hashes])
    found_a, found_b, found_chars = [], [], []
    ratios = {}
    for a, own in enumerate(hashes):
        if not len(own):
            ratios[names[a]] = 0.0
            continue
        group = groups[cuts[a] - len(own) : cuts[a]]
        sizes = group_sizes[group]
        positions = np.flatnonzero(sizes > 1)  # 13-grams some other document has too
        ratios[names[a]] = _union(positions) / len(chars[a]) if len(chars[a]) else 0.0
        if not len(positions):
            continue
        counts = sizes[positions]
        others = index_docs[_ragged(group_starts[group[positions]], counts)]
        at = np.repeat(positions, counts)
        keep = others != a
        others, at = others[keep], at[keep]
        order = np.argsort(others, kind="stable")  # by other document, positions still increasing
        others, at = others[order], at[order]
        step = np.full(len(at), GRAM, dtype=np.int64)
        same = others[1:] == others[:-1]
        step[:-1][same] = np.minimum(np.diff(at)[same], GRAM)
        per_other = np.bincount(others, weights=step, minlength=len(names)).astype(np.int64)
        partners = np.flatnonzero(per_other)
        found_a.append(np.full(len(partners), a, dtype=np.int64))
        found_b.append(partners)
        found_chars.append(per_other[partners])
    # One value per unordered pair: the larger of the two directions.
    first_doc, second_doc, shared_chars = (np.concatenate(parts) for parts in (found_a, found_b, found_chars))
    pair_keys = np.minimum(first_doc, second_doc) * len(names) + np.maximum(first_doc, second_doc)
    order = np.argsort(pair_keys, kind="stable")
    pair_keys, shared_chars = pair_keys[order], shared_chars[order]
    starts = np.flatnonzero(np.concatenate(([True], pair_keys[1:] != pair_keys[:-1])))
    pair_keys, shared_chars = pair_keys[starts], np.maximum.reduceat(shared_chars, starts)
    timings["match"] = time.perf_counter() - start
    timings["pairs_with_shared_13gram"] = len(pair_keys)
    kept = shared_chars >= REPORTED_CHARS  # the rest cannot be flagged; not turned into a dict of millions
    return {
        f"{names[key // len(names)]}|{names[key % len(names)]}": chars
        for key, chars in zip(pair_keys[kept].tolist(), shared_chars[kept].tolist(), strict=True)
    }, ratios


def run_datasketch(texts: dict[str, str], timings: dict[str, float], profile: bool, k: int) -> tuple[dict, dict]:
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    names = list(texts)
    chars = _normalised(texts)
    shingles = (
        [gram.encode("utf-8") for gram in {text[i : i + k] for i in range(len(text) - k + 1)}]
        for text in chars.values()
    )
    sketches = dict(zip(names, MinHash.generator(shingles, num_perm=DATASKETCH_PERMUTATIONS), strict=True))
    lsh = MinHashLSH(threshold=DATASKETCH_THRESHOLD, num_perm=DATASKETCH_PERMUTATIONS)
    with lsh.insertion_session() as session:
        for name, sketch in sketches.items():
            session.insert(name, sketch)
    candidates = set()
    for name, sketch in sketches.items():
        for other in lsh.query(sketch):
            if other != name:
                candidates.add((name, other) if name < other else (other, name))
    timings["lsh"] = time.perf_counter() - start
    hashes = {name: _gram_hashes(text) for name, text in chars.items()}
    shared: dict[str, int] = {}
    covered_at: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for a, b in sorted(candidates):
        in_a = np.flatnonzero(np.isin(hashes[a], hashes[b]))
        in_b = np.flatnonzero(np.isin(hashes[b], hashes[a]))
        shared[f"{a}|{b}"] = max(_union(in_a), _union(in_b))
        covered_at[a].append(in_a)
        covered_at[b].append(in_b)
    ratios = {}
    for name, found in covered_at.items():
        starts = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        ratios[name] = _union(starts) / len(chars[name]) if chars[name] else 0.0
    timings["match"] = time.perf_counter() - start
    timings["candidates"] = len(candidates)
    return shared, ratios


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def worker(method: str, folder: Path, out: Path, profile: bool, k: int) -> None:
    """Run one method on the batch in `folder`; write its timings, memory, pairs and ratios as JSON to `out`."""
    start = time.perf_counter()
    texts = _read(folder)
    timings: dict[str, float] = {"read": time.perf_counter() - start}
    if method == "ours":
        shared, ratios = run_ours(texts, timings, profile)
    elif method == "exact13":
        shared, ratios = run_exact13(texts, timings, profile)
    else:
        shared, ratios = run_datasketch(texts, timings, profile, k)
    timings["peak_rss_mb"] = _peak_mb()
    # Only what scoring needs leaves the child: flagged pairs, and the shared characters of the true pairs.
    flag = timings.get("flag_chars", FLAG_CHARS)
    truth = {f"{a}|{b}" for a, b in json.loads((folder / "truth.json").read_text("utf-8"))["pairs"]}
    pairs = {pair: chars for pair, chars in shared.items() if chars >= flag or pair in truth}
    out.write_text(json.dumps({"timings": timings, "pairs": pairs, "ratios": ratios, "flag": flag}), "utf-8")


# --- the parent: generate, run, score, print ----------------------------------------------------------------------


def _score(batch: Batch, truth: set[tuple[str, str]], found: dict) -> dict:
    shared = {tuple(key.split("|")): chars for key, chars in found["pairs"].items()}
    flagged = {pair for pair, chars in shared.items() if chars >= found["flag"]}
    hits = flagged & truth
    precision = len(hits) / len(flagged) if flagged else 0.0
    recall = len(hits) / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    errors = {name: abs(found["ratios"].get(name, 0.0) - ratio) for name, ratio in batch.ratios.items()}
    return {
        "shared": shared,
        "flagged": flagged,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "mae": sum(errors.values()) / len(errors) if errors else 0.0,
        "errors": errors,
    }


def _kind_of_copy(batch: Batch) -> dict[str, str]:
    return {copy: kind for (copy, _), kind in batch.truth.items()}


def _print_details(method: str, batch: Batch, truth: set[tuple[str, str]], scored: dict, examples: int) -> None:
    kinds = [*KINDS, "copy-copy"]
    by_kind = {kind: {pair for pair in truth if batch.kind_of(pair) == kind} for kind in kinds}
    parts = []
    for kind in kinds:
        pairs = by_kind[kind]
        hit = len(pairs & scored["flagged"])
        parts.append(f"{kind} {hit / len(pairs):.3f} ({hit}/{len(pairs)})" if pairs else f"{kind} -")
    print(f"  {method}: recall by kind: " + ", ".join(parts))
    copy_kind = _kind_of_copy(batch)
    parts = []
    for kind in KINDS:
        errors = [error for name, error in scored["errors"].items() if copy_kind[name] == kind]
        if errors:
            parts.append(f"{kind} {sum(errors) / len(errors):.3f}")
    print(f"  {method}: copy-ratio error by kind: " + ", ".join(parts))
    false = sorted(scored["flagged"] - truth, key=lambda pair: -scored["shared"][pair])[:examples]
    missed = sorted(truth - scored["flagged"], key=lambda pair: -scored["shared"].get(pair, -1))[:examples]
    if false:
        shown = ", ".join(f"{a}~{b} {scored['shared'][(a, b)]}" for a, b in false)
        print(f"  {method}: false pairs ({len(scored['flagged'] - truth)}), most shared first: {shown}")
    if missed:
        shown = ", ".join(f"{a}~{b} [{batch.kind_of((a, b))}] {scored['shared'].get((a, b), '-')}" for a, b in missed)
        count = len(truth - scored["flagged"])
        print(f"  {method}: missed pairs ({count}), most shared first ('-': never compared): {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="reports in the batch")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated: " + ", ".join(METHODS))
    parser.add_argument("--datasketch-k", type=int, default=DATASKETCH_K, help="shingle size for datasketch")
    parser.add_argument("--profile", action="store_true", help="cProfile ours' copy stage (printed on stderr)")
    parser.add_argument("--keep", type=Path, help="write the batch here instead of a temporary folder")
    parser.add_argument("--examples", type=int, default=5, help="false and missed pairs to show per method")
    parser.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.folder, args.out, args.profile, args.datasketch_k)
        return
    methods = [method.strip() for method in args.methods.split(",") if method.strip()]
    unknown = [method for method in methods if method not in METHODS]
    if unknown:
        parser.error(f"unknown method {', '.join(unknown)}; choose from {', '.join(METHODS)}")

    start = time.perf_counter()
    batch = generate_batch(args.n, seed=args.seed)
    generated = time.perf_counter() - start
    truth = batch.true_pairs()
    print(
        f"machine: {os.cpu_count()} cores, processor {platform.processor() or platform.machine()!r}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"batch: N={len(batch.texts)}, seed {args.seed}, {len(batch.ratios)} planted copies, "
        f"{len(truth)} true copying pairs; generated in {generated:.1f} s"
    )
    with tempfile.TemporaryDirectory(prefix="copy-scale-") as temporary:
        folder = args.keep or Path(temporary)
        batch.write(folder)
        results = {}
        for method in methods:
            out = Path(temporary) / f"{method}.result.json"
            command = [sys.executable, __file__, "--worker", method, "--folder", str(folder), "--out", str(out)]
            command += ["--datasketch-k", str(args.datasketch_k)] + (["--profile"] if args.profile else [])
            subprocess.run(command, check=True)
            results[method] = json.loads(out.read_text("utf-8"))

    header = (
        f"{'method':<11}{'read s':>8}{'struct s':>10}{'match s':>9}{'peak RSS MB':>13}"
        f"{'precision':>11}{'recall':>8}{'F1':>7}{'ratio MAE':>11}"
    )
    print()
    print(header)
    print("-" * len(header))
    scores = {}
    for method, found in results.items():
        timings = found["timings"]
        scored = scores[method] = _score(batch, truth, found)
        structure = f"{timings['structure']:.2f}" if "structure" in timings else "-"
        print(
            f"{method:<11}{timings['read']:>8.2f}{structure:>10}{timings['match']:>9.2f}"
            f"{timings['peak_rss_mb']:>13.0f}{scored['precision']:>11.3f}{scored['recall']:>8.3f}"
            f"{scored['f1']:>7.3f}{scored['mae']:>11.3f}"
        )
    print()
    for method, found in results.items():
        timings = found["timings"]
        shown = ", ".join(
            f"{key} {value:.2f}" if isinstance(value, float) else f"{key} {value}"
            for key, value in timings.items()
            if key not in ("read", "structure", "match", "flag_chars")
        )
        print(f"  {method}: {shown}")
    if "datasketch" in results:
        print(f"  datasketch: character {args.datasketch_k}-grams, threshold {DATASKETCH_THRESHOLD}")
    for method in results:
        _print_details(method, batch, truth, scores[method], args.examples)
    if "ours" in results and "exact13" in results:
        ratio = results["ours"]["timings"]["match"] / results["exact13"]["timings"]["match"]
        print(f"\nours' copy stage takes {ratio:.2f}x the time of exact13 (target <= 1.5x)")


if __name__ == "__main__":
    main()
