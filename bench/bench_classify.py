"""Time training the paragraph models on the corpus, and classifying 10,000 paragraphs with the shipped model.

    python bench/bench_classify.py             # both
    python bench/bench_classify.py --no-train  # classification only

Training runs the same code as `analyzer train` (grouped cross-validation, then the final fit). Classification
times structure-free work only: features and both models over already-structured documents, in one batch, after
the model is loaded (loading is reported apart).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.classify import classify_many, load_model, train  # noqa: E402
from analyzer.corpus import read_paragraphs  # noqa: E402
from analyzer.engine import from_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--paragraphs", type=int, default=10_000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    if not args.no_train:
        start = time.perf_counter()
        result = train(ROOT / "corpora")
        print(
            f"train on {result.counts['documents']} documents / {result.counts['paragraphs']} paragraphs "
            f"(5-fold grouped CV + final fit): {time.perf_counter() - start:.1f} s"
        )
    start = time.perf_counter()
    models = load_model(None)
    print(f"load shipped model: {time.perf_counter() - start:.2f} s")
    texts: dict[str, list[str]] = {}
    for row in read_paragraphs(ROOT / "corpora"):
        texts.setdefault(row["doc"], []).append(row["text"])
    docs = []
    while sum(len(doc.paragraphs) for doc in docs) < args.paragraphs:
        for name, lines in texts.items():
            docs.append(from_text("\n".join(lines), source=name))
    total = sum(len(doc.paragraphs) for doc in docs)
    classify_many(docs[:3], models)  # warm the segmenter
    start = time.perf_counter()
    classify_many(docs, models)
    seconds = time.perf_counter() - start
    print(f"classify {total} paragraphs in {len(docs)} documents: {seconds:.2f} s ({total / seconds:,.0f} per s)")


if __name__ == "__main__":
    main()
