"""The command line, end to end: through typer's runner and as a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from conftest import GOLDEN, REPORT, seed_paths
from make_files import write_ole, write_pdf, write_scanned_pdf, write_zip_bomb

from analyzer.cli import app


def _check_document_json(record: dict, lines: list[str]) -> None:
    """The invariants of DESIGN.md: one paragraph per non-blank line, text equal to it stripped, offsets exact."""
    assert record["schema"] == "analyzer.document/1"
    expected = [line.strip() for line in lines if line.strip()]
    assert [p["text"] for p in record["paragraphs"]] == expected
    text = record["text"]
    for paragraph in record["paragraphs"]:
        assert text[paragraph["start"] : paragraph["end"]] == paragraph["text"]
        assert set(paragraph) >= {
            "id",
            "index",
            "start",
            "end",
            "text",
            "section",
            "is_heading",
            "role",
            "category",
            "category_scores",
            "boilerplate",
            "copied",
        }
    for section in record["sections"]:
        assert set(section) >= {"id", "level", "number", "title", "start", "end", "parent", "role", "category"}
    from analyzer.checks import REGISTRY

    for item in record["problems"] + record["measures"]:
        assert text[item["start"] : item["end"]] == item["text"]
    problem_ids = {p["id"] for p in record["problems"]}
    measure_ids = {m["id"] for m in record["measures"]}
    assert all(set(p["measures"]) <= measure_ids for p in record["problems"])
    assert all(set(m["problems"]) <= problem_ids for m in record["measures"])
    for finding in record["findings"]:
        assert finding["code"] in REGISTRY and finding["message"]
        assert 0 <= finding["start"] <= finding["end"] <= len(text)


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.stem)
def test_analyze_json_on_seeds(runner, path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    from analyzer.normalize import normalize

    _check_document_json(record, normalize(path.read_text(encoding="utf-8")).text.split("\n"))


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.stem)
def test_outline_matches_golden(runner, path: Path) -> None:
    result = runner.invoke(app, ["outline", str(path)])
    assert result.exit_code == 0
    lines = result.stdout.split("\n")
    structure = "\n".join(re.sub(r"  \[[^\]]*\]$", "", line) for line in lines)
    assert structure == (GOLDEN / f"{path.stem}.outline.txt").read_text(encoding="utf-8")
    tagged = [line for line in lines if line.lstrip().startswith(("·", "■"))]
    assert all(re.search(r"\[[^\]]+ · [^\]]+\]$", line) for line in tagged)


def test_analyze_several_files_gives_json_lines(runner, seeds: list[Path]) -> None:
    result = runner.invoke(app, ["analyze", *map(str, seeds), "--format", "json"])
    assert result.exit_code == 0
    lines = result.stdout.strip().split("\n")
    assert [json.loads(line)["source"] for line in lines] == [str(path) for path in seeds]


def test_analyze_text_summary(runner, seeds: list[Path]) -> None:
    result = runner.invoke(app, ["analyze", str(seeds[3])])
    assert result.exit_code == 0
    assert "已去除 2 处抓取残留标记" in result.stdout
    assert "■ 二、工作总体情况" in result.stdout


def _write_report(path: Path, kind: str) -> list[str]:
    """Write REPORT in a format; return the lines a reader sees."""
    lines = REPORT.strip("\n").split("\n")
    if kind == "docx":
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        document.save(str(path))
    elif kind == "pdf":
        write_pdf(path, lines, lines_per_page=12)
    elif kind == "gb18030":
        path.write_bytes(REPORT.replace("\n", "\r\n").encode("gb18030"))
    elif kind == "utf-16":
        path.write_bytes(REPORT.encode("utf-16"))
    elif kind == "utf-8-sig":
        path.write_bytes(("\n\n  " + REPORT.replace("\n", "\n\u3000\u3000")).encode("utf-8-sig"))
    else:
        path.write_text(REPORT, encoding="utf-8")
    return lines


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("r.docx", "docx"),
        ("r.pdf", "pdf"),
        ("r.txt", "gb18030"),
        ("u.txt", "utf-16"),
        ("b.txt", "utf-8-sig"),
        ("r.md", "md"),
    ],
)
def test_unseen_report_in_every_format(runner, tmp_path: Path, name: str, kind: str) -> None:
    path = tmp_path / name
    lines = _write_report(path, kind)
    result = runner.invoke(app, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    _check_document_json(record, lines)
    headings = [(s["number"], s["level"]) for s in record["sections"]]
    assert headings == [("一、", 1), ("二、", 1), ("（二）", 2), ("三、", 1)]
    assert record["title"] == "青石镇纪委2024年度自查报告"
    assert record["doc_type"] == "self_inspection"


BAD_INPUTS = [
    ("old.doc", lambda p: write_ole(p, "WordDocument")),
    ("report.wps", lambda p: write_ole(p, "WpsContent")),
    ("scan.pdf", write_scanned_pdf),
    ("locked.pdf", lambda p: write_pdf(p, ["一、测试"], password="secret")),
    ("bomb.docx", write_zip_bomb),
    ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)),
    ("junk.txt", lambda p: p.write_bytes(bytes(range(256)) * 20)),
    ("missing.txt", lambda p: None),
]


@pytest.mark.parametrize(("name", "make"), BAD_INPUTS, ids=[name for name, _ in BAD_INPUTS])
def test_bad_input_exits_2_with_one_line(runner, tmp_path: Path, name: str, make) -> None:
    path = tmp_path / name
    make(path)
    for command in (["analyze", str(path), "--format", "json"], ["outline", str(path)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert len(result.stderr.strip().split("\n")) == 1
        assert result.stderr.startswith(f"analyzer: {path}: ")


def test_size_limit_option(runner, seeds: list[Path]) -> None:
    result = runner.invoke(app, ["analyze", str(seeds[0]), "--max-size", "0.005"])
    assert result.exit_code == 2
    assert "超过上限" in result.stderr


def test_bad_file_among_good_ones_does_not_stop_the_rest(runner, tmp_path: Path, seeds: list[Path]) -> None:
    bad = tmp_path / "old.doc"
    write_ole(bad, "WordDocument")
    result = runner.invoke(app, ["analyze", str(seeds[0]), str(bad), str(seeds[1]), "--format", "json"])
    assert result.exit_code == 2
    assert len(result.stdout.strip().split("\n")) == 2
    assert "另存为" in result.stderr


def test_unknown_option_value_is_a_usage_error(runner, seeds: list[Path]) -> None:
    result = runner.invoke(app, ["analyze", str(seeds[0]), "--format", "xml"])
    assert result.exit_code == 2


def test_subprocess_end_to_end(tmp_path: Path, seeds: list[Path]) -> None:
    good = subprocess.run(
        [sys.executable, "-m", "analyzer", "analyze", str(seeds[2]), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["title"] == "乡镇纪委和派驻纪检监察组工作汇报"
    bad = tmp_path / "old.doc"
    write_ole(bad, "WordDocument")
    failed = subprocess.run(
        [sys.executable, "-m", "analyzer", "outline", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert len(failed.stderr.strip().split("\n")) == 1


def _written_documents() -> list[Path]:
    return sorted((Path(__file__).resolve().parent.parent / "corpora" / "written").glob("*.json"))


@pytest.mark.parametrize("path", _written_documents(), ids=lambda p: p.stem)
def test_corpus_document_reads_alike_in_every_format(tmp_path: Path, path: Path) -> None:
    """Each annotated corpus document, written out as .txt (GB18030, CRLF), UTF-16 .txt, .docx and .pdf, reads back
    as exactly its lines, with the same sections whatever the format."""
    from analyzer.engine import load

    lines = [paragraph["text"] for paragraph in json.loads(path.read_text(encoding="utf-8"))["paragraphs"]]
    (tmp_path / "gb.txt").write_bytes("\r\n".join(lines).encode("gb18030"))
    (tmp_path / "u16.txt").write_bytes("\n".join(lines).encode("utf-16"))
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(tmp_path / "report.docx"))
    # The PDF font (STSong-Light, built into reportlab) has no glyph for the middle dot: print another there.
    printable = [line.replace("\u00b7", "．") for line in lines]
    write_pdf(tmp_path / "report.pdf", printable)
    outlines = set()
    for name in ("gb.txt", "u16.txt", "report.docx", "report.pdf"):
        doc = load(tmp_path / name)
        assert [p.text for p in doc.paragraphs] == (printable if name.endswith(".pdf") else lines), name
        outlines.add(tuple((s.level, s.title) for s in doc.sections))
    assert len(outlines) == 1
