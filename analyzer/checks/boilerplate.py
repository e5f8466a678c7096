"""Boilerplate (BPL1xx): stock phrases of the genre, their share of each paragraph and their density in a report.

The phrase list ships as ``analyzer/data/phrases.txt`` with its provenance. Two kinds are kept apart: ``stock``
phrases (套话: 入脑入心, 压紧压实, 浮在表面) fill a report without saying anything concrete; ``official``
formulations (规范提法: 习近平新时代中国特色社会主义思想, 两个维护) must be quoted verbatim by every report and are
never counted against it (the copy checks use the same list to exclude them). Matches inside quotation marks or
book-title marks are skipped, as proselint does: a quoted slogan is a quotation, not padding.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from analyzer.checks import Check, Finding, finding, register
from analyzer.document import Document

STOCK_DENSITY = register(
    Check(
        code="BPL101",
        name="stock-phrase-density",
        severity="warning",
        what="800字以上的报告中，套话（入脑入心、压紧压实、浮在表面……）每万字出现次数高于语料库中九成报告。",
        why="满篇套话的报告没有审核人能核实的内容，是照搬模板的标志。",
        example="切实把思想和行动统一到……上来，压紧压实责任，层层传导压力，确保各项工作落地见效。",
        instead="写清做了什么、谁做的、何时做、结果如何，例如：3月起每月通报一次各村整改进度。",
    )
)
STOCK_PARAGRAPH = register(
    Check(
        code="BPL102",
        name="stock-paragraph",
        severity="info",
        what="40字以上的段落中，套话占三分之一以上。",
        why="这样的段落放进任何报告都成立，审核人首先会在这里找实质内容。",
        example="进一步提高政治站位，切实增强责任感和使命感，以更加务实的作风推动各项工作走深走实。",
        instead="用套话所代表的事实替换套话：这项工作由谁、在何时、做到什么程度。",
    )
)

DENSITY_THRESHOLD = 105.0
"""Stock phrases per 10,000 characters above which BPL101 fires: the 90th percentile of the annotated corpus
(103 per 10,000; `tests/test_boilerplate.py` checks that at most one report in ten is above it)."""
DENSITY_MIN_CHARS = 800
"""Reports shorter than this get no density finding: in a few lines one phrase more or less swings the rate."""
PARAGRAPH_SHARE = 1 / 3
PARAGRAPH_MIN_CHARS = 40


@dataclass(frozen=True, slots=True)
class PhraseList:
    """The shipped phrases: compiled patterns for stock phrases and official formulations."""

    stock: re.Pattern[str]
    official: re.Pattern[str]
    stock_count: int
    official_count: int


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=len, reverse=True)  # longest first, so the longest match wins
    return re.compile("|".join(map(re.escape, ordered))) if ordered else re.compile(r"(?!x)x")


@functools.cache
def phrase_list() -> PhraseList:
    """The phrase list shipped in ``analyzer/data/phrases.txt`` (``phrase<TAB>kind<TAB>note``, ``#`` comments)."""
    text = resources.files("analyzer").joinpath("data/phrases.txt").read_text(encoding="utf-8")
    kinds: dict[str, list[str]] = {"stock": [], "official": []}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, _, rest = line.partition("\t")
        kind = rest.partition("\t")[0].strip()
        if phrase.strip() and kind in kinds:
            kinds[kind].append(phrase.strip())
    return PhraseList(
        stock=_pattern(kinds["stock"]),
        official=_pattern(kinds["official"]),
        stock_count=len(set(kinds["stock"])),
        official_count=len(set(kinds["official"])),
    )


_QUOTED = re.compile(r"“[^”]{0,40}”|‘[^’]{0,40}’|《[^》]{0,60}》|\"[^\"]{0,40}\"")


def stock_spans(text: str) -> list[tuple[int, int]]:
    """Spans of stock phrases in a text, skipping quotations and official formulations."""
    phrases = phrase_list()
    protected = [m.span() for m in _QUOTED.finditer(text)] + [m.span() for m in phrases.official.finditer(text)]
    spans = []
    for match in phrases.stock.finditer(text):
        start, end = match.span()
        if not any(s <= start and end <= e for s, e in protected):
            spans.append((start, end))
    return spans


def official_spans(text: str) -> list[tuple[int, int]]:
    """Spans of official formulations (规范提法) in a text."""
    return [m.span() for m in phrase_list().official.finditer(text)]


def check_boilerplate(doc: Document) -> list[Finding]:
    """Set each paragraph's ``boilerplate`` share and return the boilerplate findings."""
    findings: list[Finding] = []
    count = 0
    worst = None
    for paragraph in doc.paragraphs:
        spans = stock_spans(paragraph.text) if paragraph.kind == "body" else []
        count += len(spans)
        covered = sum(end - start for start, end in spans)
        paragraph.boilerplate = round(covered / len(paragraph.text), 4) if paragraph.text else 0.0
        if paragraph.kind == "body" and (worst is None or paragraph.boilerplate > worst.boilerplate):
            worst = paragraph
        if len(paragraph.text) >= PARAGRAPH_MIN_CHARS and paragraph.boilerplate >= PARAGRAPH_SHARE:
            phrases = "、".join(paragraph.text[s:e] for s, e in spans[:4])
            findings.append(
                finding(
                    STOCK_PARAGRAPH.code,
                    f"本段套话占 {paragraph.boilerplate:.0%}（{phrases}……），缺少具体内容",
                    paragraph.start,
                    paragraph.end,
                    paragraph.index,
                )
            )
    chars = sum(len(p.text) for p in doc.paragraphs)
    rate = count * 10000 / chars if chars else 0.0
    doc.meta["stock_phrase_density"] = round(rate, 1)
    if rate > DENSITY_THRESHOLD and chars >= DENSITY_MIN_CHARS and worst is not None:
        findings.append(
            finding(
                STOCK_DENSITY.code,
                f"全文套话密度为每万字 {rate:.0f} 处，高于语料中九成报告（阈值 {DENSITY_THRESHOLD:.0f}）",
                worst.start,
                worst.end,
                worst.index,
            )
        )
    return findings
