"""Readers: encodings, .docx, .pdf and .md round-trip; every bad input is refused with the right error."""

from __future__ import annotations

import random
from pathlib import Path

import docx
import pytest
from make_files import (
    add_chinese_numbering,
    add_list_instance,
    add_textbox,
    add_tracked_changes,
    number_paragraph,
    write_ole,
    write_pdf,
    write_scanned_pdf,
    write_zip_bomb,
)

from analyzer.errors import (
    CorruptFileError,
    EncryptedFileError,
    FileTooLargeError,
    NoTextError,
    UnsupportedFormatError,
)
from analyzer.readers import decode_bytes, read

TEXT = (
    "一、总体情况\n我镇认真落实全面从严治党主体责任，严格执行中央八项规定精神。\n（一）问题：学用脱节，“以干代学”。\n"
)


@pytest.mark.parametrize(
    ("encoding", "data", "found"),
    [
        ("utf-8", TEXT.encode("utf-8"), "utf-8"),
        ("utf-8 with BOM", b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        ("gb18030", TEXT.encode("gb18030"), "gb18030"),
        ("gbk", TEXT.encode("gbk"), "gb18030"),
        ("utf-16 with BOM", TEXT.encode("utf-16"), "utf-16-le"),
        ("utf-16-be with BOM", b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
        ("utf-16-le without BOM", TEXT.encode("utf-16-le"), "utf-16-le"),
        ("utf-16-be without BOM", TEXT.encode("utf-16-be"), "utf-16-be"),
        ("gb18030 with CRLF", TEXT.replace("\n", "\r\n").encode("gb18030"), "gb18030"),
    ],
)
def test_text_encodings_round_trip(tmp_path: Path, encoding: str, data: bytes, found: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    raw = read(path)
    assert raw.encoding == found
    assert raw.text.replace("\r\n", "\n") == TEXT


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    with pytest.raises(CorruptFileError):
        read(path)


def test_bytes_that_decode_as_gbk_but_are_junk_are_refused() -> None:
    rng = random.Random(7)
    data = bytearray()
    for _ in range(1500):
        data += bytes([rng.randrange(0x81, 0xFE), rng.choice([b for b in range(0x40, 0xFF) if b != 0x7F])])
    data = bytes(data)
    data.decode("gb18030")  # it does decode …
    with pytest.raises(CorruptFileError):
        decode_bytes(data)  # … but is not text


def test_empty_file_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"\r\n  \n")
    with pytest.raises(NoTextError):
        read(path)


def _chinese_numbered_docx(path: Path) -> None:
    document = docx.Document()
    add_chinese_numbering(document)
    document.sections[0].header.paragraphs[0].text = "页眉文字不应读出"
    document.sections[0].footer.paragraphs[0].text = "页脚文字不应读出"
    document.add_paragraph("青石镇党委自查报告")
    for level, text in [
        (0, "基本情况"),
        (1, "党建工作"),
        (2, "学习不够深入。有的干部以干代学。"),
        (2, "制度执行不严。"),
        (1, "作风建设"),
        (2, "细化要求"),
        (0, "存在问题"),
        (1, "学用脱节"),
        (3, "第一条"),
        (3, "第二条"),
    ]:
        number_paragraph(document.add_paragraph(text), level)
    commented = document.add_paragraph("正文里有一条批注。")
    document.add_comment(commented.runs, text="批注不应读出", author="审核人")
    add_textbox(document.add_paragraph("锚点段落"), ["文本框第一行", "文本框第二行"], with_fallback=True)
    add_textbox(document.add_paragraph("另一个锚点"), ["旧式文本框"], with_fallback=False)
    add_tracked_changes(document.add_paragraph("修订："), inserted="插入的字", deleted="删除的字")
    table = document.add_table(rows=3, cols=3)
    for column, text in enumerate(["序号", "问题", "整改措施"]):
        table.cell(0, column).text = text
    table.cell(1, 0).text = "1"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "横向合并的单元格"
    table.cell(2, 0).text = "2"
    table.cell(2, 1).text = "学习不深入"
    table.cell(2, 2).paragraphs[0].text = "每月集中学习"
    table.cell(2, 2).add_paragraph("年底前完成")
    document.add_paragraph("结尾段落。")
    document.save(str(path))


def test_docx_reads_paragraphs_numbering_textboxes_and_tables_in_order(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    _chinese_numbered_docx(path)
    raw = read(path)
    assert raw.format == "docx"
    assert raw.text.split("\n") == [
        "青石镇党委自查报告",
        "一、基本情况",
        "（一）党建工作",
        "1.学习不够深入。有的干部以干代学。",
        "2.制度执行不严。",
        "（二）作风建设",
        "1.细化要求",
        "二、存在问题",
        "（一）学用脱节",
        "①第一条",
        "②第二条",
        "正文里有一条批注。",
        "锚点段落",
        "文本框第一行",
        "文本框第二行",
        "另一个锚点",
        "旧式文本框",
        "修订：插入的字",
        "序号",
        "问题",
        "整改措施",
        "1",
        "横向合并的单元格",
        "2",
        "学习不深入",
        "每月集中学习 年底前完成",
        "结尾段落。",
    ]


def test_docx_lists_continue_or_restart_as_word_does(tmp_path: Path) -> None:
    document = docx.Document()
    add_chinese_numbering(document)
    add_list_instance(document, 91, restart=False)
    add_list_instance(document, 92, restart=True)
    for num_id, text in [(90, "甲"), (90, "乙"), (91, "丙"), (92, "丁"), (92, "戊")]:
        number_paragraph(document.add_paragraph(text), 0, num_id=num_id)
    path = tmp_path / "lists.docx"
    document.save(str(path))
    assert read(path).text.split("\n") == ["一、甲", "二、乙", "三、丙", "一、丁", "二、戊"]


def test_docx_renamed_txt_is_still_read_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    _chinese_numbered_docx(path)
    renamed = tmp_path / "report.txt"
    renamed.write_bytes(path.read_bytes())
    assert read(renamed).format == "docx"


def test_docx_round_trip_of_plain_paragraphs(tmp_path: Path) -> None:
    lines = [line for line in TEXT.split("\n") if line]
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    path = tmp_path / "plain.docx"
    document.save(str(path))
    assert read(path).text.split("\n") == lines


PDF_PARAGRAPHS = [
    "青石镇纪委关于巡察整改情况的报告",
    "一、整改工作总体情况",
    "巡察反馈意见指出问题共12个，截至2024年10月底已完成整改11个，剩余1个正在推进，整改完成率91.7%。镇纪委将持续跟踪。",
    "二、存在的主要问题",
    "（一）理论学习不够深入。有的干部把记笔记当学习，学用脱节，浅尝辄止，对党的创新理论理解不透，运用不够。",
    "（二）制度执行不够严格。三重一大事项集体决策记录不全，个别合同未经法律顾问审核，财务报销存在事后补签。",
    "三、下一步打算",
    "一是压实主体责任，党委每季度专题研究一次整改工作；二是建立长效机制，年底前修订完善制度8项。",
] * 3


def test_pdf_rejoins_wrapped_lines_and_drops_running_headers(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    write_pdf(path, PDF_PARAGRAPHS)
    raw = read(path)
    assert raw.format == "pdf"
    assert raw.text.split("\n") == PDF_PARAGRAPHS
    assert any("dropped" in note for note in raw.notes)


def test_markdown_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    path.write_text("# 青石镇自查报告\n\n## 一、存在问题\n\n学习不深入。\n", encoding="utf-8")
    raw = read(path)
    assert raw.format == "md"
    assert "## 一、存在问题" in raw.text


@pytest.mark.parametrize(
    ("name", "make", "error", "words"),
    [
        ("old.doc", lambda p: write_ole(p, "WordDocument"), UnsupportedFormatError, "另存为"),
        ("renamed.docx", lambda p: write_ole(p, "WordDocument"), UnsupportedFormatError, ".doc"),
        ("report.wps", lambda p: write_ole(p, "WpsContent"), UnsupportedFormatError, ".wps"),
        ("scan.pdf", write_scanned_pdf, NoTextError, "扫描件"),
        ("locked.pdf", lambda p: write_pdf(p, ["一、测试"], password="secret"), EncryptedFileError, "密码"),
        ("bomb.docx", write_zip_bomb, FileTooLargeError, "压缩炸弹"),
        ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8), CorruptFileError, "损坏"),
        ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8), CorruptFileError, "损坏"),
        ("sheet.xls", lambda p: p.write_bytes(b"abc"), UnsupportedFormatError, "表格"),
    ],
)
def test_bad_inputs_are_refused_with_advice(tmp_path: Path, name, make, error, words) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(error) as caught:
        read(path)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message


def test_encrypted_docx_is_refused(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tmp_path / "plain.docx"
    _chinese_numbered_docx(plain)
    locked = tmp_path / "locked.docx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(EncryptedFileError):
        read(locked)


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("学习" * 1000, encoding="utf-8")
    with pytest.raises(FileTooLargeError):
        read(path, max_bytes=1000)


def test_docx_heading_styles_become_headings(tmp_path: Path) -> None:
    from analyzer.engine import load

    document = docx.Document()
    document.add_heading("青石镇党委自查报告", 0)
    document.add_heading("基本情况", 1)
    document.add_paragraph("全镇共有党员1236名，基层党组织42个，今年以来认真落实主体责任。")
    document.add_heading("学习教育", 2)
    document.add_paragraph("组织理论学习中心组学习12次，专题研讨4次。")
    document.add_heading("存在问题", 1)
    document.add_paragraph("有的干部把记笔记当学习，学用脱节。")
    path = tmp_path / "styled.docx"
    document.save(str(path))
    raw = read(path)
    assert raw.outline == {1: 1, 3: 2, 5: 1}
    doc = load(path)
    assert doc.title == "青石镇党委自查报告"
    assert [(s.title, s.level) for s in doc.sections] == [("基本情况", 1), ("学习教育", 2), ("存在问题", 1)]


def test_pdf_with_block_paragraphs_joins_lines_that_stop_mid_sentence(tmp_path: Path) -> None:
    path = tmp_path / "block.pdf"
    paragraphs = [
        "青石镇纪委关于巡察整改情况的报告",
        "一、整改工作总体情况",
        "巡察反馈意见指出问题共12个，截至2024年10月底已完成整改11个，剩余1个正在推进，整改完成率91.7%，镇纪委将持续跟踪",
        "二、存在的主要问题",
        "有的干部把记笔记当学习，学用脱节，浅尝辄止，对党的创新理论理解不透，运用不够，学习成效不明显",
    ]
    write_pdf(path, paragraphs, indent_paragraphs=False, header=None, page_numbers=False)
    assert read(path).text.split("\n") == paragraphs


def test_unknown_binary_type_names_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFormatError, match="不支持的文件类型 .jpg；支持：.txt .md .docx .pdf"):
        read(path)
    plain = tmp_path / "notes.log"
    plain.write_text("一、存在问题\n学习不深入。", encoding="utf-8")
    assert read(plain).format == "txt"
