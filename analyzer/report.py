"""Every view of a result a person or a script reads: the outline tree, a text summary, JSON.

Functions here return strings; only the CLI prints them.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from analyzer.document import Document, Paragraph

CATEGORY_LABELS = {
    "political": "政治建设",
    "ideological": "思想建设",
    "institutional": "制度建设",
    "team_building": "队伍建设",
    "other": "其他",
}
ROLE_LABELS = {
    "title": "标题",
    "heading": "小标题",
    "situation": "情况",
    "problem": "问题",
    "cause": "原因",
    "measure": "措施",
    "other": "其他",
}
DOC_TYPE_LABELS = {
    "self_inspection": "自查报告",
    "comparison_check": "对照检查材料",
    "problem_list": "检视问题清单",
    "rectification_report": "整改报告",
    "work_report": "工作报告",
    "duty_report": "述职述廉报告",
    "assessment_report": "评估报告",
    "unknown": "未识别",
}
KIND_LABELS = {"title": "标题", "issuer": "署名", "doc_number": "文号", "date": "日期"}


def to_json(doc: Document, *, indent: int | None = 2) -> str:
    """The document JSON of DESIGN.md, Chinese kept as is."""
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=indent)


def _tags(paragraph_or_section) -> str:
    parts = []
    if getattr(paragraph_or_section, "role", None):
        parts.append(ROLE_LABELS.get(paragraph_or_section.role, paragraph_or_section.role))
    if getattr(paragraph_or_section, "category", None):
        parts.append(CATEGORY_LABELS.get(paragraph_or_section.category, paragraph_or_section.category))
    return f"  [{' · '.join(parts)}]" if parts else ""


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_outline(doc: Document, *, width: int = 40) -> str:
    """The structure as a tree: front matter, then each section with its paragraphs summarised.

    Each body paragraph shows its line number, its first characters and how many enumerated items it holds.
    """
    lines = [f"{doc.title or '（无标题）'}  〔{DOC_TYPE_LABELS.get(doc.doc_type, doc.doc_type)}〕"]
    for paragraph in doc.paragraphs:
        if paragraph.kind in KIND_LABELS and not (
            paragraph.kind == "title" and paragraph.section is None and paragraph.text in (doc.title or "")
        ):
            lines.append(f"  {KIND_LABELS[paragraph.kind]}：{paragraph.text}")
    depth_of = {section.id: section.level for section in doc.sections}
    for paragraph in doc.paragraphs:
        if paragraph.kind in KIND_LABELS:
            continue
        if paragraph.is_heading:
            section = doc.section(paragraph.section)
            indent = "  " * (section.level - 1) if section else ""
            lines.append(f"{indent}■ {_clip(paragraph.text, width + 20)}{_tags(section or paragraph)}")
            continue
        level = depth_of.get(paragraph.section, 0)
        lines.append("  " * level + _describe(paragraph, width))
    return "\n".join(lines)


def _describe(paragraph: Paragraph, width: int) -> str:
    items = f"  ({len(paragraph.items)}项)" if paragraph.items else ""
    return f"· L{paragraph.line} {_clip(paragraph.text, width)}{items}{_tags(paragraph)}"


def render_summary(doc: Document) -> str:
    """A short text report of one document: what was read, its type, and its outline."""
    meta = doc.meta
    read = meta.get("format", "")
    if meta.get("encoding"):
        read += f", {meta['encoding']}"
    counts = (
        f"{len(doc.text)} 字符 · {len(doc.paragraphs)} 段 · {len(doc.sections)} 节 · "
        f"{sum(len(p.items) for p in doc.paragraphs)} 个列举项"
    )
    lines = [f"{doc.source}  ({read})", counts]
    if meta.get("artefacts"):
        lines.append(f"已去除 {len(meta['artefacts'])} 处抓取残留标记（如 ##paidbegin##）")
    if meta.get("copy_sources"):
        top, share = next(iter(meta["copy_sources"].items()))
        lines.append(f"总复制比 {meta['copy_ratio']:.1%}；单篇最大复制比 {share:.1%}（来源：{top}）")
    if doc.problems or doc.measures:
        lines.append(f"台账：{len(doc.problems)} 个问题，{len(doc.measures)} 项措施")
    if doc.findings:
        counts: dict[str, int] = {}
        for found in doc.findings:
            counts[found["code"]] = counts.get(found["code"], 0) + 1
        lines.append("发现：" + "，".join(f"{code}×{count}" for code, count in sorted(counts.items())))
    lines.append(render_outline(doc))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ the ledger

PROBLEM_COLUMNS = {
    "doc": "文档",
    "problem": "问题编号",
    "category": "类别",
    "specific": "是否具体",
    "measures": "对应措施",
    "text": "问题内容",
    "evidence": "具体依据",
    "measure_texts": "措施内容",
    "section": "所在部分",
    "line": "行号",
}
MEASURE_COLUMNS = {
    "doc": "文档",
    "measure": "措施编号",
    "category": "类别",
    "checkable": "可否核验",
    "evidence": "核验依据",
    "problems": "对应问题",
    "section": "所在部分",
    "line": "行号",
    "text": "措施内容",
}


def ledger_frames(docs: list[Document], names: list[str] | None = None):
    """The ledger as two DataFrames: one row per problem (with its measures), one row per measure.

    Column names and categories are the stable machine names of DESIGN.md (``doc, problem, category, specific,
    measures, text`` and more; ``political``…); `write_ledger` gives them Chinese headers and labels in a
    spreadsheet.
    """
    import pandas as pd

    problem_rows, measure_rows = [], []
    for position, doc in enumerate(docs):
        name = names[position] if names else doc.source
        measure_text = {m["id"]: m["text"] for m in doc.measures}
        for problem in doc.problems:
            problem_rows.append(
                _ledger_row(doc, name, problem)
                | {
                    "problem": problem["id"],
                    "specific": problem["specific"],
                    "measures": " ".join(problem["measures"]),
                    "measure_texts": "\n".join(f"{m}：{measure_text[m]}" for m in problem["measures"]),
                }
            )
        for measure in doc.measures:
            measure_rows.append(
                _ledger_row(doc, name, measure)
                | {
                    "measure": measure["id"],
                    "checkable": measure["checkable"],
                    "problems": " ".join(measure["problems"]),
                }
            )
    return (
        pd.DataFrame(problem_rows, columns=list(PROBLEM_COLUMNS)),
        pd.DataFrame(measure_rows, columns=list(MEASURE_COLUMNS)),
    )


def _ledger_row(doc: Document, name: str, item: dict) -> dict:
    """The columns problems and measures share: document, category, evidence, section, line, text."""
    section = doc.section(item.get("section"))
    return {
        "doc": name,
        "category": item["category"],
        "evidence": "、".join(item["evidence"]),
        "section": section.title if section else "",
        "line": doc.line_col(item["start"])[0],
        "text": item["text"],
    }


def write_ledger(docs: list[Document], path, names: list[str] | None = None) -> None:
    """Write the ledger as .xlsx (a sheet of problems with their measures, a sheet of measures; Chinese headers;
    filters on; header row frozen) or .csv (the problems, UTF-8 with BOM so that Excel shows the Chinese).

    The file is written whole or not at all: to a temporary name first, then renamed.
    """
    from pathlib import Path

    path = Path(path)
    problems, measures = ledger_frames(docs, names)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        if path.suffix.lower() == ".csv":
            problems.to_csv(temporary, index=False, encoding="utf-8-sig")
        else:
            _write_xlsx(temporary, problems, measures)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _write_xlsx(path, problems, measures) -> None:
    """Two sheets with Chinese headers, filters on, the header row frozen, long text columns wide and wrapped.

    Written with XlsxWriter, which sets a column's format once instead of styling every cell (openpyxl took 15 s for
    the ledger of 400 reports)."""
    import pandas as pd

    yes_no = {True: "是", False: "否"}
    sheets = {
        "问题清单": problems.replace({"specific": yes_no, "category": CATEGORY_LABELS}).rename(columns=PROBLEM_COLUMNS),
        "整改措施": measures.replace({"checkable": yes_no, "category": CATEGORY_LABELS}).rename(
            columns=MEASURE_COLUMNS
        ),
    }
    # Text stays text: a cell that starts with = is not a formula, a URL is not a link (nor slow to check).
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        wrapped = writer.book.add_format({"text_wrap": True, "valign": "top"})
        plain = writer.book.add_format({"valign": "top"})
        for title, frame in sheets.items():
            frame.to_excel(writer, sheet_name=title, index=False)
            sheet = writer.sheets[title]
            sheet.autofilter(0, 0, len(frame), max(len(frame.columns) - 1, 0))
            sheet.freeze_panes(1, 0)
            for column, header in enumerate(frame.columns):
                wide = header in ("问题内容", "措施内容", "对应措施") or header.endswith("内容")
                sheet.set_column(column, column, 60 if wide else 14, wrapped if wide else plain)


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def located_findings(doc: Document, findings: list[dict] | None = None) -> list[dict]:
    """Findings sorted by severity, then position, each with its 1-based ``line`` and ``col``."""
    chosen = doc.findings if findings is None else findings
    located = []
    for found in sorted(chosen, key=lambda f: (SEVERITY_ORDER[f["severity"]], f["start"], f["code"])):
        line, col = doc.line_col(found["start"])
        located.append(found | {"line": line, "col": col})
    return located


def render_score(doc: Document, result: dict, findings: list[dict], *, name: str | None = None) -> str:
    """The score as a drafter reads it: total, each part with its one-line reason, then the findings by severity as
    ``path:line:col: CODE name message``."""
    from analyzer.scoring import PART_LABELS

    where = name or doc.source
    lines = [f"{where}  《{doc.title or '（无标题）'}》 {DOC_TYPE_LABELS.get(doc.doc_type, doc.doc_type)}"]
    lines.append(f"得分 / score: {result['total']}/100")
    for part, value in result["parts"].items():
        label = PART_LABELS.get(part, part)
        lines.append(f"  {label}（{part}，权重{result['weights'][part]}）{value:>4}  {result['notes'][part]}")
    if findings:
        lines.append(f"发现 {len(findings)} 处问题（按严重程度）/ findings by severity:")
    else:
        lines.append("没有发现问题 / no findings")
    for found in located_findings(doc, findings):
        severity = SEVERITY_LABELS[found["severity"]]
        lines.append(
            f"{where}:{found['line']}:{found['col']}: {found['code']} {found['name']} [{severity}] {found['message']}"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ DataFrame views

DOCUMENT_COLUMNS = (
    "doc",
    "status",
    "error",
    "title",
    "doc_type",
    "chars",
    "paragraphs",
    "score",
    "copy_ratio",
    "copy_ratio_excluding_stock",
    "top_source",
    "top_source_ratio",
    "boilerplate_ratio",
    "stock_phrase_density",
    "problems",
    "measures",
    "errors",
    "warnings",
    "infos",
    "score_structure",
    "score_coverage",
    "score_specificity",
    "score_correspondence",
    "score_originality",
)
PARAGRAPH_COLUMNS = (
    "doc",
    "paragraph",
    "line",
    "section",
    "kind",
    "role",
    "category",
    "category_score",
    "boilerplate",
    "copied",
    "start",
    "end",
    "text",
)
FINDING_COLUMNS = (
    "doc",
    "code",
    "name",
    "severity",
    "line",
    "col",
    "message",
    "paragraph",
    "start",
    "end",
    "text",
    "source",
    "source_start",
    "source_end",
)
PAIR_COLUMNS = ("doc_a", "doc_b", "shared_chars", "ratio_a", "ratio_b", "flagged")


def documents_frame(batch) -> Any:
    """One row per input file of a batch, readable or not (DESIGN.md's documents.csv)."""
    import pandas as pd

    from analyzer.copying import visible_length

    rows = []
    for name in batch.order:
        doc = batch.docs.get(name)
        if doc is None:
            rows.append({"doc": name, "status": "error", "error": batch.errors.get(name, "")})
            continue
        sources = doc.meta.get("copy_sources") or {}
        top = max(sources, key=sources.get) if sources else None
        severities = Counter(f["severity"] for f in doc.findings)
        body = [p for p in doc.paragraphs if p.kind == "body"]
        chars = sum(len(p.text) for p in body)
        boilerplate = sum((p.boilerplate or 0.0) * len(p.text) for p in body) / chars if chars else 0.0
        rows.append(
            {
                "doc": name,
                "status": "ok",
                "error": "",
                "title": doc.title,
                "doc_type": doc.doc_type,
                "chars": visible_length(doc.text),
                "paragraphs": len(doc.paragraphs),
                "score": (doc.score or {}).get("total"),
                "copy_ratio": doc.meta.get("copy_ratio"),
                "copy_ratio_excluding_stock": doc.meta.get("copy_ratio_excluding_stock"),
                "top_source": top,
                "top_source_ratio": sources.get(top) if top else None,
                "boilerplate_ratio": round(boilerplate, 4),
                "stock_phrase_density": doc.meta.get("stock_phrase_density"),
                "problems": len(doc.problems),
                "measures": len(doc.measures),
                "errors": severities["error"],
                "warnings": severities["warning"],
                "infos": severities["info"],
            }
            | {f"score_{part}": value for part, value in ((doc.score or {}).get("parts") or {}).items()}
        )
    return pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))


def paragraphs_frame(docs: dict[str, Document]) -> Any:
    """One row per paragraph of each document, by the document's name."""
    import pandas as pd

    rows = [
        {
            "doc": name,
            "paragraph": p.index,
            "line": p.line,
            "section": p.section,
            "kind": p.kind,
            "role": p.role,
            "category": p.category,
            "category_score": p.category_scores.get(p.category) if p.category else None,
            "boilerplate": p.boilerplate,
            "copied": p.copied,
            "start": p.start,
            "end": p.end,
            "text": p.text,
        }
        for name, doc in docs.items()
        for p in doc.paragraphs
    ]
    return pd.DataFrame(rows, columns=list(PARAGRAPH_COLUMNS))


def findings_frame(docs: dict[str, Document]) -> Any:
    """One row per finding of each document, by severity then position, with line and column."""
    import pandas as pd

    rows = [
        {column: found.get(column) for column in FINDING_COLUMNS}
        | {"doc": name, "text": doc.text[found["start"] : found["end"]][:200]}
        for name, doc in docs.items()
        for found in located_findings(doc)
    ]
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    for column in ("paragraph", "source_start", "source_end"):
        frame[column] = frame[column].astype("Int64")
    return frame


def pairs_frame(batch) -> Any:
    """One row per pair of documents sharing copied text (DESIGN.md's pairs.csv): the characters they share, the
    share of each covered by text found in the other, and whether the pair counts as copying."""
    import pandas as pd

    from analyzer.checks.copying import PAIR_FLAG_CHARS

    result = batch.copies
    rows = []
    ratios: dict[str, dict[str, float]] = {}

    def ratio(name: str, other: str) -> float:
        if name not in ratios:
            ratios[name] = result.source_ratios(name)
        return round(ratios[name].get(other, 0.0), 4)

    if result is not None:
        for (a, b), shared in sorted(result.shared.items(), key=lambda item: -item[1]):
            if not shared:
                continue
            rows.append(
                {
                    "doc_a": a,
                    "doc_b": b,
                    "shared_chars": shared,
                    "ratio_a": ratio(a, b),
                    "ratio_b": ratio(b, a),
                    "flagged": shared >= PAIR_FLAG_CHARS,
                }
            )
    return pd.DataFrame(rows, columns=list(PAIR_COLUMNS))
