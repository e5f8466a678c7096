"""Structure (STR): the parts a report of its type needs, and the numbering of its headings.

A part counts as present when a heading names it (存在问题, 原因分析, 整改措施…) or, failing that, when the
classifier found enough paragraphs in its role (a report may admit its problems under 主要工作 without a heading
for them). Which parts a type needs is the table `REQUIRED_PARTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.checks import Check, Finding, finding, register
from analyzer.document import Document

MISSING_PART = register(
    Check(
        code="STR001",
        name="missing-part",
        severity="warning",
        what="按报告类型应有的组成部分没有找到：如自查报告、对照检查材料要有“存在问题”和“整改措施”，对照检查材料还"
        "要有“原因分析”，工作报告要有“工作情况”“存在问题”“下一步打算”。既没有相应标题，也没有足够的相应段落。",
        why="缺了问题或措施的报告无法据以建立整改台账；缺少原因剖析的对照检查材料达不到“深挖根源”的要求。",
        example="一、基本情况 … 二、整改措施   ← 自查报告没有“存在问题”部分",
        instead="一、基本情况 … 二、存在问题 … 三、原因分析 … 四、整改措施",
    )
)
NUMBERING_GAP = register(
    Check(
        code="STR002",
        name="numbering-gap",
        severity="info",
        what="同一层级的标题序号跳号或重号，如“一、”之后是“三、”，或出现两个“二、”。",
        why="序号错乱多是删改或拼凑材料时留下的，也让审核者怀疑内容有遗漏。",
        example="一、主要工作 … 二、存在问题 … 二、下一步打算",
        instead="一、主要工作 … 二、存在问题 … 三、下一步打算",
    )
)


@dataclass(frozen=True, slots=True)
class Part:
    """A part a report may need: its name, the heading words that name it, and the paragraph role that shows it."""

    name: str
    heading: re.Pattern[str]
    role: str
    min_paragraphs: int = 2


SITUATION = Part(
    "工作情况",
    re.compile(r"基本情况|工作情况|主要(?:工作|做法|成效)|开展情况|总体情况|工作开展|成效|回顾"),
    "situation",
)
PROBLEMS = Part("存在问题", re.compile(r"问题|不足|差距|短板|薄弱"), "problem")
CAUSES = Part("原因分析", re.compile(r"原因|根源|剖析"), "cause")
MEASURES = Part(
    "整改措施或下一步打算",
    re.compile(r"措施|整改|下一步|下步|打算|计划|方向|思路|建议|意见|举措|改进"),
    "measure",
)

REQUIRED_PARTS: dict[str, tuple[Part, ...]] = {
    "self_inspection": (PROBLEMS, MEASURES),
    "comparison_check": (PROBLEMS, CAUSES, MEASURES),
    "problem_list": (PROBLEMS, MEASURES),
    "rectification_report": (SITUATION, MEASURES),
    "assessment_report": (SITUATION, PROBLEMS, MEASURES),
    "duty_report": (SITUATION, PROBLEMS, MEASURES),
    "work_report": (SITUATION, PROBLEMS, MEASURES),
    "unknown": (PROBLEMS, MEASURES),
}
"""The parts each type of report needs (DESIGN.md's doc_type values)."""


def parts_present(doc: Document) -> dict[str, bool]:
    """For each part the document's type needs, whether it is there (by a heading, or by paragraphs in its role)."""
    needed = REQUIRED_PARTS.get(doc.doc_type, REQUIRED_PARTS["unknown"])
    titles = [section.title for section in doc.sections]
    roles = [paragraph.role for paragraph in doc.paragraphs if paragraph.kind == "body"]
    return {
        part.name: any(part.heading.search(title) for title in titles) or roles.count(part.role) >= part.min_paragraphs
        for part in needed
    }


def check_structure(doc: Document) -> list[Finding]:
    """Missing parts (at the title, or the start) and heading numbers that skip or repeat."""
    findings: list[Finding] = []
    anchor = next((p for p in doc.paragraphs if p.kind == "title"), doc.paragraphs[0] if doc.paragraphs else None)
    for name, present in parts_present(doc).items():
        if not present:
            start, end, index = (anchor.start, anchor.end, anchor.index) if anchor else (0, 0, None)
            findings.append(finding(MISSING_PART.code, f"缺少“{name}”部分", start, end, index))
    previous: dict[tuple[str | None, str], int] = {}
    running: dict[str, int] = {}  # the last number of each style anywhere: some reports number on across sections
    for section in doc.sections:
        heading = doc.paragraphs[section.paragraph]
        if heading.number_value is None or section.style == "plain":
            continue
        key = (_numbered_parent(doc, section.parent), section.style)
        expected = previous.get(key, 0) + 1
        continues = key not in previous and heading.number_value == running.get(section.style, 0) + 1
        if heading.number_value != expected and not continues:
            what = "重号" if heading.number_value < expected else "跳号"
            message = f"标题序号{what}：“{heading.number}”处应为第{expected}项"
            findings.append(finding(NUMBERING_GAP.code, message, heading.start, heading.end, heading.index))
        previous[key] = running[section.style] = heading.number_value
    return findings


def _numbered_parent(doc: Document, parent: str | None) -> str | None:
    """The nearest enclosing section with a numbered heading (unnumbered headings do not restart numbering)."""
    section = doc.section(parent)
    while section is not None and section.style == "plain":
        section = doc.section(section.parent)
    return section.id if section is not None else None
