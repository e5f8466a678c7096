"""Checks: each has a stable code, a kebab-case name, a severity and documentation in fixed sections.

`REGISTRY` is the one table of finding codes (DESIGN.md): families ``STR`` structure, ``TPL`` template residue,
``BPL`` boilerplate, ``CPY`` copying, ``LNK`` ledger links, ``FRM`` formulation. A check module defines its checks
with `register` and returns `Finding`s; only the codes registered here exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Check:
    """A check's identity and documentation (what it does, why it matters, an example, what to write instead)."""

    code: str
    name: str
    severity: str
    what: str
    why: str
    example: str
    instead: str


@dataclass(slots=True)
class Finding:
    """One thing a check found: its code, severity, a message in Chinese, and the characters it points at."""

    code: str
    severity: str
    message: str
    start: int
    end: int
    paragraph: int | None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of DESIGN.md, with any extra fields of the check (a copy's source) after them."""
        return {
            "code": self.code,
            "name": REGISTRY[self.code].name,
            "severity": self.severity,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "paragraph": self.paragraph,
        } | self.extra


REGISTRY: dict[str, Check] = {}

FAMILY_MODULES = ("structure", "template", "boilerplate", "copying", "ledger")
"""The modules under analyzer.checks that register checks; `all_checks` imports them."""


def all_checks() -> dict[str, Check]:
    """Every registered check by code, after importing each family's module (which registers its checks)."""
    import importlib

    for module in FAMILY_MODULES:
        importlib.import_module(f"analyzer.checks.{module}")
    return REGISTRY


def register(check: Check) -> Check:
    """Add a check to the registry; codes and names are unique."""
    if check.code in REGISTRY or any(other.name == check.name for other in REGISTRY.values()):
        raise ValueError(f"duplicate check {check.code} {check.name}")
    if check.severity not in SEVERITIES:
        raise ValueError(f"{check.code}: severity {check.severity!r} not one of {SEVERITIES}")
    REGISTRY[check.code] = check
    return check


def finding(code: str, message: str, start: int, end: int, paragraph: int | None, **extra: Any) -> Finding:
    """A finding of a registered check, at its registered severity."""
    return Finding(code, REGISTRY[code].severity, message, start, end, paragraph, dict(extra))
