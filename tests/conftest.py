"""Shared fixtures: the sample reports, a CLI runner, and the --update-golden flag."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
GOLDEN = Path(__file__).resolve().parent / "golden"

sys.path.insert(0, str(Path(__file__).resolve().parent))  # so tests can import make_files


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def seed_paths() -> list[Path]:
    """The five user-provided sample reports (copied from shared/seeds)."""
    return sorted(SAMPLES.glob("0*.txt"))


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    return seed_paths()


@pytest.fixture
def runner():
    from typer.testing import CliRunner

    return CliRunner()


REPORT = """青石镇纪委2024年度自查报告
青石镇纪委
2024年12月20日
根据县纪委统一部署，现将自查情况报告如下。
一、基本情况
全镇共有党员1236名，基层党组织42个。
二、存在问题
（一）理论学习不深入。有的干部把记笔记当学习，一是学用脱节；二是浅尝辄止；三是以干代学。
（二）制度执行不严
1.财务报销制度执行走样，个别单据缺少经办人签字。
2.三重一大事项有2次未经集体研究。
三、整改措施
针对上述问题，制定整改清单，逐项对账销号。
（一）加强理论武装。由党政办牵头，6月底前完成轮训。
"""
"""An unseen report with every kind of line: front matter, headings at three levels, lead paragraphs, items."""
