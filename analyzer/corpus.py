"""The annotated corpus: validate per-document annotation files and assemble them into JSON Lines.

The sources of truth are the per-document files (``corpora/written/*.json``, ``corpora/annotated/*.json``; format in
``corpora/written/SCHEMA.md``). `build` assembles them, with the section heading path the structure stage finds, into
the two files LABELING.md describes and `analyzer train` reads:

- ``paragraphs.jsonl``: one record per paragraph: ``doc``, ``group``, ``source``, ``index``, ``text``,
  ``heading_path``, ``kind``, ``role``, ``category``;
- ``documents.jsonl``: one record per document: ``doc``, ``group``, ``provenance``, ``unit``, ``genre``, and its
  ``problems`` and ``measures`` (each with ``paragraph``, ``start``, ``end``, ``text``; measures with ``problems``).

``group`` keeps near-duplicate documents together (a draft and its final version), so that grouped
cross-validation never trains on one and tests on the other.

Run ``python corpora/build.py`` to rebuild the JSON Lines after editing an annotation file.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import InputError

CATEGORIES = ("political", "ideological", "institutional", "team_building", "other")
ROLES = ("title", "heading", "situation", "problem", "cause", "measure", "other")
BODY_ROLES = ("situation", "problem", "cause", "measure", "other")

SOURCE_FOLDERS = ("written", "annotated")

# Documents that are versions of one another share a group.
GROUPS = {"ext-006": "ext-005", "ext-009": "ext-008"}


@dataclass(frozen=True, slots=True)
class CorpusProblem:
    """One thing wrong with an annotation file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def validate_record(record: dict[str, Any], path: str = "<record>") -> list[CorpusProblem]:
    """Check one per-document annotation against SCHEMA.md and LABELING.md; return what is wrong (empty if fine)."""
    problems: list[CorpusProblem] = []

    def fail(message: str) -> None:
        problems.append(CorpusProblem(path, message))

    for key in ("id", "provenance", "paragraphs", "problems", "measures"):
        if key not in record:
            fail(f"missing field {key!r}")
    if problems:
        return problems
    paragraphs = record["paragraphs"]
    if not paragraphs:
        fail("no paragraphs")
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.get("text", "")
        if not text or text != text.strip() or "\n" in text:
            fail(f"paragraph {index}: text empty, not stripped, or with a line break")
        if paragraph.get("role") not in ROLES:
            fail(f"paragraph {index}: role {paragraph.get('role')!r} not one of {', '.join(ROLES)}")
        if paragraph.get("category") not in CATEGORIES:
            fail(f"paragraph {index}: category {paragraph.get('category')!r} not one of {', '.join(CATEGORIES)}")
    for kind in ("problems", "measures"):
        for number, item in enumerate(record[kind]):
            where = item.get("paragraph")
            if not isinstance(where, int) or not 0 <= where < len(paragraphs):
                fail(f"{kind}[{number}]: paragraph {where!r} out of range")
            elif not item.get("text") or item["text"] not in paragraphs[where]["text"]:
                fail(f"{kind}[{number}]: text is not a substring of paragraph {where}")
    for number, measure in enumerate(record["measures"]):
        for link in measure.get("problems", []):
            if not isinstance(link, int) or not 0 <= link < len(record["problems"]):
                fail(f"measures[{number}]: link {link!r} out of range")
    return problems


def source_files(root: Path) -> list[Path]:
    """The per-document annotation files under a corpus folder."""
    return sorted(path for folder in SOURCE_FOLDERS for path in (root / folder).glob("*.json"))


def build(root: str | Path) -> dict[str, Any]:
    """Validate the annotation files under `root` and write ``paragraphs.jsonl`` and ``documents.jsonl`` there.

    Returns:
        Counts of what was written.

    Raises:
        InputError: when an annotation file is invalid, naming every problem found.
    """
    from analyzer.engine import from_text

    root = Path(root)
    paragraph_rows: list[dict[str, Any]] = []
    document_rows: list[dict[str, Any]] = []
    errors: list[CorpusProblem] = []
    for path in source_files(root):
        record = json.loads(path.read_text(encoding="utf-8"))
        found = validate_record(record, str(path.relative_to(root)))
        if found:
            errors += found
            continue
        doc_id = record["id"]
        group = GROUPS.get(doc_id, doc_id)
        texts = [paragraph["text"] for paragraph in record["paragraphs"]]
        doc = from_text("\n".join(texts), source=doc_id)
        if [p.text for p in doc.paragraphs] != texts:
            errors.append(CorpusProblem(str(path), "paragraphs do not survive structuring unchanged"))
            continue
        source = record["provenance"].get("source", "written")
        for paragraph, gold in zip(doc.paragraphs, record["paragraphs"], strict=True):
            paragraph_rows.append(
                {
                    "doc": doc_id,
                    "group": group,
                    "source": source,
                    "index": paragraph.index,
                    "text": paragraph.text,
                    "heading_path": doc.heading_path(paragraph),
                    "kind": paragraph.kind,
                    "role": gold["role"],
                    "category": gold["category"],
                }
            )
        document_rows.append(
            {
                "doc": doc_id,
                "group": group,
                "provenance": record["provenance"],
                "unit": record.get("unit"),
                "genre": record.get("genre"),
                "problems": [_item(record, item) for item in record["problems"]],
                "measures": [
                    _item(record, item) | {"problems": item.get("problems", [])} for item in record["measures"]
                ],
            }
        )
    if errors:
        raise InputError("语料标注有误 / invalid annotations:\n" + "\n".join(map(str, errors)))
    _write_jsonl(root / "paragraphs.jsonl", paragraph_rows)
    _write_jsonl(root / "documents.jsonl", document_rows)
    return summarize(paragraph_rows, document_rows)


def _item(record: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    text = record["paragraphs"][item["paragraph"]]["text"]
    start = text.index(item["text"])
    return {"paragraph": item["paragraph"], "start": start, "end": start + len(item["text"]), "text": item["text"]}


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    content = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(content, encoding="utf-8")
    temporary.replace(path)


def read_paragraphs(corpus: str | Path) -> list[dict[str, Any]]:
    """The paragraph records of a corpus: a ``paragraphs.jsonl`` file, or a folder that holds one.

    Raises:
        InputError: when there is no such file or a record is malformed.
    """
    path = Path(corpus)
    if path.is_dir():
        path = path / "paragraphs.jsonl"
    if not path.is_file():
        raise InputError(f"找不到语料文件 {path}；请给出 paragraphs.jsonl 或含有它的文件夹 / corpus not found")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{number}: 不是有效的 JSON / not valid JSON ({e.msg})") from e
        missing = {"doc", "index", "text", "role", "category"} - set(row)
        if missing:
            raise InputError(f"{path}:{number}: 缺少字段 / missing fields: {', '.join(sorted(missing))}")
        rows.append(row)
    if not rows:
        raise InputError(f"{path}: 语料为空 / the corpus is empty")
    return rows


def read_items(corpus: str | Path) -> dict[str, dict[str, Any]]:
    """Gold problem and measure items per document, from the ``documents.jsonl`` beside ``paragraphs.jsonl``.

    Returns:
        {doc: {"problems": [(paragraph, start, end)], "measures": [(paragraph, start, end, [problem indexes])]}},
        offsets relative to the paragraph; empty when the corpus has no documents.jsonl.
    """
    path = Path(corpus)
    path = (path if path.is_dir() else path.parent) / "documents.jsonl"
    if not path.is_file():
        return {}
    items: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        items[record["doc"]] = {
            "problems": [(p["paragraph"], p["start"], p["end"]) for p in record["problems"]],
            "measures": [(m["paragraph"], m["start"], m["end"], list(m["problems"])) for m in record["measures"]],
        }
    return items


def data_version(corpus: str | Path) -> str:
    """A short content hash of a corpus's ``paragraphs.jsonl``, recorded in the model card."""
    path = Path(corpus)
    if path.is_dir():
        path = path / "paragraphs.jsonl"
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def summarize(paragraphs: list[dict[str, Any]], documents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Counts per label, as corpora/README.md reports them."""
    body = [row for row in paragraphs if row["role"] not in ("title", "heading")]
    summary: dict[str, Any] = {
        "documents": len({row["doc"] for row in paragraphs}),
        "paragraphs": len(paragraphs),
        "roles": dict(Counter(row["role"] for row in paragraphs)),
        "body_categories": dict(Counter(row["category"] for row in body)),
        "sources": dict(Counter(row["source"] for row in paragraphs if "source" in row)),
    }
    if documents is not None:
        summary["problems"] = sum(len(doc["problems"]) for doc in documents)
        summary["measures"] = sum(len(doc["measures"]) for doc in documents)
        summary["links"] = sum(len(m["problems"]) for doc in documents for m in doc["measures"])
    return summary
