"""The score of a report: five parts of 0–100, each explained in one line, and their weighted total.

The weights and every penalty live here and nowhere else:

- structure (weight 15): the parts the report's type needs (STR001, see `analyzer.checks.structure`), minus 5 for
  each numbering gap (STR002), at most 20;
- coverage (15): 25 for each of 政治建设, 思想建设, 制度建设, 队伍建设 that a body paragraph is about;
- specificity (20): the share of admitted problems that name a concrete fact (a figure, a date, an example, a body);
- correspondence (20): 60 × the share of problems answered by a measure + 20 × the share of measures tied to a
  problem + 20 × the share of measures that are checkable (an owner, a deadline or a quantity);
- originality (30): 100 − 100 × the copy ratio without stock text (CPY) − template residue (TPL: 10 for each error,
  5 for each warning, at most 50) − stock-phrase density above the corpus's 90th percentile (BPL101, at most 20).

A report with no problems gets 0 for specificity and correspondence: every report of the genre must admit some.
A report analysed alone, with no batch and no library to compare with, is not penalised for copying, and its
originality note says so. Findings left out by ``--select``/``--ignore`` count for nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analyzer.checks.boilerplate import DENSITY_THRESHOLD
from analyzer.checks.structure import parts_present
from analyzer.document import Document

WEIGHTS: dict[str, int] = {
    "structure": 15,
    "coverage": 15,
    "specificity": 20,
    "correspondence": 20,
    "originality": 30,
}
"""Weight of each part in the total; they add up to 100."""

PART_LABELS = {
    "structure": "结构完整",
    "coverage": "四个方面覆盖",
    "specificity": "问题具体",
    "correspondence": "措施对应",
    "originality": "原创性",
}
NUMBERING_PENALTY, NUMBERING_CAP = 5, 20
RESIDUE_PENALTY = {"error": 10, "warning": 5, "info": 0}
RESIDUE_CAP = 50
DENSITY_CAP = 20
CATEGORIES = {
    "political": "政治建设",
    "ideological": "思想建设",
    "institutional": "制度建设",
    "team_building": "队伍建设",
}

Selected = Callable[[str], bool]


def score(doc: Document, *, selected: Selected | None = None) -> dict[str, Any]:
    """Score an analysed document (classified, its ledger filed, its checks run; compared, if it was).

    Args:
        doc: The document.
        selected: Which finding codes count (see `analyzer.scoring.code_filter`); None for all.

    Returns:
        ``{"total": 0–100, "parts": {part: 0–100}, "notes": {part: one line in Chinese}, "weights": WEIGHTS}``.
    """
    counts = selected or (lambda code: True)
    findings = [f for f in doc.findings if counts(f["code"])]
    parts: dict[str, tuple[float, str]] = {
        "structure": _structure(doc, findings),
        "coverage": _coverage(doc),
        "specificity": _specificity(doc),
        "correspondence": _correspondence(doc),
        "originality": _originality(doc, findings, counts),
    }
    values = {name: round(max(0.0, min(100.0, value))) for name, (value, _) in parts.items()}
    total = round(sum(WEIGHTS[name] * value for name, value in values.items()) / sum(WEIGHTS.values()))
    return {
        "total": total,
        "parts": values,
        "notes": {name: note for name, (_, note) in parts.items()},
        "weights": dict(WEIGHTS),
    }


def code_filter(select: list[str] | None = None, ignore: list[str] | None = None) -> Selected:
    """Which codes count, by prefix, ruff's way: the longest matching prefix of `select` and `ignore` decides; a code
    no prefix matches counts when nothing was selected.

    >>> counts = code_filter(select=["TPL", "CPY"], ignore=["TPL003"])
    >>> [counts(code) for code in ("TPL001", "TPL003", "CPY001", "BPL101")]
    [True, False, True, False]
    >>> code_filter(ignore=["BPL"], select=["BPL101"])("BPL101")
    True
    """
    chosen = [(prefix.upper(), True) for prefix in select or []] + [(prefix.upper(), False) for prefix in ignore or []]

    def counts(code: str) -> bool:
        matches = [(len(prefix), keep) for prefix, keep in chosen if code.upper().startswith(prefix)]
        if not matches:
            return not select
        longest = max(length for length, _ in matches)
        return all(keep for length, keep in matches if length == longest)  # a tie between select and ignore ignores

    return counts


def _structure(doc: Document, findings: list[dict]) -> tuple[float, str]:
    present = parts_present(doc)
    missing = [name for name, there in present.items() if not there]
    gaps = sum(f["code"] == "STR002" for f in findings)
    value = 100 * (len(present) - len(missing)) / max(len(present), 1) - min(NUMBERING_PENALTY * gaps, NUMBERING_CAP)
    note = f"应有{len(present)}个部分，" + (f"缺少{'、'.join(missing)}" if missing else "齐全")
    return value, note + (f"；标题序号错乱{gaps}处" if gaps else "")


def _coverage(doc: Document) -> tuple[float, str]:
    found = {p.category for p in doc.paragraphs if p.kind == "body"}
    covered = [label for category, label in CATEGORIES.items() if category in found]
    missing = [label for category, label in CATEGORIES.items() if category not in found]
    note = f"涉及{len(covered)}个方面" + (f"，缺少{'、'.join(missing)}" if missing else "（四个方面齐全）")
    return 25.0 * len(covered), note


def _specificity(doc: Document) -> tuple[float, str]:
    if not doc.problems:
        return 0.0, "没有找到查摆出的问题"
    specific = sum(bool(problem.get("specific")) for problem in doc.problems)
    return 100 * specific / len(
        doc.problems
    ), f"{len(doc.problems)}个问题中{specific}个有具体事实（数字、时间、事例等）"


def _correspondence(doc: Document) -> tuple[float, str]:
    if not doc.problems:
        return 0.0, "没有找到查摆出的问题，无从对应"
    if not doc.measures:
        return 0.0, f"{len(doc.problems)}个问题都没有整改措施"
    answered = sum(bool(problem["measures"]) for problem in doc.problems)
    linked = sum(bool(measure["problems"]) for measure in doc.measures)
    checkable = sum(bool(measure.get("checkable")) for measure in doc.measures)
    value = 60 * answered / len(doc.problems) + 20 * linked / len(doc.measures) + 20 * checkable / len(doc.measures)
    note = (
        f"{len(doc.problems)}个问题中{answered}个有对应措施；{len(doc.measures)}项措施中{linked}项对应问题、"
        f"{checkable}项可核验（有责任人、时限或数量）"
    )
    return value, note


def _originality(doc: Document, findings: list[dict], counts: Selected) -> tuple[float, str]:
    value, notes = 100.0, []
    ratio = doc.meta.get("copy_ratio_excluding_stock")
    if ratio is None:
        notes.append("未与其他报告或参考库比对")
    elif counts("CPY001"):
        value -= 100 * ratio
        notes.append(f"去除套话复制比{ratio:.0%}")
    residue = min(sum(RESIDUE_PENALTY[f["severity"]] for f in findings if f["code"].startswith("TPL")), RESIDUE_CAP)
    if residue:
        value -= residue
        notes.append(f"模板残留{sum(f['code'].startswith('TPL') for f in findings)}处（扣{residue}分）")
    density = doc.meta.get("stock_phrase_density")
    if density is not None and density > DENSITY_THRESHOLD and any(f["code"] == "BPL101" for f in findings):
        penalty = min(DENSITY_CAP, DENSITY_CAP * (density - DENSITY_THRESHOLD) / DENSITY_THRESHOLD)
        value -= penalty
        notes.append(f"套话密度每万字{density:.0f}处（扣{penalty:.0f}分）")
    return value, "；".join(notes) or "无模板残留、无抄袭、套话不多"
