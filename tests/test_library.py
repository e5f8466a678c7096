"""The reference library: add is idempotent by content, list and remove work, concurrent adds do not corrupt it,
and a report is checked against it."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from conftest import ROOT

from analyzer.cli import app
from analyzer.engine import from_text
from analyzer.library import Library


def _corpus_lines(name: str) -> list[str]:
    record = json.loads((ROOT / "corpora" / "written" / f"{name}.json").read_text(encoding="utf-8"))
    return [p["text"] for p in record["paragraphs"]]


def test_add_is_idempotent_by_content_and_remove_works(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite"
    doc = from_text("\n".join(_corpus_lines("w1-01")))
    with Library(path) as library:
        assert library.add([("a.txt", doc)]) == [("a.txt", True)]
        assert library.add([("copy-of-a.docx", doc)]) == [("copy-of-a.docx", False)]
        entries = library.entries()
        assert [(e.name, e.kind) for e in entries] == [("a.txt", "submission")]
        assert library.remove(["a.txt", "nothing"]) == ["nothing"]
        assert library.entries() == []


def _add_many(path: str, start: int) -> None:
    names = [f"w{start}-{i:02d}" for i in range(1, 6)]
    with Library(path) as library:
        library.add([(name, from_text("\n".join(_corpus_lines(name)))) for name in names])


def test_concurrent_adds_do_not_corrupt_the_library(tmp_path: Path) -> None:
    path = str(tmp_path / "lib.sqlite")
    Library(path).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_add_many, args=(path, start)) for start in (2, 3, 4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with Library(path) as library:
        assert len(library.entries()) == 15


def test_report_is_checked_against_the_library(runner, tmp_path: Path) -> None:
    library = tmp_path / "lib.sqlite"
    lines = _corpus_lines("w1-05")
    old = tmp_path / "去年的报告.txt"
    old.write_text("\n".join(lines), encoding="utf-8")
    added = runner.invoke(app, ["library", "add", str(old), "--library", str(library)])
    assert added.exit_code == 0, added.output
    again = runner.invoke(app, ["library", "add", str(old), "--library", str(library)])
    assert "已存在 1 篇" in again.stdout
    listed = runner.invoke(app, ["library", "list", "--library", str(library)])
    assert "去年的报告.txt" in listed.stdout
    new = tmp_path / "今年.txt"
    new.write_text("\n".join(line.replace("青峰", "白沙") for line in lines), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(new), "--format", "json", "--library", str(library)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    copied = [f for f in record["findings"] if f["code"] == "CPY001"]
    assert copied and {f["source"] for f in copied} == {f"library:{old}"}
    assert record["meta"]["copy_ratio"] > 0.8
    removed = runner.invoke(app, ["library", "remove", "1", "--library", str(library)])
    assert removed.exit_code == 0
    missing = runner.invoke(app, ["library", "remove", "7", "--library", str(library)])
    assert missing.exit_code == 2 and "参考库中没有" in missing.stderr
