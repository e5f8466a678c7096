"""Boilerplate: the phrase list, stock-phrase shares, quotations and official formulations skipped, density."""

from __future__ import annotations

import statistics

from conftest import ROOT

from analyzer.checks.boilerplate import (
    DENSITY_THRESHOLD,
    check_boilerplate,
    official_spans,
    phrase_list,
    stock_spans,
)
from analyzer.engine import from_text


def test_phrase_list_is_large_and_kept_apart() -> None:
    phrases = phrase_list()
    assert phrases.stock_count >= 150 and phrases.official_count >= 80
    assert phrases.stock.search("理论学习入脑入心") and phrases.official.search("习近平新时代中国特色社会主义思想")
    assert not phrases.stock.search("习近平新时代中国特色社会主义思想")


def test_stock_phrases_outside_quotations_count() -> None:
    text = "要压紧压实责任，推动理论学习入脑入心。"
    assert [text[s:e] for s, e in stock_spans(text)] == ["压紧压实", "入脑入心"]
    quoted = "他说“压紧压实”不是一句口号。"
    assert stock_spans(quoted) == []


def test_official_formulations_are_not_stock() -> None:
    text = "坚持以习近平新时代中国特色社会主义思想为指导，坚决做到“两个维护”。"
    assert stock_spans(text) == [] or all(
        text[s:e] not in "习近平新时代中国特色社会主义思想" for s, e in stock_spans(text)
    )
    assert official_spans(text)


def test_paragraph_share_and_finding() -> None:
    doc = from_text(
        "某局工作报告\n"
        "我们要进一步提高政治站位，压紧压实责任，层层传导压力，推动理论学习入脑入心，确保各项工作走深走实、落地见效。\n"
        "3月12日召开党组会，研究整改台账，明确12项任务的责任人和完成时限。"
    )
    findings = check_boilerplate(doc)
    stock, concrete = doc.paragraphs[1], doc.paragraphs[2]
    assert stock.boilerplate > 1 / 3 > concrete.boilerplate
    assert [f.code for f in findings if f.paragraph == 1] == ["BPL102"]
    assert not [f for f in findings if f.paragraph == 2]


def test_density_threshold_leaves_most_of_the_corpus_alone() -> None:
    from analyzer.corpus import read_paragraphs

    texts: dict[str, list[str]] = {}
    for row in read_paragraphs(ROOT / "corpora"):
        texts.setdefault(row["doc"], []).append(row["text"])
    rates = []
    for lines in texts.values():
        doc = from_text("\n".join(lines))
        check_boilerplate(doc)
        rates.append(doc.meta["stock_phrase_density"])
    above = sum(rate > DENSITY_THRESHOLD for rate in rates)
    assert above <= len(rates) // 10 + 1, (above, statistics.quantiles(rates, n=10))
