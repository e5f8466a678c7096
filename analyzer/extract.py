"""The rectification ledger: problem and measure items, the links between them, and how concrete each is.

Items come from the structure stage's enumerations (一是…, （1）…, ①…, 1．…, 第一…, nested ones stay inside their
item) or, for a paragraph without them, the paragraph after its number; a paragraph that states a problem and then
what was done about it ("……。整改措施：……", "……。对此，……") is cut at that turn. Each candidate is then classified
by its own content (problem, measure or neither) by a model trained on the corpus's items, so that a measure inside
a problem section is a measure. A measure is linked to the problems it answers by category, order and wording;
each problem is marked specific when it names a concrete fact, and each measure records what makes it checkable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from analyzer.document import Document, Paragraph

ITEM_LABELS = ("problem", "measure", "none")

# Where a paragraph turns from the problem to what is done about it.
_TURN = re.compile(
    r"(?<=[。；;])\s*(?=(?:整改措施|整改情况|整改落实|整改举措|主要措施|下步措施|措施)[:：]|对此[，,]|针对(?:这|此|上述|以上)|"
    r"(?:目前|现)已|已于|已经|今后[，,]|下一步[，,])"
)
_LABEL = re.compile(r"^(?:整改措施|整改情况|整改落实|整改举措|主要措施|下步措施|措施|问题表现|存在问题|问题)[:：]\s*")


@dataclass(slots=True)
class Candidate:
    """A stretch of a paragraph that may be a problem or a measure item."""

    paragraph: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class LedgerItem:
    """A problem or measure item, as the document JSON and the ledger show it."""

    id: str
    kind: str
    paragraph: int
    start: int
    end: int
    text: str
    category: str | None
    section: str | None
    specific: bool = False
    evidence: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN.md: problems carry ``specific`` and ``measures``; measures ``problems``."""
        base = {
            "id": self.id,
            "paragraph": self.paragraph,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "category": self.category,
            "section": self.section,
        }
        if self.kind == "problem":
            return base | {"specific": self.specific, "evidence": list(self.evidence), "measures": list(self.links)}
        return base | {"checkable": self.specific, "evidence": list(self.evidence), "problems": list(self.links)}


def candidates(doc: Document) -> list[Candidate]:
    """Every stretch of a body paragraph that could be an item, in document order."""
    found: list[Candidate] = []
    for paragraph in doc.paragraphs:
        if paragraph.kind != "body":
            continue
        if paragraph.items:
            spans = [(item.start, item.end) for item in paragraph.items]
        else:
            start = paragraph.start
            if paragraph.number:
                start += len(paragraph.number)
            spans = _split_at_turn(doc.text, start, paragraph.end)
        for start, end in spans:
            start, end = _trim(doc.text, start, end)
            if end > start:
                found.append(Candidate(paragraph.index, start, end, doc.text[start:end]))
    return found


def _split_at_turn(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A paragraph's span, cut where it turns from a problem to its remedy (at most once)."""
    match = _TURN.search(text, start, end)
    if match is None or match.start() - start < 8 or end - match.start() < 8:
        return [(start, end)]
    return [(start, match.start()), (match.start(), end)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000，,、：:":
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# ------------------------------------------------------------------------------------------------ concreteness

_NUMBER = re.compile(r"\d|[一二三四五六七八九十百千万两]+(?:个|次|名|人|件|项|条|起|家|户|万|元|天|年|月|批|笔|场|期)")
_DATE = re.compile(r"\d{4}年|\d{1,2}月|\d{1,2}日|上半年|下半年|今年|去年|年初|年中|年底|第[一二三四]季度")
_EXAMPLE = re.compile(r"比如|例如|譬如|(?<![比例譬假])如[^何此今期实同果下上]")
_BODY = re.compile(r"([\u4e00-\u9fff]{2,12})(?:局|委|办|院|所|站|中心|公司|村|社区|镇|乡|街道|支部|科|室|股|队|组)")
_GENERIC = set("个各有全本该我这那此每其的了在和与下上对于将把被从等些多少几")
_PERSON = re.compile(r"[\u4e00-\u9fff](?:某|XX|××)|同志|书记|主任|局长|科长|股长|校长|院长|经理")
_OWNER = re.compile(r"由[\u4e00-\u9fff、]{1,20}(?:牵头|负责|落实)|责任(?:人|单位|部门|领导)[:：]|牵头(?:单位|部门)")
_DEADLINE = re.compile(
    r"\d{1,2}月(?:底|末|中旬|上旬|下旬)?(?:前|之前|内)|年底前|年内|季度(?:末|内)|(?:每|逐)(?:周|月|季度|季|半年|年)|"
    r"完成时限|时限[:：]|限期|\d+个?(?:工作日|日|天|周|月)内|长期坚持|立行立改"
)
_QUANTITY = re.compile(r"\d+(?:\.\d+)?\s*(?:个|次|名|人|件|项|条|期|场|篇|份|户|家|课时|学时|%|万元|元)")


def _named_body(text: str) -> bool:
    return any(not set(match.group(1)) & _GENERIC for match in _BODY.finditer(text))


_PROBLEM_EVIDENCE = (
    ("数字", _NUMBER.search),
    ("时间", _DATE.search),
    ("事例", _EXAMPLE.search),
    ("具体单位", _named_body),
    ("具体人员", _PERSON.search),
)
_MEASURE_EVIDENCE = (("责任主体", _OWNER.search), ("时限", _DEADLINE.search), ("数量", _QUANTITY.search))


def problem_evidence(text: str) -> list[str]:
    """What makes a problem concrete: a figure, a date, an example, a named body or a person. Empty if none."""
    return [label for label, found in _PROBLEM_EVIDENCE if found(text)]


def measure_evidence(text: str) -> list[str]:
    """What makes a measure checkable: an owner, a deadline or frequency, a quantity. Empty if none."""
    return [label for label, found in _MEASURE_EVIDENCE if found(text)]


# ------------------------------------------------------------------------------------------------ item model


def item_features(doc: Document, found: list[Candidate]) -> list[dict[str, Any]]:
    """Feature records of item candidates: their text, their paragraph's heading path, their shape."""
    rows = []
    for candidate in found:
        paragraph: Paragraph = doc.paragraphs[candidate.paragraph]
        rows.append(
            {
                "text": candidate.text,
                "context": " ／ ".join(doc.heading_path(paragraph)) or "（无）",
                "whole": float(
                    candidate.start <= paragraph.start + len(paragraph.number or "") + 1
                    and candidate.end >= paragraph.end - 1
                ),
                "first": float(candidate.start <= paragraph.start + len(paragraph.number or "") + 1),
                "position": paragraph.index / max(len(doc.paragraphs) - 1, 1),
            }
        )
    return rows


def make_item_model():
    """TF-IDF over the candidate's text and heading path, and its shape; a linear SVM.

    The paragraph's predicted role is deliberately not a feature: grouped cross-validation showed the items
    classified better by their own words (problem F1 0.944 → 0.964, measure 0.917 → 0.938 without it), because a
    paragraph that is half problem, half measure gets one role that would pull both halves the same way.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    from analyzer.classify import SEED, CompactTfidfVectorizer

    features = ColumnTransformer(
        [
            (
                "text_chars",
                CompactTfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True),
                "text",
            ),
            (
                "context_chars",
                CompactTfidfVectorizer(analyzer="char", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                "context",
            ),
            ("shape", "passthrough", ["whole", "first", "position"]),
        ],
        transformer_weights={"context_chars": 0.3},
    )
    return Pipeline(
        [("features", features), ("classifier", LinearSVC(C=0.5, class_weight="balanced", random_state=SEED))]
    )


def label_candidates(found: list[Candidate], gold: list[tuple[str, int, int]]) -> list[str]:
    """Training labels: a candidate takes the kind of the gold item (kind, start, end) it overlaps most (IoU ≥ 0.5)."""
    labels = []
    for candidate in found:
        best, best_iou = "none", 0.0
        for kind, start, end in gold:
            iou = span_iou((candidate.start, candidate.end), (start, end))
            if iou > best_iou:
                best, best_iou = kind, iou
        labels.append(best if best_iou >= 0.5 else "none")
    return labels


def span_iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Intersection over union of two character spans."""
    overlap = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return overlap / union if union else 0.0


# ------------------------------------------------------------------------------------------------ links


LINK_SHARE = 0.6
LINK_FLOOR = 0.25
"""A measure also answers every other problem whose wording score is at least LINK_SHARE of the best one's and at
least LINK_FLOOR (a quarter of the bigrams shared): one measure often answers two or three problems. Chosen by
grouped cross-validation: link F1 0.744 → 0.783 (precision 0.867 → 0.819, recall 0.652 → 0.749)."""


def link(problems: list[LedgerItem], measures: list[LedgerItem], doc: Document) -> None:
    """Link each measure to the problems it answers.

    A measure answers the problem whose wording it shares most (character bigram overlap), preferring problems of
    its own category, and any other problem it shares nearly as much with (see `LINK_SHARE`); a measure inside a
    problem's paragraph answers that problem; when wording says nothing
    (no shared bigram with any problem), the measure answers the problem of its category in the same rank order
    (the third measure on 思想建设 answers the third problem on 思想建设), else none.
    """
    if not problems:
        return
    grams = [_bigrams(p.text) for p in problems]
    rank_in_category: dict[str | None, int] = {}
    by_category: dict[str | None, list[LedgerItem]] = {}
    for problem in problems:
        by_category.setdefault(problem.category, []).append(problem)
    for measure in measures:
        same_paragraph = [p for p in problems if p.paragraph == measure.paragraph and p.start < measure.start]
        if same_paragraph:
            chosen = [same_paragraph[-1]]
        else:
            mine = _bigrams(measure.text)
            scores = []
            for problem, problem_grams in zip(problems, grams, strict=True):
                overlap = len(mine & problem_grams) / max(min(len(mine), len(problem_grams)), 1)
                bonus = 0.15 if problem.category == measure.category else 0.0
                scores.append(overlap + bonus)
            best = int(np.argmax(scores))
            chosen = []
            if scores[best] - (0.15 if problems[best].category == measure.category else 0.0) >= 0.12:
                chosen = [
                    problem
                    for index, (problem, score) in enumerate(zip(problems, scores, strict=True))
                    if index == best or (score >= LINK_SHARE * scores[best] and score >= LINK_FLOOR)
                ]
            else:
                rank = rank_in_category.get(measure.category, 0)
                pool = by_category.get(measure.category, [])
                if rank < len(pool):
                    chosen = [pool[rank]]
            rank_in_category[measure.category] = rank_in_category.get(measure.category, 0) + 1
        for problem in chosen:
            measure.links.append(problem.id)
            problem.links.append(measure.id)


_STOP = set("的了和与及在对是不有为中等把将要进一步加强工作问题情况方面")


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" and c not in _STOP]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


# ------------------------------------------------------------------------------------------------ the ledger


def extract(doc: Document, item_model) -> tuple[list[LedgerItem], list[LedgerItem]]:
    """Problem and measure items of a classified document, linked, with their concreteness.

    Args:
        doc: A document whose paragraphs have roles and categories (see `analyzer.classify.classify`).
        item_model: The fitted item model (``models["items"]`` of a loaded model file).
    """
    return extract_many([doc], item_model)[0]


def extract_many(docs: list[Document], item_model) -> list[tuple[list[LedgerItem], list[LedgerItem]]]:
    """`extract` for many documents at once: one pass of the item model over all their candidates."""
    import pandas as pd

    found = [candidates(doc) for doc in docs]
    records = [row for doc, items in zip(docs, found, strict=True) for row in item_features(doc, items)]
    kinds = list(item_model.predict(pd.DataFrame.from_records(records))) if records else []
    ledgers = []
    position = 0
    for doc, items in zip(docs, found, strict=True):
        ledgers.append(_ledger(doc, items, kinds[position : position + len(items)]))
        position += len(items)
    return ledgers


def _ledger(doc: Document, found: list[Candidate], kinds: list[str]) -> tuple[list[LedgerItem], list[LedgerItem]]:
    """Items from labelled candidates, with their evidence, linked."""
    problems: list[LedgerItem] = []
    measures: list[LedgerItem] = []
    for candidate, kind in zip(found, kinds, strict=True):
        if kind == "none":
            continue
        paragraph = doc.paragraphs[candidate.paragraph]
        chosen = problems if kind == "problem" else measures
        chosen.append(
            LedgerItem(
                f"{'P' if kind == 'problem' else 'M'}{len(chosen) + 1}",
                str(kind),
                candidate.paragraph,
                candidate.start,
                candidate.end,
                candidate.text,
                paragraph.category,
                paragraph.section,
            )
        )
    for problem in problems:
        problem.evidence = problem_evidence(_LABEL.sub("", problem.text))
        problem.specific = bool(problem.evidence)
    for measure in measures:
        measure.evidence = measure_evidence(measure.text)
        measure.specific = bool(measure.evidence)
    link(problems, measures, doc)
    return problems, measures


# ------------------------------------------------------------------------------------------------ training, evaluation


def _gold_spans(doc: Document, gold: dict[str, Any]) -> list[tuple[str, int, int]]:
    spans = [("problem", doc.paragraphs[p].start + s, doc.paragraphs[p].start + e) for p, s, e in gold["problems"]]
    spans += [("measure", doc.paragraphs[p].start + s, doc.paragraphs[p].start + e) for p, s, e, _ in gold["measures"]]
    return spans


def fit_item_model(docs: dict[str, Document], gold_items: dict[str, dict[str, Any]]):
    """Fit the item model on documents whose paragraphs carry roles, labelling candidates by the gold items."""
    import pandas as pd

    records: list[dict[str, Any]] = []
    labels: list[str] = []
    for doc_id, doc in docs.items():
        found = candidates(doc)
        records += item_features(doc, found)
        labels += label_candidates(found, _gold_spans(doc, gold_items[doc_id]))
    return make_item_model().fit(pd.DataFrame.from_records(records), labels)


def _match(predicted: list[tuple[int, int]], gold: list[tuple[int, int]]) -> dict[int, int]:
    """One-to-one matching of predicted to gold spans with IoU ≥ 0.5, best overlaps first: {predicted: gold}."""
    pairs = sorted(((span_iou(p, g), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)), reverse=True)
    matched: dict[int, int] = {}
    used: set[int] = set()
    for iou, i, j in pairs:
        if iou < 0.5:
            break
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def evaluate_items(
    predictions: dict[str, tuple[list[LedgerItem], list[LedgerItem]]],
    gold_items: dict[str, dict[str, Any]],
    docs: dict[str, Document],
) -> dict[str, Any]:
    """Item precision, recall and F1 per kind, and link precision and recall, over held-out documents.

    Matching rule: a predicted item counts when its character span overlaps a gold item of the same kind with
    intersection over union ≥ 0.5, one to one. A predicted link counts when both its measure and its problem are
    matched and the gold measure links that gold problem.
    """
    counts = {kind: [0, 0, 0] for kind in ("problem", "measure")}  # matched, predicted, gold
    link_counts = [0, 0, 0]  # correct, predicted (between matched items), gold (between matched items)
    for doc_id, (problems, measures) in predictions.items():
        doc, gold = docs[doc_id], gold_items[doc_id]
        offsets = {kind: [] for kind in ("problem", "measure")}
        for kind, start, end in _gold_spans(doc, gold):
            offsets[kind].append((start, end))
        matches = {}
        for kind, items in (("problem", problems), ("measure", measures)):
            match = _match([(i.start, i.end) for i in items], offsets[kind])
            matches[kind] = match
            counts[kind][0] += len(match)
            counts[kind][1] += len(items)
            counts[kind][2] += len(offsets[kind])
        problem_index = {problems[i].id: j for i, j in matches["problem"].items()}
        for i, j in matches["measure"].items():
            gold_links = {link for link in gold["measures"][j][3] if link in set(matches["problem"].values())}
            predicted = {problem_index[pid] for pid in measures[i].links if pid in problem_index}
            link_counts[0] += len(gold_links & predicted)
            link_counts[1] += len(predicted)
            link_counts[2] += len(gold_links)
    result: dict[str, Any] = {"rule": "same kind, character-span IoU >= 0.5, one to one; held out by document"}
    for kind, (matched, predicted, gold) in {**counts, "links": link_counts}.items():
        precision = matched / predicted if predicted else 0.0
        recall = matched / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[kind] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "predicted": predicted,
            "gold": gold,
        }
    return result
