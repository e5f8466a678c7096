"""Normalisation: line ends unified, scrape artefacts removed and recorded, nothing visible changed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from analyzer.normalize import ARTEFACT_PATTERN, normalize


def test_line_ends_are_unified() -> None:
    assert normalize("甲\r\n乙\r丙\u2028丁\n").text == "甲\n乙\n丙\n丁\n"


def test_artefacts_are_removed_and_recorded() -> None:
    result = normalize("一、情况\n##paidbegin##（1）学习不够。\n##paidend##\n")
    assert result.text == "一、情况\n（1）学习不够。\n\n"
    assert [(a.start, a.text) for a in result.artefacts] == [(5, "##paidbegin##"), (14, "##paidend##")]
    assert result.to_original(5) == 5 + len("##paidbegin##")
    assert result.to_original(13) == 13 + len("##paidbegin##")
    assert result.to_original(14) == 14 + len("##paidbegin##") + len("##paidend##")


def test_ordinary_hashes_are_kept() -> None:
    assert normalize("编号#12#与##后的文字").text == "编号#12#与##后的文字"


_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_visible = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=_LINE_BREAKS + "\ufeff"))


@given(_visible)
def test_text_without_artefacts_is_unchanged(text: str) -> None:
    if ARTEFACT_PATTERN.search(text):
        return
    assert normalize(text).text == text


@given(st.lists(st.one_of(_visible, st.sampled_from(["##paidbegin##", "##paidend##", "\ufeff", "\r\n", "\r"]))))
def test_offsets_map_back_to_the_text_as_read(pieces: list[str]) -> None:
    raw = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
    result = normalize(raw)
    for offset in range(len(result.text)):
        assert raw[result.to_original(offset)] == result.text[offset]
