"""Tests of analyzer/report_html.py: the batch's HTML pages, self-contained and escaped, checked as files and in a
real headless Chromium (Debian's, driven by Playwright).

Screenshots go to build/test-output/. Without /usr/bin/chromium the browser tests are skipped, unless
ANALYZER_REQUIRE_BROWSER=1 (CI), which makes them fail instead.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.checks.copying import PAIR_FLAG_CHARS
from analyzer.engine import analyze_text, compare
from analyzer.report_html import (
    LayoutGroup,
    copy_network,
    document_context,
    force_layouts,
    render_segments,
    segments,
    write_html_report,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
OUTPUT = ROOT / "build" / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

INJECTIONS = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "</textarea>", "{{ 7*7 }}", "&amp;")
INJECTED = (
    "关于<script>alert(1)</script>和<img src=x onerror=alert(2)>的自查报告\n"
    "一、存在的问题\n"
    "（一）理论学习不深入。</textarea>有的干部{{ 7*7 }}次学习流于形式，&amp;全年只组织集中学习3次，"
    "XX镇*月*日的会议没有记录。<script>alert(1)</script>\n"
    "二、整改措施\n"
    "（一）由党委书记负责，6月底前制定学习计划，每月组织集中学习1次。\n"
)
ORIGINAL = "乡镇/青石镇.txt"
OTHER = "县直/003 <样本>.txt"
COPY = '乡镇/柳河镇 "抄".txt'
EVIL = "evil/<script>&amp;.txt"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Report:
    """The written report and what it was made from."""

    index: Path
    documents: list[dict]
    pages: dict[str, Path]
    pairs: list[dict]
    errors: list[dict]


def _pairs(docs: dict) -> list[dict]:
    """pairs.csv rows from the documents' copy sources (as the batch module would make them), with NumPy scalars as
    rows from pandas have."""
    rows = []
    for name, doc in docs.items():
        for source, ratio in doc.meta.get("copy_sources", {}).items():
            if name < source:
                shared = round(ratio * sum(not char.isspace() for char in doc.text))
                back = docs[source].meta["copy_sources"].get(name, 0.0)
                rows.append(
                    {
                        "doc_a": name,
                        "doc_b": source,
                        "shared_chars": np.int64(shared),
                        "ratio_a": np.float64(ratio),
                        "ratio_b": np.float64(back),
                        "flagged": np.bool_(shared >= PAIR_FLAG_CHARS),
                    }
                )
    unflagged = {"doc_a": EVIL, "doc_b": ORIGINAL, "shared_chars": 9, "ratio_a": 0.05, "ratio_b": 0.0, "flagged": False}
    return [*rows, unflagged]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Report:
    original = (SAMPLES / "000_e1e31738956b331a.txt").read_text(encoding="utf-8")
    lines = original.splitlines()
    copied = "\n".join(line.replace("镇", "乡") for line in lines[: len(lines) // 2])
    copied += "\n三、整改措施\n（一）由乡纪委书记牵头，6月底前化解全部信访积案。"
    texts = {
        ORIGINAL: original,
        OTHER: (SAMPLES / "003_655dd0b7c3e12c0c.txt").read_text(encoding="utf-8"),
        COPY: copied,
        EVIL: INJECTED,
    }
    docs = {name: analyze_text(text, source=name) for name, text in texts.items()}
    compare(docs)
    documents = [doc.to_dict() | {"doc": name} for name, doc in docs.items()]
    errors = [{"doc": "坏/<旧>.doc", "error": "不支持的文件类型 .doc；支持：.txt .docx .pdf"}]
    out = tmp_path_factory.mktemp("report")
    pairs = _pairs(docs)
    index = write_html_report(out, documents, pairs, errors)
    written = sorted((out / "docs").glob("*.html"))
    return Report(index, documents, dict(zip(texts, written, strict=True)), pairs, errors)


class _Page(HTMLParser):
    """What the tests read from a page: tags, attributes, ids, links, text, and nesting errors."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self.code: list[str] = []  # the contents of <script> and <style>
        self.doctype = False
        self.feed(html)
        self.close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"] or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] in ("script", "style"):
            self.code.append(data)
        elif self.stack and self.stack[-1] != "title":
            self.text.append(data)

    def hrefs(self) -> list[str]:
        return [attrs["href"] or "" for _, attrs in self.tags if "href" in attrs]


def _all_pages(report: Report) -> list[Path]:
    return [report.index, *report.pages.values()]


# ------------------------------------------------------------------------------------------------ files


def test_a_page_per_document_with_safe_file_names(report):
    assert report.index.name == "index.html" and report.index.is_file()
    assert [path.name for path in report.pages.values()] == ["0000.html", "0001.html", "0002.html", "0003.html"]
    index = report.index.read_text(encoding="utf-8")
    for name, path in report.pages.items():
        assert f'href="docs/{path.name}"' in index, name


def test_pages_are_well_formed(report):
    for path in _all_pages(report):
        page = _Page(path.read_text(encoding="utf-8"))
        assert page.doctype, path
        assert not page.problems, (path.name, page.problems[:5])
        assert len(page.ids) == len(set(page.ids)), f"{path.name}: duplicate ids"
        assert path.read_text(encoding="utf-8").split("</head>")[0].count("<title>") == 1


def test_pages_reference_nothing_outside(report):
    for path in _all_pages(report):
        html = path.read_text(encoding="utf-8")
        page = _Page(html)
        for tag, attrs in page.tags:
            for key in ("src", "href", "action", "srcset", "xlink:href", "data"):
                value = (attrs.get(key) or "").strip().lower()
                assert not re.match(r"(https?:)?//|ftp:|data:", value), (path.name, tag, key, value)
            assert tag not in ("link", "iframe", "object", "embed", "img", "base"), (path.name, tag)
            if tag == "script":
                assert "src" not in attrs, path.name
        fetching = r"url\(|@import|@font-face|fetch\(|XMLHttpRequest|import\(|https?:|//[a-z]"
        assert not re.search(fetching, "".join(page.code)), path.name


def test_markup_in_a_document_is_escaped(report):
    html = report.pages[EVIL].read_text(encoding="utf-8")
    page = _Page(html)
    text = "".join(page.text)
    for injected in INJECTIONS:
        assert injected in text, injected  # shown as text ...
    assert "<script>alert" not in html and "<img" not in html and "</textarea>" not in html  # ... never as markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp;amp;" in html
    assert "干部49" not in text and "{{ 7*7 }}" in html  # a document's text is not a template
    assert [tag for tag, _ in page.tags].count("script") == 1  # the page's own script, nothing else
    assert not any(key.startswith("on") for _, attrs in page.tags for key in attrs)
    index = report.index.read_text(encoding="utf-8")
    assert "<script>alert" not in index and "<img" not in index and "&lt;script&gt;alert(1)" in index
    assert "坏/&lt;旧&gt;.doc" in index  # the errors table


def test_links_resolve_to_ids_in_their_pages(report):
    pages = {path: _Page(path.read_text(encoding="utf-8")) for path in _all_pages(report)}
    checked = 0
    for path, page in pages.items():
        for href in page.hrefs():
            target, _, anchor = href.partition("#")
            target_path = (path.parent / target).resolve() if target else path
            assert target_path.is_file(), (path.name, href)
            if anchor:
                assert anchor in pages[target_path].ids, (path.name, href)
                checked += 1
    assert checked > 20


def test_copied_spans_link_to_their_source_span(report):
    page = _Page(report.pages[COPY].read_text(encoding="utf-8"))
    source = report.pages[ORIGINAL].name
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a" and "copy" in (attrs.get("class") or "").split()]
    assert links and all(link.startswith(f"{source}#src-") for link in links)
    original = next(doc for doc in report.documents if doc["doc"] == ORIGINAL)
    copy = next(doc for doc in report.documents if doc["doc"] == COPY)
    for found in (f for f in copy["findings"] if f["code"] == "CPY001"):
        anchor = f"{source}#src-{found['source_start']}-{found['source_end']}"
        assert anchor in links
        # the side-by-side block shows the source passage itself
        passage = original["text"][found["source_start"] : found["source_end"]]
        assert passage.splitlines()[0] in "".join(page.text)


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        # (finding code, start, end) in paragraph offsets → (text, classes) of each segment; an anchor at 12 cuts too
        ([], [("我们要", []), ("压紧压实", ["stock"]), ("主体责任，", []), ("XX镇全年学习3次。", [])]),
        (
            [("CPY001", 0, 9), ("TPL001", 12, 14)],
            [("我们要", ["copy"]), ("压紧压实", ["copy", "stock"]), ("主体", ["copy"]), ("责任，", []),
             ("XX", ["tpl"]), ("镇全年学习3次。", [])],
        ),
        (  # overlapping copies split where either starts or ends; the template residue nests inside both
            [("CPY001", 0, 14), ("CPY001", 10, 20), ("TPL001", 12, 14)],
            [("我们要", ["copy"]), ("压紧压实", ["copy", "stock"]), ("主体责", ["copy"]), ("任，", ["copy"]),
             ("XX", ["copy", "tpl"]), ("镇全年学习3", ["copy"]), ("次。", [])],
        ),
    ],
)  # fmt: skip
def test_overlapping_highlights_split_into_flat_segments(marks, expected):
    text = "我们要压紧压实主体责任，XX镇全年学习3次。"
    offset = 100
    paragraph = {"index": 3, "start": offset, "end": offset + len(text), "text": text, "kind": "body"}
    located = [
        {"code": code, "start": offset + s, "end": offset + e, "message": code, "source_label": "甲",
         "source_href": f"0001.html#src-{i}", "anchor": f"f{i}"}
        for i, (code, s, e) in enumerate(marks)
    ]  # fmt: skip
    pieces = segments(paragraph, located, [(offset + 12, "f9", offset + 12, offset + 14)])
    assert "".join(piece["text"] for piece in pieces) == text
    assert [(piece["text"], piece["classes"]) for piece in pieces if piece["text"]] == expected
    for piece in pieces:  # a copied segment links to the source of the shortest copy that covers it
        covering = [f for f in located if f["code"] == "CPY001" and f["start"] <= piece["start"] < f["end"]]
        shortest = min(covering, key=lambda f: f["end"] - f["start"], default={"source_href": None})
        assert piece["href"] == shortest["source_href"]
    anchored = next(piece for piece in pieces if piece["anchors"])
    assert anchored["start"] == offset + 12 and anchored["anchors"][0]["id"] == "f9"


TOKENS = ["<", ">", "&", '"', "'", "a", "中", " ", "&amp;", "<b>", "压紧压实", "XX镇", "“压紧压实”", "{{ x }}"]


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(st.sampled_from(TOKENS), max_size=16).map("".join),
    spans=st.lists(
        st.tuples(st.sampled_from(["TPL001", "CPY001", "LNK001"]), st.integers(-5, 70), st.integers(-5, 70))
    ),
    anchors=st.lists(st.integers(-5, 70), max_size=5),
    message=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4).map("".join),
)
def test_rendered_segments_show_exactly_the_paragraph_text(text, spans, anchors, message):
    offset = 10
    paragraph = {"index": 0, "start": offset, "end": offset + len(text), "text": text, "kind": "body"}
    located = [
        {"code": code, "start": offset + min(s, e), "end": offset + max(s, e), "message": message,
         "source_label": message, "source_href": f"0001.html#{message}" if code == "CPY001" else None,
         "anchor": f"f{i}"}
        for i, (code, s, e) in enumerate(spans)
    ]  # fmt: skip
    placed = [
        (offset + min(max(a, 0), len(text)), f'a{i}"{message}', offset, offset + 1) for i, a in enumerate(anchors)
    ]
    pieces = segments(paragraph, located, placed)
    markup = str(render_segments(pieces))
    assert html.unescape(re.sub(r"<[^>]*>", "", markup)) == text  # tags off, entities resolved: the text, once
    page = _Page(f"<p>{markup}</p>")
    assert not page.problems and "".join(page.text) == text
    allowed = {
        "span": {"class", "id", "data-s", "data-e", "title"},
        "a": {"class", "href", "data-s", "data-e", "title"},
    }
    for tag, attrs in page.tags[1:]:  # nothing but our elements and attributes, whatever the text and the messages
        assert set(attrs) <= allowed[tag], (tag, attrs)
    shown = [attrs for _, attrs in page.tags[1:] if "seg" in (attrs.get("class") or "").split()]
    assert [(a.get("title"), a.get("href")) for a in shown] == [
        (piece["title"] or None, piece["href"]) for piece in pieces if piece["text"]
    ]  # titles and links come back as they were, escaped once
    assert [attrs["id"] for _, attrs in page.tags if "anchor" in (attrs.get("class") or "")] == [
        anchor["id"] for piece in pieces for anchor in piece["anchors"]
    ]


def test_markup_in_comparisons_findings_and_ledger_is_escaped_once(tmp_path):
    injected = "<script>alert(1)</script>&amp;\"'"
    source_text = f"一、来源{injected}段落"
    source = {"doc": f"甲{injected}.txt", "text": source_text, "title": f"来源{injected}", "doc_type": "unknown"}
    source |= {"sections": [], "problems": [], "measures": [], "findings": [], "score": None, "meta": {}}
    source["paragraphs"] = [
        {"index": 0, "start": 0, "end": len(source_text), "text": source_text, "kind": "body", "line": 1}
    ]
    text = f"问题：{injected}没有整改。\n措施：{injected}"
    first, second = text.split("\n")
    meta = {"copy_ratio": 0.5, "copy_sources": {source["doc"]: 0.5}}
    copy = dict(source, doc="乙.txt", text=text, title=None, meta=meta)
    copy["paragraphs"] = [
        {"index": 0, "start": 0, "end": len(first), "text": first, "kind": "body", "line": 1, "category": "political"},
        {"index": 1, "start": len(first) + 1, "end": len(text), "text": second, "kind": "body", "line": 2},
    ]
    where = {"start": 3, "end": 3 + len(injected), "paragraph": 0}
    copy["findings"] = [
        {"code": "CPY001", "name": f"n{injected}", "severity": "warning", "message": f"复制{injected}", **where,
         "source": source["doc"], "source_start": 5, "source_end": 5 + len(injected)},
        {"code": "TPL001", "name": "template-placeholder", "severity": "error", "message": f"残留{injected}", **where},
        {"code": "CPY001", "name": "copied-passage", "severity": "warning", "message": "复制", "start": len(first) + 1,
         "end": len(text), "paragraph": 1, "source": source["doc"]},  # no source span: no link, no passage
    ]  # fmt: skip
    copy["problems"] = [
        {"id": "P1", "start": 0, "end": len(first), "text": first, "category": "political", "specific": False,
         "evidence": [f"证据{injected}"], "measures": ["M1"]}
    ]  # fmt: skip
    copy["measures"] = [
        {"id": "M1", "start": len(first) + 1, "end": len(text), "text": second, "category": None, "checkable": True,
         "evidence": [], "problems": ["P1"]},
        {"id": "M2", "start": len(first) + 1, "end": len(text), "text": second, "category": None, "checkable": None,
         "evidence": [], "problems": []},
    ]  # fmt: skip
    write_html_report(tmp_path, [source, copy], [], [], jobs=1)
    raw = (tmp_path / "docs" / "0001.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "&amp;amp;amp;" not in raw
    page = _Page(raw)
    assert not page.problems
    shown = "".join(page.text)
    for expected in (
        f"来源：甲{injected}.txt 《来源{injected}》 第 1 行",  # the comparison's caption
        injected,  # the passages
        f"复制{injected}",  # the findings
        f"来源：甲{injected}.txt",
        f"证据{injected}",  # the ledger
        f"M1 措施：{injected}",
    ):
        assert expected in shown, expected
    assert shown.count(f"来源：甲{injected}.txt 《来源{injected}》") == 2
    titles = [attrs.get("title") for _, attrs in page.tags if attrs.get("title")]
    assert f"残留{injected}；复制自 甲{injected}.txt（复制{injected}）" in titles


def test_pages_are_the_same_whatever_the_number_of_processes(report, tmp_path):
    documents = [doc | {"doc": f"{i}/{doc['doc']}"} for i in range(3) for doc in report.documents] + report.documents
    outputs = {}
    for jobs in (1, 2):
        index = write_html_report(tmp_path / f"jobs{jobs}", documents, report.pairs, report.errors, jobs=jobs)
        outputs[jobs] = {path.relative_to(index.parent): path.read_bytes() for path in index.parent.rglob("*.html")}
    assert len(outputs[1]) == len(documents) + 1
    assert outputs[1] == outputs[2]  # byte for byte


def test_a_page_that_fails_fails_the_report(report, tmp_path):
    broken = report.documents[:2] + [report.documents[2] | {"paragraphs": [{"index": 0}]}]
    for jobs in (1, 2):
        with pytest.raises(KeyError):
            write_html_report(tmp_path / f"jobs{jobs}", broken, [], [], jobs=jobs)


def test_finding_lines_match_the_document(report):
    from analyzer.document import Document

    for data in report.documents:
        doc = Document.from_dict({key: value for key, value in data.items() if key != "doc"})
        context = document_context(data, {}, {}, set())
        assert [f["line"] for f in context["findings"]] == [doc.line_col(f["start"])[0] for f in doc.findings]
        assert len(context["blocks"]) == len(doc.paragraphs)


def test_copy_network_is_deterministic_and_inside_its_picture():
    names = [f"县{i}/报告{i}.docx" for i in range(6)] + ["library:2022年模板"]
    flagged = [
        {"doc_a": names[a], "doc_b": names[b], "shared_chars": 200 + 100 * a, "ratio_a": 0.3, "ratio_b": 0.2}
        for a, b in [(0, 1), (1, 2), (2, 0), (3, 4), (5, 6), (0, 5)]
    ]
    documents = [{"doc": name, "title": None, "meta": {"copy_ratio": 0.4}} for name in names[:-1]]
    pages = {name: f"{i:04d}.html" for i, name in enumerate(names[:-1])}
    network = copy_network(documents, flagged, pages)
    assert network == copy_network(documents, flagged, pages)
    assert len(network["nodes"]) == 7 and len(network["edges"]) == 6
    for node in network["nodes"]:
        assert 0 <= node["x"] <= network["width"] and 0 <= node["y"] <= network["height"]
    library = next(node for node in network["nodes"] if node["level"] == "library")
    assert library["href"] is None and library["title"].startswith("参考库：2022年模板")  # drawn, with no page
    assert copy_network(documents, [], pages) is None


def test_groups_of_the_network_are_laid_out_as_if_alone():
    triangle = LayoutGroup(3, [(0, 1), (1, 2), (2, 0)], [300, 200, 900])
    path = LayoutGroup(3, [(0, 1), (1, 2)], [250, 250])
    star = LayoutGroup(5, [(0, i) for i in range(1, 5)], [200, 400, 800, 1600])
    pair = LayoutGroup(2, [(0, 1)], [500])
    together = force_layouts([triangle, pair, path, star, triangle])
    alone = [force_layouts([group])[0] for group in (triangle, pair, path, star, triangle)]
    for laid, single, group in zip(together, alone, (triangle, pair, path, star, triangle), strict=True):
        assert laid.shape == (group.count, 2)
        np.testing.assert_allclose(laid, single, atol=1e-9)
        lengths = np.linalg.norm(laid[[a for a, _ in group.edges]] - laid[[b for _, b in group.edges]], axis=1)
        assert np.median(lengths) == pytest.approx(1.0)  # scaled so that the median edge is 1 long
        assert min(np.linalg.norm(laid[i] - laid[j]) for i in range(group.count) for j in range(i)) > 0.2
    np.testing.assert_array_equal(together[0], together[4])


def test_a_large_copy_network_fits_its_picture():
    names = [f"乡镇/报告{i:04d}.txt" for i in range(400)]
    edges = [(i, i + 1) for i in range(0, 200, 2)]  # 100 pairs
    edges += [(200 + i, 200 + (i + 1) % 3 + 3 * (i // 3)) for i in range(0, 60)]  # 20 triangles
    edges += [(300, 300 + i) for i in range(1, 60)]  # one template copied 59 times
    flagged = [
        {"doc_a": names[a], "doc_b": names[b], "shared_chars": 200 + 7 * a, "ratio_a": 0.5, "ratio_b": 0.4}
        for a, b in edges
    ]
    documents = [{"doc": name, "title": None, "meta": {"copy_ratio": 0.3}} for name in names]
    pages = {name: f"{i:04d}.html" for i, name in enumerate(names)}
    network = copy_network(documents, flagged, pages)
    assert len(network["nodes"]) == 200 + 60 + 60 and len(network["edges"]) == len(edges)
    for node in network["nodes"]:
        assert 0 <= node["x"] <= network["width"] and 0 <= node["y"] <= network["height"]
    assert network == copy_network(documents, flagged, pages)


def test_documents_with_nothing_in_them(tmp_path):
    empty = {"doc": "空/无.txt", "text": "", "title": None, "doc_type": "unknown", "sections": [], "paragraphs": []}
    empty |= {"problems": [], "measures": [], "findings": [], "score": None, "meta": {}}
    index = write_html_report(tmp_path / "one", [empty], [], [])
    page = _Page((tmp_path / "one" / "docs" / "0000.html").read_text(encoding="utf-8"))
    assert not page.problems and "本文档未与其他文档比对。" in "".join(page.text)
    assert not _Page(index.read_text(encoding="utf-8")).problems
    index = write_html_report(tmp_path / "none", [], [], [{"doc": "a.doc", "error": "不支持"}])
    assert "本批没有可读取的文档。" in index.read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------ browser


@pytest.fixture(scope="module")
def browser():
    required = os.environ.get("ANALYZER_REQUIRE_BROWSER") == "1"
    reason = None
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = reason or "the playwright package is not installed (pip install -e '.[test]')"
    if reason:
        if required:
            pytest.fail(f"ANALYZER_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open(browser, path: Path, *, width: int = 1280):
    """A page opened from disk, and the list its console errors, uncaught exceptions and dialogs go into."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"console: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))

    def dialog(opened) -> None:
        problems.append(f"dialog: {opened.message}")
        opened.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri())
    return page, problems


def test_every_page_loads_without_script_errors(browser, report):
    for path in _all_pages(report):
        page, problems = _open(browser, path)
        assert page.title()
        assert page.evaluate("document.scripts.length") == 1
        page.close()
        assert problems == [], path.name


def test_markup_is_shown_as_text_in_the_browser(browser, report):
    page, problems = _open(browser, report.pages[EVIL])
    shown = page.inner_text("body")
    for injected in INJECTIONS:
        assert injected in shown, injected
    assert page.locator("h1").inner_text().startswith("关于<script>alert(1)</script>和<img src=x")
    assert page.locator("img[src=x]").count() == 0 and page.locator("img").count() == 0
    page.close()
    page, more = _open(browser, report.index)
    assert "<img src=x onerror=alert(2)>" in page.inner_text("#doc-table")
    page.close()
    assert problems + more == []


def test_clicking_a_header_sorts_the_table(browser, report):
    page, problems = _open(browser, report.index)

    def column(index: int) -> list[str]:
        return page.eval_on_selector_all(
            "#doc-table tbody tr", f"rows => rows.map(row => row.cells[{index}].textContent.trim())"
        )

    names, scores = column(0), column(3)
    page.click("#doc-table th:nth-child(4)")  # 得分
    descending = [float(score) for score in column(3)]
    assert descending == sorted(descending, reverse=True)
    assert page.get_attribute("#doc-table th:nth-child(4)", "aria-sort") == "descending"
    page.click("#doc-table th:nth-child(4)")
    assert [float(score) for score in column(3)] == sorted(descending)
    page.click("#doc-table th:nth-child(1)")  # 文档, by name
    assert column(0) != names or column(3) != scores or sorted(names) != names
    page.fill("input[data-filter=doc-table]", "evil")
    assert page.locator("#doc-table tbody tr:visible").count() == 1
    page.close()
    assert problems == []


def test_a_copied_span_opens_its_source_at_the_span(browser, report):
    page, problems = _open(browser, report.pages[COPY])
    link = page.locator("a.seg.copy").nth(3)
    expected = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(expected) and report.pages[ORIGINAL].name in page.url
    assert page.locator(".seg.hit").count() > 0  # the source span is lit up
    page.close()
    assert problems == []


def test_screenshots_and_narrow_window(browser, report):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shots = []
    for name, path, width in [
        ("report-index.png", report.index, 1280),
        ("report-document.png", report.pages[COPY], 1280),
        ("report-document-narrow.png", report.pages[COPY], 390),
        ("report-index-narrow.png", report.index, 390),
    ]:
        page, problems = _open(browser, path, width=width)
        if path == report.pages[COPY] and width > 1000:
            page.click("#toggle-comparisons")
            assert page.locator("details.compare[open]").count() == page.locator("details.compare").count() > 0
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the window"
        page.screenshot(path=str(OUTPUT / name), full_page=True)
        page.emulate_media(media="print")
        assert not page.locator(".topbar").is_visible()
        page.close()
        assert problems == []
        shots.append(OUTPUT / name)
    for shot in shots:
        assert shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")
