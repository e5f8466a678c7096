"""analyzer: read Chinese discipline-inspection and Party-building reports into structure and evidence.

The public API, for scripts and notebooks::

    import analyzer
    doc = analyzer.load("report.docx")          # read and find the structure
    doc = analyzer.from_text("一、存在问题\\n…")  # the same for a string
    doc.to_dict()                                # the document JSON of DESIGN.md
"""

from analyzer.document import Document, Item, Paragraph, Section
from analyzer.engine import from_text, load
from analyzer.errors import AnalyzerError
from analyzer.segment import Segmenter, get_segmenter

__version__ = "0.1.0"

__all__ = [
    "AnalyzerError",
    "Document",
    "Item",
    "Paragraph",
    "Section",
    "Segmenter",
    "from_text",
    "get_segmenter",
    "load",
    "__version__",
]
