"""The document model: every element is a span of character offsets into `Document.text`.

`Document.to_dict()` produces the document JSON of DESIGN.md (schema ``analyzer.document/1``); fields beyond the
design card (``line``, ``kind``, ``number``, ``items``, ``sentences``, ``meta``) are extensions.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "analyzer.document/1"

PARAGRAPH_KINDS = ("title", "issuer", "doc_number", "date", "heading", "body")


@dataclass(slots=True)
class Item:
    """An enumerated clause inside a paragraph (一是…, （1）…, ①…, 第一…, 首先…).

    The item runs from just after its marker to just before the next marker of its enumeration or the end of the
    paragraph, per LABELING.md; `children` are enumerations nested inside it.
    """

    start: int
    end: int
    marker: str
    marker_start: int
    style: str
    value: int
    children: list[Item] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view."""
        return {
            "start": self.start,
            "end": self.end,
            "marker": self.marker,
            "marker_start": self.marker_start,
            "style": self.style,
            "value": self.value,
            "children": [child.to_dict() for child in self.children],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        """The inverse of `to_dict`."""
        children = [cls.from_dict(child) for child in data["children"]]
        fields = {key: data[key] for key in ("start", "end", "marker", "marker_start", "style", "value")}
        return cls(**fields, children=children)


@dataclass(slots=True)
class Paragraph:
    """One non-blank line of the document (one docx paragraph or table cell), stripped of surrounding space.

    Attributes:
        index: Position among the document's paragraphs, from 0.
        start, end: Offsets into the document text; ``doc.text[start:end] == text``.
        text: The paragraph's characters.
        line: 1-based line number in the document text.
        kind: ``title``, ``issuer``, ``doc_number``, ``date`` (front or closing matter), ``heading`` or ``body``.
        number: The numbering marker it opens with (``一、``, ``（1）``), or None.
        number_style: The numbering convention of that marker (see `analyzer.structure.NUMBER_STYLES`).
        number_value: The marker's ordinal value (``（三）`` is 3).
        section: Id of the innermost section the paragraph belongs to (a heading belongs to its own section).
        items: Enumerations inside the paragraph.
        sentences: (start, end) offsets of its sentences.
    """

    index: int
    start: int
    end: int
    text: str
    line: int
    kind: str = "body"
    number: str | None = None
    number_style: str | None = None
    number_value: int | None = None
    section: str | None = None
    role: str | None = None
    category: str | None = None
    category_scores: dict[str, float] = field(default_factory=dict)
    boilerplate: float | None = None
    copied: float | None = None
    items: list[Item] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable id within the document: ``p0``, ``p1`` …"""
        return f"p{self.index}"

    @property
    def is_heading(self) -> bool:
        """Whether the line is only a section heading."""
        return self.kind == "heading"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view, in the field order of DESIGN.md."""
        return {
            "id": self.id,
            "index": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "section": self.section,
            "is_heading": self.is_heading,
            "role": self.role,
            "category": self.category,
            "category_scores": dict(self.category_scores),
            "boilerplate": self.boilerplate,
            "copied": self.copied,
            "line": self.line,
            "kind": self.kind,
            "number": self.number,
            "number_style": self.number_style,
            "number_value": self.number_value,
            "items": [item.to_dict() for item in self.items],
            "sentences": [list(span) for span in self.sentences],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paragraph:
        """The inverse of `to_dict`."""
        simple = ("index", "start", "end", "text", "line", "kind", "number", "section", "role", "category")
        return cls(
            **{key: data[key] for key in simple},
            number_style=data.get("number_style"),
            number_value=data.get("number_value"),
            category_scores=dict(data["category_scores"]),
            boilerplate=data["boilerplate"],
            copied=data["copied"],
            items=[Item.from_dict(item) for item in data["items"]],
            sentences=[tuple(span) for span in data["sentences"]],
        )


@dataclass(slots=True)
class Section:
    """A heading and everything up to the next heading of the same or a higher level.

    Attributes:
        index: Position among the document's sections, from 0.
        level: 1 for the outermost numbering used, 2 inside it, and so on.
        number: The heading's marker (``二、``), or None for an unnumbered heading.
        style: The numbering convention (``cn_comma``, ``cn_paren``, ``arabic``, … or ``plain``).
        title: The heading text without its marker.
        paragraph: Index of the heading paragraph.
        start, end: From the heading's start to the end of the section's last paragraph.
        parent: Id of the enclosing section, or None.
    """

    index: int
    level: int
    number: str | None
    style: str
    title: str
    paragraph: int
    start: int
    end: int
    parent: str | None = None
    role: str | None = None
    category: str | None = None

    @property
    def id(self) -> str:
        """Stable id within the document: ``s0``, ``s1`` …"""
        return f"s{self.index}"

    def to_dict(self) -> dict[str, Any]:
        """Plain-data view, in the field order of DESIGN.md."""
        return {
            "id": self.id,
            "level": self.level,
            "number": self.number,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "parent": self.parent,
            "role": self.role,
            "category": self.category,
            "paragraph": self.paragraph,
            "style": self.style,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        """The inverse of `to_dict`."""
        simple = ("level", "number", "style", "title", "paragraph", "start", "end", "parent", "role", "category")
        return cls(index=int(data["id"][1:]), **{key: data[key] for key in simple})


@dataclass(slots=True)
class Document:
    """A report: its normalised text and the structure found in it.

    Attributes:
        text: The normalised full text; every offset indexes into it.
        source: The path as given, or a name for text given directly.
        paragraphs: Every non-blank line, in order.
        sections: Every heading's section, in order.
        title: The title (front-matter title lines joined), or None.
        doc_type: A guess from the title (see `analyzer.structure.DOC_TYPES`).
        meta: What reading found: ``format``, ``encoding``, ``artefacts`` (removed scrape markers), ``notes``.
    """

    text: str
    source: str = "<text>"
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    title: str | None = None
    doc_type: str = "unknown"
    meta: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    score: dict[str, Any] | None = None
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset, as an editor shows them."""
        if not self._line_starts:
            self._line_starts = [0] + [i + 1 for i, char in enumerate(self.text) if char == "\n"]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def section(self, section_id: str | None) -> Section | None:
        """The section with this id, or None."""
        if section_id is None:
            return None
        index = int(section_id[1:])
        return self.sections[index] if 0 <= index < len(self.sections) else None

    def paragraph_at(self, offset: int) -> int | None:
        """Index of the paragraph that holds (or ends at) a character offset, or None between paragraphs."""
        starts = [paragraph.start for paragraph in self.paragraphs]
        position = bisect.bisect_right(starts, offset) - 1
        if position >= 0 and offset <= self.paragraphs[position].end:
            return position
        return None

    def heading_path(self, paragraph: Paragraph) -> list[str]:
        """Titles of the sections enclosing a paragraph, outermost first."""
        path: list[str] = []
        section = self.section(paragraph.section)
        while section is not None:
            path.append(section.title)
            section = self.section(section.parent)
        return path[::-1]

    def to_dict(self) -> dict[str, Any]:
        """The document JSON of DESIGN.md."""
        return {
            "schema": SCHEMA,
            "source": self.source,
            "title": self.title,
            "doc_type": self.doc_type,
            "text": self.text,
            "sections": [section.to_dict() for section in self.sections],
            "paragraphs": [paragraph.to_dict() for paragraph in self.paragraphs],
            "problems": list(self.problems),
            "measures": list(self.measures),
            "findings": list(self.findings),
            "score": self.score,
            "meta": dict(self.meta),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """The inverse of `to_dict`: a document rebuilt from its JSON (the batch cache keeps documents so).

        Raises:
            ValueError: when the data is not a document of this schema.
        """
        if data.get("schema") != SCHEMA:
            raise ValueError(f"not an {SCHEMA} document: schema {data.get('schema')!r}")
        return cls(
            text=data["text"],
            source=data["source"],
            paragraphs=[Paragraph.from_dict(paragraph) for paragraph in data["paragraphs"]],
            sections=[Section.from_dict(section) for section in data["sections"]],
            title=data["title"],
            doc_type=data["doc_type"],
            meta=dict(data.get("meta", {})),
            problems=list(data["problems"]),
            measures=list(data["measures"]),
            findings=list(data["findings"]),
            score=data["score"],
        )
