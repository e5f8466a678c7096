"""The HTML report of a batch: ``index.html`` (the batch at a glance) and a page per document under ``docs/``.

Every page is one self-contained file: its CSS and its little JavaScript are inline, nothing is fetched, and it opens
from disk without a network. The pages are rendered by Jinja2 templates (``analyzer/templates/``) with autoescaping
on, and no document text is ever marked safe: what a report says is shown as text, whatever markup it contains.

The Python side prepares plain data for the templates: each paragraph cut into segments at the union of the
boundaries of its highlights (template residue, stock phrases, copied spans) and anchors, so that overlapping spans
split into flat segments that carry every class that covers them; the copy network laid out deterministically.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import jinja2
import numpy as np

from analyzer.checks.boilerplate import stock_spans
from analyzer.report import CATEGORY_LABELS, DOC_TYPE_LABELS, KIND_LABELS, ROLE_LABELS, SEVERITY_LABELS

CATEGORIES = ("political", "ideological", "institutional", "team_building", "other")
"""Categories in the order the pages show them (the colours of the templates follow it)."""
SEVERITIES = ("error", "warning", "info")
LIBRARY_PREFIX = "library:"
NETWORK_WIDTH, NETWORK_MARGIN = 960, 24
EDGE_LENGTH, LABEL_ROOM, GROUP_GAP = 110, 125, 50
"""Pixels of the copy network: a typical edge, the room left for labels beside a group, the gap between groups."""
LAYOUT_ITERATIONS = 300
LAYOUT_SEED = 20240601


def write_html_report(out_dir: Path, documents: list[dict], pairs: list[dict], errors: list[dict]) -> Path:
    """Write the batch report: ``out_dir/index.html`` and one page per document under ``out_dir/docs/``.

    Args:
        out_dir: The folder to write into (created if missing).
        documents: Document JSON (``Document.to_dict()``) with a key ``doc``: the document's name in the batch.
        pairs: Rows of pairs.csv: ``doc_a, doc_b, shared_chars, ratio_a, ratio_b, flagged``.
        errors: ``{"doc", "error"}`` for each document that could not be read.

    Returns:
        The path of ``index.html``.
    """
    out_dir = Path(out_dir)
    (out_dir / "docs").mkdir(parents=True, exist_ok=True)
    env = _environment()
    width = max(4, len(str(len(documents))))
    pages = {doc["doc"]: f"{i:0{width}d}.html" for i, doc in enumerate(documents)}
    by_name = {doc["doc"]: doc for doc in documents}
    incoming = _incoming_spans(documents)
    template = env.get_template("document.html.j2")
    for doc in documents:
        context = document_context(doc, by_name, pages, incoming.get(doc["doc"], set()))
        (out_dir / "docs" / pages[doc["doc"]]).write_text(template.render(**context), encoding="utf-8")
    index = out_dir / "index.html"
    context = index_context(documents, pairs, errors, pages)
    index.write_text(env.get_template("index.html.j2").render(**context), encoding="utf-8")
    return index


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("analyzer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["percent"] = _percent
    return env


def _percent(value: float | None, digits: int = 1) -> str:
    """``0.4567`` → ``45.7%``; None → ``—``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.{digits}f}%"


# ------------------------------------------------------------------------------------------------ index page


def index_context(documents: list[dict], pairs: list[dict], errors: list[dict], pages: dict[str, str]) -> dict:
    """What ``index.html.j2`` shows: counts, a row per document, category coverage, the copy network, errors."""
    rows = [_document_row(doc, pages) for doc in documents]
    pairs = [_pair(pair) for pair in pairs]
    flagged = sorted((p for p in pairs if p["flagged"]), key=lambda p: (-p["shared_chars"], p["doc_a"], p["doc_b"]))
    titles = {doc["doc"]: doc.get("title") for doc in documents}
    for pair in flagged:
        for side in ("a", "b"):
            name = pair[f"doc_{side}"]
            pair[f"href_{side}"] = f"docs/{pages[name]}" if name in pages else None
            pair[f"label_{side}"] = _source_label(name)
            pair[f"title_{side}"] = titles.get(name)
    scores = [row["score"] for row in rows if row["score"] is not None]
    coverage = []
    for category in CATEGORIES[:4]:
        missing = sum(1 for row in rows if row["body_paragraphs"] and not row["categories"][category])
        paragraphs = sum(row["categories"][category] for row in rows)
        coverage.append({"key": category, "label": CATEGORY_LABELS[category], "missing": missing, "count": paragraphs})
    total_body = sum(row["body_paragraphs"] for row in rows)
    batch_bar = _category_bar(Counter({c: sum(row["categories"][c] for row in rows) for c in CATEGORIES}))
    summary = {
        "documents": len(documents),
        "errors": len(errors),
        "mean_score": round(sum(scores) / len(scores)) if scores else None,
        "low_scores": sum(1 for s in scores if s < 60),
        "flagged_pairs": len(flagged),
        "copying_documents": len({name for p in flagged for name in (p["doc_a"], p["doc_b"]) if name in pages}),
        "residue_documents": sum(1 for row in rows if row["residue"]),
        "problems": sum(row["problems"] for row in rows),
        "measures": sum(row["measures"] for row in rows),
    }
    return {
        "page_title": "批量审查总览",
        "summary": summary,
        "rows": rows,
        "coverage": coverage,
        "total_body": total_body,
        "other_paragraphs": sum(row["categories"]["other"] for row in rows),
        "batch_bar": batch_bar,
        "categories": [{"key": c, "label": CATEGORY_LABELS[c]} for c in CATEGORIES],
        "network": copy_network(documents, flagged, pages),
        "flagged": flagged,
        "unflagged": len(pairs) - len(flagged),
        "errors": [{"doc": str(error.get("doc", "")), "error": str(error.get("error", ""))} for error in errors],
        "severity_labels": SEVERITY_LABELS,
    }


def _document_row(doc: dict, pages: dict[str, str]) -> dict:
    meta = doc.get("meta") or {}
    sources = meta.get("copy_sources") or {}
    top = max(sources.items(), key=lambda item: item[1]) if sources else None
    severities = Counter(f["severity"] for f in doc.get("findings", []))
    body = [p for p in doc.get("paragraphs", []) if _is_body(p)]
    categories = Counter(p.get("category") or "other" for p in body)
    score = doc.get("score")
    return {
        "doc": doc["doc"],
        "href": f"docs/{pages[doc['doc']]}",
        "title": doc.get("title") or "",
        "doc_type": DOC_TYPE_LABELS.get(doc.get("doc_type"), doc.get("doc_type") or "未识别"),
        "score": score.get("total") if score else None,
        "copy_ratio": meta.get("copy_ratio"),
        "copy_ratio_excluding_stock": meta.get("copy_ratio_excluding_stock"),
        "top_source": top[0] if top else None,
        "top_source_label": _source_label(top[0]) if top else None,
        "top_source_href": f"docs/{pages[top[0]]}" if top and top[0] in pages else None,
        "top_ratio": top[1] if top else None,
        "problems": len(doc.get("problems", [])),
        "measures": len(doc.get("measures", [])),
        "findings": {severity: severities.get(severity, 0) for severity in SEVERITIES},
        "residue": sum(1 for f in doc.get("findings", []) if f["code"].startswith("TPL")),
        "body_paragraphs": len(body),
        "categories": {category: categories.get(category, 0) for category in CATEGORIES},
        "bar": _category_bar(categories),
        "covered": sum(1 for category in CATEGORIES[:4] if categories.get(category)),
    }


def _category_bar(counts: Counter) -> list[dict]:
    """Segments of a stacked bar: each category's share of the body paragraphs, in `CATEGORIES` order."""
    total = sum(counts.get(category, 0) for category in CATEGORIES)
    if not total:
        return []
    return [
        {
            "key": category,
            "label": CATEGORY_LABELS[category],
            "count": counts[category],
            "width": round(100 * counts[category] / total, 2),
        }
        for category in CATEGORIES
        if counts.get(category)
    ]


def _pair(pair: dict) -> dict:
    """A pairs.csv row with plain Python values (rows from pandas carry NumPy scalars)."""
    flagged = pair.get("flagged")
    if isinstance(flagged, str):
        flagged = flagged.strip().lower() in ("true", "1", "yes")
    return {
        "doc_a": str(pair["doc_a"]),
        "doc_b": str(pair["doc_b"]),
        "shared_chars": int(pair.get("shared_chars") or 0),
        "ratio_a": float(pair.get("ratio_a") or 0.0),
        "ratio_b": float(pair.get("ratio_b") or 0.0),
        "flagged": bool(flagged),
    }


def _source_label(name: str) -> str:
    if name.startswith(LIBRARY_PREFIX):
        return f"参考库：{name[len(LIBRARY_PREFIX) :]}"
    return name


def copy_network(documents: list[dict], flagged: list[dict], pages: dict[str, str]) -> dict | None:
    """The copy network as SVG-ready data: nodes are the documents in flagged pairs, edges as wide as the characters
    they share. Each group of connected documents gets a force layout from a fixed start (the same batch gives the
    same picture), and the groups are packed in rows, largest first.

    Returns:
        ``{"width", "height", "nodes": [...], "edges": [...]}``, or None when no pair is flagged.
    """
    if not flagged:
        return None
    by_name = {doc["doc"]: doc for doc in documents}
    positions, height = _network_layout(flagged)
    degree = Counter(name for pair in flagged for name in (pair["doc_a"], pair["doc_b"]))
    heaviest = max(pair["shared_chars"] for pair in flagged) or 1
    edges = []
    for pair in flagged:
        (x1, y1, _), (x2, y2, _) = positions[pair["doc_a"]], positions[pair["doc_b"]]
        edges.append(
            {
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "width": round(1.2 + 7 * math.sqrt(pair["shared_chars"] / heaviest), 2),
                "title": (
                    f"{_source_label(pair['doc_a'])} ↔ {_source_label(pair['doc_b'])}：共有 {pair['shared_chars']} 字，"
                    f"前者 {_percent(pair['ratio_a'])}，后者 {_percent(pair['ratio_b'])}"
                ),
            }
        )
    nodes = []
    for name in sorted(positions):
        x, y, outwards = positions[name]
        doc = by_name.get(name)
        meta = (doc or {}).get("meta") or {}
        ratio = meta.get("copy_ratio")
        lines = [_source_label(name)]
        if doc is not None and doc.get("title"):
            lines.append(f"《{doc['title']}》")
        if ratio is not None:
            lines.append(f"总复制比 {_percent(ratio)}")
        radius = round(6 + 2.5 * math.sqrt(degree[name]), 1)
        nodes.append(
            {
                "x": x,
                "y": y,
                "r": radius,
                "href": f"docs/{pages[name]}" if name in pages else None,
                "label": _short_label(name),
                "label_x": round(x + (radius + 4) * outwards, 1),
                "anchor": "start" if outwards > 0 else "end",
                "title": "\n".join(lines),
                "level": "library" if name.startswith(LIBRARY_PREFIX) else _copy_level(ratio),
            }
        )
    return {"width": NETWORK_WIDTH, "height": height, "nodes": nodes, "edges": edges}


def _network_layout(flagged: list[dict]) -> tuple[dict[str, tuple[float, float, int]], int]:
    """Positions of the network's nodes: ``{name: (x, y, label side ±1)}``, and the picture's height."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for pair in flagged:
        neighbours[pair["doc_a"]].add(pair["doc_b"])
        neighbours[pair["doc_b"]].add(pair["doc_a"])
    groups, seen = [], set()
    for name in sorted(neighbours):
        if name in seen:
            continue
        group, stack = [], [name]
        seen.add(name)
        while stack:
            current = stack.pop()
            group.append(current)
            for other in sorted(neighbours[current] - seen):
                seen.add(other)
                stack.append(other)
        groups.append(sorted(group))
    groups.sort(key=lambda group: (-len(group), group[0]))
    usable = NETWORK_WIDTH - 2 * NETWORK_MARGIN
    placed: dict[str, tuple[float, float, int]] = {}
    x = y = row_height = 0.0
    for group in groups:
        index = {name: i for i, name in enumerate(group)}
        pairs = [p for p in flagged if p["doc_a"] in index and p["doc_b"] in index]
        links = [(index[p["doc_a"]], index[p["doc_b"]]) for p in pairs]
        pos = _force_layout(len(group), links, [p["shared_chars"] for p in pairs]) * EDGE_LENGTH
        pos -= pos.min(axis=0)
        size = pos.max(axis=0)
        if size[0] > usable - 2 * LABEL_ROOM:  # a group wider than the picture is drawn smaller
            pos *= (usable - 2 * LABEL_ROOM) / size[0]
            size = pos.max(axis=0)
        width = size[0] + 2 * LABEL_ROOM
        if x > 0 and x + width > usable:
            x, y, row_height = 0.0, y + row_height, 0.0
        centre = pos.mean(axis=0)
        for name, (px, py) in zip(group, pos, strict=True):
            side = 1 if px >= centre[0] else -1
            placed[name] = (
                round(float(NETWORK_MARGIN + x + LABEL_ROOM + px), 1),
                round(float(NETWORK_MARGIN / 2 + y + GROUP_GAP / 2 + py), 1),
                side,
            )
        x += width
        row_height = max(row_height, size[1] + GROUP_GAP)
    return placed, round(y + row_height + NETWORK_MARGIN)


def _copy_level(ratio: float | None) -> str:
    if ratio is None:
        return "none"
    return "high" if ratio >= 0.5 else "mid" if ratio >= 0.2 else "low"


def _short_label(name: str, limit: int = 12) -> str:
    """The last part of a document's name without its extension, cut to `limit` characters."""
    if name.startswith(LIBRARY_PREFIX):
        name = name[len(LIBRARY_PREFIX) :]
    stem = name.rstrip("/").rsplit("/", 1)[-1]
    if "." in stem[1:]:
        stem = stem.rsplit(".", 1)[0]
    return stem if len(stem) <= limit else stem[: limit - 1] + "…"


def _force_layout(count: int, edges: list[tuple[int, int]], weights: list[int]) -> np.ndarray:
    """Fruchterman–Reingold positions of a connected group, scaled so that the median edge is 1 long; from a
    circle with a seeded jitter, so the same group always gets the same picture."""
    if count == 1:
        return np.zeros((1, 2))
    if count == 2:
        return np.array([[0.0, 0.0], [1.0, 0.0]])
    rng = np.random.default_rng(LAYOUT_SEED)
    angles = 2 * np.pi * np.arange(count) / count
    pos = np.column_stack([np.cos(angles), np.sin(angles)]) + rng.normal(0, 0.05, (count, 2))
    k = math.sqrt(4.0 / count)
    source = np.array([a for a, _ in edges])
    target = np.array([b for _, b in edges])
    strength = 0.5 + np.sqrt(np.array(weights, dtype=float) / max(max(weights), 1))
    temperature = 0.2
    iterations = LAYOUT_ITERATIONS if count <= 150 else LAYOUT_ITERATIONS // 3  # each costs count² here
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=2), 1e-3)
        displacement = (delta * (k * k / distance**2)[:, :, None]).sum(axis=1)
        pull = pos[source] - pos[target]
        length = np.maximum(np.linalg.norm(pull, axis=1), 1e-3)
        force = pull * (length * strength / k)[:, None]
        np.add.at(displacement, source, -force)
        np.add.at(displacement, target, force)
        size = np.maximum(np.linalg.norm(displacement, axis=1), 1e-9)
        pos += displacement / size[:, None] * np.minimum(size, temperature)[:, None]
        temperature *= 0.985 if count <= 150 else 0.955
    median = float(np.median(np.linalg.norm(pos[source] - pos[target], axis=1)))
    return (pos - pos.mean(axis=0)) / max(median, 1e-9)


# ------------------------------------------------------------------------------------------------ document pages


def _incoming_spans(documents: list[dict]) -> dict[str, set[tuple[int, int]]]:
    """For each document, the spans of its text that other documents' CPY findings name as their source."""
    incoming: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for doc in documents:
        for found in doc.get("findings", []):
            if found["code"].startswith("CPY") and found.get("source") is not None:
                start, end = found.get("source_start"), found.get("source_end")
                if start is not None and end is not None:
                    incoming[found["source"]].add((int(start), int(end)))
    return incoming


def source_anchor(start: int, end: int) -> str:
    """The id of the anchor at a span that another document copied: ``src-<start>-<end>``."""
    return f"src-{start}-{end}"


def document_context(
    doc: dict, by_name: dict[str, dict], pages: dict[str, str], incoming: set[tuple[int, int]]
) -> dict:
    """What ``document.html.j2`` shows for one document.

    Args:
        doc: Document JSON with its ``doc`` name.
        by_name: Every document of the batch by name (the sources of copied spans).
        pages: The page file name of every document of the batch.
        incoming: Spans of this document that others copied (each gets an anchor).
    """
    text = doc["text"]
    line_of = _line_finder(text)
    findings = doc.get("findings", [])
    located = []
    for i, found in enumerate(findings):
        source = found.get("source")
        located.append(
            found
            | {
                "anchor": f"f{i}",
                "line": line_of(found["start"]),
                "severity_label": SEVERITY_LABELS.get(found["severity"], found["severity"]),
                "source_label": _source_label(source) if source else None,
                "source_href": _source_href(found, pages),
            }
        )
    paragraphs = doc.get("paragraphs", [])
    starts = [paragraph["start"] for paragraph in paragraphs]
    placed = _place_anchors(paragraphs, starts, _anchors(doc, located, incoming))
    sections = {section["id"]: section for section in doc.get("sections", [])}
    copies_by_paragraph: dict[int, list[dict]] = defaultdict(list)
    for found in located:
        if found["code"].startswith("CPY"):
            where = _paragraph_index(paragraphs, starts, found["start"])
            if where is not None:
                copies_by_paragraph[where].append(_comparison(found, text, by_name))
    blocks = []
    for position, paragraph in enumerate(paragraphs):
        blocks.append(
            _paragraph_block(paragraph, located, placed.get(position, []), sections, copies_by_paragraph[position])
        )
    meta = doc.get("meta") or {}
    sources = meta.get("copy_sources") or {}
    score = doc.get("score")
    return {
        "page_title": doc.get("title") or doc["doc"],
        "doc_name": doc["doc"],
        "title": doc.get("title"),
        "doc_type": DOC_TYPE_LABELS.get(doc.get("doc_type"), doc.get("doc_type") or "未识别"),
        "chars": sum(len(p["text"]) for p in paragraphs),
        "paragraph_count": len(paragraphs),
        "score": _score(score) if score else None,
        "compared": "copy_ratio" in meta,
        "copy_ratio": meta.get("copy_ratio"),
        "copy_ratio_excluding_stock": meta.get("copy_ratio_excluding_stock"),
        "max_source_ratio": max(sources.values()) if sources else None,
        "sources": [
            {
                "name": name,
                "label": _source_label(name),
                "title": (by_name.get(name) or {}).get("title"),
                "ratio": ratio,
                "href": pages.get(name),
            }
            for name, ratio in sorted(sources.items(), key=lambda item: (-item[1], item[0]))
        ],
        "stock_density": meta.get("stock_phrase_density"),
        "blocks": blocks,
        "findings": located,
        "severity_counts": {s: sum(1 for f in located if f["severity"] == s) for s in SEVERITIES},
        "severity_labels": SEVERITY_LABELS,
        "ledger": _ledger(doc, line_of),
        "categories": [{"key": c, "label": CATEGORY_LABELS[c]} for c in CATEGORIES],
        "roles": [{"key": r, "label": ROLE_LABELS[r]} for r in ("situation", "problem", "cause", "measure", "other")],
    }


def _source_href(found: dict, pages: dict[str, str]) -> str | None:
    source = found.get("source")
    if not source or source not in pages or found.get("source_start") is None:
        return None
    return f"{pages[source]}#{source_anchor(int(found['source_start']), int(found['source_end']))}"


def _score(score: dict) -> dict:
    from analyzer.scoring import PART_LABELS

    notes = score.get("notes") or {}
    weights = score.get("weights") or {}
    return {
        "total": score.get("total"),
        "level": _score_level(score.get("total")),
        "parts": [
            {
                "name": name,
                "label": PART_LABELS.get(name, name),
                "value": value,
                "level": _score_level(value),
                "note": notes.get(name, ""),
                "weight": weights.get(name),
            }
            for name, value in (score.get("parts") or {}).items()
        ],
    }


def _score_level(value: float | None) -> str:
    if value is None:
        return "none"
    return "good" if value >= 80 else "fair" if value >= 60 else "poor"


def _anchors(doc: dict, located: list[dict], incoming: set[tuple[int, int]]) -> list[tuple[int, str, int, int]]:
    """(offset, id, start, end) of every anchor: each finding, each ledger item, each span others copied."""
    anchors = [(f["start"], f["anchor"], f["start"], f["end"]) for f in located]
    for item in doc.get("problems", []) + doc.get("measures", []):
        anchors.append((item["start"], f"item-{item['id']}", item["start"], item["end"]))
    for start, end in sorted(incoming):
        anchors.append((start, source_anchor(start, end), start, end))
    return anchors


def _line_finder(text: str) -> Callable[[int], int]:
    """A function from a character offset to its 1-based line in `text`."""
    line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    return functools.partial(bisect.bisect_right, line_starts)


def _paragraph_index(paragraphs: list[dict], starts: list[int], offset: int) -> int | None:
    """Position of the paragraph that holds an offset, else of the next paragraph, else of the last one."""
    if not paragraphs:
        return None
    position = bisect.bisect_right(starts, offset) - 1
    if position >= 0 and offset < paragraphs[position]["end"]:
        return position
    return min(position + 1, len(paragraphs) - 1)


def _place_anchors(
    paragraphs: list[dict], starts: list[int], anchors: list[tuple[int, str, int, int]]
) -> dict[int, list[tuple]]:
    """Anchors by paragraph position, each moved inside its paragraph when it falls between paragraphs."""
    placed: dict[int, list[tuple]] = defaultdict(list)
    for offset, anchor, start, end in anchors:
        position = _paragraph_index(paragraphs, starts, offset)
        if position is None:
            continue
        paragraph = paragraphs[position]
        offset = min(max(offset, paragraph["start"]), paragraph["end"])
        placed[position].append((offset, anchor, start, end))
    return placed


def _paragraph_block(
    paragraph: dict, located: list[dict], anchors: list[tuple], sections: dict[str, dict], comparisons: list[dict]
) -> dict:
    kind = paragraph.get("kind") or ("heading" if paragraph.get("is_heading") else "body")
    level = None
    if kind == "heading":
        section = sections.get(paragraph.get("section") or "")
        level = min((section or {}).get("level") or 1, 4)
    return {
        "id": paragraph.get("id") or f"p{paragraph['index']}",
        "kind": kind,
        "kind_label": KIND_LABELS.get(kind),
        "level": level,
        "line": paragraph.get("line"),
        "category": paragraph.get("category") if kind == "body" else None,
        "category_label": CATEGORY_LABELS.get(paragraph.get("category"), paragraph.get("category")),
        "role": paragraph.get("role") if kind == "body" else None,
        "role_label": ROLE_LABELS.get(paragraph.get("role"), paragraph.get("role")),
        "copied": paragraph.get("copied"),
        "boilerplate": paragraph.get("boilerplate"),
        "segments": segments(paragraph, located, anchors),
        "comparisons": comparisons,
    }


def segments(paragraph: dict, located: list[dict], anchors: list[tuple] = ()) -> list[dict]:
    """Cut a paragraph into flat segments at the union of the boundaries of its highlights and anchors.

    Highlights: template residue (TPL findings), stock phrases (`stock_spans`, body paragraphs only) and copied
    spans (CPY findings; a segment covered by several links to the shortest). A segment carries every class that
    covers it, so overlapping spans split instead of crossing.

    Args:
        paragraph: A paragraph of the document JSON.
        located: The document's findings, each with its ``anchor`` and ``source_href``.
        anchors: (offset, id, start, end) of the anchors inside this paragraph.

    Returns:
        Segments in order: ``{"text", "start", "end", "classes", "href", "title", "anchors"}``; ``anchors`` lists
        the anchors placed just before the segment (the last segment may be an empty one holding the anchors at
        the paragraph's end).
    """
    start, end, text = paragraph["start"], paragraph["end"], paragraph["text"]
    marks: list[tuple[int, int, str, dict | None]] = []
    for found in located:
        family = found["code"][:3]
        if family not in ("TPL", "CPY") or found["end"] <= start or found["start"] >= end:
            continue
        clipped = (max(found["start"], start), min(found["end"], end))
        marks.append((*clipped, "tpl" if family == "TPL" else "copy", found))
    if (paragraph.get("kind") or "body") == "body":
        marks += [(start + s, start + e, "stock", None) for s, e in stock_spans(text)]
    bounds = {start, end}
    for s, e, _, _ in marks:
        bounds.update((s, e))
    by_offset: dict[int, list[dict]] = defaultdict(list)
    for offset, anchor, s, e in sorted(anchors, key=lambda a: (a[0], a[1])):
        bounds.add(offset)
        by_offset[offset].append({"id": anchor, "start": s, "end": e})
    cuts = sorted(b for b in bounds if start <= b <= end)
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [(s, e, kind, found) for s, e, kind, found in marks if s <= a and b <= e]
        kinds = sorted({kind for _, _, kind, _ in covering})
        copies = sorted((found for _, _, kind, found in covering if kind == "copy"), key=_span_length)
        titles = []
        if "tpl" in kinds:
            titles += [f["message"] for _, _, kind, f in covering if kind == "tpl"]
        if "stock" in kinds:
            titles.append("套话")
        titles += [f"复制自 {f['source_label']}（{f['message']}）" for f in copies]
        pieces.append(
            {
                "text": text[a - start : b - start],
                "start": a,
                "end": b,
                "classes": kinds,
                "href": copies[0]["source_href"] if copies else None,
                "title": "；".join(dict.fromkeys(titles)),
                "anchors": by_offset.pop(a, []),
            }
        )
    leftover = [anchor for offset in sorted(by_offset) for anchor in by_offset[offset]]
    if leftover or not pieces:
        pieces.append(
            {"text": "", "start": end, "end": end, "classes": [], "href": None, "title": "", "anchors": leftover}
        )
    return pieces


def _span_length(found: dict) -> int:
    return found["end"] - found["start"]


def _comparison(found: dict, text: str, by_name: dict[str, dict]) -> dict:
    """A copied passage beside its source passage."""
    source = found.get("source") or ""
    source_doc = by_name.get(source)
    source_text = None
    source_line = None
    if source_doc is not None and found.get("source_start") is not None:
        s, e = int(found["source_start"]), int(found["source_end"])
        source_text = source_doc["text"][s:e]
        source_line = source_doc["text"].count("\n", 0, s) + 1
    return {
        "anchor": found["anchor"],
        "text": text[found["start"] : found["end"]],
        "line": found["line"],
        "length": found["end"] - found["start"],
        "source": source,
        "source_label": _source_label(source),
        "source_title": (source_doc or {}).get("title"),
        "source_text": source_text,
        "source_line": source_line,
        "source_href": found["source_href"],
        "library": source.startswith(LIBRARY_PREFIX),
    }


def _ledger(doc: dict, line_of: Callable[[int], int]) -> dict:
    """Problems with their measures, and the measures tied to no problem."""
    measures = {m["id"]: m for m in doc.get("measures", [])}
    problems = []
    linked: set[str] = set()
    for problem in doc.get("problems", []):
        answers = [measures[i] for i in problem.get("measures", []) if i in measures]
        linked.update(m["id"] for m in answers)
        problems.append(
            {
                "id": problem["id"],
                "text": problem["text"],
                "line": line_of(problem["start"]),
                "category": problem.get("category"),
                "category_label": CATEGORY_LABELS.get(problem.get("category"), problem.get("category")),
                "specific": problem.get("specific"),
                "evidence": list(problem.get("evidence") or []),
                "measures": [_measure(m, line_of) for m in answers],
            }
        )
    unlinked = [
        _measure(m, line_of) for m in doc.get("measures", []) if m["id"] not in linked and not m.get("problems")
    ]
    return {"problems": problems, "unlinked": unlinked, "measure_count": len(measures)}


def _measure(measure: dict, line_of: Callable[[int], int]) -> dict:
    return {
        "id": measure["id"],
        "text": measure["text"],
        "line": line_of(measure["start"]),
        "category": measure.get("category"),
        "category_label": CATEGORY_LABELS.get(measure.get("category"), measure.get("category")),
        "checkable": measure.get("checkable"),
        "evidence": list(measure.get("evidence") or []),
    }


def _is_body(paragraph: dict) -> bool:
    return (paragraph.get("kind") or ("heading" if paragraph.get("is_heading") else "body")) == "body"
