"""Build the input files the reader tests need: .docx with Word numbering, text boxes, tables, headers and
comments; PDFs with a text layer, running headers and page numbers; OLE files like an old .doc; bad inputs.

Everything is generated here, at test time, so the tests show exactly what each file holds.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# ------------------------------------------------------------------------------------------------ docx


def _numbering_xml() -> str:
    """An abstract list of three levels as Chinese reports number them: 一、 / （一） / 1."""
    levels = [
        ("chineseCounting", "%1、"),
        ("chineseCounting", "（%2）"),
        ("decimal", "%3."),
        ("decimalEnclosedCircle", "%4"),
    ]
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    return (
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90">{lvls}</w:abstractNum>',
        f'<w:num xmlns:w="{W_NS}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
    )


def add_chinese_numbering(document) -> None:
    """Add the 一、/（一）/1./① list definition (numId 90) to a python-docx document's numbering part."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    abstract, num = _numbering_xml()
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(parse_xml(abstract))
    else:
        numbering.append(parse_xml(abstract))
    numbering.append(parse_xml(num))


def add_list_instance(document, num_id: int, *, restart: bool) -> None:
    """Another list (w:num) on the same definition; with `restart`, its first level starts again at 1."""
    from docx.oxml import parse_xml

    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    document.part.numbering_part.element.append(
        parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="90"/>{override}</w:num>')
    )


def number_paragraph(paragraph, level: int, num_id: int = 90) -> None:
    """Give a paragraph Word's automatic numbering at a level of list `num_id`."""
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def add_textbox(paragraph, lines: list[str], *, with_fallback: bool) -> None:
    """Anchor a text box holding `lines` in a paragraph, as Word writes it (DrawingML, optionally + VML copy)."""
    from docx.oxml import parse_xml

    inner = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    ns = (
        f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"'
    )
    vml = f"<w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent></v:textbox></v:shape></w:pict>"
    if with_fallback:
        xml = (
            f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
            f"<w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>"
            f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>"
        )
    else:
        xml = f"<w:r {ns}>{vml}</w:r>"
    paragraph._p.append(parse_xml(xml))


def add_tracked_changes(paragraph, inserted: str, deleted: str) -> None:
    """Append an inserted run (kept) and a deleted run (dropped), as track changes records them."""
    from docx.oxml import parse_xml

    paragraph._p.append(
        parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="1" w:author="a"><w:r><w:t>{inserted}</w:t></w:r></w:ins>')
    )
    paragraph._p.append(
        parse_xml(f'<w:del xmlns:w="{W_NS}" w:id="2" w:author="a"><w:r><w:delText>{deleted}</w:delText></w:r></w:del>')
    )


# ------------------------------------------------------------------------------------------------ pdf


def write_pdf(
    path: Path,
    paragraphs: list[str],
    *,
    header: str | None = "青石镇纪委文件",
    page_numbers: bool = True,
    password: str | None = None,
    chars_per_line: int = 30,
    lines_per_page: int = 28,
    indent_paragraphs: bool = True,
) -> None:
    """Typeset paragraphs as a PDF page by page: wrapped lines, a running header and page numbers in the margins,
    and (as official documents do) a two-character first-line indent on every paragraph but the title."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    size = 14
    width, height = 595, 842
    left = (width - chars_per_line * size) / 2
    c = canvas.Canvas(str(path), pagesize=(width, height), encrypt=password)
    page = 1
    y = height - 90
    line_count = 0

    def decorate() -> None:
        if header:
            c.setFont("STSong-Light", 9)
            c.drawString(left, height - 40, header)
        if page_numbers:
            c.setFont("STSong-Light", 10)
            c.drawCentredString(width / 2, 36, f"- {page} -")
        c.setFont("STSong-Light", size)

    decorate()
    for number, text in enumerate(paragraphs):
        indent = 0 if number == 0 or not indent_paragraphs else 2  # 公文 style: every line but the title
        rest = text
        while rest:
            room = (chars_per_line - indent) * size
            cut = 1
            while cut < len(rest) and pdfmetrics.stringWidth(rest[: cut + 1], "STSong-Light", size) <= room:
                cut += 1
            line, rest = rest[:cut], rest[cut:]
            c.drawString(left + indent * size, y, line)
            indent = 0
            y -= size * 1.7
            line_count += 1
            if line_count >= lines_per_page:
                c.showPage()
                page += 1
                y = height - 90
                line_count = 0
                decorate()
    c.save()


def write_scanned_pdf(path: Path) -> None:
    """A PDF with only drawing on it: no text layer, like a scan."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for row in range(40):
        c.rect(50, 50 + row * 18, 400, 10, fill=1)
    c.save()


# ------------------------------------------------------------------------------------------------ OLE


def write_ole(path: Path, stream_name: str, payload: bytes = b"\x00" * 4096) -> None:
    """A minimal compound (OLE2) file with one stream, as old .doc (``WordDocument``) and .wps files are.

    Version 3 layout: header, one FAT sector, one directory sector, then the stream in regular sectors (the stream
    is at least 4096 bytes so that no mini stream is needed).
    """
    payload = payload.ljust(4096, b"\x00")
    sectors = (len(payload) + 511) // 512
    payload = payload.ljust(sectors * 512, b"\x00")
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fat_sect, end] + [3 + i for i in range(sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\x00" * 16
            + struct.pack("<I", 0)
            + b"\x00" * 16
            + struct.pack("<III", start, size, 0)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, free, 2, len(payload))
    directory += entry("", 0, free, end, 0) * 2
    data = header + struct.pack("<128I", *fat) + directory + payload
    path.write_bytes(data)


# ------------------------------------------------------------------------------------------------ archives


def write_zip_bomb(path: Path, unpacked_mb: int = 8) -> None:
    """A .docx-shaped archive whose document part unpacks to megabytes of zeros from a few kilobytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (unpacked_mb * 1024 * 1024))
