"""The annotated corpus: every annotation file follows the schema, and the JSON Lines are in sync with them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from analyzer.corpus import (
    BODY_ROLES,
    CATEGORIES,
    ROLES,
    build,
    read_paragraphs,
    source_files,
    validate_record,
)
from analyzer.errors import InputError

CORPUS = ROOT / "corpora"


@pytest.mark.parametrize("path", source_files(CORPUS), ids=lambda p: p.stem)
def test_annotation_file_is_valid(path: Path) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    assert validate_record(record, path.name) == []
    assert record["provenance"].get("source") in {"written", "seed", "external"}


def test_json_lines_are_built_from_the_annotation_files(tmp_path: Path) -> None:
    for folder in ("written", "annotated"):
        shutil.copytree(CORPUS / folder, tmp_path / folder)
    build(tmp_path)
    for name in ("paragraphs.jsonl", "documents.jsonl"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (CORPUS / name).read_text(encoding="utf-8"), (
            f"{name} is stale: run python corpora/build.py"
        )


def test_paragraph_records_follow_labeling() -> None:
    rows = read_paragraphs(CORPUS)
    assert {row["role"] for row in rows} <= set(ROLES)
    assert {row["category"] for row in rows} <= set(CATEGORIES)
    assert all(isinstance(row["heading_path"], list) for row in rows)
    body = [row for row in rows if row["role"] in BODY_ROLES]
    assert len(body) > 1000


def test_documents_items_index_their_paragraphs() -> None:
    paragraphs = {(row["doc"], row["index"]): row["text"] for row in read_paragraphs(CORPUS)}
    for line in (CORPUS / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        document = json.loads(line)
        for item in document["problems"] + document["measures"]:
            text = paragraphs[(document["doc"], item["paragraph"])]
            assert text[item["start"] : item["end"]] == item["text"]
        for measure in document["measures"]:
            assert all(0 <= link < len(document["problems"]) for link in measure["problems"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["paragraphs"][0].update(role="summary"), "role"),
        (lambda r: r["paragraphs"][1].update(category="economy"), "category"),
        (lambda r: r["problems"].append({"paragraph": 1, "text": "不在段落里的文字"}), "substring"),
        (
            lambda r: r["measures"].append({"paragraph": 1, "text": r["paragraphs"][1]["text"], "problems": [99]}),
            "link",
        ),
        (lambda r: r["paragraphs"][2].update(text=" 前后有空格 "), "stripped"),
    ],
)
def test_invalid_records_are_caught(change, message: str) -> None:
    record = {
        "id": "t",
        "provenance": {"source": "written"},
        "paragraphs": [
            {"text": "标题", "role": "title", "category": "other"},
            {"text": "一、问题", "role": "heading", "category": "other"},
            {"text": "学习不深入。", "role": "problem", "category": "ideological"},
        ],
        "problems": [],
        "measures": [],
    }
    change(record)
    problems = validate_record(record)
    assert problems and message in str(problems[0])


def test_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="找不到语料"):
        read_paragraphs(tmp_path)
