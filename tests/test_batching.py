"""The batch: a folder in, DESIGN.md's tables and the HTML report out; bad files recorded, outputs whole, re-runs
cached, the pool and the single process agreeing."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT, SAMPLES
from make_files import write_ole

from analyzer.batching import CACHE_NAME, collect, run_batch, write_outputs
from analyzer.cli import app

SEED = SAMPLES / "001_a5035848486fc07e.txt"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder of submissions as a reviewer receives them: reports in sub-folders, a neighbour's copy, an old .doc,
    a damaged .docx, Word's lock file, a hidden file and a spreadsheet."""
    root = tmp_path_factory.mktemp("submissions")
    (root / "乡镇").mkdir()
    (root / "部门").mkdir()
    shutil.copy(SEED, root / "乡镇" / "青石镇.txt")
    lines = SEED.read_text(encoding="utf-8").replace("**镇", "柳河镇").split("\n")
    (root / "乡镇" / "柳河镇.txt").write_text("\n".join(lines[:25]), encoding="utf-8")
    shutil.copy(SAMPLES / "g4_original.txt", root / "部门" / "审计局.txt")
    shutil.copy(SAMPLES / "004_0bbf6b98a1e36b0d.txt", root / "部门" / "评估报告.md")
    write_ole(root / "部门" / "旧格式.doc", "WordDocument")
    (root / "部门" / "损坏.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "乡镇" / "~$青石镇.docx").write_bytes(b"\x00" * 162)
    (root / ".hidden.txt").write_text("一、存在问题", encoding="utf-8")
    (root / "名单.xlsx").write_bytes(b"PK\x03\x04")
    return root


def test_collect_finds_reports_recursively_with_relative_names(folder) -> None:
    names = [name for _, name in collect([folder])]
    assert names == [
        "乡镇/柳河镇.txt",
        "乡镇/青石镇.txt",
        "部门/审计局.txt",
        "部门/损坏.docx",
        "部门/旧格式.doc",
        "部门/评估报告.md",
    ]


def test_batch_writes_every_output_and_records_bad_files(folder, tmp_path) -> None:
    out = tmp_path / "out"
    batch = run_batch([folder], jobs=1, cache=out / CACHE_NAME)
    written = write_outputs(batch, out)
    assert {"documents.csv", "paragraphs.csv", "findings.csv", "ledger.csv", "ledger.xlsx", "pairs.csv"} <= set(written)
    documents = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", keep_default_na=False)
    design = "doc, status, error, chars, paragraphs, doc_type, score, copy_ratio, boilerplate_ratio, problems, measures"
    assert set(design.split(", ") + ["top_source"]) <= set(documents.columns)
    status = dict(zip(documents["doc"], documents["status"], strict=True))
    assert status == {
        "乡镇/柳河镇.txt": "ok",
        "乡镇/青石镇.txt": "ok",
        "部门/审计局.txt": "ok",
        "部门/损坏.docx": "error",
        "部门/旧格式.doc": "error",
        "部门/评估报告.md": "ok",
    }
    errors = dict(zip(documents["doc"], documents["error"], strict=True))
    assert ".doc" in errors["部门/旧格式.doc"] and "另存为" in errors["部门/旧格式.doc"]
    copy = documents.set_index("doc").loc["乡镇/柳河镇.txt"]
    assert copy["top_source"] == "乡镇/青石镇.txt" and float(copy["copy_ratio"]) > 0.9
    assert 0 <= float(copy["score"]) <= 100
    pairs = pd.read_csv(out / "pairs.csv", encoding="utf-8-sig")
    assert list(pairs.columns) == ["doc_a", "doc_b", "shared_chars", "ratio_a", "ratio_b", "flagged"]
    flagged = pairs[pairs["flagged"]]
    assert [tuple(row) for row in flagged[["doc_a", "doc_b"]].to_numpy()] == [("乡镇/柳河镇.txt", "乡镇/青石镇.txt")]
    assert flagged.iloc[0]["ratio_a"] > 0.9 > flagged.iloc[0]["ratio_b"] > 0.2
    assert "部门/审计局.txt" not in set(flagged["doc_a"]) | set(flagged["doc_b"])
    paragraphs = pd.read_csv(out / "paragraphs.csv", encoding="utf-8-sig", keep_default_na=False)
    assert {"doc", "paragraph", "section", "role", "category", "boilerplate", "copied", "text"} <= set(
        paragraphs.columns
    )
    seed_lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert list(paragraphs[paragraphs["doc"] == "乡镇/青石镇.txt"]["text"]) == seed_lines
    ledger = pd.read_csv(out / "ledger.csv", encoding="utf-8-sig")
    assert {"doc", "problem", "category", "specific", "measures", "text"} <= set(ledger.columns)
    assert set(ledger["doc"]) <= set(batch.docs)
    assert (out / "report" / "index.html").is_file()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".report-")]


def test_dataframe_views_have_stable_columns(folder) -> None:
    import analyzer

    batch = analyzer.batch([folder], jobs=1)
    assert list(batch.documents().columns)[:3] == ["doc", "status", "error"]
    assert len(batch.documents()) == 6 and len(batch.errors) == 2
    assert {"doc", "problem", "specific", "measures", "text"} <= set(batch.problems().columns)
    assert {"doc", "measure", "checkable", "problems"} <= set(batch.measures().columns)
    findings = batch.findings()
    assert {"doc", "code", "name", "severity", "line", "col", "message", "source"} <= set(findings.columns)
    assert "CPY001" in set(findings["code"]) and "TPL001" in set(findings["code"])
    assert set(batch.paragraphs()["doc"]) == set(batch.docs)


def test_rerun_takes_documents_from_the_cache_and_writes_the_same_tables(folder, tmp_path) -> None:
    out = tmp_path / "out"
    first = run_batch([folder], jobs=1, cache=out / CACHE_NAME)
    write_outputs(first, out)
    before = {name: (out / name).read_bytes() for name in ("documents.csv", "paragraphs.csv", "pairs.csv")}
    again = run_batch([folder], jobs=1, cache=out / CACHE_NAME)
    assert again.cached == set(again.docs) and len(again.docs) == 4
    write_outputs(again, out)
    assert before == {name: (out / name).read_bytes() for name in before}
    changed = tmp_path / "changed"
    shutil.copytree(folder, changed)
    extra = changed / "部门" / "审计局.txt"
    extra.write_text(extra.read_text(encoding="utf-8") + "\n（五）新增一段说明。", encoding="utf-8")
    third = run_batch([changed], jobs=1, cache=out / CACHE_NAME)
    assert third.cached == set(third.docs) - {"部门/审计局.txt"}


def test_a_damaged_cache_entry_is_analysed_again(folder, tmp_path) -> None:
    import sqlite3

    cache = tmp_path / CACHE_NAME
    first = run_batch([folder], jobs=1, cache=cache)
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE entries SET prepared = ?", (b"not an npz archive",))
    again = run_batch([folder], jobs=1, cache=cache)
    assert again.cached == set() and set(again.docs) == set(first.docs)
    assert again.documents().equals(first.documents())


def test_worker_pool_agrees_with_one_process(folder) -> None:
    one = run_batch([folder], jobs=1).documents()
    two = run_batch([folder], jobs=2).documents()
    pd.testing.assert_frame_equal(one, two)


def test_a_document_that_breaks_the_analysis_is_recorded_and_the_rest_go_on(folder, monkeypatch) -> None:
    import analyzer.engine as engine

    real = engine.analyze_many

    def fragile(docs, **kwargs):
        if any("评估" in (doc.title or "") for doc in docs):
            raise RuntimeError("boom")
        return real(docs, **kwargs)

    monkeypatch.setattr(engine, "analyze_many", fragile)
    batch = run_batch([folder], jobs=1)
    assert "分析出错" in batch.errors["部门/评估报告.md"] and "RuntimeError" in batch.errors["部门/评估报告.md"]
    assert {"乡镇/柳河镇.txt", "乡镇/青石镇.txt", "部门/审计局.txt"} == set(batch.docs)


def test_a_failed_write_leaves_the_previous_outputs_whole(folder, tmp_path, monkeypatch) -> None:
    import analyzer.report_html as report_html

    out = tmp_path / "out"
    batch = run_batch([folder], jobs=1)
    write_outputs(batch, out)
    index = (out / "report" / "index.html").read_bytes()

    def crash(*args, **kwargs):
        (args[0] / "index.html").write_text("<html>half", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(report_html, "write_html_report", crash)
    with pytest.raises(KeyboardInterrupt):
        write_outputs(batch, out)
    assert (out / "report" / "index.html").read_bytes() == index
    assert not [p for p in out.iterdir() if p.name.startswith((".report-", ".documents"))]


def test_batch_command_through_typer(runner, folder, tmp_path) -> None:
    out = tmp_path / "结果"
    result = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert (
        "6 个文件：4 篇已分析" in result.stdout
        and "2 篇无法读取" in result.stdout
        and "1 对报告疑似抄袭" in result.stdout
    )
    assert "analyzer: 分析 / analysing 6/6" in result.stderr  # not a terminal: a line every tenth, no bar
    again = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--jobs", "1"])
    assert again.exit_code == 0 and "沿用上次的输出" in again.stdout and "1 对报告疑似抄袭" in again.stdout
    (out / "pairs.csv").unlink()  # an output gone: the run is done again, from the cache
    third = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--jobs", "1"])
    assert "4 篇取自缓存" in third.stdout and (out / "pairs.csv").is_file()
    fresh = runner.invoke(app, ["batch", str(folder), "--out", str(out), "--jobs", "1", "--no-cache"])
    assert "（0 篇取自缓存）" in fresh.stdout
    missing = runner.invoke(app, ["batch", str(tmp_path / "nowhere"), "--out", str(out)])
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = runner.invoke(app, ["batch", str(empty), "--out", str(out)])
    assert nothing.exit_code == 2 and "没有找到报告文件" in nothing.stderr


def test_batch_command_as_a_process_on_the_samples(tmp_path) -> None:
    out = tmp_path / "批量结果"
    command = [sys.executable, "-m", "analyzer", "batch", str(SAMPLES), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    documents = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert len(documents) == len(list(SAMPLES.glob("*.txt"))) and set(documents["status"]) == {"ok"}
    pairs = pd.read_csv(out / "pairs.csv", encoding="utf-8-sig")
    flagged = {tuple(sorted(pair)) for pair in pairs[pairs["flagged"]][["doc_a", "doc_b"]].to_numpy()}
    assert ("001_a5035848486fc07e.txt", "g1_neighbour_copy.txt") in flagged
    assert not [pair for pair in flagged if "g4_original.txt" in pair]
    assert (out / "report" / "index.html").is_file()
