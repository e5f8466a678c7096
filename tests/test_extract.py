"""The ledger: item candidates for every enumeration style, classification by content, links, concreteness,
findings, and the .xlsx/.csv ledger read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import seed_paths
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.cli import app
from analyzer.engine import analyze_text, from_text
from analyzer.extract import (
    LedgerItem,
    _match,
    candidates,
    evaluate_items,
    link,
    measure_evidence,
    problem_evidence,
)


def _candidate_texts(body: str) -> list[str]:
    doc = from_text(f"某局自查报告\n二、存在问题\n{body}")
    return [c.text for c in candidates(doc)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("主要问题：一是学习不深入；二是作风不实。", ["学习不深入；", "作风不实。"]),
        ("主要问题：（1）学习不深入；（2）作风不实。", ["学习不深入；", "作风不实。"]),
        ("主要问题：①学习不深入；②作风不实。", ["学习不深入；", "作风不实。"]),
        ("主要问题：1．学习不深入；2．作风不实。", ["学习不深入；", "作风不实。"]),
        ("第一，学习不深入；第二，作风不实。", ["学习不深入；", "作风不实。"]),
        (
            "（一）学习不深入。有的干部以干代学，全年只参加了4次集中学习。",
            ["学习不深入。有的干部以干代学，全年只参加了4次集中学习。"],
        ),
        (
            "一是学习不深入，（1）不系统；（2）不联系实际。二是作风不实。",
            ["学习不深入，（1）不系统；（2）不联系实际。", "作风不实。"],
        ),
        (
            "3名干部未按时参加支部学习。整改措施：建立学习考勤制度，由支部书记每月通报。",
            ["3名干部未按时参加支部学习。", "整改措施：建立学习考勤制度，由支部书记每月通报。"],
        ),
    ],
)
def test_candidates_for_each_enumeration_style(body: str, expected: list[str]) -> None:
    assert _candidate_texts(body) == expected


REPORT = """县审计局党组自查报告
一、存在的问题
（一）理论学习不够深入。党组中心组全年集中学习8次，有3次只读文件、没有研讨。
（二）制度执行不严格。比如，2024年有2份采购合同未经法律顾问审核即签订。
（三）干部队伍结构不优。35岁以下干部只有4名，审计骨干断档。
二、整改措施
（一）针对理论学习不深入的问题，由办公室牵头，每季度组织一次专题研讨，6月底前完成第一次。
（二）针对合同审核不严的问题，9月底前对全部采购合同补做法律审核。
（三）加强年轻干部培养，年底前通过公开遴选补充审计骨干2名。
"""


def test_ledger_of_a_report() -> None:
    doc = analyze_text(REPORT)
    assert [p["text"][:8] for p in doc.problems] == ["理论学习不够深入", "制度执行不严格。", "干部队伍结构不优"]
    assert len(doc.measures) == 3
    assert all(p["specific"] for p in doc.problems)
    assert all(m["checkable"] for m in doc.measures)
    assert [m["problems"] for m in doc.measures] == [["P1"], ["P2"], ["P3"]]
    assert [p["measures"] for p in doc.problems] == [["M1"], ["M2"], ["M3"]]
    assert not [f for f in doc.findings if f["code"].startswith("LNK")]
    for item in doc.problems + doc.measures:
        assert doc.text[item["start"] : item["end"]] == item["text"]


def test_measure_inside_a_problem_paragraph_is_a_measure() -> None:
    doc = analyze_text(
        "县财政局党组自查报告\n一、存在问题\n"
        "（一）保密管理有漏洞。去年有1台涉密计算机接入过互联网。整改措施：6月底前由办公室对全部计算机逐台检查。\n"
        "（二）学用脱节。学习后没有对照本单位工作查找差距。\n"
    )
    assert [p["text"][:6] for p in doc.problems] == ["保密管理有漏", "学用脱节。学"]
    assert [m["text"][:5] for m in doc.measures] == ["整改措施："]
    assert doc.measures[0]["problems"] == ["P1"]


def test_report_with_problems_but_no_measures() -> None:
    doc = analyze_text(
        "某镇党委自查报告\n一、存在问题\n（一）理论学习不够深入，学用结合不够紧密。\n"
        "（二）制度执行不够严格，监督检查不够经常。\n（三）干部作风不够扎实，担当意识不强。\n"
    )
    assert len(doc.problems) == 3 and doc.measures == []
    codes = [f["code"] for f in doc.findings]
    assert codes.count("BPL001") == 3
    assert any(f["code"] == "LNK001" and "没有任何整改措施" in f["message"] for f in doc.findings)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("全年有3个村未召开主题党日。", ["数字"]),
        ("2023年6月的支部会议没有记录。", ["数字", "时间"]),
        ("有的干部作风漂浮，比如下村调研只看材料。", ["事例"]),
        ("县农业农村局的采购台账不全。", ["具体单位"]),
        ("理论学习不够深入，学用结合不够紧密。", []),
    ],
)
def test_problem_concreteness(text: str, evidence: list[str]) -> None:
    assert problem_evidence(text) == evidence


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("由办公室牵头，6月底前完成全员轮训，每月集中学习不少于1次。", ["责任主体", "时限", "数量"]),
        ("责任人：支部书记。", ["责任主体"]),
        ("年底前修订完善制度。", ["时限"]),
        ("进一步加强理论学习，不断提高政治素养。", []),
    ],
)
def test_measure_checkability(text: str, evidence: list[str]) -> None:
    assert measure_evidence(text) == evidence


def test_matching_rule_is_one_to_one_with_iou_half() -> None:
    assert _match([(0, 10), (0, 9)], [(0, 10)]) == {0: 0}
    assert _match([(0, 4)], [(0, 10)]) == {}
    assert _match([(0, 6)], [(0, 10)]) == {0: 0}


def test_evaluate_items_counts_links_between_matched_items() -> None:
    doc = from_text("标题报告\n一、问题\n学习不深入。\n二、措施\n加强学习。")
    gold = {"d": {"problems": [(2, 0, 6)], "measures": [(4, 0, 5, [0])]}}
    start_p, start_m = doc.paragraphs[2].start, doc.paragraphs[4].start
    problem = LedgerItem("P1", "problem", 2, start_p, start_p + 6, "学习不深入。", None, None, links=["M1"])
    measure = LedgerItem("M1", "measure", 4, start_m, start_m + 5, "加强学习。", None, None, links=["P1"])
    result = evaluate_items({"d": ([problem], [measure])}, gold, {"d": doc})
    assert result["problem"]["f1"] == result["measure"]["f1"] == result["links"]["f1"] == 1.0


def test_links_by_wording_then_by_order() -> None:
    doc = from_text("x")
    problems = [
        LedgerItem("P1", "problem", 1, 0, 1, "保密管理制度执行不严", "institutional", None),
        LedgerItem("P2", "problem", 2, 0, 1, "理论学习不深入", "ideological", None),
    ]
    measures = [
        LedgerItem("M1", "measure", 5, 0, 1, "深化理论学习，每月研讨一次", "ideological", None),
        LedgerItem("M2", "measure", 6, 0, 1, "严格执行保密管理制度", "institutional", None),
    ]
    link(problems, measures, doc)
    assert [m.links for m in measures] == [["P2"], ["P1"]]


def test_ledger_xlsx_and_csv_read_back(runner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    report = tmp_path / "reports" / "审计局.txt"
    report.parent.mkdir()
    report.write_text(REPORT, encoding="utf-8")
    (tmp_path / "reports" / "old.doc").write_bytes(b"x")
    xlsx = tmp_path / "台账.xlsx"
    result = runner.invoke(app, ["ledger", str(tmp_path / "reports"), str(seed_paths()[0]), "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert list(sheets) == ["问题清单", "整改措施"]
    problems = sheets["问题清单"]
    assert list(problems.columns)[:6] == ["文档", "问题编号", "类别", "是否具体", "对应措施", "问题内容"]
    assert "审计局.txt" in set(problems["文档"])
    assert "理论学习不够深入" in problems["问题内容"].iloc[0]
    assert set(problems["类别"]) <= {"政治建设", "思想建设", "制度建设", "队伍建设", "其他"}
    workbook = load_workbook(xlsx)
    assert workbook["问题清单"].auto_filter.ref and workbook["整改措施"].auto_filter.ref
    csv = tmp_path / "ledger.csv"
    assert runner.invoke(app, ["ledger", str(report), "--out", str(csv)]).exit_code == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(csv, encoding="utf-8-sig")
    assert list(frame.columns)[:6] == ["doc", "problem", "category", "specific", "measures", "text"]
    assert len(frame) == 3


def test_ledger_refuses_other_formats(runner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ledger", str(seed_paths()[0]), "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "支持：.xlsx .csv" in result.stderr


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "一、存在问题",
                "（一）学习不深入。",
                "一是",
                "二是",
                "整改措施：",
                "。",
                "\n",
                "由办公室牵头",
                "6月底前",
                "XX镇",
                "  ",
                "学习",
                "制度",
            ]
        )
        | st.text(max_size=6),
        max_size=30,
    )
)
def test_full_analysis_never_raises_and_items_index_the_text(pieces: list[str]) -> None:
    doc = analyze_text("".join(pieces))
    for item in doc.problems + doc.measures:
        assert doc.text[item["start"] : item["end"]] == item["text"]
    for finding in doc.findings:
        assert 0 <= finding["start"] <= finding["end"] <= len(doc.text)
