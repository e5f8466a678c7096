"""Copy detection, exact stage: copied passages found with their source, edits tolerated, stock text and official
formulations not counted."""

from __future__ import annotations

from pathlib import Path

from analyzer.copying import MIN_RUN, MatchText, find_copies, fingerprints
from analyzer.engine import from_text

SOURCE = (
    "青石镇纪委2023年自查报告\n"
    "一、存在问题\n"
    "（一）理论学习不够深入。镇纪委全年组织集中学习12次，其中有5次只是传达文件，没有结合本镇信访积案开展研讨。\n"
    "（二）监督执纪不够精准。上半年处置问题线索23件，有4件初核报告事实不清，被县纪委退回补充调查。\n"
)
COPY = (
    "柳河镇纪委2023年自查报告\n"
    "一、存在问题\n"
    "（一）理论学习不够深入。镇纪委全年组织集中学习9次，其中有3次只是传达文件，没有结合本镇信访积案开展研讨。\n"
    "（二）作风建设仍有短板。个别干部下村走访次数偏少，群众反映的问题回应不够及时。\n"
)
INDEPENDENT = (
    "县财政局党组对照检查材料\n"
    "一、存在问题\n"
    "坚持以习近平新时代中国特色社会主义思想为指导，坚决做到“两个维护”，但预算绩效管理仍有短板，3个项目资金闲置超过一年。\n"
)
OTHER_INDEPENDENT = (
    "县教育局党组自查报告\n"
    "一、存在问题\n"
    "坚持以习近平新时代中国特色社会主义思想为指导，坚决做到“两个维护”，但校舍维修项目招标程序不规范，2所学校未公开比选。\n"
)


def _docs(**texts: str):
    return {name: from_text(text, source=name) for name, text in texts.items()}


def test_copied_passage_with_changed_figures_is_found_with_its_source() -> None:
    docs = _docs(source=SOURCE, copy=COPY)
    result = find_copies(docs)
    spans = result.spans["copy"]
    assert spans and {span.source for span in spans} == {"source"}
    copied = "".join(docs["copy"].text[s.start : s.end] for s in spans)
    assert "没有结合本镇信访积案开展研讨" in copied
    assert "作风建设仍有短板" not in copied
    for span in spans:
        assert docs["source"].text[span.source_start : span.source_end]
    assert 0.2 < result.ratio("copy") < 0.8
    assert result.shared[("copy", "source")] >= MIN_RUN


def test_official_formulations_alone_are_not_copying() -> None:
    result = find_copies(_docs(a=INDEPENDENT, b=OTHER_INDEPENDENT))
    assert result.spans["a"] == [] and result.spans["b"] == []
    assert result.shared == {}


def test_text_shared_by_much_of_the_batch_is_stock() -> None:
    stock = "针对以上问题，我们将以此次自查为契机，逐项制定整改措施，明确责任人和完成时限，确保问题整改到位。"
    texts = {
        f"d{i}": f"第{i}号报告\n一、整改\n{stock}\n本单位第{i}项具体情况各不相同，内容彼此无关{i * 7}。"
        for i in range(10)
    }
    result = find_copies(_docs(**texts))
    assert all(result.spans[name] == [] for name in texts)


def test_normalisation_ignores_punctuation_spaces_digits_and_placeholders() -> None:
    doc = from_text("XX镇 2023年，学习12次。")
    text = MatchText.of(doc)
    assert text.chars == "XX镇0000年学习00次"
    assert [doc.text[text.offsets[i]] for i in range(3)] == ["X", "X", "镇"]


def test_winnowing_keeps_fewer_prints_but_every_long_run() -> None:
    text = "".join(chr(0x4E00 + (i * 37) % 500) for i in range(400))
    prints = fingerprints(text)
    assert len(prints) < (len(text) - 9) / 2
    positions = sorted(position for _, position in prints)
    assert all(b - a <= 4 for a, b in zip(positions, positions[1:], strict=False))


def test_analyze_several_files_reports_copying_with_its_source(runner, tmp_path) -> None:
    import json

    from conftest import ROOT

    from analyzer.cli import app

    lines = [p["text"] for p in json.loads((ROOT / "corpora/written/w1-01.json").read_text("utf-8"))["paragraphs"]]
    source, copy, other = tmp_path / "source.txt", tmp_path / "copy.txt", tmp_path / "other.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    # a neighbour's copy: its own first half, then the source's second half with the town renamed
    renamed = [line.replace("青峰", "白沙") for line in lines[len(lines) // 2 :]]
    copy.write_text(COPY + "\n".join(renamed), encoding="utf-8")
    other.write_text(INDEPENDENT, encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(source), str(copy), str(other), "--format", "json"])
    assert result.exit_code == 0, result.output
    records = {Path(r["source"]).name: r for r in map(json.loads, result.stdout.strip().split("\n"))}
    copied = [f for f in records["copy.txt"]["findings"] if f["code"] == "CPY001"]
    assert copied and all(f["source"] == str(source) for f in copied)
    text = records["copy.txt"]["text"]
    for finding in copied:
        source_text = records["source.txt"]["text"][finding["source_start"] : finding["source_end"]]
        assert source_text and text[finding["start"] : finding["end"]]
    assert max(p["copied"] for p in records["copy.txt"]["paragraphs"]) > 0.5
    meta = records["copy.txt"]["meta"]
    assert 0.3 < meta["copy_ratio"] < 1.0
    assert 0.0 < meta["copy_ratio_excluding_stock"] <= 1.0
    assert max(meta["section_copy_ratios"].values()) > 0.5
    assert list(meta["copy_sources"]) == [str(source)]
    assert not [f for f in records["other.txt"]["findings"] if f["code"] == "CPY001"]
    summary = runner.invoke(app, ["analyze", str(source), str(copy)])
    assert "总复制比" in summary.stdout
