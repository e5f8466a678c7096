"""Segmentation: domain terms stay whole, both engines agree, jieba's global state is untouched, spaCy view."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SAMPLES

from analyzer.errors import InputError
from analyzer.segment import domain_dictionary, get_segmenter

COMMON_TERMS = [
    "中央八项规定",
    "主体责任",
    "监督责任",
    "对账销号",
    "一岗双责",
    "两个维护",
    "四个意识",
    "民主集中制",
    "三会一课",
    "民主生活会",
    "组织生活会",
    "谈心谈话",
    "四种形态",
    "第一种形态",
    "廉政风险",
    "政治生态",
    "整改台账",
    "检视问题清单",
    "理论学习中心组",
    "全面从严治党",
    "形式主义",
    "官僚主义",
]
CONTEXTS = ["我们要认真落实{}的要求。", "对照{}，查找差距和不足。", "{}方面还存在薄弱环节"]


def test_dictionary_is_large_and_clean() -> None:
    entries = domain_dictionary()
    assert len(entries) >= 400
    assert len({entry.word for entry in entries}) == len(entries)
    assert all(entry.tag in {"term", "org", "doc", "slogan"} for entry in entries)
    assert all(not any(ch.isspace() for ch in entry.word) for entry in entries)


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_every_domain_term_stays_whole(engine: str) -> None:
    segmenter = get_segmenter(engine)
    split = [entry.word for entry in domain_dictionary() if segmenter.cut(entry.word) != [entry.word]]
    assert split == []


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
@pytest.mark.parametrize("term", COMMON_TERMS)
def test_common_terms_stay_whole_in_sentences(engine: str, term: str) -> None:
    segmenter = get_segmenter(engine)
    for context in CONTEXTS:
        assert term in segmenter.cut(context.format(term))


def test_global_jieba_is_left_alone() -> None:
    import jieba

    get_segmenter("jieba")
    assert "对账销号" not in jieba.lcut("逐项对账销号")


def _corpus_texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    for path in sorted((ROOT / "corpora" / "written").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        texts.append("\n".join(paragraph["text"] for paragraph in record["paragraphs"]))
    return texts


def _spans(words: list[str]) -> set[tuple[int, int]]:
    spans, position = set(), 0
    for word in words:
        spans.add((position, position + len(word)))
        position += len(word)
    return spans


def test_rjieba_agrees_with_jieba_on_the_corpus() -> None:
    reference, fast = get_segmenter("jieba"), get_segmenter("rjieba")
    agreed = total = 0
    for text in _corpus_texts():
        expected = _spans(reference.cut(text))
        agreed += len(expected & _spans(fast.cut(text)))
        total += len(expected)
    assert total > 5000
    assert agreed / total >= 0.995


@pytest.mark.parametrize("engine", ["jieba", "rjieba"])
def test_tokens_carry_offsets(engine: str) -> None:
    text = "严格落实中央八项规定精神，逐项对账销号。"
    tokens = get_segmenter(engine).tokenize(text, offset=10)
    assert "".join(token.text for token in tokens) == text
    assert all(text[token.start - 10 : token.end - 10] == token.text for token in tokens)


def test_spacy_doc_view() -> None:
    text = "一是学习不够深入。二是整改浮在表面！严格落实中央八项规定精神"
    doc = get_segmenter("jieba").to_spacy(text)
    assert doc.text == text
    assert [sentence.text for sentence in doc.sents] == [
        "一是学习不够深入。",
        "二是整改浮在表面！",
        "严格落实中央八项规定精神",
    ]
    assert "中央八项规定精神" in [token.text for token in doc]


def test_unknown_engine_is_refused() -> None:
    from analyzer.segment import Segmenter

    with pytest.raises(InputError, match="jieba"):
        Segmenter("thulac")


def test_segmenter_is_built_once() -> None:
    assert get_segmenter("rjieba") is get_segmenter("rjieba")
