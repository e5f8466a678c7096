"""Measure heading and front-matter detection against the annotated corpus (documents the parser never saw).

    python bench/eval_structure.py            # summary
    python bench/eval_structure.py --errors   # also list every disagreement

A paragraph annotated with role ``heading`` should be found as a heading (`Paragraph.kind == "heading"`), and
one annotated ``title`` above the first heading as front matter (kind ``title``, ``issuer``, ``doc_number`` or
``date``). The parser's rules were
written before these documents existed, so the figures are held-out ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer import from_text  # noqa: E402
from analyzer.corpus import source_files  # noqa: E402

FRONT = {"title", "issuer", "doc_number", "date"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--only", default="", help="only documents whose id starts with this (e.g. w1-)")
    args = parser.parse_args()
    counts = {"heading": [0, 0, 0], "title": [0, 0, 0]}  # true positives, false positives, false negatives
    documents = 0
    for path in [p for p in source_files(ROOT / "corpora") if p.stem.startswith(args.only)]:
        record = json.loads(path.read_text(encoding="utf-8"))
        doc = from_text("\n".join(p["text"] for p in record["paragraphs"]), source=path.name)
        documents += 1
        # the top: lines before the first that is neither title nor other (closing lines are role other)
        first_heading = next(
            (i for i, p in enumerate(record["paragraphs"]) if p["role"] not in ("title", "other")), 10**6
        )
        for gold, found in zip(record["paragraphs"], doc.paragraphs, strict=True):
            for label, hit in (("heading", found.kind == "heading"), ("title", found.kind in FRONT)):
                if label == "title" and found.index >= first_heading:
                    continue  # closing matter is role other (LABELING.md); compare the top only
                expected = gold["role"] == label
                if expected and hit:
                    counts[label][0] += 1
                elif hit and not expected:
                    counts[label][1] += 1
                elif expected:
                    counts[label][2] += 1
                if args.errors and expected != hit:
                    print(f"{path.stem} L{found.line} gold={gold['role']} found={found.kind}: {found.text[:50]}")
    print(f"{documents} annotated documents")
    for label, (tp, fp, fn) in counts.items():
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{label:8} P={precision:.3f} R={recall:.3f} F1={f1:.3f}  (tp={tp} fp={fp} fn={fn})")


if __name__ == "__main__":
    main()
