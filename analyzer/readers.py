"""Read a submitted file into text: one function per format, plus the checks that refuse bad input.

`read(path)` looks at the file's first bytes before trusting its extension (a .docx renamed .txt is still read as
a .docx; an old .doc renamed .docx is refused with advice), and returns a `RawText`: the text, with one line per
paragraph (per docx paragraph or table cell, per PDF paragraph), and what was found on the way (format, encoding).

Refusals raise an `UnreadableFileError` subclass whose message is one line in Chinese and English that says what to
do. Everything is bounded: the file size is checked before reading, a .docx's archive is checked before it is
unpacked, and a PDF is read page by page.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.errors import (
    CorruptFileError,
    EncryptedFileError,
    FileTooLargeError,
    NoTextError,
    UnreadableFileError,
    UnsupportedFormatError,
)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Largest file read by default (20 MB); `read(max_bytes=...)` and the CLI's ``--max-size`` change it."""

MAX_ARCHIVE_RATIO = 100
"""A .docx member that unpacks to more than this many times its packed size is treated as a zip bomb."""

MAX_ARCHIVE_MEMBERS = 5000

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".docx", ".pdf")
SUPPORTED_LIST = ".txt .md .docx .pdf"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_RTF_MAGIC = b"{\\rtf"

_SAVE_AS_DOCX = "请在 Word 或 WPS 中“另存为”.docx 后再提交 / open it in Word or WPS and save it as .docx"

_SPREADSHEET = "表格文件无法作为报告读取，请把报告正文另存为 .docx 或 .txt / save the report's text as .docx or .txt"
_ADVICE_BY_SUFFIX = {
    ".doc": "旧版 Word 文档（.doc）无法读取，" + _SAVE_AS_DOCX,
    ".wps": "WPS 文字文档（.wps）无法读取，" + _SAVE_AS_DOCX,
    ".wpt": "WPS 模板（.wpt）无法读取，" + _SAVE_AS_DOCX,
    ".dot": "Word 模板（.dot）无法读取，" + _SAVE_AS_DOCX,
    ".rtf": "RTF 文档无法读取，" + _SAVE_AS_DOCX,
    ".odt": "ODT 文档无法读取，" + _SAVE_AS_DOCX,
    ".xls": _SPREADSHEET,
    ".xlsx": _SPREADSHEET,
}


@dataclass(slots=True)
class RawText:
    """Text read from a file, before normalisation.

    Attributes:
        text: The text, with one line per paragraph for .docx and .pdf.
        format: ``txt``, ``md``, ``docx`` or ``pdf``.
        encoding: The encoding found for text files (``utf-8``, ``utf-8-sig``, ``gb18030``, ``utf-16-le`` …);
            None for .docx and .pdf.
        notes: Things the reader did that a user may want to know (e.g. "dropped 3 page numbers").
        outline: For .docx, {line index: outline level} of the lines Word shows as headings (heading styles or
            outline levels), which the structure stage takes as headings whatever their text.
    """

    text: str
    format: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    outline: dict[int, int] = field(default_factory=dict)


def read(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawText:
    """Read a report file of any supported format.

    Args:
        path: The file.
        max_bytes: Files larger than this are refused before being read.

    Returns:
        The text and what was found reading it.

    Raises:
        UnreadableFileError: (a subclass of it) when the file is missing, too large, encrypted, corrupt, of an
            unsupported format, or holds no text.

    Example::

        raw = read("corpora/samples/000_e1e31738956b331a.txt")
        raw.format, raw.encoding  # ('txt', 'utf-8')
    """
    path = Path(path)
    if not path.exists():
        raise UnreadableFileError(path, "文件不存在 / file not found")
    if path.is_dir():
        raise UnreadableFileError(path, "这是一个文件夹，请给出文件 / this is a folder: name a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(
            path,
            f"文件大小 {size / 1048576:.1f} MB 超过上限 {max_bytes / 1048576:.1f} MB，"
            f"请拆分文件或用 --max-size 调高上限 / file is over the size limit; split it or raise --max-size",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return read_docx(path, max_bytes=max_bytes)
    if head.startswith(_OLE_MAGIC):
        raise _ole_error(path, suffix)
    if head.startswith(_PDF_MAGIC):
        return read_pdf(path)
    if head.startswith(_RTF_MAGIC):
        raise UnsupportedFormatError(path, _ADVICE_BY_SUFFIX[".rtf"])
    if suffix in _ADVICE_BY_SUFFIX:
        raise UnsupportedFormatError(path, _ADVICE_BY_SUFFIX[suffix])
    if suffix == ".docx":
        raise CorruptFileError(path, "文件已损坏，不是有效的 .docx，" + _SAVE_AS_DOCX)
    if suffix == ".pdf":
        raise CorruptFileError(path, "文件已损坏，不是有效的 PDF / not a valid PDF file")
    try:
        raw = read_text(path)
    except CorruptFileError as e:
        if suffix and suffix not in SUPPORTED_SUFFIXES:
            raise UnsupportedFormatError(
                path, f"不支持的文件类型 {suffix}；支持：{SUPPORTED_LIST} / unsupported file type"
            ) from e
        raise
    if suffix in (".md", ".markdown"):
        raw.format = "md"
    return raw


# --------------------------------------------------------------------------------------------------- text files


def read_text(path: Path) -> RawText:
    """Read a plain-text file, detecting its encoding.

    UTF-8 (with or without BOM), UTF-16 (with or without BOM) and GB18030/GBK are recognised; charset-normalizer
    ranks the candidates and a plausibility check then refuses bytes that merely happen to decode (binary junk).
    """
    data = path.read_bytes()
    text, encoding = decode_bytes(data, path=path)
    return RawText(text=text, format="txt", encoding=encoding)


def decode_bytes(data: bytes, *, path: object = "<bytes>") -> tuple[str, str]:
    """Decode the bytes of a text file and name the encoding found.

    Raises:
        NoTextError: for an empty file.
        CorruptFileError: for bytes that are not text in any supported encoding.
    """
    if not data.strip(b" \t\r\n\x00"):
        raise NoTextError(path, "文件为空，没有可分析的文字 / the file is empty")
    for bom, name, codec in (
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as e:
                raise _not_text(path) from e
            if not _plausible(text):
                raise _not_text(path)
            return text, name if bom != codecs.BOM_UTF8 else "utf-8-sig"
    for name in _candidate_encodings(data):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text, name
    raise _not_text(path)


def _candidate_encodings(data: bytes) -> list[str]:
    """The encodings to try, most likely first."""
    if b"\x00" in data:
        # Text with NUL bytes is UTF-16 without a BOM or not text at all: the parity of the NULs says which end.
        even = data[0::2].count(0)
        odd = data[1::2].count(0)
        return ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]
    names = ["utf-8"]
    import charset_normalizer

    best = charset_normalizer.from_bytes(
        data[:65536], cp_isolation=["utf_8", "gb18030", "utf_16_le", "utf_16_be", "big5"]
    ).best()
    if best is not None:
        names.append(_ENCODING_NAMES.get(best.encoding, best.encoding))
    names += ["gb18030", "utf-16-le", "utf-16-be"]
    return list(dict.fromkeys(names))


_ENCODING_NAMES = {"utf_8": "utf-8", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be", "big5": "big5"}


def _plausible(text: str) -> bool:
    """Whether decoded text looks like writing rather than binary junk that happened to decode.

    Junk shows as control characters, unassigned or private-use code points, or Chinese characters drawn evenly
    from the whole range, whereas real Chinese text draws almost all its characters from the 6,763 of GB2312.
    """
    sample = text[:20000]
    if not sample.strip():
        return False
    bad = cjk = common = 0
    for char in sample:
        code = ord(char)
        if char in "\t\n\r\f\v":
            continue
        if code < 32 or 0x7F <= code < 0xA0:
            bad += 1
            continue
        if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
            cjk += 1
            if _is_common_hanzi(char):
                common += 1
            continue
        if code < 0x3000:
            if unicodedata.category(char) in ("Cn", "Co", "Cs"):
                bad += 1
            continue
        if 0xAC00 <= code <= 0xD7AF or unicodedata.category(char) in ("Cn", "Co", "Cs"):
            bad += 1  # Hangul and unassigned code points: what random UTF-16 decodes to
    if bad > max(2, len(sample) * 0.01):
        return False
    return cjk < 20 or common / cjk >= 0.8


def _is_common_hanzi(char: str) -> bool:
    try:
        return len(char.encode("gb2312")) == 2
    except UnicodeEncodeError:
        return False


def _not_text(path: object) -> CorruptFileError:
    return CorruptFileError(
        path,
        "无法识别文件编码，可能不是文本文件；请另存为 UTF-8 文本或 .docx / "
        "not text in UTF-8, GB18030 or UTF-16: save it as UTF-8 text or .docx",
    )


def _ole_error(path: Path, suffix: str) -> UnreadableFileError:
    """Explain an OLE2 (compound) file: an encrypted Office file, an old .doc, or a .wps."""
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry) for entry in ole.listdir()}
    except Exception as e:  # olefile raises bare OSError and others on damaged input
        raise CorruptFileError(path, "文件已损坏，无法打开，" + _SAVE_AS_DOCX) from e
    if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
        return EncryptedFileError(
            path, "文件设有打开密码，请去除密码后另存为 .docx 再提交 / the file is password-protected: remove it"
        )
    if "WordDocument" in streams:
        return UnsupportedFormatError(path, _ADVICE_BY_SUFFIX[".doc"])
    advice = _ADVICE_BY_SUFFIX.get(suffix, "旧版 Office/WPS 文件无法读取，" + _SAVE_AS_DOCX)
    return UnsupportedFormatError(path, advice)


# --------------------------------------------------------------------------------------------------- .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawText:
    """Read a .docx: body paragraphs and table cells in document order, text boxes, and Word's automatic numbering.

    Headers, footers, comments, footnotes and deleted (tracked) text are left out; inserted text is kept. A
    paragraph whose number Word generates (一、 （一） 1.) gets that number written in front, as the reader sees it.
    """
    _check_archive(path, max_bytes=max_bytes)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise CorruptFileError(path, "不是有效的 Word 文档（.docx），" + _SAVE_AS_DOCX) from e
    except Exception as e:  # lxml and python-docx raise many types on damaged parts
        raise CorruptFileError(path, f"Word 文档已损坏（{type(e).__name__}），" + _SAVE_AS_DOCX) from e
    numbering = _Numbering(document)
    outline_of_style = _style_outline_levels(document)
    lines: list[str] = []
    outline: dict[int, int] = {}
    for text, element in _docx_lines(document.element.body, numbering):
        if not text.strip():
            continue
        level = _outline_level(element, outline_of_style) if element is not None else None
        if level is not None:
            outline[len(lines)] = level
        lines.append(text)
    if not lines:
        raise NoTextError(path, "文档中没有文字 / the document has no text")
    return RawText(text="\n".join(lines), format="docx", outline=outline)


def _check_archive(path: Path, *, max_bytes: int) -> None:
    """Refuse a corrupt, encrypted-looking or oversized archive before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise CorruptFileError(path, "文件已损坏，无法解压，" + _SAVE_AS_DOCX) from e
    names = {member.filename for member in members}
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise UnsupportedFormatError(path, _ADVICE_BY_SUFFIX[".xlsx"])
        raise UnsupportedFormatError(path, "这不是 Word 文档（.docx），" + _SAVE_AS_DOCX)
    unpacked = sum(member.file_size for member in members)
    limit = max(10 * max_bytes, 200 * 1024 * 1024)
    bomb = any(
        member.file_size > 1024 * 1024 and member.file_size > MAX_ARCHIVE_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_ARCHIVE_MEMBERS or unpacked > limit or bomb:
        raise FileTooLargeError(
            path, "文档解压后过大或结构异常，疑似压缩炸弹，已拒绝读取 / the archive unpacks to too much data; refused"
        )


def _docx_lines(body, numbering: _Numbering) -> Iterator[tuple[str, object | None]]:
    """Yield one line per paragraph and per table cell, in document order, with the body paragraph's element."""
    for child in body.iterchildren():
        if child.tag == _W + "p":
            yield _paragraph_text(child, numbering), child
            for line in _textbox_lines(child, numbering):
                yield line, None
        elif child.tag == _W + "tbl":
            for line in _table_lines(child, numbering):
                yield line, None
        elif child.tag == _W + "sdt":  # content controls wrap paragraphs and tables
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _docx_lines(content, numbering)


_HEADING_STYLE_NAME = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def _style_outline_levels(document) -> dict[str, int]:
    """Outline level (1-9) of each paragraph style that makes headings: its own w:outlineLvl, its base style's,
    or a built-in name such as "heading 2" / "标题 2"."""
    try:
        styles = document.styles.element
    except (KeyError, AttributeError):
        return {}
    own: dict[str, int | None] = {}
    based_on: dict[str, str] = {}
    for style in styles.iterchildren(_W + "style"):
        if style.get(_W + "type") != "paragraph":
            continue
        style_id = style.get(_W + "styleId")
        level = _val(style.find(f"{_W}pPr/{_W}outlineLvl"))
        name = _val(style.find(_W + "name")) or ""
        match = _HEADING_STYLE_NAME.match(name.strip())
        if level is not None and level.isdigit() and int(level) < 9:
            own[style_id] = int(level) + 1
        elif match:
            own[style_id] = int(match.group(1))
        else:
            own[style_id] = None
        parent = _val(style.find(_W + "basedOn"))
        if parent:
            based_on[style_id] = parent
    levels: dict[str, int] = {}
    for style_id in own:
        current, seen = style_id, set()
        while current is not None and current not in seen:
            seen.add(current)
            if own.get(current) is not None:
                levels[style_id] = own[current]
                break
            current = based_on.get(current)
    return levels


def _outline_level(paragraph, outline_of_style: dict[str, int]) -> int | None:
    """The outline level Word shows for a body paragraph (from direct formatting or its style), or None."""
    ppr = paragraph.find(_W + "pPr")
    if ppr is None:
        return None
    direct = _val(ppr.find(_W + "outlineLvl"))
    if direct is not None and direct.isdigit():
        return int(direct) + 1 if int(direct) < 9 else None
    return outline_of_style.get(_val(ppr.find(_W + "pStyle")) or "")


def _table_lines(table, numbering: _Numbering) -> Iterator[str]:
    """One line per cell, rows in order; a horizontally merged cell once; nested tables after their cell."""
    for row in table.iterchildren(_W + "tr"):
        for cell in row.iter(_W + "tc"):
            if cell.getparent() is not row:
                continue
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val") in (None, "continue"):
                continue  # the continuation of a vertically merged cell repeats the first
            parts = [_paragraph_text(p, numbering) for p in cell.iterchildren(_W + "p")]
            text = " ".join(part.strip() for part in parts if part.strip())
            if text:
                yield text
            for nested in cell.iterchildren(_W + "tbl"):
                yield from _table_lines(nested, numbering)


def _textbox_lines(paragraph, numbering: _Numbering) -> Iterator[str]:
    """Paragraphs inside text boxes anchored in this paragraph (the DrawingML copy, not the VML fallback)."""
    for box in paragraph.iter(_W + "txbxContent"):
        if any(ancestor.tag == _MC_FALLBACK for ancestor in box.iterancestors()):
            continue
        for inner in box.iterchildren(_W + "p"):
            yield _paragraph_text(inner, numbering)


def _paragraph_text(paragraph, numbering: _Numbering) -> str:
    """The visible text of a w:p: its runs (inserted text included, deleted text and text boxes excluded)."""
    pieces: list[str] = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "noBreakHyphen", _W + "sym"):
        if _inside_excluded(node, paragraph):
            continue
        tag = node.tag
        if tag == _W + "t":
            pieces.append(node.text or "")
        elif tag == _W + "tab":
            if node.getparent().tag == _W + "r":
                pieces.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            if node.get(_W + "type") in (None, "textWrapping"):
                pieces.append(" ")
        elif tag == _W + "noBreakHyphen":
            pieces.append("-")
        elif tag == _W + "sym":
            code = node.get(_W + "char")
            if code:
                try:
                    pieces.append(chr(int(code, 16)))
                except ValueError:
                    pass
    text = "".join(pieces)
    prefix = numbering.label(paragraph)
    if prefix and text.strip():
        text = prefix + text.lstrip()
    return text


_EXCLUDED_TAGS = {_W + "del", _W + "txbxContent", _W + "moveFrom"}


def _inside_excluded(node, paragraph) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in _EXCLUDED_TAGS or parent.tag == _MC_FALLBACK:
            return True
        parent = parent.getparent()
    return False


class _Numbering:
    """Word's automatic list numbering: renders the label (一、 （一） 1. ①) each numbered paragraph shows."""

    def __init__(self, document) -> None:
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._num_to_abstract: dict[str, str] = {}
        self._overrides: dict[tuple[str, int], int] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._last_num: dict[str, str] = {}
        self._style_numpr: dict[str, tuple[str | None, int]] = {}
        part = document.part
        try:
            numbering_part = part.numbering_part
        except (KeyError, NotImplementedError, AttributeError):
            numbering_part = None
        if numbering_part is not None:
            self._load(numbering_part.element)
        try:
            styles = document.styles.element
        except (KeyError, AttributeError):
            styles = None
        if styles is not None:
            for style in styles.iterchildren(_W + "style"):
                numpr = style.find(f"{_W}pPr/{_W}numPr")
                if numpr is not None:
                    num_id = _val(numpr.find(_W + "numId"))
                    ilvl = _val(numpr.find(_W + "ilvl"))
                    self._style_numpr[style.get(_W + "styleId")] = (num_id, int(ilvl or 0))

    def _load(self, root) -> None:
        for abstract in root.iterchildren(_W + "abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in abstract.iterchildren(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl", "0"))
                fmt = _val(lvl.find(_W + "numFmt")) or "decimal"
                text = _val(lvl.find(_W + "lvlText")) or ""
                start = int(_val(lvl.find(_W + "start")) or 1)
                levels[ilvl] = (fmt, text, start)
            self._levels[abstract.get(_W + "abstractNumId")] = levels
        for num in root.iterchildren(_W + "num"):
            num_id = num.get(_W + "numId")
            self._num_to_abstract[num_id] = _val(num.find(_W + "abstractNumId")) or ""
            for override in num.iterchildren(_W + "lvlOverride"):
                start = override.find(_W + "startOverride")
                if start is not None:
                    self._overrides[(num_id, int(override.get(_W + "ilvl", "0")))] = int(_val(start) or 1)

    def label(self, paragraph) -> str:
        """The label of this paragraph, advancing the counters, or "" when it is not numbered."""
        ppr = paragraph.find(_W + "pPr")
        if ppr is None:
            return ""
        num_id: str | None = None
        ilvl = 0
        style = ppr.find(_W + "pStyle")
        if style is not None and _val(style) in self._style_numpr:
            num_id, ilvl = self._style_numpr[_val(style)]
        numpr = ppr.find(_W + "numPr")
        if numpr is not None:
            num_id = _val(numpr.find(_W + "numId")) or num_id
            ilvl = int(_val(numpr.find(_W + "ilvl")) or ilvl)
        if not num_id or num_id == "0" or num_id not in self._num_to_abstract:
            return ""
        levels = self._levels.get(self._num_to_abstract[num_id], {})
        if ilvl not in levels:
            return ""
        # Lists that share an abstract definition share counters, as in Word, unless a w:num restarts a level
        # with a start override when it takes over.
        key = self._num_to_abstract[num_id]
        counters = self._counters.setdefault(key, {})
        restart = self._last_num.get(key) != num_id
        self._last_num[key] = num_id
        for level in levels:
            if level not in counters or (restart and (num_id, level) in self._overrides):
                counters[level] = self._overrides.get((num_id, level), levels[level][2]) - 1
        counters[ilvl] += 1
        for deeper in levels:
            if deeper > ilvl:
                counters[deeper] = self._overrides.get((num_id, deeper), levels[deeper][2]) - 1
        fmt, pattern, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def placeholder(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            level_fmt = levels.get(level, (fmt, "", 1))[0]
            return _format_number(max(counters.get(level, 1), 0), level_fmt)

        return re.sub(r"%(\d)", placeholder, pattern)


def _val(element) -> str | None:
    return None if element is None else element.get(_W + "val")


_CN_DIGITS = "零一二三四五六七八九"


def _chinese_number(value: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一, 105 -> 一百零五 (counting style)."""
    if value <= 0:
        return str(value)
    if value < 10:
        return _CN_DIGITS[value]
    if value < 20:
        return "十" + (_CN_DIGITS[value % 10] if value % 10 else "")
    if value < 100:
        return _CN_DIGITS[value // 10] + "十" + (_CN_DIGITS[value % 10] if value % 10 else "")
    if value < 1000:
        rest = value % 100
        tail = "" if rest == 0 else ("零" + _CN_DIGITS[rest] if rest < 10 else _chinese_number(rest))
        if 10 <= rest < 20:
            tail = "一" + tail
        return _CN_DIGITS[value // 100] + "百" + tail
    return str(value)


def _format_number(value: int, fmt: str) -> str:
    """Render a list counter in one of Word's number formats."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "ideographTraditional",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    ):
        if fmt == "ideographTraditional":
            return "甲乙丙丁戊己庚辛壬癸"[(value - 1) % 10]
        return _chinese_number(value)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(value))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalEnclosedParen" and 1 <= value <= 20:
        return chr(0x2474 + value - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(value))
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    out = []
    for number, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, number)
        out.append(numeral * count)
    return "".join(out)


# --------------------------------------------------------------------------------------------------- .pdf

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–·•]*(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,4}|[-—–]\s*\d{1,4}\s*[-—–]|"
    r"\d{1,4}\s*/\s*\d{1,4}|Page\s+\d+(?:\s+of\s+\d+)?)[\s\-—–·•]*$",
    re.IGNORECASE,
)
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,3}[.．、](?!\d)|[①-⑳]|第[一二三四五六七八九十]+[部章节、，])"
)


@dataclass(slots=True)
class _PdfLine:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    char_width: float


def read_pdf(path: Path) -> RawText:
    """Read a PDF's text layer: rejoin lines the layout wrapped, drop page numbers and running headers/footers.

    Raises:
        EncryptedFileError: for a password-protected PDF.
        NoTextError: for a PDF without a text layer (a scan).
    """
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    pages: list[tuple[list[_PdfLine], float, float]] = []
    try:
        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                lines = _pdf_page_lines(page)
                pages.append((lines, float(page.width), float(page.height)))
                page.flush_cache()
    except PDFPasswordIncorrect as e:
        raise EncryptedFileError(path, "PDF 设有密码，请去除密码后再提交 / the PDF is password-protected") from e
    except PDFSyntaxError as e:
        raise CorruptFileError(path, "PDF 文件已损坏，无法读取 / the PDF is damaged") from e
    except Exception as e:  # pdfplumber wraps pdfminer's errors; pdfminer raises many types on damaged files
        causes = [e, *e.args, e.__cause__, e.__context__]
        if any(
            isinstance(cause, PDFPasswordIncorrect) or "encrypt" in type(cause).__name__.lower() for cause in causes
        ):
            raise EncryptedFileError(path, "PDF 设有密码，请去除密码后再提交 / the PDF is password-protected") from e
        raise CorruptFileError(path, f"PDF 文件已损坏，无法读取（{type(e).__name__}） / the PDF is damaged") from e
    if not any(line.text.strip() for lines, _, _ in pages for line in lines):
        raise NoTextError(
            path,
            "PDF 没有文字层（可能是扫描件），请提交 Word 原文件或先做文字识别（OCR） / "
            "the PDF has no text layer (a scan?): submit the .docx or run OCR first",
        )
    notes: list[str] = []
    paragraphs = _join_pdf_lines(_drop_running_lines(pages, notes))
    return RawText(text="\n".join(paragraphs), format="pdf", notes=notes)


def _pdf_page_lines(page) -> list[_PdfLine]:
    lines = []
    # Blank characters are kept (runs of spaces and U+3000 are visible text), and lines are not stripped, so that
    # white space at a wrap point survives the rejoining; paragraphs are stripped once joined.
    for line in page.extract_text_lines(layout=False, strip=False, return_chars=True, keep_blank_chars=True):
        chars = [c for c in line.get("chars", []) if c.get("text", "").strip()]
        widths = sorted(float(c["x1"]) - float(c["x0"]) for c in chars) or [10.0]
        lines.append(
            _PdfLine(
                text=line["text"],
                x0=float(line["x0"]),
                x1=float(line["x1"]),
                top=float(line["top"]),
                bottom=float(line["bottom"]),
                char_width=widths[len(widths) // 2],
            )
        )
    return lines


def _drop_running_lines(pages: list[tuple[list[_PdfLine], float, float]], notes: list[str]) -> list[list[_PdfLine]]:
    """Remove page numbers and headers/footers that repeat (digits aside) in the margins of several pages."""
    margin_keys: Counter[str] = Counter()
    for lines, _, height in pages:
        seen = set()
        for line in lines:
            if line.top < height * 0.12 or line.bottom > height * 0.88:
                key = re.sub(r"\d+", "#", line.text.strip())
                if key not in seen:
                    seen.add(key)
                    margin_keys[key] += 1
    repeated = {key for key, count in margin_keys.items() if count >= 2 and len(pages) >= 2}
    dropped = 0
    kept_pages = []
    for lines, _, height in pages:
        kept = []
        for line in lines:
            in_margin = line.top < height * 0.12 or line.bottom > height * 0.88
            key = re.sub(r"\d+", "#", line.text.strip())
            if in_margin and (_PAGE_NUMBER.match(line.text.strip()) or key in repeated):
                dropped += 1
                continue
            kept.append(line)
        kept_pages.append(kept)
    if dropped:
        notes.append(f"dropped {dropped} page-number or running header/footer lines")
    return kept_pages


def _join_pdf_lines(pages: list[list[_PdfLine]]) -> list[str]:
    """Rejoin lines that the layout wrapped into paragraphs.

    A line continues the previous one when the previous line reaches the right margin and this one is not
    indented. Chinese paragraphs open with a two-character indent; where a document uses it, that alone decides.
    Where it does not (block paragraphs), a line that ends a sentence at the margin ends its paragraph too.
    Either way, a line after one that stops mid-clause continues it even if it opens like a heading ("一、二卷").
    """
    all_lines = [line for lines in pages for line in lines if line.text.strip()]
    if not all_lines:
        return []
    for line in all_lines:
        line.text = line.text.rstrip("\n")
    # The left margin: the leftmost position that several lines share (first lines are indented, titles centred).
    starts = Counter(round(line.x0) for line in all_lines)
    left = min((x for x, count in starts.items() if count >= max(2, len(all_lines) // 20)), default=min(starts))
    right = max(line.x1 for line in all_lines)
    indented_count = sum(
        1 for line in all_lines if left + 1.2 * line.char_width < line.x0 < left + 3.5 * line.char_width
    )
    uses_indent = indented_count >= 2
    paragraphs: list[str] = []
    previous: _PdfLine | None = None
    for line in all_lines:
        text = line.text
        if previous is not None:
            width = max(previous.char_width, 1.0)
            reaches_margin = previous.x1 >= right - 1.5 * width
            indented = line.x0 > left + 1.2 * width
            ends_sentence = previous.text.rstrip()[-1:] in "。！？!?：:"
            heading_like = bool(_HEADING_START.match(text.strip()))
            if uses_indent:  # an unindented heading after a full stop is the one exception (not after a colon)
                ends_full_stop = previous.text.rstrip()[-1:] in "。！？!?"
                joins = reaches_margin and not indented and not (ends_full_stop and heading_like)
            else:
                joins = reaches_margin and not ends_sentence and not (heading_like and ends_sentence)
            if joins:
                paragraphs[-1] += text
                previous = line
                continue
        paragraphs.append(text)
        previous = line
    return [paragraph.strip() for paragraph in paragraphs]
