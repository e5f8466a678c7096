"""The HTML report of a batch: ``index.html`` (the batch at a glance) and a page per document under ``docs/``.

Every page is one self-contained file: its CSS and its little JavaScript are inline, nothing is fetched, and it opens
from disk without a network. The pages are rendered by Jinja2 templates (``analyzer/templates/``) with autoescaping
on, and no document text is ever marked safe: what a report says is shown as text, whatever markup it contains.

The Python side prepares plain data for the templates: each paragraph cut into segments at the union of the
boundaries of its highlights (template residue, stock phrases, copied spans) and anchors, so that overlapping spans
split into flat segments that carry every class that covers them; the copy network laid out deterministically.

The long, repetitive parts of the pages are built here rather than in the templates, which get them as finished
blocks: a document's paragraphs with their highlights (a long report has a few thousand segments), its findings and
its ledger, and the index's row per document. In Jinja each of them would cost thousands of attribute look-ups and
escapes per page. The blocks are built with f-strings under three rules: every string that goes in passes through
`markupsafe.escape` (document text exactly once); numbers are formatted with ``:d`` or escaped as well; pieces are put
together in f-strings or with ``"".join``, never with ``+`` on a `Markup`, which would escape its operand again.

Document pages are rendered on a process pool (``jobs``), the same bytes whatever the number of processes; the copy
network's groups are laid out together as stacks of NumPy arrays.
"""

from __future__ import annotations

import bisect
import functools
import math
import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np
from markupsafe import Markup, escape

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
LAYOUT_BUDGET = 20_000_000
"""Steps × nodes² of one group of the copy network beyond which it takes fewer steps (about a second of NumPy)."""
LAYOUT_STACK = 250_000
"""Groups × nodes² laid out together as one stack of arrays (a few megabytes)."""
PAGES_PER_TASK = 50
"""Most document pages a worker renders per task: enough to amortise a task's cost, few enough to balance."""


def write_html_report(
    out_dir: Path, documents: list[dict], pairs: list[dict], errors: list[dict], *, jobs: int | None = None
) -> Path:
    """Write the batch report: ``out_dir/index.html`` and one page per document under ``out_dir/docs/``.

    Args:
        out_dir: The folder to write into (created if missing).
        documents: Document JSON (``Document.to_dict()``) with a key ``doc``: the document's name in the batch.
        pairs: Rows of pairs.csv: ``doc_a, doc_b, shared_chars, ratio_a, ratio_b, flagged``.
        errors: ``{"doc", "error"}`` for each document that could not be read.
        jobs: Processes that render the document pages; None (or 0) for every core, 1 to render in this process.
            The pages are the same whatever the number.

    Returns:
        The path of ``index.html``.
    """
    out_dir = Path(out_dir)
    (out_dir / "docs").mkdir(parents=True, exist_ok=True)
    width = max(4, len(str(len(documents))))
    pages = {doc["doc"]: f"{i:0{width}d}.html" for i, doc in enumerate(documents)}
    batch = _Pages(
        out_dir / "docs", documents, {doc["doc"]: doc for doc in documents}, pages, _incoming_spans(documents)
    )
    index = out_dir / "index.html"

    def write_index() -> None:
        context = index_context(documents, pairs, errors, pages)
        index.write_text(_environment().get_template("index.html.j2").render(**context), encoding="utf-8")

    workers = min(jobs or os.cpu_count() or 1, len(documents))
    if workers <= 1:
        batch.write(0, len(documents))
        write_index()
        return index
    _environment().get_template("document.html.j2")  # compiled once here, inherited by forked workers
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    size = max(1, min(PAGES_PER_TASK, math.ceil(len(documents) / (4 * workers))))
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(batch,))
    try:
        tasks = [pool.submit(_write_pages, start, start + size) for start in range(0, len(documents), size)]
        write_index()  # meanwhile, in this process
        for task in tasks:
            task.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return index


@functools.cache
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
    """What ``index.html.j2`` shows: counts, a row per document, category coverage, the copy network, errors.

    ``rows`` holds each document's row as data and ``row_items`` as finished markup (a batch has thousands).
    """
    rows = [_document_row(doc, pages) for doc in documents]
    flagged = [_pair(pair) for pair in pairs if _is_flagged(pair.get("flagged"))]  # the few of many pairs drawn
    flagged.sort(key=lambda p: (-p["shared_chars"], p["doc_a"], p["doc_b"]))
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
        "row_items": [_document_row_html(row) for row in rows],
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


def _ratio_level(value: float | None) -> str:
    value = value or 0
    return "high" if value >= 0.5 else "mid" if value >= 0.2 else ""


def _ratio_cell(value: float | None) -> str:
    data = "" if value is None else escape(value)
    shown = f'<span class="ratio {_ratio_level(value)}">{escape(_percent(value))}</span>'
    return f'<td class="num" data-v="{data}">{shown}</td>'


def _document_row_html(row: dict) -> Markup:
    """A row of the index's table of documents (finished markup: see the module's docstring)."""
    score = row["score"]
    if score is None:
        score_cell = '<td class="num" data-v="">—</td>'
    else:
        level = "good" if score >= 80 else "fair" if score >= 60 else "poor"
        score_cell = f'<td class="num" data-v="{escape(score)}"><span class="score {level}">{escape(score)}</span></td>'
    if row["top_source"]:
        source = escape(row["top_source_label"])
        if row["top_source_href"]:
            source = f'<a href="{escape(row["top_source_href"])}">{source}</a>'
        else:
            source = f'<span class="muted">{source}</span>'
        source = f'<span class="ratio">{escape(_percent(row["top_ratio"]))}</span> {source}'
    else:
        source = '<span class="muted">—</span>'
    top = "" if row["top_ratio"] is None else escape(row["top_ratio"])
    counts = row["findings"]
    pills = "".join(
        f'<span class="pill {severity if counts[severity] else "zero"}" title="{SEVERITY_LABELS[severity]}">'
        f"{escape(counts[severity])}</span> "
        for severity in SEVERITIES
    )
    covered = escape(row["covered"])
    order = escape(counts["error"] * 10000 + counts["warning"] * 100 + counts["info"])
    bar_title = "，".join(f"{part['label']} {part['count']} 段" for part in row["bar"])
    bar = "".join(
        f'<span class="c-{part["key"]}" style="width: {escape(part["width"])}%"></span>' for part in row["bar"]
    )
    return Markup(
        "      <tr>\n"
        f'        <td class="docname"><a href="{escape(row["href"])}">{escape(row["doc"])}</a></td>\n'
        f'        <td class="doctitle">{escape(row["title"] or "（无标题）")}</td>\n'
        f'        <td class="nowrap">{escape(row["doc_type"])}</td>\n'
        f"        {score_cell}\n"
        f"        {_ratio_cell(row['copy_ratio'])}\n"
        f"        {_ratio_cell(row['copy_ratio_excluding_stock'])}\n"
        f'        <td class="source" data-v="{top}">{source}</td>\n'
        f'        <td class="num">{escape(row["problems"])}</td>\n'
        f'        <td class="num">{escape(row["measures"])}</td>\n'
        f'        <td class="nowrap" data-v="{order}">{pills}</td>\n'
        f'        <td data-v="{covered}" title="{escape(bar_title)}">\n'
        f'          <div class="catbar">{bar}</div>\n'
        f'          <div class="small muted">覆盖 {covered}/4 · {escape(row["body_paragraphs"])} 段</div>\n'
        "        </td>\n"
        "      </tr>"
    )


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


def _is_flagged(flagged: object) -> bool:
    """The ``flagged`` of a pairs.csv row: a bool, a NumPy bool, or text when read back from the CSV."""
    if isinstance(flagged, str):
        return flagged.strip().lower() in ("true", "1", "yes")
    return bool(flagged)


def _pair(pair: dict) -> dict:
    """A pairs.csv row with plain Python values (rows from pandas carry NumPy scalars)."""
    return {
        "doc_a": str(pair["doc_a"]),
        "doc_b": str(pair["doc_b"]),
        "shared_chars": int(pair.get("shared_chars") or 0),
        "ratio_a": float(pair.get("ratio_a") or 0.0),
        "ratio_b": float(pair.get("ratio_b") or 0.0),
        "flagged": _is_flagged(pair.get("flagged")),
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
    where = {name: (g, i) for g, group in enumerate(groups) for i, name in enumerate(group)}
    shapes: list[LayoutGroup] = [LayoutGroup(len(group), [], []) for group in groups]
    for pair in flagged:
        g, a = where[pair["doc_a"]]
        shapes[g].edges.append((a, where[pair["doc_b"]][1]))
        shapes[g].weights.append(pair["shared_chars"])
    usable = NETWORK_WIDTH - 2 * NETWORK_MARGIN
    placed: dict[str, tuple[float, float, int]] = {}
    x = y = row_height = 0.0
    for group, pos in zip(groups, force_layouts(shapes), strict=True):
        pos = pos * EDGE_LENGTH
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


@dataclass(frozen=True)
class LayoutGroup:
    """A connected group of the copy network to lay out: nodes ``0 … count - 1``, edges between them, and each
    edge's weight (the characters its two documents share)."""

    count: int
    edges: list[tuple[int, int]]
    weights: list[int]


def force_layouts(groups: list[LayoutGroup]) -> list[np.ndarray]:
    """Fruchterman–Reingold positions of each connected group, scaled so that its median edge is 1 long.

    Each group starts from a circle with a seeded jitter, so the same group always gets the same picture. Groups of
    the same size are laid out together, as one stack of NumPy arrays, so that a batch's hundreds of small groups
    cost a few hundred array operations in all rather than each; a step costs ``count²`` per group, and groups so
    large that `LAYOUT_ITERATIONS` steps would exceed `LAYOUT_BUDGET` take fewer steps.

    Returns:
        An array of ``(count, 2)`` positions per group, in the order given.
    """
    layouts: list[np.ndarray | None] = [None] * len(groups)
    by_size: dict[int, list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        if group.count <= 2:
            layouts[i] = np.array([[0.0, 0.0], [1.0, 0.0]][: group.count]).reshape(group.count, 2)
        else:
            by_size[group.count].append(i)
    for count, members in by_size.items():
        stack = max(1, LAYOUT_STACK // count**2)
        for first in range(0, len(members), stack):
            chunk = members[first : first + stack]
            for i, pos in zip(chunk, _force_stack(count, [groups[i] for i in chunk]), strict=True):
                layouts[i] = pos
    return layouts


def _force_stack(count: int, groups: list[LayoutGroup]) -> np.ndarray:
    """`force_layouts` of groups that all have `count` (≥ 3) nodes: an array ``(len(groups), count, 2)``."""
    rng = np.random.default_rng(LAYOUT_SEED)
    angles = 2 * np.pi * np.arange(count) / count
    start = np.column_stack([np.cos(angles), np.sin(angles)]) + rng.normal(0, 0.05, (count, 2))
    pos = np.repeat(start[None], len(groups), axis=0)
    k = math.sqrt(4.0 / count)
    pull = np.zeros((len(groups), count, count))  # the spring between two nodes: their edges' strength / k
    for g, group in enumerate(groups):
        source, target = np.array(group.edges).T
        strength = 0.5 + np.sqrt(np.array(group.weights, dtype=float) / max(max(group.weights), 1))
        np.add.at(pull[g], (source, target), strength / k)
        np.add.at(pull[g], (target, source), strength / k)
    temperature = 0.2
    iterations = LAYOUT_ITERATIONS if count <= 150 else LAYOUT_ITERATIONS // 3
    iterations = max(10, min(iterations, LAYOUT_BUDGET // count**2))
    cooling = 0.985 if count <= 150 else 0.955
    for _ in range(iterations):
        delta = pos[:, :, None, :] - pos[:, None, :, :]
        distance = np.maximum(np.sqrt(np.einsum("gijd,gijd->gij", delta, delta)), 1e-3)
        # repulsion k²/d between every two nodes, attraction d²·strength/k along the edges, both along delta/d
        displacement = np.einsum("gij,gijd->gid", k * k / distance**2 - pull * distance, delta)
        size = np.maximum(np.sqrt(np.einsum("gid,gid->gi", displacement, displacement)), 1e-9)
        pos += displacement * (np.minimum(size, temperature) / size)[:, :, None]
        temperature *= cooling
    for g, group in enumerate(groups):
        source, target = np.array(group.edges).T
        median = float(np.median(np.linalg.norm(pos[g, source] - pos[g, target], axis=1)))
        pos[g] = (pos[g] - pos[g].mean(axis=0)) / max(median, 1e-9)
    return pos


# ------------------------------------------------------------------------------------------------ document pages


@dataclass(frozen=True)
class _Pages:
    """What the document pages of a batch are made from: all a worker process needs to render any of them."""

    folder: Path
    documents: list[dict]
    by_name: dict[str, dict]
    pages: dict[str, str]
    incoming: dict[str, set[tuple[int, int]]]

    def write(self, start: int, stop: int) -> int:
        """Render and write the pages of ``documents[start:stop]``; return how many were written."""
        template = _environment().get_template("document.html.j2")
        written = 0
        for doc in self.documents[start:stop]:
            context = document_context(doc, self.by_name, self.pages, self.incoming.get(doc["doc"], set()))
            (self.folder / self.pages[doc["doc"]]).write_text(template.render(**context), encoding="utf-8")
            written += 1
        return written


_worker_pages: _Pages | None = None
"""The batch of a worker process of `write_html_report` (set once when the worker starts)."""


def _start_worker(pages: _Pages) -> None:
    global _worker_pages
    _worker_pages = pages


def _write_pages(start: int, stop: int) -> int:
    return _worker_pages.write(start, stop)


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

    Returns:
        The template's variables: ``blocks``, ``finding_items``, ``problem_rows`` and ``unlinked_rows`` hold the
        finished markup of each paragraph, finding and ledger row; ``findings`` and ``ledger`` the data.
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
    highlights = _highlights_by_paragraph(paragraphs, starts, located)
    sections = {section["id"]: section for section in doc.get("sections", [])}
    copies_by_paragraph: dict[int, list[dict]] = defaultdict(list)
    for found in located:
        if found["code"].startswith("CPY"):
            where = _paragraph_index(paragraphs, starts, found["start"])
            if where is not None:
                copies_by_paragraph[where].append(_comparison(found, text, by_name))
    blocks = [
        _paragraph_html(
            paragraph,
            segments(paragraph, highlights.get(position, ()), placed.get(position, ())),
            sections,
            copies_by_paragraph.get(position, ()),
        )
        for position, paragraph in enumerate(paragraphs)
    ]
    ledger = _ledger(doc, line_of)
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
        "finding_items": [_finding_html(found) for found in located],
        "ledger": ledger,
        "problem_rows": [_problem_html(problem) for problem in ledger["problems"]],
        "unlinked_rows": [_unlinked_html(measure) for measure in ledger["unlinked"]],
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
    line_starts = [0]
    newline = text.find("\n")
    while newline >= 0:
        line_starts.append(newline + 1)
        newline = text.find("\n", newline + 1)
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


def _highlights_by_paragraph(paragraphs: list[dict], starts: list[int], located: list[dict]) -> dict[int, list[dict]]:
    """The findings drawn in the text (TPL and CPY) by the position of each paragraph they overlap, in their order.

    Paragraphs follow each other in the text, so the paragraphs a span overlaps are found by bisection, and each
    paragraph gets only its own few findings instead of all of them.
    """
    drawn = [found for found in located if found["code"][:3] in ("TPL", "CPY")]
    if not drawn:
        return {}
    ends = [paragraph["end"] for paragraph in paragraphs]
    if any(a > b for a, b in zip(starts, starts[1:], strict=False)) or any(
        a > b for a, b in zip(ends, ends[1:], strict=False)
    ):  # not in text order (not made by `analyzer.structure`): every paragraph looks at every finding
        return dict.fromkeys(range(len(paragraphs)), drawn)
    by_paragraph: dict[int, list[dict]] = defaultdict(list)
    for found in drawn:
        first = bisect.bisect_right(ends, found["start"])  # the first paragraph ending after the span starts
        stop = bisect.bisect_left(starts, found["end"])  # the first paragraph starting where the span ends or later
        for position in range(first, stop):
            by_paragraph[position].append(found)
    return by_paragraph


def segments(paragraph: dict, located: Iterable[dict], anchors: Iterable[tuple] = ()) -> list[dict]:
    """Cut a paragraph into flat segments at the union of the boundaries of its highlights and anchors.

    Highlights: template residue (TPL findings), stock phrases (`stock_spans`, body paragraphs only) and copied
    spans (CPY findings; a segment covered by several links to the shortest). A segment carries every class that
    covers it, so overlapping spans split instead of crossing.

    Args:
        paragraph: A paragraph of the document JSON.
        located: The document's findings (or those that overlap the paragraph), each with its ``anchor`` and
            ``source_href``.
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
        if (family == "TPL" or family == "CPY") and found["end"] > start and found["start"] < end:
            clipped = (max(found["start"], start), min(found["end"], end))
            marks.append((*clipped, "tpl" if family == "TPL" else "copy", found))
    if (paragraph.get("kind") or "body") == "body":
        marks += [(start + s, start + e, "stock", None) for s, e in stock_spans(text)]
    if not marks and not anchors:  # most paragraphs: one plain segment
        first, piece = (start, text[: end - start]) if start < end else (end, "")
        return [{"text": piece, "start": first, "end": end, "classes": [], "href": None, "title": "", "anchors": []}]
    bounds = {start, end}
    for s, e, _, _ in marks:
        bounds.add(s)
        bounds.add(e)
    by_offset: dict[int, list[dict]] = defaultdict(list)
    for offset, anchor, s, e in sorted(anchors, key=lambda a: (a[0], a[1])):
        bounds.add(offset)
        by_offset[offset].append({"id": anchor, "start": s, "end": e})
    cuts = sorted(b for b in bounds if start <= b <= end)
    # the marks covering each piece between two cuts, in the order of `marks`: each mark visits only its own pieces
    covering: list[list[tuple]] = [[] for _ in cuts[1:]]
    if marks:
        position = {cut: i for i, cut in enumerate(cuts)}
        for mark in marks:
            for i in range(position[mark[0]], position[mark[1]]):
                covering[i].append(mark)
    pieces = []
    for i, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False)):
        piece = {"text": text[a - start : b - start], "start": a, "end": b, "classes": [], "href": None, "title": ""}
        if covering[i]:
            kinds = sorted({kind for _, _, kind, _ in covering[i]})
            copies = sorted((found for _, _, kind, found in covering[i] if kind == "copy"), key=_span_length)
            titles = [found["message"] for _, _, kind, found in covering[i] if kind == "tpl"]
            if "stock" in kinds:
                titles.append("套话")
            titles += [f"复制自 {found['source_label']}（{found['message']}）" for found in copies]
            piece["classes"] = kinds
            piece["href"] = copies[0]["source_href"] if copies else None
            piece["title"] = "；".join(dict.fromkeys(titles))
        piece["anchors"] = by_offset.pop(a, [])
        pieces.append(piece)
    leftover = [anchor for offset in sorted(by_offset) for anchor in by_offset[offset]]
    if leftover or not pieces:
        pieces.append(
            {"text": "", "start": end, "end": end, "classes": [], "href": None, "title": "", "anchors": leftover}
        )
    return pieces


def _span_length(found: dict) -> int:
    return found["end"] - found["start"]


@functools.lru_cache(maxsize=4096)
def _escape_term(value: object) -> Markup:
    """`escape` for values of a small vocabulary (kinds, categories, roles, their labels, line numbers), remembered."""
    return escape(value)


# Markup built in Python (the rules are in the module's docstring): the finished markup of a block is wrapped in
# `Markup` once, for the template, which puts it in the page as it is.


def render_segments(pieces: list[dict]) -> Markup:
    """The markup of a paragraph's segments (see `segments`): a ``<span class="seg …">`` per piece of text, an ``<a>``
    for a copied piece (to its source), the classes of the highlights that cover it, and empty anchor spans.

    Returns:
        Markup whose text, with the tags removed and the entities resolved, is the paragraph's text.
    """
    out = []
    for piece in pieces:
        for anchor in piece["anchors"]:
            out.append(
                f'<span class="anchor" id="{escape(anchor["id"])}" data-s="{anchor["start"]:d}"'
                f' data-e="{anchor["end"]:d}"></span>'
            )
        if not piece["text"]:
            continue
        title = f' title="{escape(piece["title"])}"' if piece["title"] else ""
        classes = escape(" ".join(piece["classes"])) if piece["classes"] else ""
        where = f'data-s="{piece["start"]:d}" data-e="{piece["end"]:d}"{title}'
        if piece["href"]:
            out.append(f'<a class="seg {classes}" href="{escape(piece["href"])}" {where}>{escape(piece["text"])}</a>')
        else:
            out.append(f'<span class="seg {classes}" {where}>{escape(piece["text"])}</span>')
    return Markup("".join(out))


def _paragraph_html(paragraph: dict, pieces: list[dict], sections: dict[str, dict], comparisons: list[dict]) -> Markup:
    """The markup of one paragraph of the document's text: line number, tags, highlighted text, and the copied
    passages beside their sources (styles in ``document.html.j2``)."""
    kind = paragraph.get("kind") or ("heading" if paragraph.get("is_heading") else "body")
    level = None
    if kind == "heading":
        section = sections.get(paragraph.get("section") or "")
        level = min((section or {}).get("level") or 1, 4)
    identifier = paragraph.get("id") or f"p{paragraph['index']}"
    line = paragraph.get("line")
    html = [
        f'    <div class="para k-{_escape_term(kind)}{f" l{_escape_term(level)}" if level else ""}"'
        f' id="{escape(identifier)}">\n'
        f'      <span class="ln" title="行号">{"" if line is None else _escape_term(line)}</span>\n'
        '      <div class="content">\n'
    ]
    text = render_segments(pieces)
    if kind == "body":
        category, role, copied = paragraph.get("category"), paragraph.get("role"), paragraph.get("copied")
        html.append('        <div class="tags">\n')
        if category:
            label = _escape_term(CATEGORY_LABELS.get(category, category))
            html.append(f'<span class="badge cat c-{_escape_term(category)}">{label}</span>')
        if role:
            label = _escape_term(ROLE_LABELS.get(role, role))
            html.append(f'<span class="badge role role-{_escape_term(role)}">{label}</span>')
        if copied:
            high = " high" if copied >= 0.5 else ""
            html.append(
                f'<span class="meter{high}" title="本段被检测为复制的比例">复制 {escape(_percent(copied, 0))}</span>'
            )
        html.append(f'        </div>\n        <div>\n        <p class="text">{text}</p>\n')
    elif kind == "heading":
        tag = f"h{_escape_term(level + 1)}"
        html.append(f'        <div>\n        <{tag} class="text">{text}</{tag}>\n')
    else:
        label = _escape_term(KIND_LABELS.get(kind) or "")
        html.append(f'        <div>\n        <p class="text" title="{label}">{text}</p>\n')
    if comparisons:
        html.append(
            f'        <details class="compare">\n          <summary>与来源对照 · {len(comparisons)} 处复制</summary>\n'
        )
        html += map(_comparison_html, comparisons)
        html.append("        </details>\n")
    html.append("        </div>\n      </div>\n    </div>")
    return Markup("".join(html))


def _comparison_html(c: dict) -> str:
    source = escape(c["source_label"])
    if c["source_href"]:
        source = f'<a href="{escape(c["source_href"])}">{source}</a>'
    title = f" 《{escape(c['source_title'])}》" if c["source_title"] else ""
    line = f" 第 {escape(c['source_line'])} 行" if c["source_line"] else ""
    if c["source_text"] is not None:
        passage = f'<div class="passage">{escape(c["source_text"])}</div>'
    else:
        passage = '<div class="passage muted">（参考库中的原文不在本报告内）</div>'
    return (
        '          <div class="cmp">\n'
        '            <div class="side">\n'
        f'              <div class="cap"><a href="#{escape(c["anchor"])}">本文第 {escape(c["line"])} 行</a>'
        f" · {escape(c['length'])} 字</div>\n"
        f'              <div class="passage">{escape(c["text"])}</div>\n'
        "            </div>\n"
        '            <div class="side">\n'
        f'              <div class="cap">来源：{source}{title}{line}</div>\n'
        f"              {passage}\n"
        "            </div>\n"
        "          </div>\n"
    )


def _finding_html(found: dict) -> Markup:
    """An item of the list of findings beside the text."""
    anchor = escape(found["anchor"])
    source = ""
    if found["source_label"]:
        source = escape(found["source_label"])
        if found["source_href"]:
            source = f'<a href="{escape(found["source_href"])}">{source}</a>'
        source = f'<div class="small">来源：{source}</div>'
    return Markup(
        "    <li>\n"
        f'      <div class="head"><span class="sev {_escape_term(found["severity"])}">'
        f'{_escape_term(found["severity_label"])}</span><a class="code" href="#{anchor}">{_escape_term(found["code"])}'
        f'</a><span class="name">{_escape_term(found.get("name") or "")}</span><a class="where" href="#{anchor}">'
        f"第 {_escape_term(found['line'])} 行</a></div>\n"
        f'      <div class="msg">{escape(found["message"])}</div>\n'
        f"{source}    </li>"
    )


def _category_badge(item: dict) -> str:
    if not item["category"]:
        return ""
    return f'<span class="badge cat c-{_escape_term(item["category"])}">{_escape_term(item["category_label"])}</span>'


def _evidence_tags(item: dict) -> str:
    return "".join(f'<span class="tag">{_escape_term(evidence)}</span>' for evidence in item["evidence"])


def _problem_html(problem: dict) -> Markup:
    """A row of the ledger: a problem and the measures that answer it."""
    if problem["specific"]:
        specific = '<span class="yes">具体</span>'
    else:
        specific = "—" if problem["specific"] is None else '<span class="no">不具体</span>'
    if problem["measures"]:
        items = []
        for measure in problem["measures"]:
            if measure["checkable"]:
                checkable = '<span class="tag yes">可核验</span>'
            else:
                checkable = "" if measure["checkable"] is None else '<span class="tag no">难核验</span>'
            identifier = escape(measure["id"])
            items.append(
                f'            <li><a href="#item-{identifier}">{identifier}</a> {escape(measure["text"])} '
                f"{checkable}{_evidence_tags(measure)}</li>\n"
            )
        measures = f"          <ul>\n{''.join(items)}          </ul>\n"
    else:
        measures = '          <span class="no">无对应措施</span>\n'
    identifier = escape(problem["id"])
    return Markup(
        "      <tr>\n"
        f'        <td class="nowrap"><a href="#item-{identifier}">{identifier}</a></td>\n'
        f'        <td class="num">{_escape_term(problem["line"])}</td>\n'
        f'        <td class="nowrap">{_category_badge(problem)}</td>\n'
        f'        <td class="text">{escape(problem["text"])}</td>\n'
        f'        <td class="nowrap">{specific}<div>{_evidence_tags(problem)}</div></td>\n'
        f'        <td class="text">\n{measures}        </td>\n'
        "      </tr>"
    )


def _unlinked_html(measure: dict) -> Markup:
    """A row of the table of measures that answer no problem."""
    if measure["checkable"]:
        checkable = '<span class="yes">是</span>'
    else:
        checkable = "—" if measure["checkable"] is None else '<span class="no">否</span>'
    identifier = escape(measure["id"])
    return Markup(
        "      <tr>\n"
        f'        <td class="nowrap"><a href="#item-{identifier}">{identifier}</a></td>\n'
        f'        <td class="num">{_escape_term(measure["line"])}</td>\n'
        f'        <td class="nowrap">{_category_badge(measure)}</td>\n'
        f'        <td class="text">{escape(measure["text"])}</td>\n'
        f'        <td class="nowrap">{checkable}<div>{_evidence_tags(measure)}</div></td>\n'
        "      </tr>"
    )


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
