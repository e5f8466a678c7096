"""Template residue: placeholders, scrape artefacts, years, other units' names; ordinary Chinese left alone."""

from __future__ import annotations

import pytest
from conftest import seed_paths

from analyzer.checks.template import check_template, report_year
from analyzer.engine import from_text, load


def _codes(text: str) -> list[tuple[str, str]]:
    doc = from_text(text)
    return [(f.code, doc.text[f.start : f.end]) for f in check_template(doc)]


@pytest.mark.parametrize(
    ("line", "placeholder"),
    [
        ("XX镇纪委认真开展自查。", "XX"),
        ("XXX同志带头讲党课。", "XXX"),
        ("完成××项整改任务。", "××"),
        ("**镇纪委认真开展自查。", "**"),
        ("*月3日召开会议。", "*"),
        ("全年查处案件XX件。", "XX"),
        ("X月召开专题会议。", "X"),
        ("202X年工作总结。", "202X"),
        ("报告人：______", "______"),
        ("（单位名称）党委认真落实主体责任。", "（单位名称）"),
    ],
)
def test_placeholders_are_flagged(line: str, placeholder: str) -> None:
    assert ("TPL001", placeholder) in _codes(f"自查报告\n{line}")


@pytest.mark.parametrize(
    "line",
    [
        "某村党支部书记带头讲党课。",
        "某同志在会上作了检讨。",
        "请**重点关注**以下问题。",
        "Excel表格按XLS格式报送。",
        "第十四个五年规划。",
    ],
)
def test_ordinary_text_is_not_a_placeholder(line: str) -> None:
    assert [code for code, _ in _codes(f"自查报告\n{line}") if code == "TPL001"] == []


def test_scrape_artefacts_removed_and_visible() -> None:
    doc = load(seed_paths()[3])
    markers = [f for f in check_template(doc) if f.code == "TPL002"]
    assert len(markers) == 2 and all(f.start == f.end for f in markers)
    assert ("TPL002", "原创力文档") in _codes("自查报告\n本文由原创力文档整理。")


def test_year_that_contradicts_the_report() -> None:
    text = "2023年镇纪委工作报告\n一、工作计划\n2026年完成全部整改。\n到2035年基本实现现代化。\n2024年继续推进。"
    doc = from_text(text)
    assert report_year(doc) == 2023
    assert [(f.code, doc.text[f.start : f.end]) for f in check_template(doc)] == [("TPL003", "2026")]


def test_seed_with_star_placeholders() -> None:
    findings = check_template(load(seed_paths()[0]))
    assert [f.code for f in findings].count("TPL001") == 3


def test_another_units_name_left_in_a_copy() -> None:
    text = (
        "柳河镇纪委2023年工作报告\n"
        "一、主要工作\n"
        "一年来，在县纪委监委和柳河镇党委的坚强领导下，镇纪委全年处置问题线索23件。\n"
        "在青石镇党委的统一部署下，镇纪委开展了农村集体“三资”专项监督。\n"
    )
    doc = from_text(text)
    found = [(f.code, doc.text[f.start : f.end], f.message) for f in check_template(doc) if f.code == "TPL004"]
    assert found == [("TPL004", "青石镇", "出现另一单位“青石镇”，而本报告是柳河镇的")]


@pytest.mark.parametrize(
    "line",
    [
        "协助镇党委做好换届工作，减少镇纪委专职干部兼职。",  # verbs before 镇党委 are not names
        "我代表镇纪委向会议报告工作。",
        "县纪委对柳河镇党委开展了专项巡察。",  # a county report names towns: another level
        "学习了白沙镇的经验做法。",  # a place, not one of its bodies
    ],
)
def test_words_before_a_unit_are_not_always_another_unit(line: str) -> None:
    title = "柳河县纪委2023年工作报告" if "县纪委对" in line else "石桥镇纪委2023年工作报告"
    assert [code for code, _ in _codes(f"{title}\n一、主要工作\n{line}") if code == "TPL004"] == []
