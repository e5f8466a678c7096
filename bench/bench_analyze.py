"""Time `analyze` on the sample reports and on a large generated batch, against plain `jieba.lcut` in the same run.

Run by hand (it is not part of the test suite):

    python bench/bench_analyze.py                 # 2,000 generated reports
    python bench/bench_analyze.py --docs 500      # a smaller batch

It prints the machine, then characters per second for: reading and structuring each sample file; structuring the
generated batch (`analyzer.from_text`); the full analysis of the batch (`analyzer.analyze_text`: structure,
classification, ledger and checks); our `Segmenter` with each engine; and plain `jieba.lcut` (jieba's global
tokenizer, default dictionary) on the very same text. Start-up costs (dictionary and model loading) are apart.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer import analyze_text, from_text, load  # noqa: E402
from analyzer.segment import Segmenter  # noqa: E402


def _paragraph_pool() -> list[str]:
    pool = []
    for path in sorted((ROOT / "corpora" / "samples").glob("*.txt")):
        pool += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted((ROOT / "corpora" / "written").glob("*.json")):
        pool += [p["text"] for p in json.loads(path.read_text(encoding="utf-8"))["paragraphs"]]
    return pool


def generated_batch(count: int, seed: int = 13) -> list[str]:
    """Reports of 20-60 paragraphs drawn at random from the corpus's paragraphs (their structure is noise)."""
    rng = random.Random(seed)
    pool = _paragraph_pool()
    return ["\n".join(rng.choices(pool, k=rng.randint(20, 60))) for _ in range(count)]


def _rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds / 1e6:6.2f} M chars/s  ({seconds:6.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated reports in the batch")
    args = parser.parse_args()

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )

    samples = sorted((ROOT / "corpora" / "samples").glob("*.txt"))
    start = time.perf_counter()
    sample_chars = sum(len(load(path).text) for path in samples)
    print(f"read+structure {len(samples)} samples: {_rate(sample_chars, time.perf_counter() - start)}")

    texts = generated_batch(args.docs)
    chars = sum(map(len, texts))
    print(f"generated batch: {len(texts)} reports, {chars / 1e6:.1f} M chars")

    start = time.perf_counter()
    for text in texts:
        from_text(text)
    print(f"structure (analyzer.from_text):   {_rate(chars, time.perf_counter() - start)}")

    analyze_text("预热", source="warm-up")  # load the model once, as a process does
    start = time.perf_counter()
    for text in texts:
        analyze_text(text)
    print(
        f"full analysis (analyze_text):     {_rate(chars, time.perf_counter() - start)}  "
        "(structure, classification, ledger, checks; one document at a time)"
    )

    for engine in ("rjieba", "jieba"):
        start = time.perf_counter()
        segmenter = Segmenter(engine)
        startup = time.perf_counter() - start
        start = time.perf_counter()
        for text in texts:
            segmenter.cut(text)
        print(
            f"Segmenter({engine!r}) cut:          {_rate(chars, time.perf_counter() - start)}  start-up {startup:.2f} s"
        )

    import logging

    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    start = time.perf_counter()
    jieba.initialize()
    startup = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    print(f"plain jieba.lcut:                 {_rate(chars, time.perf_counter() - start)}  start-up {startup:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
