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
        what="An admitted problem that no measure in the report answers.",
        why="整改台账 must give every problem a measure; an unanswered problem is a gap a reviewer will send back.",
        example="（三）制度执行不严，个别合同未经法律审核。   ← no measure mentions contracts or legal review",
        instead="Add a measure that names the problem's subject: 6月底前由办公室牵头，对合同逐一补做法律审核。",
    )
)
MEASURE_WITHOUT_PROBLEM = register(
    Check(
        code="LNK002",
        name="measure-without-problem",
        severity="info",
        what="A promised measure that answers none of the problems the report admits.",
        why="Measures that answer nothing are often stock text; in a self-inspection each should trace to a problem.",
        example="加强党风廉政建设，营造风清气正的良好氛围。   ← no problem about it is stated",
        instead="Tie the measure to an admitted problem, or state the problem it answers.",
    )
)
VAGUE_PROBLEM = register(
    Check(
        code="BPL001",
        name="vague-problem",
        severity="warning",
        what="A problem stated without any concrete fact: no figure, date, example (如/比如/例如), named body or "
        "person.",
        why="A problem that could stand in any report (问题查摆一句话) shows the inspection was not done; reviewers "
        "send such reports back.",
        example="理论学习不够深入，学用结合不够紧密。",
        instead="全年中心组学习12次，有5次只读文件未研讨；如3月学习后，未对照本局信访积案提出任何措施。",
    )
)
UNVERIFIABLE_MEASURE = register(
    Check(
        code="BPL002",
        name="unverifiable-measure",
        severity="info",
        what="A measure with nothing that makes it checkable: no owner, no deadline or frequency, no quantity.",
        why="整改 is checked item by item (对账销号); a measure without owner or deadline cannot be checked off.",
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
