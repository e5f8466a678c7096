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
