"""notebooks/explore.ipynb: it runs from its own folder without errors or warnings, and it is committed without
outputs and uses only the public API (``import analyzer`` and the names in ``analyzer.__all__``)."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import analyzer

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"


def read_notebook() -> nbformat.NotebookNode:
    """The notebook as committed."""
    return nbformat.read(NOTEBOOK, as_version=4)


def private_uses(source: str) -> list[str]:
    """What a cell's code takes from outside the public API: imports of or from ``analyzer`` submodules, ``from
    analyzer import …`` (the notebook should read ``analyzer.name``), and ``analyzer.name`` not in ``__all__``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {alias.name}" for alias in node.names if alias.name.startswith("analyzer.")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "analyzer":
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "analyzer":
            if node.attr not in analyzer.__all__:
                found.append(f"analyzer.{node.attr}")
    return found


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    """The notebook run once in a fresh python3 kernel, with its own folder as the working directory."""
    notebook = read_notebook()
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,  # record every error in the outputs, so that the test below can list them
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[tuple[str, dict]]:
    """Every output of every code cell, with the cell's id."""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    return [(cell.get("id", "?"), output) for cell in code for output in cell.outputs]


def test_notebook_runs_without_errors(executed: nbformat.NotebookNode) -> None:
    errors = [
        f"{cell}: {output['ename']}: {output['evalue']}"
        for cell, output in outputs(executed)
        if output.output_type == "error"
    ]
    assert errors == []


def test_notebook_draws_its_plots_without_warnings(executed: nbformat.NotebookNode) -> None:
    """Plots are labelled in ASCII, so matplotlib has no missing CJK glyph to warn about; nothing else warns either."""
    stderr = [f"{cell}: {output['text']}" for cell, output in outputs(executed) if output.get("name") == "stderr"]
    plots = [cell for cell, output in outputs(executed) if "image/png" in output.get("data", {})]
    assert stderr == []
    assert len(plots) >= 3  # scores by part, coverage by category, the copy network and heatmap


def test_notebook_is_committed_without_outputs() -> None:
    notebook = read_notebook()
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert [cell.get("id") for cell in code if cell.outputs] == []
    assert [cell.get("id") for cell in code if cell.execution_count is not None] == []


def test_notebook_uses_only_the_public_api() -> None:
    sources = [cell.source for cell in read_notebook().cells if cell.cell_type == "code"]
    assert any("import analyzer" in source.splitlines() for source in sources)
    assert [(number, use) for number, source in enumerate(sources) for use in private_uses(source)] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import analyzer\nresult = analyzer.batch(['x'])\nresult.pairs()", []),
        ("import analyzer\nanalyzer.write_outputs(result, 'out')", []),
        ("import analyzer.report", ["import analyzer.report"]),
        ("from analyzer.report import pairs_frame", ["from analyzer.report import …"]),
        ("from analyzer import batch", ["from analyzer import …"]),
        ("import analyzer\nanalyzer.report.CATEGORY_LABELS", ["analyzer.report"]),
        ("import pandas as pd\nframe = pd.DataFrame()", []),
    ],
)
def test_private_uses_are_found(source: str, expected: list[str]) -> None:
    assert private_uses(source) == expected
