"""analyzer: read Chinese discipline-inspection and Party-building reports into structure and evidence.

The public API, for scripts and notebooks::

    import analyzer
    doc = analyzer.analyze("report.docx")       # read, structure, classify paragraphs
    doc = analyzer.load("report.docx")          # read and find the structure only
    doc = analyzer.from_text("一、存在问题\\n…")  # structure for a string (analyze_text classifies too)
    doc.to_dict()                                # the document JSON of DESIGN.md
    result = analyzer.batch(["submissions/"])    # a folder: every report analysed and compared for copying
    result.documents()                           # DataFrames: documents, paragraphs, problems, measures,
    result.pairs()                               #   findings, pairs (stable column names; see analyzer.report)
    analyzer.write_outputs(result, "out/")       # the CSV/XLSX tables and the HTML report of `analyzer batch`
"""

from analyzer.batching import Batch, write_outputs
from analyzer.batching import run_batch as batch
from analyzer.document import Document, Item, Paragraph, Section
from analyzer.engine import analyze, analyze_text, from_text, load
from analyzer.errors import AnalyzerError
from analyzer.segment import Segmenter, get_segmenter

__version__ = "0.1.0"

__all__ = [
    "AnalyzerError",
    "Batch",
    "batch",
    "write_outputs",
    "Document",
    "Item",
    "Paragraph",
    "Section",
    "analyze",
    "analyze_text",
    "Segmenter",
    "from_text",
    "get_segmenter",
    "load",
    "__version__",
]
