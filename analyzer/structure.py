"""Find the structure of a report: front matter, headings and sections, enumerated items, sentences.

`parse(text)` takes normalised text and returns a `Document` whose every element carries character offsets into
that text. It follows the numbering conventions of Chinese official writing (一、 / （一） / 1. 1、 1． / （1） / ①,
第一部分 and 第一、), and is tolerant of what real reports do: skipped numbers, full- and half-width punctuation
mixed, a level used out of order. Levels are not fixed by the marker: the outermost convention a report uses is
level 1, and a convention met inside another is nested under it.

A numbered line is a heading only when it is nothing but a heading: "（一）理论学习不深入。在……" opens a body
paragraph with a lead sentence, and a run of short numbered lines with no text under any of them is a list, not
a set of headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.document import Document, Item, Paragraph, Section

_CN_NUM = "一二三四五六七八九十"
_CN = f"[{_CN_NUM}百零〇两]"


@dataclass(frozen=True, slots=True)
class NumberStyle:
    """A numbering convention: its name, the pattern of its marker at the start of a line, and its usual depth.

    `rank` orders conventions as official writing nests them (第一部分 outside 一、 outside （一） outside 1.
    outside （1） outside ①); it decides only where a convention goes when it first appears.
    """

    name: str
    pattern: re.Pattern[str]
    rank: float


NUMBER_STYLES: tuple[NumberStyle, ...] = (
    NumberStyle("part", re.compile(rf"^第(?P<n>{_CN}+)(?:部分|章|篇|节)[、，,：:\s]*"), 0.0),
    NumberStyle("cn_comma", re.compile(rf"^(?P<n>{_CN}+)\s*[、，,．.](?!是)\s*"), 1.0),
    NumberStyle("di", re.compile(rf"^第(?P<n>{_CN}+)(?:[、，,：:]|\s+)\s*"), 1.0),
    NumberStyle("cn_paren", re.compile(rf"^[（(]\s*(?P<n>{_CN}+)\s*[）)][、，,．.]?\s*"), 2.0),
    NumberStyle("shi", re.compile(rf"^(?P<n>{_CN}{{1,3}})是(?=.{{1,30}}[：:]$)"), 2.5),
    NumberStyle("arabic", re.compile(r"^(?P<n>\d{1,3})\s*(?:[.．、](?!\d)|，)\s*"), 3.0),
    NumberStyle("arabic_paren", re.compile(r"^[（(]\s*(?P<n>\d{1,3})\s*[）)][、，,．.]?\s*"), 4.0),
    NumberStyle("arabic_rparen", re.compile(r"^(?P<n>\d{1,3})[）)]\s*"), 4.5),
    NumberStyle("circled", re.compile(r"^(?P<n>[\u2460-\u2473])\s*[、，,．.]?\s*"), 5.0),
)
_STYLE_RANK = {style.name: style.rank for style in NUMBER_STYLES} | {"plain": 0.5}
_MARKDOWN = re.compile(r"^(?P<hashes>#{1,6})\s+")

DOC_TYPES = (
    "comparison_check",
    "problem_list",
    "rectification_report",
    "self_inspection",
    "duty_report",
    "assessment_report",
    "work_report",
    "unknown",
)
"""What `parse` can guess a report to be, from its title."""

_DOC_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("comparison_check", re.compile(r"对照检查|对照检视|检视剖析|剖析材料|党性分析|发言提纲|个人检视(?!问题清单)")),
    ("problem_list", re.compile(r"问题清单|问题台账|检视清单")),
    ("rectification_report", re.compile(r"整改(?:情况|落实|工作|进展|方案|报告|措施)|整改$")),
    ("self_inspection", re.compile(r"自查|自评|自纠|自检")),
    ("duty_report", re.compile(r"述职|述责|述廉")),
    ("assessment_report", re.compile(r"评估")),
    ("work_report", re.compile(r"工作报告|工作汇报|工作总结|情况报告|情况汇报|总结|汇报|工作要点|工作计划|报告")),
)

_TERMINATORS = "。！？!?；;"
_CLAUSE_BREAK = _TERMINATORS + "：:"
_CLOSERS = "”’」』）)】》\"'"
_DATE = re.compile(
    rf"^[（(]?\s*(?:\d{{4}}|[{_CN_NUM}〇零○Ｏ]{{4}})\s*年\s*(?:\d{{1,2}}|{_CN}{{1,3}})\s*月"
    rf"(?:\s*(?:\d{{1,2}}|{_CN}{{1,3}})\s*日)?\s*[）)]?$"
)
_UNIT_SUFFIX = re.compile(
    r"(?:委员会|党委|党组|党工委|党支部|总支部?|支部|纪委|监委|纪工委|纪检组|纪检监察组|监察组|政府|人大|政协|"
    r"局|办公室|办|中心|公司|集团|医院|卫生院|学校|学院|大学|中学|小学|幼儿园|镇|乡|街道|村|社区|"
    r"部|厅|处|科|室|院|站|所|队|会|委|组)$"
)
_REPORT_WORDS = re.compile(r"报告|材料|清单|汇报|总结|方案|意见|提纲|发言|计划|台账|通报|通知")
_PLAIN_HEADING = re.compile(
    r"(?:情况|问题|不足|差距|原因|根源|措施|打算|计划|方向|建议|做法|成效|成绩|目标|要求|思路|清单|举措|"
    r"体会|经验|剖析|分析|整改|方面|背景|结论|附件|承诺|建设|思考|工作)[：:]?$"
)

_INLINE_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("shi", re.compile(rf"(?P<n>{_CN}{{1,3}})是")),
    ("di", re.compile(rf"第(?P<n>{_CN}{{1,3}})(?=是|[，,、：:])(?:是)?")),
    ("fangmian", re.compile(r"(?P<n>一方面|另一方面)(?:是)?")),
    ("cn_paren", re.compile(rf"[（(](?P<n>{_CN}{{1,3}})[）)]")),
    ("arabic_paren", re.compile(r"[（(](?P<n>\d{1,2})[）)]")),
    ("circled", re.compile(r"(?P<n>[\u2460-\u2473])")),
    ("arabic", re.compile(r"(?P<n>\d{1,2})(?:[.．、](?!\d))")),
    ("sequence", re.compile(r"(?P<n>首先|其次|再次|最后)(?=[，,、：:]|是)?")),
)
_BOUNDARY = set(_TERMINATORS + "：:，,、 \t\u3000" + _CLOSERS)
_SEQUENCE_VALUES = {"首先": 1, "其次": 2, "再次": 3, "最后": 4, "一方面": 1, "另一方面": 2}
_SENTENCE = re.compile(rf"[^。！？!?…]*(?:[。！？!?]+|…+|$)[{re.escape(_CLOSERS)}]*")


def chinese_to_int(numeral: str) -> int | None:
    """Value of a Chinese numeral up to the hundreds (十二 -> 12, 二十 -> 20, 一百零五 -> 105), or None."""
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
    digits |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total = 0
    current = 0
    for char in numeral:
        if char in digits:
            current = digits[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current or None


def _value(token: str) -> int | None:
    if token in _SEQUENCE_VALUES:
        return _SEQUENCE_VALUES[token]
    if len(token) == 1 and 0x2460 <= ord(token) <= 0x2473:
        return ord(token) - 0x2460 + 1
    if token.isdecimal():
        return int(token)
    return chinese_to_int(token)


@dataclass(slots=True)
class _Marker:
    """A numbering marker at the start of a line."""

    style: str
    text: str
    value: int
    length: int
    forced: bool = False  # a Markdown heading: a heading whatever its text


def match_number(text: str) -> _Marker | None:
    """The numbering marker a line opens with, if any.

    Example:
        >>> m = match_number("（三）制度执行不严")
        >>> (m.style, m.text, m.value)
        ('cn_paren', '（三）', 3)
    """
    forced = False
    offset = 0
    markdown = _MARKDOWN.match(text)
    if markdown:
        forced = True
        offset = markdown.end()
    rest = text[offset:]
    for style in NUMBER_STYLES:
        match = style.pattern.match(rest)
        if match:
            value = _value(match.group("n"))
            if value is None:
                continue
            if style.name == "arabic" and match.group(0).rstrip().endswith("，"):
                continue  # "1，" opens a list item in running text, not a heading number
            return _Marker(style.name, text[: offset + match.end()].rstrip(), value, offset + match.end(), forced)
    if forced:
        level = len(markdown.group("hashes"))
        return _Marker(f"md{level}", text[:offset].rstrip(), level, offset, forced)
    return None


def _is_heading_text(rest: str) -> bool:
    """Whether what follows a marker reads as a heading rather than the start of a body paragraph.

    A heading has no sentence break followed by more text (a colon may introduce a short subtitle:
    "（二）理论武装：推动学思践悟走深走实"). One that ends in 。 is a short phrase (at most 30 characters, one comma,
    no figures: "（一）认真落实党风廉政建设监督责任。"); one without a terminator may be long, but with several
    commas it must end in a section word ("……加强党的政治建设情况"), or it is a statement that lost its full stop.
    """
    rest = rest.strip()
    if not rest:
        return True
    body = rest.rstrip(_CLOSERS + " ")
    for index, char in enumerate(body):
        after = body[index + 1 :].strip(_CLAUSE_BREAK + _CLOSERS + " ")
        if char in _CLAUSE_BREAK and after:
            subtitle = len(after) <= 30 and not any(c in after for c in _CLAUSE_BREAK) and body[-1] not in _TERMINATORS
            if char in "：:" and subtitle:
                continue  # a subtitle after a colon
            return False  # a lead sentence followed by more text: a body paragraph
    commas = sum(body.count(c) for c in "，,")
    if body[-1:] in _TERMINATORS:
        return len(body) <= 30 and commas <= 1 and not any(c.isdecimal() for c in body)
    if len(body) > 120:
        return False
    return commas <= 1 or bool(_PLAIN_HEADING.search(body.rstrip("：:")))


def _is_date(text: str) -> bool:
    return bool(_DATE.match(text.replace(" ", "")))


def _is_issuer(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    if not compact or len(compact) > 30 or any(char in compact for char in _CLAUSE_BREAK + "，,"):
        return False
    if _REPORT_WORDS.search(compact):
        return False
    return bool(_UNIT_SUFFIX.search(compact)) or compact.endswith("同志") or compact.startswith(("报告人", "汇报人"))


def _looks_like_title(text: str) -> bool:
    body = text.rstrip(_CLOSERS + " ")
    return 0 < len(body) <= 80 and not any(char in body for char in _TERMINATORS) and not body.endswith(("：", ":"))


def guess_doc_type(title: str | None) -> str:
    """Guess the genre of a report from its title.

    Example:
        >>> guess_doc_type("2023年乡镇纪委教育整顿检视整治自查报告")
        'self_inspection'
    """
    if not title:
        return "unknown"
    for name, pattern in _DOC_TYPE_RULES:
        if pattern.search(title):
            return name
    return "unknown"


def split_paragraphs(text: str) -> list[Paragraph]:
    """One `Paragraph` per non-blank line, stripped of surrounding white space, with its offsets."""
    paragraphs: list[Paragraph] = []
    position = 0
    for line_number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped:
            start = position + (len(line) - len(line.lstrip()))
            paragraphs.append(
                Paragraph(
                    index=len(paragraphs), start=start, end=start + len(stripped), text=stripped, line=line_number
                )
            )
        position += len(line) + 1
    return paragraphs


def parse(
    text: str, *, source: str = "<text>", meta: dict | None = None, outline: dict[int, int] | None = None
) -> Document:
    """Find the structure of normalised text.

    Args:
        text: Normalised text (see `analyzer.normalize.normalize`), one paragraph per line.
        source: The path or name to record.
        meta: What reading found, kept on the document.
        outline: {line index (from 0): outline level} of lines the source marks as headings (Word heading
            styles); they are headings whatever their text, nested by level.

    Returns:
        The document with paragraphs, sections, items and sentences; roles and categories unset.

    Example:
        >>> doc = parse("XX镇自查报告\\n一、存在问题\\n（一）学习不深入。有的干部以干代学。")
        >>> [(p.kind, p.section) for p in doc.paragraphs]
        [('title', None), ('heading', 's0'), ('body', 's0')]
    """
    paragraphs = split_paragraphs(text)
    markers = [match_number(paragraph.text) for paragraph in paragraphs]
    for index, paragraph in enumerate(paragraphs):
        level = (outline or {}).get(paragraph.line - 1)
        if level is not None:
            marker = markers[index]
            if marker is None:
                markers[index] = _Marker(f"md{level}", "", level, 0, forced=True)
            else:
                marker.forced = True
    for paragraph, marker in zip(paragraphs, markers, strict=True):
        if marker is not None and not marker.style.startswith("md"):
            paragraph.number = marker.text
            paragraph.number_style = marker.style
            paragraph.number_value = marker.value
    front_end = _mark_front_matter(paragraphs, markers)
    back_start = _mark_closing_matter(paragraphs, front_end)
    heading_levels = _find_headings(paragraphs, markers, front_end, back_start)
    sections = _build_sections(paragraphs, markers, heading_levels, back_start)
    for paragraph in paragraphs:
        paragraph.sentences = find_sentences(paragraph.text, paragraph.start)
        if paragraph.kind == "body":
            paragraph.items = find_items(paragraph.text, paragraph.start)
            if paragraph.number is None:
                _mark_lead_enumerator(paragraph)
    title_lines = [p.text for p in paragraphs[:front_end] if p.kind == "title"]
    title = "".join(title_lines) or None
    return Document(
        text=text,
        source=source,
        paragraphs=paragraphs,
        sections=sections,
        title=title,
        doc_type=guess_doc_type(title),
        meta=dict(meta or {}),
    )


_LEAD_ENUMERATOR = re.compile(
    rf"^(?:(?P<shi>{_CN}{{1,3}})是|第(?P<di>{_CN}{{1,3}})(?:是|[，,、：:])|(?P<seq>首先|其次|再次|最后)[，,：:]|(?P<fm>一方面|另一方面))"
)


def _mark_lead_enumerator(paragraph: Paragraph) -> None:
    """Record an enumerator such as 一是 or 第二， that opens a body paragraph as the paragraph's number.

    Reports often give each point of a list its own paragraph ("一是理论学习不深入。……", "二是……"); the
    enumerator then numbers the paragraph's single item.
    """
    if paragraph.items and paragraph.items[0].marker_start == paragraph.start:
        return  # the paragraph enumerates inside, from its first character
    match = _LEAD_ENUMERATOR.match(paragraph.text)
    if match is None:
        return
    style, token = next((name, value) for name, value in match.groupdict().items() if value)
    value = _value(token)
    if value is None:
        return
    paragraph.number = match.group(0)
    paragraph.number_style = {"shi": "shi", "di": "di", "seq": "sequence", "fm": "fangmian"}[style]
    paragraph.number_value = value


_DOC_NUMBER = re.compile(r"^\S{1,20}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,4}\s*号$")
_BYLINE_WORDS = re.compile(r"姓名|单位|职务|报告人|汇报人|发言人")
_SALUTATION = re.compile(r"同志们|代表|各位|领导")


def _is_byline(text: str) -> bool:
    """An author line under the title: "县农业农村局党组成员、副局长  王建国", "周海峰", "姓名：谢雨桐  单位：……"."""
    body = text.strip()
    if len(body) > 60 or any(char in body for char in _TERMINATORS) or body.endswith(("：", ":")):
        return False
    if _BYLINE_WORDS.search(body) or re.search(r"\S\s+\S", body):
        return True
    if _PLAIN_HEADING.search(body):
        return False
    return 2 <= len(body) <= 4 and all("\u4e00" <= char <= "\u9fff" or char in "X×*" for char in body)


def _is_salutation(text: str) -> bool:
    """The line that addresses the recipients: "县委巡察工作领导小组办公室：", "各位代表、同志们："."""
    body = text.rstrip()
    if not body.endswith(("：", ":")) or len(body) > 40:
        return False
    body = body.rstrip("：: ")
    return bool(_SALUTATION.search(body)) or all(_UNIT_SUFFIX.search(part) for part in re.split(r"[、，,]", body))


def _mark_front_matter(paragraphs: list[Paragraph], markers: list[_Marker | None]) -> int:
    """Mark title, issuer, document-number and date lines at the top; return the index of the first line after them."""
    index = 0
    title_lines = 0
    while index < len(paragraphs) and index < 8:
        paragraph = paragraphs[index]
        text = paragraph.text
        marker = markers[index]
        if marker is not None and (index > 0 or not marker.style.startswith("md1")):
            break
        if _is_date(text):
            paragraph.kind = "date"
        elif _DOC_NUMBER.match(text):
            paragraph.kind = "doc_number"
        elif index > 0 and _is_issuer(text):
            paragraph.kind = "issuer"
        elif _looks_like_title(text) and (title_lines == 0 or _continues_title(paragraphs[index - 1].text, text)):
            paragraph.kind = "title"
            title_lines += 1
        elif index == 0 and _is_issuer(text):
            paragraph.kind = "issuer"
        elif title_lines and _is_byline(text):
            paragraph.kind = "issuer"
        else:
            break
        index += 1
    return index


def _continues_title(previous: str, text: str) -> bool:
    """Whether a second short line continues the title (a two-line title or a subtitle)."""
    if text.startswith(("——", "—", "--", "关于", "的")) or previous.endswith(("关于", "的", "和", "暨")):
        return True
    if text.startswith(("（", "(")) and text.endswith(("）", ")")):
        return True
    return bool(_REPORT_WORDS.search(text)) and not _REPORT_WORDS.search(previous)


def _mark_closing_matter(paragraphs: list[Paragraph], front_end: int) -> int:
    """Mark the issuer and date lines that sign off a report; return the index where they start."""
    index = len(paragraphs)
    while index - 1 >= front_end and len(paragraphs) - index < 4:
        paragraph = paragraphs[index - 1]
        if paragraph.number is not None:
            break
        if _is_date(paragraph.text):
            paragraph.kind = "date"
        elif _is_issuer(paragraph.text) and any(p.kind == "date" for p in paragraphs[index:]):
            paragraph.kind = "issuer"
        elif _is_issuer(paragraph.text) and index == len(paragraphs) and len(paragraph.text) <= 20:
            paragraph.kind = "issuer"
        else:
            break
        index -= 1
    return index


def _find_headings(
    paragraphs: list[Paragraph], markers: list[_Marker | None], front_end: int, back_start: int
) -> dict[int, tuple[int, str]]:
    """Decide which lines are headings and give each a level: {paragraph index: (level, style)}."""
    candidates: dict[int, str] = {}
    for index in range(front_end, back_start):
        paragraph = paragraphs[index]
        marker = markers[index]
        if marker is not None:
            if marker.forced or _is_heading_text(paragraph.text[marker.length :]):
                candidates[index] = marker.style
        elif (
            index + 1 < back_start
            and not _is_salutation(paragraph.text)
            and not _is_date(paragraph.text)
            and (_is_plain_heading(paragraph.text) or _is_short_heading(paragraphs, index, back_start))
        ):
            candidates[index] = "plain"
    _demote_sentence_siblings(paragraphs, markers, candidates, front_end, back_start)
    levels = _assign_levels(candidates)
    outermost = min((_STYLE_RANK.get(style, 0.0) for style in candidates.values()), default=0.0)
    _demote_lists(paragraphs, markers, candidates, levels, back_start, outermost)
    levels = _assign_levels(candidates)
    for index in candidates:
        paragraphs[index].kind = "heading"
    return {index: (levels[index], candidates[index]) for index in candidates}


def _demote_sentence_siblings(
    paragraphs: list[Paragraph],
    markers: list[_Marker | None],
    candidates: dict[int, str],
    front_end: int,
    back_start: int,
) -> None:
    """A short numbered sentence is a list item, not a heading, when most of its siblings are body paragraphs.

    Siblings are the lines numbered in the same convention between two headings of a shallower one: in
    "1.财务报销制度执行走样，个别单据缺少经办人签字。 2.三重一大事项有2次未经集体研究。" the second is plainly a
    statement, so the first is one too.
    """
    groups: dict[str, list[int]] = {}
    finished: list[list[int]] = []
    for index in range(front_end, back_start):
        marker = markers[index]
        if marker is None or marker.forced:
            continue
        if index in candidates:
            rank = _rank(marker.style)
            for style in [style for style in groups if _rank(style) > rank]:
                finished.append(groups.pop(style))
        groups.setdefault(marker.style, []).append(index)
    finished.extend(groups.values())
    for group in finished:
        bodies = sum(1 for index in group if index not in candidates)
        if bodies and 2 * bodies >= len(group):
            for index in group:
                if index in candidates and paragraphs[index].text.rstrip(_CLOSERS)[-1:] in _TERMINATORS:
                    del candidates[index]


_LEAD_IN = re.compile(r"以下|如下|下列|主要有|主要是|表现在|体现在|汇报|报告")


def _is_plain_heading(text: str) -> bool:
    """An unnumbered line that names a section.

    Either short with a section word at its end (存在的问题, 整改措施：, 加强自身建设), a short label ending in a
    colon (一年来主要做法：), or a 关于 line (关于学习贯彻党的创新理论：). Lead-in lines that introduce a list
    ("主要有以下几个方面的原因：") are not headings.
    """
    body = text.rstrip("：: ")
    if not body or any(char in body for char in _CLAUSE_BREAK) or _LEAD_IN.search(body):
        return False
    if body.startswith("关于") and len(body) <= 40:
        return True
    if len(body) > 16 or any(char in body for char in "，,、"):
        return len(body) <= 24 and text.rstrip().endswith(("：", ":")) and "，" not in body
    return bool(_PLAIN_HEADING.search(body)) or text.rstrip().endswith(("：", ":"))


def _is_short_heading(paragraphs: list[Paragraph], index: int, back_start: int) -> bool:
    """A short unnumbered line standing between body paragraphs, as a heading stands ("持之以恒正风肃纪")."""
    text = paragraphs[index].text
    if len(text) > 20 or any(char in text for char in _CLAUSE_BREAK) or sum(text.count(c) for c in "，,") > 1:
        return False
    if index + 1 >= back_start or text.startswith(("“", '"', "特此", "妥否")):
        return False
    following = paragraphs[index + 1]
    return following.number is None and len(following.text) >= 40 and following.text[-1:] in _TERMINATORS


def _assign_levels(candidates: dict[int, str]) -> dict[int, int]:
    """Levels from the order in which conventions appear, inserted by their usual depth where they first appear."""
    stack: list[str] = []
    levels: dict[int, int] = {}
    for index in sorted(candidates):
        style = candidates[index]
        if style in stack:
            del stack[stack.index(style) + 1 :]
        else:
            rank = _rank(style)
            while stack and _rank(stack[-1]) >= rank:
                stack.pop()
            stack.append(style)
        levels[index] = len(stack)
    return levels


def _rank(style: str) -> float:
    if style.startswith("md"):
        return (int(style[2:]) - 1) * 0.01 - 1.0  # Markdown headings sit outside any numbering
    return _STYLE_RANK.get(style, 9.0)


def _demote_lists(
    paragraphs: list[Paragraph],
    markers: list[_Marker | None],
    candidates: dict[int, str],
    levels: dict[int, int],
    back_start: int,
    outermost: float,
) -> None:
    """Turn runs of adjacent same-style short numbered lines with nothing under any of them into list items."""
    ordered = sorted(candidates)
    position = 0
    while position < len(ordered):
        index = ordered[position]
        style = candidates[index]
        run = [index]
        while run[-1] + 1 in candidates and candidates[run[-1] + 1] == style:
            run.append(run[-1] + 1)
        position += len(run)
        if len(run) < 2 or _rank(style) <= outermost or markers[index] is None or markers[index].forced:
            continue
        if not any(_has_body(paragraphs, markers, candidates, levels, member, back_start) for member in run):
            for member in run:
                del candidates[member]


def _has_body(
    paragraphs: list[Paragraph],
    markers: list[_Marker | None],
    candidates: dict[int, str],
    levels: dict[int, int],
    index: int,
    back_start: int,
) -> bool:
    """Whether the line after a candidate heading is text under it (body, or a deeper heading)."""
    following = index + 1
    if following >= back_start:
        return False
    if following not in candidates:
        return markers[following] is None or markers[following].style != candidates[index]
    return levels[following] > levels[index]


def _build_sections(
    paragraphs: list[Paragraph],
    markers: list[_Marker | None],
    headings: dict[int, tuple[int, str]],
    back_start: int,
) -> list[Section]:
    """Sections from the headings; every paragraph gets the id of its innermost section."""
    sections: list[Section] = []
    open_sections: list[Section] = []
    for paragraph in paragraphs:
        index = paragraph.index
        if index >= back_start:
            break
        if index in headings:
            level, style = headings[index]
            while open_sections and open_sections[-1].level >= level:
                open_sections.pop()
            marker = markers[index]
            title = paragraph.text[marker.length :].strip() if marker else paragraph.text
            section = Section(
                index=len(sections),
                level=level,
                number=marker.text if marker and not marker.style.startswith("md") else None,
                style=style,
                title=title.rstrip("：:") or paragraph.text,
                paragraph=index,
                start=paragraph.start,
                end=paragraph.end,
                parent=open_sections[-1].id if open_sections else None,
            )
            sections.append(section)
            open_sections.append(section)
        if open_sections:
            paragraph.section = open_sections[-1].id
            for section in open_sections:
                section.end = paragraph.end
    return sections


def find_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans in a paragraph: each ends after 。！？ (or an ellipsis) and any closing quotes.

    Example:
        >>> find_sentences("学习不深。落实“不够”！")
        [(0, 5), (5, 12)]
    """
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((offset + start, offset + end))
    return spans


def find_items(text: str, offset: int = 0) -> list[Item]:
    """Enumerated items inside a paragraph: 一是…二是…, 第一…第二…, （1）…, ①…, 1.…, 首先…其次…最后.

    Only a run of markers of one convention counted from its first value (一, 1, ①, 首先) is an enumeration, so
    "第一种形态" or "最后一公里" are not taken for markers. An item runs from just after its marker to just
    before the next marker of its run, or the end of the paragraph; an enumeration inside an item is nested.

    Example:
        >>> [text[i.start:i.end] for text in ["查摆问题：一是学习不够；二是作风不实。"] for i in find_items(text)]
        ['学习不够；', '作风不实。']
    """
    runs = []
    for style, pattern in _INLINE_MARKERS:
        found = []
        for match in pattern.finditer(text):
            start = match.start()
            if start > 0 and text[start - 1] not in _BOUNDARY and style != "circled":
                continue
            if style == "shi" and start > 0 and text[start - 1] in _CN_NUM:
                continue
            value = _value(match.group("n"))
            if value is not None:
                found.append((start, match.end(), value, match.group(0)))
        run = _longest_run(found, style)
        if len(run) >= 2:
            runs.append((style, run))
    if not runs:
        return []
    runs.sort(key=lambda entry: entry[1][0][0])
    primary_style, primary = runs[0]
    items = _items_from_run(primary, primary_style, text, offset, len(text))
    for style, run in runs[1:]:
        for item in items:
            inside = [m for m in run if item.start - offset <= m[0] and m[1] <= item.end - offset]
            if len(inside) == len(run):
                item.children = _items_from_run(run, style, text, offset, item.end - offset)
                break
    return items


def _longest_run(found: list[tuple[int, int, int, str]], style: str) -> list[tuple[int, int, int, str]]:
    """The longest chain of markers counted up from the first value, tolerating one skipped number."""
    best: list[tuple[int, int, int, str]] = []
    for first, marker in enumerate(found):
        if marker[2] != 1:
            continue
        chain = [marker]
        for candidate in found[first + 1 :]:
            step = candidate[2] - chain[-1][2]
            if style == "sequence" and candidate[3].startswith("最后") and chain[-1][2] >= 2:
                chain.append(candidate)
                break
            if 1 <= step <= 2 and candidate[0] >= chain[-1][1]:
                chain.append(candidate)
        if len(chain) > len(best):
            best = chain
    if style == "sequence" and best and best[0][3].startswith("首先") and len(best) >= 2 and best[1][2] != 2:
        return []
    return best


def _items_from_run(run: list[tuple[int, int, int, str]], style: str, text: str, offset: int, limit: int) -> list[Item]:
    items = []
    for position, (start, end, value, marker) in enumerate(run):
        stop = run[position + 1][0] if position + 1 < len(run) else limit
        item_end = stop
        while item_end > end and text[item_end - 1].isspace():
            item_end -= 1
        items.append(
            Item(
                start=offset + end,
                end=offset + item_end,
                marker=marker,
                marker_start=offset + start,
                style=style,
                value=value,
            )
        )
    return items
