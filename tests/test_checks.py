"""The check registry: stable codes, kebab-case names, documentation in every section."""

from __future__ import annotations

import re

from analyzer.checks import SEVERITIES, all_checks

REGISTRY = all_checks()


def test_codes_and_names() -> None:
    assert set(REGISTRY) >= {"LNK001", "LNK002", "BPL001", "BPL002"}
    for code, check in REGISTRY.items():
        assert re.fullmatch(r"(STR|TPL|BPL|CPY|LNK|FRM)\d{3}", code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", check.name)
        assert check.severity in SEVERITIES


def test_every_check_is_documented() -> None:
    for check in REGISTRY.values():
        assert all(len(part) > 10 for part in (check.what, check.why, check.example, check.instead)), check.code


def test_rules_and_explain_commands(runner) -> None:
    from analyzer.cli import app

    listed = runner.invoke(app, ["rules"])
    assert listed.exit_code == 0
    codes = [line.split()[0] for line in listed.stdout.strip().split("\n")]
    assert codes == sorted(REGISTRY) and "CPY001" in codes and "TPL001" in codes
    explained = runner.invoke(app, ["explain", "bpl001"])
    assert explained.exit_code == 0
    assert "vague-problem" in explained.stdout and "应当怎样写" in explained.stdout
    unknown = runner.invoke(app, ["explain", "XYZ999"])
    assert unknown.exit_code == 2 and "没有检查项 XYZ999" in unknown.stderr
