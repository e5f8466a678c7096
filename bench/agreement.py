"""Agreement between the corpus labels and a blind second annotator (corpora/agreement/*.json).

    python bench/agreement.py

The second annotator saw only LABELING.md and the documents' lines, never the first labels. Prints raw agreement
and Cohen's kappa for role and category, over all lines and over body paragraphs (not title or heading by the
first annotator), and the most common disagreements.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    pairs = {"role": [], "category": []}
    body_pairs = {"role": [], "category": []}
    documents = 0
    for path in sorted((ROOT / "corpora" / "agreement").glob("*.json")):
        second = json.loads(path.read_text(encoding="utf-8"))
        first = json.loads((ROOT / "corpora" / "written" / f"{second['id']}.json").read_text(encoding="utf-8"))
        assert len(first["paragraphs"]) == len(second["labels"]), path
        documents += 1
        for gold, other in zip(first["paragraphs"], second["labels"], strict=True):
            for field in pairs:
                pairs[field].append((gold[field], other[field]))
                if gold["role"] not in ("title", "heading"):
                    body_pairs[field].append((gold[field], other[field]))
    print(f"{documents} documents, {len(pairs['role'])} lines ({len(body_pairs['role'])} body paragraphs)")
    for name, table in (("all lines", pairs), ("body paragraphs", body_pairs)):
        for field, rows in table.items():
            first, second = zip(*rows, strict=True)
            raw = sum(a == b for a, b in rows) / len(rows)
            kappa = cohen_kappa_score(first, second)
            print(f"{name:16} {field:9} agreement {raw:.3f}  Cohen's kappa {kappa:.3f}")
    for field in ("role", "category"):
        confusions = Counter((a, b) for a, b in body_pairs[field] if a != b).most_common(5)
        print(f"most common {field} disagreements (first, second):", confusions)


if __name__ == "__main__":
    main()
