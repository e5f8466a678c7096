"""Copying (CPY): passages of a report found in another report of the same run, with the source and its span."""

from __future__ import annotations

import numpy as np

from analyzer.checks import Check, Finding, finding, register
from analyzer.copying import CopyResult, union_length, visible_length
from analyzer.document import Document

COPIED_PASSAGE = register(
    Check(
        code="CPY001",
        name="copied-passage",
        severity="warning",
        what="一段13个字以上（不计标点、空格、数字和占位符）的文字也出现在另一份报告中，且两份报告共有此类文字20"
        "0字以上；规范提法和本批多数报告共有的文字不计入。",
        why="照抄邻近单位的报告、只改名称，是报告“不是自己写的”最常见的形式。",
        example="柳河镇：镇纪委全年组织集中学习9次，其中有3次只是传达文件，没有结合本镇信访积案开展研讨。",
        instead="用本单位的事实来写；引用他人材料时注明出处。",
    )
)

_SPACES = np.array([code for code in range(0x3001) if chr(code).isspace()], dtype=np.uint32)
"""Every white-space code point (none lies above U+3000)."""

PAIR_FLAG_CHARS = 200
"""Shared characters from which a pair of reports counts as copying (see bench/bench_copying.py)."""


def apply_copies(
    docs: dict[str, Document], result: CopyResult, sources: dict[str, Document] | None = None
) -> dict[str, list[Finding]]:
    """Set each paragraph's ``copied`` share and the documents' copy ratios; return CPY findings per document.

    Args:
        docs: The documents to report on.
        result: What `analyzer.copying.find_copies` found among them (and any reference documents).
        sources: Reference documents that may be named as sources (from the library), besides `docs`.
    """
    known = {**(sources or {}), **docs}
    findings: dict[str, list[Finding]] = {}
    for name, doc in docs.items():
        spans = result.spans.get(name, [])
        copied = np.zeros(len(doc.text) + 1, dtype=np.int64)  # +1 where a span starts, -1 where it ends
        for span in spans:
            copied[span.start] += 1
            copied[span.end] -= 1
        inside = np.concatenate(([0], np.cumsum(copied[:-1]) > 0)).cumsum()  # copied characters before each offset
        for paragraph in doc.paragraphs:
            share = (inside[paragraph.end] - inside[paragraph.start]) / len(paragraph.text) if paragraph.text else 0.0
            paragraph.copied = round(float(share), 4)
        doc.meta["copy_ratio"] = round(result.ratio(name), 4)
        doc.meta["copy_ratio_excluding_stock"] = round(_ratio_without_stock(doc, spans), 4)
        doc.meta["section_copy_ratios"] = {
            section.id: round(_share(doc, spans, section.start, section.end), 4) for section in doc.sections
        }
        doc.meta["copy_sources"] = {
            source: round(ratio, 4) for source, ratio in sorted(result.source_ratios(name).items(), key=lambda x: -x[1])
        }
        found = []
        for span in spans:
            key = (name, span.source) if name < span.source else (span.source, name)
            if result.shared.get(key, 0) < PAIR_FLAG_CHARS:
                continue
            source = known[span.source]
            line = source.line_col(span.source_start)[0]
            where = doc.paragraph_at(span.start)
            found.append(
                finding(
                    COPIED_PASSAGE.code,
                    f"与《{source.title or span.source}》第{line}行起的文字相同（{span.end - span.start}字）",
                    span.start,
                    span.end,
                    where,
                    source=span.source,
                    source_start=span.source_start,
                    source_end=span.source_end,
                )
            )
        findings[name] = found
    return findings


def _share(doc: Document, spans: list, start: int, end: int) -> float:
    """Share of the characters (white space aside) between start and end that copied spans cover."""
    covered = union_length([(max(s.start, start), min(s.end, end)) for s in spans if s.start < end and s.end > start])
    total = visible_length(doc.text[start:end])
    return min(covered / total, 1.0) if total else 0.0


def _ratio_without_stock(doc: Document, spans: list) -> float:
    """The copy ratio with stock phrases and official formulations taken out of both the copied text and the whole
    (去除套话复制比)."""
    from analyzer.checks.boilerplate import official_spans, stock_spans

    if not spans:
        return 0.0
    stock = np.zeros(len(doc.text) + 1, dtype=bool)
    for paragraph in doc.paragraphs:
        for s, e in stock_spans(paragraph.text) + official_spans(paragraph.text):
            stock[paragraph.start + s : paragraph.start + e] = True
    copied = np.zeros(len(doc.text) + 1, dtype=bool)
    for span in spans:
        copied[span.start : span.end] = True
    codes = np.frombuffer(doc.text.encode("utf-32-le"), dtype=np.uint32)
    visible = np.append(~np.isin(codes, _SPACES), False)
    total = int((visible & ~stock).sum())
    return float((visible & ~stock & copied).sum()) / total if total else 0.0
