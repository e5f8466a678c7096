"""Every view of a result a person or a script reads: the outline tree, a text summary, JSON.

Functions here return strings; only the CLI prints them.
"""

from __future__ import annotations

import json

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
    lines.append(render_outline(doc))
    return "\n".join(lines)
