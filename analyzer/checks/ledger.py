"""Ledger checks: problems without measures and measures without problems (LNK), problems with no concrete fact
and measures nobody could check (BPL)."""

from __future__ import annotations

from analyzer.checks import Check, Finding, finding, register
from analyzer.extract import LedgerItem

PROBLEM_WITHOUT_MEASURE = register(
    Check(
        code="LNK001",
        name="problem-without-measure",
        severity="warning",
        what="报告承认的问题，在报告中找不到回应它的整改措施（或报告列出问题却没有任何措施）。",
        why="整改台账要求每个问题都有措施；没有措施的问题是审核时会被退回的缺口。",
        example="（三）制度执行不严，个别合同未经法律审核。   ← no measure mentions contracts or legal review",
        instead="补上点名该问题的措施，例如：6月底前由办公室牵头，对合同逐一补做法律审核。",
    )
)
MEASURE_WITHOUT_PROBLEM = register(
    Check(
        code="LNK002",
        name="measure-without-problem",
        severity="info",
        what="承诺的措施没有对应报告中承认的任何问题。",
        why="不对应问题的措施多是套话；自查报告的每项措施都应能追溯到一个问题。",
        example="加强党风廉政建设，营造风清气正的良好氛围。   ← no problem about it is stated",
        instead="把措施落到已查摆的问题上，或写明它针对的问题。",
    )
)
VAGUE_PROBLEM = register(
    Check(
        code="BPL001",
        name="vague-problem",
        severity="warning",
        what="问题表述中没有任何具体事实：没有数字、时间、事例（如/比如/例如）、具体单位或人员。",
        why="放在任何报告里都成立的问题（“问题查摆一句话”）说明查摆没有真正开展，审核时常被退回。",
        example="理论学习不够深入，学用结合不够紧密。",
        instead="全年中心组学习12次，有5次只读文件未研讨；如3月学习后，未对照本局信访积案提出任何措施。",
    )
)
UNVERIFIABLE_MEASURE = register(
    Check(
        code="BPL002",
        name="unverifiable-measure",
        severity="info",
        what="措施中没有任何可核验的要素：没有责任主体、没有时限或频次、没有数量。",
        why="整改要逐项对账销号；没有责任人和时限的措施无法销号。",
        example="进一步加强理论学习，不断提高政治素养。",
        instead="由办公室牵头，6月底前完成全员轮训，每月集中学习不少于1次。",
    )
)


def check_ledger(problems: list[LedgerItem], measures: list[LedgerItem]) -> list[Finding]:
    """Findings about a document's ledger, in document order."""
    findings = []
    for problem in problems:
        if not problem.links and measures:
            findings.append(
                finding(
                    PROBLEM_WITHOUT_MEASURE.code,
                    f"问题 {problem.id} 没有对应的整改措施",
                    problem.start,
                    problem.end,
                    problem.paragraph,
                )
            )
        if not problem.specific:
            findings.append(
                finding(
                    VAGUE_PROBLEM.code,
                    f"问题 {problem.id} 没有具体事实（数字、时间、事例、单位或人员）",
                    problem.start,
                    problem.end,
                    problem.paragraph,
                )
            )
    if not measures and problems:
        first = problems[0]
        findings.append(
            finding(
                PROBLEM_WITHOUT_MEASURE.code,
                f"报告列出 {len(problems)} 个问题，但没有任何整改措施",
                first.start,
                first.end,
                first.paragraph,
            )
        )
    for measure in measures:
        if not measure.links and problems:
            findings.append(
                finding(
                    MEASURE_WITHOUT_PROBLEM.code,
                    f"措施 {measure.id} 未对应报告中的任何问题",
                    measure.start,
                    measure.end,
                    measure.paragraph,
                )
            )
        if not measure.specific:
            findings.append(
                finding(
                    UNVERIFIABLE_MEASURE.code,
                    f"措施 {measure.id} 没有责任主体、时限或数量，难以对账销号",
                    measure.start,
                    measure.end,
                    measure.paragraph,
                )
            )
    return sorted(findings, key=lambda f: (f.start, f.code))
