"""Train on the documents written for the corpus, test on the real ones (seeds and public documents).

    python bench/eval_cross_source.py

Grouped cross-validation mixes writers; this asks the harder question a user's reports pose: how do models fitted
only on our written documents do on reports written by others? The test set is every annotated real document
(``corpora/annotated``: the five seeds and nine public documents), body paragraphs only, with the keyword baseline
beside it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.classify import (  # noqa: E402
    _corpus_frame,
    _label,
    _scores,
    decide,
    fit_models,
    keyword_category,
    keyword_role,
)
from analyzer.corpus import BODY_ROLES, CATEGORIES, read_items, read_paragraphs  # noqa: E402
from analyzer.extract import evaluate_items, extract, fit_item_model  # noqa: E402


def main() -> None:
    rows = read_paragraphs(ROOT / "corpora")
    frame, docs = _corpus_frame(rows)
    source = {row["doc"]: row.get("source", "written") for row in rows}
    real = frame["doc"].map(source).isin(["seed", "external"])
    body = ~frame["role"].isin(["title", "heading"])
    train, test = frame[~real], frame[real & body]
    models = fit_models(train, ~train["role"].isin(["title", "heading"]))
    decisions, roles = decide(models, test)
    categories = models["category"].classes_[decisions.argmax(axis=1)]
    print(
        f"train: {train['doc'].nunique()} written documents; test: {test['doc'].nunique()} real documents, "
        f"{len(test)} body paragraphs"
    )
    results = {
        "category": _scores(list(test["category"]), list(categories), CATEGORIES),
        "role": _scores(list(test["role"]), list(roles), BODY_ROLES),
        "baseline_category": _scores(list(test["category"]), [keyword_category(t) for t in test["text"]], CATEGORIES),
        "baseline_role": _scores(
            list(test["role"]),
            [keyword_role(t, c) for t, c in zip(test["text"], test["context"], strict=True)],
            BODY_ROLES,
        ),
    }
    gold_items = read_items(ROOT / "corpora")
    test_all = frame[real]
    all_decisions, all_roles = decide(models, test_all)
    _label(docs, frame[~real], frame[~real]["role"], frame[~real]["category"])
    _label(docs, test_all, all_roles, models["category"].classes_[all_decisions.argmax(axis=1)])
    written = {d: docs[d] for d in dict.fromkeys(frame[~real]["doc"]) if d in gold_items}
    item_model = fit_item_model(written, gold_items)
    held_out = {d: extract(docs[d], item_model) for d in dict.fromkeys(test_all["doc"]) if d in gold_items}
    items = evaluate_items(held_out, gold_items, docs)
    for name, scores in results.items():
        per_class = ", ".join(f"{label} {value['f1']:.2f}" for label, value in scores["per_class"].items())
        print(f"{name:18} macro-F1 {scores['macro_f1']:.3f}  accuracy {scores['accuracy']:.3f}  ({per_class})")
    for kind in ("problem", "measure", "links"):
        row = items[kind]
        print(
            f"items {kind:12} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}  "
            f"(predicted {row['predicted']}, annotated {row['gold']})"
        )


if __name__ == "__main__":
    main()
