"""Wire the stages: read → normalise → structure → classify → extract → check.

`load(path)` and `from_text(text)` read and structure a report; `analyze(path)` and `analyze_text(text)` go on to
classify its paragraphs with the shipped model (or another, `model=`), extract its ledger of problems and measures,
and run the ledger checks. Each returns a `Document` whose offsets
index its normalised text. The CLI and the public API in `analyzer/__init__.py` call these and nothing deeper.
"""

from __future__ import annotations

from pathlib import Path

from analyzer.checks.boilerplate import check_boilerplate
from analyzer.checks.copying import apply_copies
from analyzer.checks.ledger import check_ledger
from analyzer.checks.structure import check_structure
from analyzer.checks.template import check_template
from analyzer.classify import classify_many, load_model
from analyzer.copying import CopyResult, Prepared, find_copies, prepare
from analyzer.document import Document
from analyzer.extract import extract_many
from analyzer.normalize import normalize
from analyzer.readers import DEFAULT_MAX_BYTES, RawText, read
from analyzer.scoring import score
from analyzer.structure import parse


def load(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a report file and find its structure.

    Args:
        path: A .txt, .md, .docx or .pdf file.
        max_bytes: Files larger than this are refused.

    Raises:
        UnreadableFileError: (a subclass of it) when the file cannot be read as a report.

    Example::

        doc = load("corpora/samples/000_e1e31738956b331a.txt")
        doc.doc_type  # 'self_inspection'
    """
    raw = read(path, max_bytes=max_bytes)
    return from_raw(raw, source=str(path))


def from_text(text: str, *, source: str = "<text>") -> Document:
    """Find the structure of a report given as a string (normalised first).

    Example:
        >>> doc = from_text("青石镇自查报告\\r\\n一、存在问题\\n学习不深入。")
        >>> [(p.kind, p.text) for p in doc.paragraphs]
        [('title', '青石镇自查报告'), ('heading', '一、存在问题'), ('body', '学习不深入。')]
    """
    return from_raw(RawText(text=text, format="text"), source=source)


def from_raw(raw: RawText, *, source: str) -> Document:
    """Normalise read text and find its structure, keeping what reading found in `Document.meta`."""
    normalized = normalize(raw.text)
    meta = {
        "format": raw.format,
        "encoding": raw.encoding,
        "artefacts": [
            {"start": a.start, "original_start": a.original_start, "text": a.text} for a in normalized.artefacts
        ],
        "notes": list(raw.notes),
    }
    return parse(normalized.text, source=source, meta=meta, outline=raw.outline)


def analyze(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, model: str | Path | None = None) -> Document:
    """Read a report, find its structure, and give each paragraph and section a role and a category.

    Args:
        path: A .txt, .md, .docx or .pdf file.
        max_bytes: Files larger than this are refused.
        model: A model file made by ``analyzer train``; None for the model shipped in the package.

    Raises:
        UnreadableFileError: when the file cannot be read as a report.
        ModelError: when the model cannot be loaded or is not trusted.
    """
    return _analyze_document(load(path, max_bytes=max_bytes), model)


def analyze_text(text: str, *, source: str = "<text>", model: str | Path | None = None) -> Document:
    """`analyze` for a report given as a string."""
    return _analyze_document(from_text(text, source=source), model)


def analyze_many(docs: list[Document], *, model: str | Path | None = None) -> list[Document]:
    """`analyze` for documents already loaded, many at once: each model makes one pass over all of them, which is
    several times faster than one document at a time (the batch uses it on chunks of documents)."""
    models = load_model(str(model) if model else None)
    classify_many(docs, models)
    ledgers = extract_many(docs, models["items"]) if "items" in models else [None] * len(docs)
    for doc, ledger in zip(docs, ledgers, strict=True):
        findings = check_template(doc) + check_boilerplate(doc)
        if ledger is not None:
            problems, measures = ledger
            doc.problems = [item.to_dict() for item in problems]
            doc.measures = [item.to_dict() for item in measures]
            findings += check_ledger(problems, measures)
        findings += check_structure(doc)
        doc.findings = [f.to_dict() for f in sorted(findings, key=lambda f: (f.start, f.code))]
        doc.score = score(doc)
    return docs


def _analyze_document(doc: Document, model: str | Path | None) -> Document:
    """Classify paragraphs, extract the ledger, run the structure, template, boilerplate and ledger checks, and
    score the document (`compare` scores it again once copying is known)."""
    return analyze_many([doc], model=model)[0]


def compare(
    docs: dict[str, Document],
    *,
    library: str | Path | None = None,
    prepared: dict[str, Prepared] | None = None,
) -> CopyResult | None:
    """Check analysed documents against each other, and against a reference library, for copying.

    Sets each paragraph's ``copied`` share and the documents' ``meta["copy_ratio"]`` and ``meta["copy_sources"]``,
    adds CPY findings with their sources (a library source is named ``library:<name>``), and scores the documents
    again.

    Args:
        docs: Analysed documents by the name to report them under (a path as given, or relative to a folder).
        library: A reference library file (see `analyzer.library`), or None.
        prepared: Documents already prepared for matching (`analyzer.copying.prepare`), by name.

    Returns:
        What was found (spans and shared characters by pair), or None when there was nothing to compare with.
    """
    ready = {name: (prepared or {}).get(name) or prepare(doc) for name, doc in docs.items()}
    references: dict[str, Document] = {}
    if library is not None:
        from analyzer.library import Library

        with Library(library) as opened:
            references = opened.sharing(ready.values())
    if len(docs) + len(references) < 2:
        return None
    result = find_copies({**references, **docs}, prepared=ready)
    found = apply_copies(docs, result, references)
    for name, doc in docs.items():
        merged = doc.findings + [f.to_dict() for f in found.get(name, [])]
        doc.findings = sorted(merged, key=lambda f: (f["start"], f["code"]))
        doc.score = score(doc)
    return result
