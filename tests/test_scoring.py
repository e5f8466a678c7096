"""The score: parts explained, weights in one place, selection by code prefix, and the `score` command."""

from __future__ import annotations

import json

import pytest
from conftest import REPORT, seed_paths

from analyzer.cli import app
from analyzer.engine import analyze_text
from analyzer.scoring import WEIGHTS, code_filter, score

CONCRETE = """青石镇纪委2024年度自查报告
一、存在问题
（一）政治监督不够精准。全年开展专项监督6次，其中2次未形成问题清单，如3月耕地保护监督只听汇报。
（二）理论学习不够深入。镇纪委集中学习12次，有5次只传达文件，未结合本镇信访积案研讨。
（三）制度执行不够严格。抽查2023年财务凭证86份，有7份缺少经办人签字。
（四）干部队伍能力不足。3名纪检干部中有2名未参加过执纪审查业务培训。
二、整改措施
（一）针对政治监督不够精准的问题，由镇纪委书记牵头，6月底前对6次专项监督逐一补建问题清单。
（二）针对理论学习不够深入的问题，每月集中学习1次，结合信访积案开展研讨，7月底前完成。
（三）针对制度执行不够严格的问题，由财政所负责，5月底前补齐7份凭证签字，每季度抽查一次。
（四）针对干部队伍能力不足的问题，9月底前选派2名干部参加县纪委执纪审查业务培训。
"""
VAGUE = """XX镇纪委自查报告
一、存在问题
理论学习不够深入，学用结合不够紧密。
"""


def test_weights_add_up_to_a_hundred_and_every_part_is_explained() -> None:
    assert sum(WEIGHTS.values()) == 100
    result = score(analyze_text(CONCRETE))
    assert set(result["parts"]) == set(WEIGHTS) == set(result["notes"])
    assert all(0 <= value <= 100 for value in result["parts"].values())
    assert all(result["notes"][part] for part in WEIGHTS)
    weighted = sum(WEIGHTS[p] * v for p, v in result["parts"].items()) / 100
    assert result["total"] == round(weighted)


def test_a_concrete_complete_report_outscores_a_vague_template() -> None:
    good, bad = analyze_text(CONCRETE).score, analyze_text(VAGUE).score
    assert good["total"] >= 80 > 40 > bad["total"]
    assert bad["parts"]["correspondence"] == 0 and "没有整改措施" in bad["notes"]["correspondence"]
    assert "缺少整改措施或下一步打算" in bad["notes"]["structure"]
    assert "模板残留" in bad["notes"]["originality"]
    assert good["parts"]["specificity"] == 100 and good["parts"]["coverage"] == 100


@pytest.mark.parametrize(
    ("select", "ignore", "code", "counts"),
    [
        (None, None, "TPL001", True),
        (["TPL"], None, "TPL001", True),
        (["TPL"], None, "CPY001", False),
        (None, ["TPL"], "TPL003", False),
        (["TPL"], ["TPL003"], "TPL003", False),
        (["TPL"], ["TPL003"], "TPL001", True),
        (["TPL003"], ["TPL"], "TPL003", True),  # the longer prefix wins
        (["TPL003"], ["TPL"], "TPL001", False),
        (["B"], ["BPL1"], "BPL101", False),
        (["B"], ["BPL1"], "BPL001", True),
    ],
)
def test_longest_prefix_wins(select, ignore, code, counts) -> None:
    assert code_filter(select, ignore)(code) is counts


def test_ignored_findings_do_not_count() -> None:
    doc = analyze_text(VAGUE)
    assert score(doc, selected=code_filter(ignore=["TPL"]))["parts"]["originality"] == 100
    assert score(doc)["parts"]["originality"] < 100


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_each_seed_scores_stably_with_explanations(runner, path) -> None:
    first = runner.invoke(app, ["score", str(path), "--format", "json"])
    again = runner.invoke(app, ["score", str(path), "--format", "json"])
    assert first.exit_code == 0, first.output
    assert first.stdout == again.stdout
    record = json.loads(first.stdout)
    assert record["schema"] == "analyzer.score/1" and 0 <= record["score"]["total"] <= 100
    severities = [f["severity"] for f in record["findings"]]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert all(f["line"] >= 1 and f["col"] >= 1 for f in record["findings"])


def test_score_command_text_fail_under_and_selection(runner, tmp_path) -> None:
    draft = tmp_path / "草稿.txt"
    draft.write_text(VAGUE, encoding="utf-8")
    text = runner.invoke(app, ["score", str(draft)])
    assert text.exit_code == 0
    assert "得分 / score:" in text.stdout and "原创性" in text.stdout
    assert f"{draft}:1:1: TPL001 template-placeholder [错误]" in text.stdout
    assert runner.invoke(app, ["score", str(draft), "--fail-under", "95"]).exit_code == 1
    assert runner.invoke(app, ["score", str(draft), "--fail-under", "5"]).exit_code == 0
    only = runner.invoke(app, ["score", str(draft), "--select", "STR,LNK", "--format", "json"])
    codes = {f["code"] for f in json.loads(only.stdout)["findings"]}
    assert codes and all(code[:3] in ("STR", "LNK") for code in codes)
    ignored = runner.invoke(app, ["score", str(draft), "--ignore", "TPL", "--ignore", "BPL", "--format", "json"])
    assert not {f["code"][:3] for f in json.loads(ignored.stdout)["findings"]} & {"TPL", "BPL"}
    unknown = runner.invoke(app, ["score", str(draft), "--select", "QQ"])
    assert unknown.exit_code == 2 and "没有以 QQ 开头的检查项" in unknown.stderr


def test_structure_checks_find_missing_parts_and_numbering_gaps() -> None:
    from analyzer.checks.structure import check_structure

    doc = analyze_text(REPORT.replace("三、整改措施", "四、整改措施"))
    found = [(f.code, f.message) for f in check_structure(doc)]
    assert ("STR002", "标题序号跳号：“四、”处应为第3项") in found
    assert not [code for code, _ in found if code == "STR001"]
    vague = [(f.code, f.message) for f in check_structure(analyze_text(VAGUE))]
    assert ("STR001", "缺少“整改措施或下一步打算”部分") in vague
    continuing = (
        "自查报告\n一、存在问题\n（一）思想方面\n1.理论学习不够深入\n全年只学了3次。\n2.调查研究不够扎实\n"
        "下村调研偏少。\n（二）制度方面\n3.制度执行不够严格\n7份凭证缺少签字。\n二、整改措施\n逐项整改。"
    )
    assert not [f for f in check_structure(analyze_text(continuing)) if f.code == "STR002"]
