"""The category and role models: training end to end, grouped evaluation, safe saving and loading, inference."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from conftest import REPORT, seed_paths

from analyzer.classify import (
    MODEL_FORMAT,
    ModelError,
    classify,
    decide,
    keyword_category,
    keyword_role,
    load_model,
    paragraph_features,
    save,
    train,
)
from analyzer.cli import app
from analyzer.engine import analyze, from_text

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny_corpus"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    result = train(TINY, folds=3)
    return save(result, tmp_path_factory.mktemp("model") / "tiny.skops")


def test_train_through_the_cli_and_use_the_model(runner, tmp_path: Path) -> None:
    out = tmp_path / "m.skops"
    result = runner.invoke(app, ["train", str(TINY), "--out", str(out), "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.stdout and "keyword baseline" in result.stdout
    assert out.is_file()
    card = out.with_name("m.card.md").read_text(encoding="utf-8")
    assert "GroupKFold(3) by document" in card and "Confusion matrix" in card
    analysed = runner.invoke(app, ["outline", str(seed_paths()[0]), "--model", str(out)])
    assert analysed.exit_code == 0
    assert "[问题 · " in analysed.stdout


def test_training_is_deterministic(tiny_model: Path, tmp_path: Path) -> None:
    again = save(train(TINY, folds=3), tmp_path / "again.skops")
    first, second = load_model(str(tiny_model)), load_model(str(again))
    for name in ("category", "role"):
        assert np.array_equal(first[name].coef_, second[name].coef_)


def test_save_load_round_trip_predicts_the_same(tiny_model: Path) -> None:
    result = train(TINY, folds=2)
    features = pd.DataFrame.from_records(paragraph_features(from_text(REPORT)))
    loaded = load_model(str(save(result, tiny_model.with_name("round.skops"))))
    before, after = decide(result.models, features), decide(loaded, features)
    assert np.allclose(before[0], after[0])
    assert list(before[1]) == list(after[1])


def test_untrusted_model_is_refused(tmp_path: Path, runner) -> None:
    path = tmp_path / "evil.skops"
    sio.dump({"format": MODEL_FORMAT, "category": os.system, "role": None}, path)
    with pytest.raises(ModelError, match="不受信任"):
        load_model(str(path))
    result = runner.invoke(app, ["analyze", str(seed_paths()[0]), "--model", str(path)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().split("\n")) == 1
    assert "posix.system" in result.stderr or "os.system" in result.stderr or "nt.system" in result.stderr


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken"])
def test_damaged_model_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.skops"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="损坏"):
        load_model(str(path))


def test_other_skops_file_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "other.skops"
    sio.dump({"format": "something/else"}, path)
    with pytest.raises(ModelError, match="不是 analyzer 的模型"):
        load_model(str(path))


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="找不到模型"):
        load_model(str(tmp_path / "none.skops"))


def test_cross_validation_holds_out_documents(tiny_model: Path) -> None:
    import json

    metrics = json.loads(tiny_model.with_name("tiny.metrics.json").read_text(encoding="utf-8"))["metrics"]
    assert metrics["evaluation"].startswith("GroupKFold(3)")
    for name in ("category", "role", "baseline_category", "baseline_role"):
        assert 0.0 <= metrics[name]["macro_f1"] <= 1.0
        total = sum(sum(row) for row in metrics[name]["confusion"])
        assert total == sum(scores["support"] for scores in metrics[name]["per_class"].values())


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.stem)
def test_shipped_model_labels_every_paragraph_and_section(path: Path) -> None:
    doc = analyze(path)
    for paragraph in doc.paragraphs:
        assert paragraph.role is not None and paragraph.category is not None
        assert abs(sum(paragraph.category_scores.values()) - 1.0) < 1e-3
        if paragraph.is_heading:
            assert paragraph.role == "heading"
    assert all(section.category is not None for section in doc.sections)


def test_shipped_model_on_the_four_aspects_of_a_seed() -> None:
    doc = analyze(seed_paths()[0])
    problems = [p for p in doc.paragraphs if p.text[3:6] == "在抓牢"]
    assert [(p.role, p.category) for p in problems] == [
        ("problem", "political"),
        ("problem", "ideological"),
        ("problem", "institutional"),
        ("problem", "team_building"),
    ]
    sections = {s.title: s.role for s in doc.sections}
    assert sections["自查的主要问题"] == "problem"
    assert sections["原因剖析"] == "cause"


@pytest.mark.parametrize(
    "problem",
    [
        "全年有3个村的“三会一课”记录是会后补写的，2个村党支部书记全年没有讲过一次党课。",
        "但也要看到，全年有3个村的“三会一课”记录是会后补写的，2个村党支部书记全年没有讲过一次党课。",
        "工作中也存在一些不足，有3个村的“三会一课”记录是会后补写的。",
        "同时，个别党员干部理论学习不深入，有的村“三会一课”流于形式，党员教育管理还有薄弱环节。",
    ],
)
def test_unheaded_problem_paragraph_in_a_work_report_is_found(problem: str) -> None:
    text = (
        "青石镇2024年度党建工作报告\n"
        "一、主要工作\n"
        "全年召开党委会24次，组织理论学习中心组学习12次，新发展党员6名。\n"
        f"{problem}\n"
        "二、2025年工作安排\n"
        "6月底前完成村党支部书记轮训，由组织办牵头，逐村检查“三会一课”记录。\n"
    )
    doc = classify(from_text(text), load_model(None))
    assert [p.role for p in doc.paragraphs] == ["title", "heading", "situation", "problem", "heading", "measure"]


def test_keyword_baselines() -> None:
    assert keyword_category("严格落实全面从严治党主体责任") == "political"
    assert keyword_category("今天天气很好") == "other"
    assert keyword_role("学习不够深入", "存在问题") == "problem"
    assert keyword_role("加强学习", "整改措施") == "measure"


def test_fast_character_counting_gives_scikit_learns_matrix() -> None:
    import json

    from conftest import ROOT
    from sklearn.feature_extraction.text import CountVectorizer

    from analyzer.classify import CompactTfidfVectorizer, load_model

    vectoriser = load_model(None)["features"].named_transformers_["text_chars"]
    texts = [p["text"] for p in json.loads((ROOT / "corpora/written/w3-02.json").read_text("utf-8"))["paragraphs"]]
    texts += ["", " ", "A  b\t\tC Ｘ", "𠀀𠀁汉字  ", "x\x00y", "一、存在问题\n\n（一）"]
    _, fast = vectoriser._count_vocab(texts, True)
    _, reference = CountVectorizer._count_vocab(vectoriser, texts, True)
    assert fast.shape == reference.shape and abs(fast - reference).sum() == 0
    assert isinstance(vectoriser, CompactTfidfVectorizer)
