"""Copy detection, exact stage: copied passages found with their source, edits tolerated, stock text and official
formulations not counted."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

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


REWORDED_SOURCE = (
    "白沙镇党委2024年对照检查材料\n"
    "一、存在问题\n"
    "（一）学习贯彻不够深入。班子成员全年参加中心组学习11次，撰写心得体会的只有3人，学用结合不够紧密。\n"
    "（二）调查研究不够扎实。班子成员下村调研平均每人6次，多是听汇报、看材料，解剖麻雀式的蹲点调研偏少。\n"
    "（三）监督执纪仍有短板。对村级工程项目的日常监督主要依靠台账检查，现场核查比例不足两成。\n"
    "（四）干部作风有待加强。部分站所干部服务群众主动性不强，便民服务中心窗口群众满意度只有87%。\n"
)
REWORDED_COPY = (
    "红岩乡党委2024年对照检查材料\n"
    "一、存在问题\n"
    "（一）学习贯彻不够深入。班子成员全年参加中心组学习9次，撰写心得体会的仅有2人，学用结合不够紧密。\n"
    "（二）调查研究不够扎实。班子成员下村调研平均每人5次，解剖麻雀式的蹲点调研偏少，多是听汇报、看材料。\n"
    "（三）监督执纪仍有短板。对村级工程项目的日常监督主要依靠台账检查，实地核查比例不足两成。\n"
    "（四）干部作风有待强化。部分站所干部服务群众积极性不强，便民服务中心窗口群众满意度只有85%。\n"
)


def test_reworded_copy_is_found_sentence_by_sentence() -> None:
    from analyzer.copying import near_duplicates, prepare

    docs = _docs(source=REWORDED_SOURCE, copy=REWORDED_COPY)
    ready = {name: prepare(doc) for name, doc in docs.items()}
    near = near_duplicates(ready)
    assert len(near[("copy", "source")]) >= 3 and len(near[("source", "copy")]) >= 3
    result = find_copies(docs)
    copied = "".join(docs["copy"].text[s.start : s.end] for s in result.spans["copy"])
    # the reordered clauses and swapped words lie inside near-duplicate sentences, so they count as copied
    assert "多是听汇报" in copied and "实地核查" in copied and "积极性不强" in copied
    assert result.ratio("copy") > 0.7


def test_one_formulaic_sentence_alike_is_not_a_copy() -> None:
    from analyzer.copying import near_duplicates, prepare

    a = (
        "县委巡察反馈意见整改报告\n2024年3月5日至4月30日，县委第二巡察组对县供销社党组开展了常规巡察，"
        "并于5月8日反馈了巡察意见。\n社党组今年新建冷链仓储两处。"
    )
    b = (
        "县委巡察反馈意见整改报告\n2023年9月1日至10月20日，县委第三巡察组对县审计局党组开展了常规巡察，"
        "并于11月2日反馈了巡察意见。\n局党组组织审计项目十六个。"
    )
    ready = {name: prepare(doc) for name, doc in _docs(a=a, b=b).items()}
    assert near_duplicates(ready) == {}


@given(st.text(alphabet=st.sampled_from(list("党委学习，。；！\n 12X*×镇「」abcA")), max_size=80))
def test_match_text_maps_every_kept_character_back(text: str) -> None:
    from analyzer.copying import _normalise_char

    match = MatchText.of_text(text, [(len(text) // 3, len(text) // 2)] if len(text) > 6 else None)
    assert len(match.chars) == len(match.offsets)
    assert list(match.offsets) == sorted(match.offsets)
    for char, offset in zip(match.chars, match.offsets, strict=True):
        assert char == "\x00" or char == _normalise_char(text[offset])
    for start, end in match.sentences:
        assert 0 <= start < end <= len(match.chars) and "\x00" not in match.chars[start:end]


def test_prepared_documents_round_trip_through_bytes_and_refuse_other_data() -> None:
    import pytest

    from analyzer.copying import Prepared, prepare

    doc = from_text(REWORDED_SOURCE + SOURCE)
    ready = prepare(doc)
    back = Prepared.from_bytes(ready.to_bytes())
    assert back.text.chars == ready.text.chars and back.text.sentences == ready.text.sentences
    assert back.prints == ready.prints and back.sentences == ready.sentences
    assert (back.sketches == ready.sketches).all() and (back.text.offsets == ready.text.offsets).all()
    assert all((a == b).all() for a, b in zip(back.shingles, ready.shingles, strict=True))
    for data in (b"PK\x03\x04 an old npz entry", ready.to_bytes()[:-8]):
        with pytest.raises(ValueError):
            Prepared.from_bytes(data)
