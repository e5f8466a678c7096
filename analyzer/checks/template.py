"""Template residue (TPL): placeholders left from a downloaded template, scrape artefacts, a year that contradicts
the report's own, and another unit's name left in.

A unit's name is told from the words before 镇/乡/街道/县/区 by part of speech: ``柳河 镇纪委`` names a town, ``协助
镇党委`` and ``减少 镇纪委`` do not (a first version without tags flagged 协助镇党委 and cried wolf on 51 of 111 corpus
reports). The report's own units are those its title, issuer and document number name; a body that names another
unit of the same level with one of its bodies (党委, 纪委, 政府…) is the residue of a copy with the names changed.

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
        what="模板占位符未替换：XX镇、XXX同志、××、**镇、*月*日、XX项、X月、202X年、____、（单位名称）。",
        why="仍留着模板空位的报告是下载而非撰写的，审核时会被退回。",
        example="*月*日，XX镇纪委认真组织学习了《工作方案》。",
        instead="3月12日，青石镇纪委认真组织学习了《工作方案》。",
    )
)
SCRAPE_ARTEFACT = register(
    Check(
        code="TPL002",
        name="scrape-artefact",
        severity="warning",
        what="文库网站的抓取残留：##paidbegin## 等标记（已从正文去除并记录原位置），以及“本文来源”“免费下载”“原"
        "创力文档”“百度文库”等字样。",
        why="这些残留说明文字是从网站复制来的，而不是为本报告撰写的。",
        example="##paidbegin##（1）对习近平新时代中国特色社会主义思想……",
        instead="自己撰写报告；确需引用的，加引号并注明出处。",
    )
)
YEAR_MISMATCH = register(
    Check(
        code="TPL003",
        name="year-mismatch",
        severity="warning",
        what="出现晚于报告所属年份次年的年份（报告年份取自标题或日期行），“到2035年”一类远景目标除外。",
        why="与报告不符的年份通常来自模板或被抄袭的往年报告。",
        example="2023年工作报告 … 2026年工作计划",
        instead="使用本报告的年份：2023年的工作，2024年的计划。",
    )
)
OTHER_UNIT = register(
    Check(
        code="TPL004",
        name="other-unit-name",
        severity="warning",
        what="正文中出现与本报告单位同级的另一个单位名称及其机构（如本报告是柳河镇的，正文却写“青石镇党委”）；本单位取"
        "自标题、署名和文号。",
        why="照抄邻近单位的报告、只替换了大部分名称时，漏改的名称是最直接的证据。",
        example="柳河镇纪委2023年工作报告 … 在青石镇党委的坚强领导下，镇纪委全年……",
        instead="在柳河镇党委的坚强领导下，镇纪委全年……",
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
        where = doc.paragraph_at(artefact["start"])
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
    findings += _other_unit_findings(doc)
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


_UNIT_LEVELS = ("街道", "镇", "乡", "县", "区")
_UNIT_BODY = re.compile(
    r"(?:街道|镇|乡|县|区)(?:党委|纪委|政府|人大|党工委|办事处|纪检监察|人民政府|监委|委员会|纪工委)"
)
_BODY_AFTER = re.compile(r"(?:党委|纪委|政府|人大|党工委|办事处|纪检监察|人民政府|监委|委员会|纪工委)")
_NAME_TAGS = frozenset({"ns", "nr", "nz", "n"})
_NOT_NAMES = frozenset(
    {"代表", "全体", "各级", "基层", "有关", "相关", "上级", "所在", "当地", "本级", "全市", "全县", "全区"}
)


def unit_names(text: str) -> list[tuple[str, str, int]]:
    """Units a text names with one of their bodies: (name, level, offset), e.g. ``("柳河", "镇", 3)`` in
    ``在县纪委和柳河镇党委``.

    >>> unit_names("在青石镇党委的领导下，协助镇党委做好工作，石门乡党委书记")
    [('青石', '镇', 1), ('石门', '乡', 21)]
    """
    from analyzer.segment import get_segmenter

    if not _UNIT_BODY.search(text):
        return []
    words = get_segmenter().tag(text)
    offsets = [0]
    for word, _ in words:
        offsets.append(offsets[-1] + len(word))
    found = []
    for index, (word, tag) in enumerate(words):
        after = "".join(w for w, _ in words[index + 1 : index + 3])
        for level in _UNIT_LEVELS:
            name = word[: -len(level)]
            if word.endswith(level) and len(name) >= 2 and tag in _NAME_TAGS and _BODY_AFTER.match(after):
                found.append((name, level, offsets[index]))
                break
            if word.startswith(level) and index and _BODY_AFTER.match(word[len(level) :] + after):
                previous, previous_tag = words[index - 1]
                if previous_tag in _NAME_TAGS and 2 <= len(previous) <= 3 and previous not in _NOT_NAMES:
                    found.append((previous, level, offsets[index - 1]))
                break
    return found


def _other_unit_findings(doc: Document) -> list[Finding]:
    front = [p for p in doc.paragraphs if p.kind in ("title", "issuer", "doc_number")]
    own = {(name, level) for p in front for name, level, _ in unit_names(p.text)}
    if not own:
        return []
    levels = {level for _, level in own}
    names = {name for name, _ in own}
    shown = "、".join(sorted(f"{name}{level}" for name, level in own))
    found = []
    for paragraph in doc.paragraphs:
        if paragraph.kind not in ("body", "heading"):
            continue
        for name, level, offset in unit_names(paragraph.text):
            if level in levels and name not in names:
                start = paragraph.start + offset
                message = f"出现另一单位“{name}{level}”，而本报告是{shown}的"
                found.append(finding(OTHER_UNIT.code, message, start, start + len(name) + len(level), paragraph.index))
    return found
