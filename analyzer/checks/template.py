"""Template residue (TPL): placeholders left from a downloaded template, scrape artefacts, and a year that
contradicts the report's own. (Another unit's name left in is not checked yet: without telling place names from
the words before 镇 or 县, a first version flagged 协助镇党委 and cried wolf on 51 of 111 corpus reports.)

`某村`, `某同志` are ordinary Chinese and never flagged; neither is Markdown emphasis (`**加粗**`).
"""

from __future__ import annotations

import re

from analyzer.checks import Check, Finding, finding, register
from analyzer.document import Document

PLACEHOLDER = register(
    Check(
        code="TPL001",
        name="template-placeholder",
        severity="error",
        what="A placeholder left from a template: XX镇, XXX同志, ××, **镇, *月*日, XX项, X月, 202X年, ____, "
        "（单位名称）.",
        why="A report that still holds its template's blanks was downloaded and not written; reviewers reject it.",
        example="*月*日，XX镇纪委认真组织学习了《工作方案》。",
        instead="3月12日，青石镇纪委认真组织学习了《工作方案》。",
    )
)
SCRAPE_ARTEFACT = register(
    Check(
        code="TPL002",
        name="scrape-artefact",
        severity="warning",
        what="Residue of a document-sharing site: ##paidbegin## markers (removed from the text and recorded where "
        "they were), 本文来源/免费下载/原创力文档/百度文库 lines.",
        why="Such residue proves the text was copied from a website rather than written for this report.",
        example="##paidbegin##（1）对习近平新时代中国特色社会主义思想……",
        instead="Write the report yourself; if a passage is quoted, quote it and name the source.",
    )
)
YEAR_MISMATCH = register(
    Check(
        code="TPL003",
        name="year-mismatch",
        severity="warning",
        what="A year later than the year after the report's own (from its title or date line), outside a long-range "
        "target (到2035年).",
        why="Years that do not fit the report usually come from the template or an earlier report it was copied from.",
        example="2023年工作报告 … 2026年工作计划",
        instead="Use the report's own years: 2023年的工作，2024年的计划.",
    )
)
_PLACEHOLDERS = re.compile(
    r"X{2,}|×{2,}|Ｘ{2,}|"  # XX镇, XXX同志, ××, full-width ＸＸ
    r"(?<![A-Za-z])X(?=[年月日号项个名次件人条期届部镇乡村县市区])|"  # X月, X项 (a lone X before a counter)
    r"\d{2,3}X(?=年)|"  # 202X年
    r"(?<!\*)\*{1,4}(?=[年月日号项个名次件人条期镇乡村县市区局委])|"  # **镇, *月*日, ****年
    r"_{3,}|＿{2,}|"  # blanks to fill in
    r"[（(【\[](?:单位名称|单位|姓名|填写[^）)】\]]{0,6}|此处[^）)】\]]{0,6}|某某)[）)】\]]"
)
_SCRAPE_LINES = re.compile(
    r"本文来源|免费下载|下载本文|原创力文档|百度文库|豆丁网|道客巴巴|点击(?:查看|阅读|下载)|VIP专享"
)
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?=年)")
_RANGE_BEFORE = re.compile(r"(?:到|至|~|～|—|-|－|远景|展望)\s*$")


def check_template(doc: Document) -> list[Finding]:
    """Template-residue findings of a document, in document order."""
    findings: list[Finding] = []
    for paragraph in doc.paragraphs:
        for match in _PLACEHOLDERS.finditer(paragraph.text):
            start = paragraph.start + match.start()
            findings.append(
                finding(
                    PLACEHOLDER.code,
                    f"模板占位符未替换：“{paragraph.text[match.start() : match.end() + 1]}”",
                    start,
                    start + len(match.group()),
                    paragraph.index,
                )
            )
        scrape = _SCRAPE_LINES.search(paragraph.text)
        if scrape:
            findings.append(
                finding(
                    SCRAPE_ARTEFACT.code,
                    f"网站抓取残留：“{scrape.group()}”",
                    paragraph.start + scrape.start(),
                    paragraph.start + scrape.end(),
                    paragraph.index,
                )
            )
    for artefact in doc.meta.get("artefacts", []):
        where = _paragraph_at(doc, artefact["start"])
        findings.append(
            finding(
                SCRAPE_ARTEFACT.code,
                f"网站抓取标记 {artefact['text']!r} 已从正文中去除（原位置）",
                artefact["start"],
                artefact["start"],
                where,
            )
        )
    findings += _year_findings(doc)
    return sorted(findings, key=lambda f: (f.start, f.code))


def report_year(doc: Document) -> int | None:
    """The report's own year: from its title, else from a date line, else None."""
    title_years = [int(y) for y in _YEAR.findall(doc.title or "")]
    if title_years:
        return max(title_years)
    for paragraph in doc.paragraphs:
        if paragraph.kind == "date":
            years = _YEAR.findall(paragraph.text)
            if years:
                return int(years[0])
    return None


def _year_findings(doc: Document) -> list[Finding]:
    year = report_year(doc)
    if year is None:
        return []
    found = []
    for paragraph in doc.paragraphs:
        if paragraph.kind in ("title", "date"):
            continue
        for match in _YEAR.finditer(paragraph.text):
            mentioned = int(match.group(1))
            if mentioned > year + 1 and not _RANGE_BEFORE.search(
                paragraph.text[max(0, match.start() - 3) : match.start()]
            ):
                start = paragraph.start + match.start()
                found.append(
                    finding(
                        YEAR_MISMATCH.code,
                        f"出现{mentioned}年，与报告年份{year}年不符",
                        start,
                        start + 4,
                        paragraph.index,
                    )
                )
    return found


def _paragraph_at(doc: Document, offset: int) -> int | None:
    for paragraph in doc.paragraphs:
        if paragraph.start <= offset <= paragraph.end:
            return paragraph.index
    return None
