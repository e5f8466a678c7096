"""The check registry: stable codes, kebab-case names, documentation in every section."""

from __future__ import annotations

import re

import analyzer.checks.ledger  # noqa: F401  (registers the ledger checks)
from analyzer.checks import REGISTRY, SEVERITIES


def test_codes_and_names() -> None:
    assert set(REGISTRY) >= {"LNK001", "LNK002", "BPL001", "BPL002"}
    for code, check in REGISTRY.items():
        assert re.fullmatch(r"(STR|TPL|BPL|CPY|LNK|FRM)\d{3}", code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)+", check.name)
        assert check.severity in SEVERITIES


def test_every_check_is_documented() -> None:
    for check in REGISTRY.values():
        assert all(len(part) > 10 for part in (check.what, check.why, check.example, check.instead)), check.code
