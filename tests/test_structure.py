"""Structure: numbering, headings versus lead paragraphs, levels, front matter, items, sentences, doc types."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOLDEN, REPORT, seed_paths
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.engine import load
from analyzer.report import render_outline
from analyzer.structure import find_items, find_sentences, guess_doc_type, match_number, parse


@pytest.mark.parametrize(
    ("line", "style", "value"),
    [
        ("一、基本情况", "cn_comma", 1),
        ("十二、其他", "cn_comma", 12),
        ("二十一、其他", "cn_comma", 21),
        ("一．基本情况", "cn_comma", 1),
        ("（三）制度建设", "cn_paren", 3),
        ("(三)制度建设", "cn_paren", 3),
        ("1．学习", "arabic", 1),
        ("1、学习", "arabic", 1),
        ("12.学习", "arabic", 12),
        ("（2）学习", "arabic_paren", 2),
        ("(2)学习", "arabic_paren", 2),
        ("3）学习", "arabic_rparen", 3),
        ("④学习", "circled", 4),
        ("第一部分 总体情况", "part", 1),
        ("第三章 附则", "part", 3),
        ("第二、加强学习", "di", 2),
        ("## 一、存在问题", "cn_comma", 1),
    ],
)
def test_numbering_styles(line: str, style: str, value: int) -> None:
    marker = match_number(line)
    assert marker is not None
    assert (marker.style, marker.value) == (style, value)


@pytest.mark.parametrize(
    "line", ["一是学习不够", "2022年工作", "1.5万元资金", "第一书记", "第一种形态", "一方面要", "某村"]
)
def test_not_numbering(line: str) -> None:
    assert match_number(line) is None


@pytest.mark.parametrize(
    ("line", "is_heading"),
    [
        ("（一）落实党风廉政建设情况", True),
        ("（四）加强作风建设，持之以恒纠“四风”。", True),
        ("二、存在的问题：", True),
        ("（一）理论学习不深入。有的干部把记笔记当学习。", False),
        ("（二）派驻纪检监察组基本情况。全县共设立10个派驻组。", False),
        ("1.整改措施：每月集中学习一次。", False),
    ],
)
def test_headings_told_apart_from_lead_paragraphs(line: str, is_heading: bool) -> None:
    doc = parse(f"报告\n{line}\n这是正文，写了一些内容。")
    assert doc.paragraphs[1].is_heading is is_heading


def _levels(text: str) -> list[tuple[str, int]]:
    doc = parse(text)
    return [(doc.paragraphs[s.paragraph].text, s.level) for s in doc.sections]


def test_levels_follow_the_numbering() -> None:
    text = "标题报告\n一、甲\n（一）乙\n1.丙\n正文。\n（1）丁\n正文。\n（二）戊\n正文。\n二、己\n正文。"
    assert _levels(text) == [
        ("一、甲", 1),
        ("（一）乙", 2),
        ("1.丙", 3),
        ("（1）丁", 4),
        ("（二）戊", 2),
        ("二、己", 1),
    ]


def test_levels_tolerate_mixed_width_skips_and_disorder() -> None:
    text = "标题报告\n(一)甲\n正文。\n（三）乙\n1、丙\n正文。\n2．丁\n正文。\n一、戊\n正文。\n（一）己\n正文。"
    assert _levels(text) == [("(一)甲", 1), ("（三）乙", 1), ("1、丙", 2), ("2．丁", 2), ("一、戊", 1), ("（一）己", 2)]


def test_level_used_out_of_order_nests_where_it_appears() -> None:
    text = "标题报告\n一、甲\n1.乙\n正文。\n（一）丙\n正文。\n二、丁\n正文。"
    assert _levels(text) == [("一、甲", 1), ("1.乙", 2), ("（一）丙", 2), ("二、丁", 1)]


def test_run_of_short_numbered_lines_without_text_is_a_list() -> None:
    doc = parse("标题报告\n二、存在问题\n（一）学习不深入\n（二）落实不到位\n三、整改措施\n正文。")
    assert [p.kind for p in doc.paragraphs] == ["title", "heading", "body", "body", "heading", "body"]
    assert doc.paragraphs[2].number == "（一）"


def test_unnumbered_section_words_make_headings() -> None:
    doc = parse("某局自查报告\n存在的问题\n学习不深入，有的干部以干代学。\n整改措施：\n每月集中学习。")
    assert [p.kind for p in doc.paragraphs] == ["title", "heading", "body", "heading", "body"]


def test_front_and_closing_matter() -> None:
    doc = parse(REPORT + "青石镇纪律检查委员会\n2024年12月20日\n")
    kinds = [(p.kind, p.text) for p in doc.paragraphs]
    assert kinds[:3] == [("title", "青石镇纪委2024年度自查报告"), ("issuer", "青石镇纪委"), ("date", "2024年12月20日")]
    assert kinds[-2:] == [("issuer", "青石镇纪律检查委员会"), ("date", "2024年12月20日")]
    assert doc.paragraphs[-1].section is None
    assert doc.title == "青石镇纪委2024年度自查报告"


def test_two_line_title() -> None:
    doc = parse("中共青石镇委员会\n关于巡察整改情况的报告\n一、总体情况\n正文。")
    assert doc.title == "中共青石镇委员会关于巡察整改情况的报告"
    assert doc.doc_type == "rectification_report"


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("2023年乡镇纪委教育整顿检视整治自查报告", "self_inspection"),
        ("县财政局领导班子专题民主生活会对照检查材料", "comparison_check"),
        ("个人检视问题清单", "problem_list"),
        ("关于巡察反馈问题整改情况的报告", "rectification_report"),
        ("2022年镇纪委工作报告", "work_report"),
        ("乡镇纪委和派驻纪检监察组工作汇报", "work_report"),
        ("2023年度述职述廉报告", "duty_report"),
        ("纪委监委2023年教育整顿评估报告", "assessment_report"),
        ("会议纪要", "unknown"),
        (None, "unknown"),
    ],
)
def test_doc_type_from_title(title: str | None, doc_type: str) -> None:
    assert guess_doc_type(title) == doc_type


def _item_texts(text: str) -> list[str]:
    return [text[item.start : item.end] for item in find_items(text)]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("主要问题：一是学习不够；二是作风不实；三是制度不全。", ["学习不够；", "作风不实；", "制度不全。"]),
        ("第一，提高站位。第二，压实责任。", ["，提高站位。", "，压实责任。"]),
        ("问题有：（1）学习不够；（2）作风不实。", ["学习不够；", "作风不实。"]),
        ("①学习不够；②作风不实；③制度不全。", ["学习不够；", "作风不实；", "制度不全。"]),
        ("措施如下：1.加强学习；2.完善制度。", ["加强学习；", "完善制度。"]),
        ("首先，加强学习；其次，完善制度；最后，严肃问责。", ["，加强学习；", "，完善制度；", "，严肃问责。"]),
        ("一方面是做好发动。另一方面是扎实自查。", ["做好发动。", "扎实自查。"]),
        ("一是学习不够；二是作风不实；四是制度不全。", ["学习不够；", "作风不实；", "制度不全。"]),
    ],
)
def test_enumeration_styles(text: str, items: list[str]) -> None:
    assert _item_texts(text) == items


@pytest.mark.parametrize(
    "text",
    [
        "运用“第一种形态”处理党员干部617人，占比52.51%。",
        "守护好“最后一公里”，做好第一书记工作。",
        "全年统一是重点，唯一是底线。",
        "只有一是孤立的，没有二。",
    ],
)
def test_no_false_enumerations(text: str) -> None:
    assert find_items(text) == []


def test_nested_enumeration() -> None:
    text = "一是学习不够，（1）不深；（2）不透。二是作风不实。"
    items = find_items(text)
    assert [text[i.start : i.end] for i in items] == ["学习不够，（1）不深；（2）不透。", "作风不实。"]
    assert [text[c.start : c.end] for c in items[0].children] == ["不深；", "不透。"]


def test_lead_enumerator_of_a_one_item_paragraph() -> None:
    doc = parse("报告\n二、存在问题\n一是理论学习还不够深入。有的干部以干代学。\n二是整改浮在表面。")
    assert [(p.number, p.number_value) for p in doc.paragraphs[2:]] == [("一是", 1), ("二是", 2)]


def test_sentences() -> None:
    text = "学习不深。落实“不够”！真的吗？还有……最后一句"
    assert [text[s:e] for s, e in find_sentences(text)] == [
        "学习不深。",
        "落实“不够”！",
        "真的吗？",
        "还有……",
        "最后一句",
    ]


def _check_offsets(text: str) -> None:
    doc = parse(text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    assert [p.text for p in doc.paragraphs] == lines
    for paragraph in doc.paragraphs:
        assert doc.text[paragraph.start : paragraph.end] == paragraph.text
        for start, end in paragraph.sentences:
            assert paragraph.start <= start < end <= paragraph.end
        for item in paragraph.items:
            assert paragraph.start <= item.marker_start < item.start <= item.end <= paragraph.end
        section = doc.section(paragraph.section)
        if section is not None:
            assert section.start <= paragraph.start and paragraph.end <= section.end
    for section in doc.sections:
        assert 0 <= section.start <= section.end <= len(text)
        assert section.parent is None or doc.section(section.parent).level < section.level


_pieces = st.sampled_from(
    [
        "一、",
        "（一）",
        "(二)",
        "1.",
        "2、",
        "（1）",
        "①",
        "第一，",
        "一是",
        "二是",
        "首先，",
        "其次，",
        "。",
        "；",
        "：",
        "\n",
        "\n\n",
        "  ",
        "\u3000",
        "学习",
        "不够深入",
        "整改措施",
        "存在问题",
        "XX镇",
        "2024年3月",
        "“",
        "”",
        "…",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=40))
def test_parse_never_raises_and_offsets_round_trip(pieces: list[str]) -> None:
    _check_offsets("".join(pieces))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_arbitrary_text(text: str) -> None:
    _check_offsets(text.replace("\r", "\n"))


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.stem)
def test_golden_outline_of_seed(path: Path, update_golden: bool) -> None:
    golden = GOLDEN / f"{path.stem}.outline.txt"
    outline = render_outline(load(path)) + "\n"
    if update_golden or not golden.exists():
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(outline, encoding="utf-8")
    assert outline == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.stem)
def test_seed_paragraphs_are_its_lines(path: Path) -> None:
    doc = load(path)
    text = path.read_text(encoding="utf-8")
    assert [p.text for p in doc.paragraphs] == [line.strip() for line in normalize_lines(text) if line.strip()]


def normalize_lines(text: str) -> list[str]:
    from analyzer.normalize import normalize

    return normalize(text).text.split("\n")
