"""Word segmentation with the domain dictionary, and a spaCy `Doc` view built from the same tokens.

`Segmenter` keeps its own tokenizer with our dictionary of Party-building and discipline-inspection terms, so that
中央八项规定, 主体责任 or 对账销号 stay whole; it never touches jieba's global tokenizer (which spaCy's
``segmenter: jieba`` mode and other callers in the process share). Two engines sit behind the same interface:
``jieba`` (the reference) and ``rjieba`` (the jieba-rs binding: the same algorithm and dictionary, about ten times
faster); ``auto`` takes rjieba when it is installed and jieba otherwise. A test checks that the two agree on the
corpus. `get_segmenter()` builds each engine once per process.
"""

from __future__ import annotations

import functools
import logging
import warnings
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from analyzer.errors import InputError

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc

ENGINES = ("auto", "jieba", "rjieba")


@dataclass(frozen=True, slots=True)
class Token:
    """A word and its character offsets in the text it was cut from."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One entry of the domain dictionary."""

    word: str
    tag: str


@functools.cache
def domain_dictionary() -> tuple[DictEntry, ...]:
    """The domain dictionary shipped in ``analyzer/data/domain_dict.txt`` (``word<TAB>tag``, ``#`` comments)."""
    text = resources.files("analyzer").joinpath("data/domain_dict.txt").read_text(encoding="utf-8")
    entries: dict[str, DictEntry] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, tag = line.partition("\t")
        word = word.strip()
        if word:
            entries.setdefault(word, DictEntry(word=word, tag=tag.strip() or "term"))
    return tuple(entries.values())


class Segmenter:
    """Cuts text into words with the domain dictionary.

    Args:
        engine: ``auto`` (rjieba if installed, else jieba), ``jieba`` or ``rjieba``.
        hmm: Whether to guess unknown words with jieba's HMM (as ``jieba.lcut`` does by default).

    Example:
        >>> seg = get_segmenter("jieba")
        >>> seg.cut("压实主体责任，逐项对账销号")
        ['压实', '主体责任', '，', '逐项', '对账销号']
    """

    def __init__(self, engine: str = "auto", *, hmm: bool = True) -> None:
        if engine not in ENGINES:
            raise InputError(f"未知的分词引擎 {engine!r}；可选：{', '.join(ENGINES)} / unknown engine")
        if engine == "auto":
            try:
                import rjieba  # noqa: F401

                engine = "rjieba"
            except ImportError:
                engine = "jieba"
        self.engine = engine
        self.hmm = hmm
        self._tokenizer: Any = self._build_rjieba() if engine == "rjieba" else self._build_jieba()

    @staticmethod
    def _build_jieba() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # jieba's own import warns about pkg_resources on some setups
            import jieba
        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for entry in domain_dictionary():
            tokenizer.add_word(entry.word, tag=entry.tag)
        return tokenizer

    @staticmethod
    def _build_rjieba() -> Any:
        import rjieba

        tokenizer = rjieba.Jieba()
        for entry in domain_dictionary():
            tokenizer.add_word(entry.word, tokenizer.suggest_freq(entry.word), entry.tag)
        return tokenizer

    def cut(self, text: str) -> list[str]:
        """The words of a text, in order; joined they give the text back."""
        if self.engine == "rjieba":
            return self._tokenizer.cut(text, self.hmm)
        return self._tokenizer.lcut(text, HMM=self.hmm)

    def tag(self, text: str) -> list[tuple[str, str]]:
        """The words of a text with their part-of-speech tags (jieba's tag set: ``ns`` place, ``nr`` person, ``n``
        noun, ``v`` verb …); joined, the words give the text back."""
        if self.engine == "rjieba":
            return [(word, tag) for word, tag in self._tokenizer.tag(text, self.hmm)]
        import jieba.posseg

        if not hasattr(self, "_pos"):
            self._pos = jieba.posseg.POSTokenizer(self._tokenizer)
        return [(pair.word, pair.flag) for pair in self._pos.cut(text, HMM=self.hmm)]

    def tokenize(self, text: str, offset: int = 0) -> list[Token]:
        """The words of a text with their offsets (shifted by `offset`)."""
        tokens = []
        position = offset
        for word in self.cut(text):
            tokens.append(Token(word, position, position + len(word)))
            position += len(word)
        return tokens

    def to_spacy(self, text: str, *, sentences: list[tuple[int, int]] | None = None) -> SpacyDoc:
        """A spaCy `Doc` of the text built from this segmenter's tokens, with sentence starts.

        Whitespace runs become tokens of their own, as in ``spacy/lang/zh``; sentence boundaries come from
        `sentences` (character spans, e.g. ``[(s - p.start, e - p.start) for s, e in p.sentences]``) or, without
        them, from the sentence rules of `analyzer.structure`.
        """
        from spacy.tokens import Doc

        from analyzer.structure import find_sentences

        words = self.cut(text)
        spans = sentences if sentences is not None else find_sentences(text)
        sentence_starts = {start for start, _ in spans}
        starts: list[bool] = []
        position = 0
        for word in words:
            starts.append(position in sentence_starts or position == 0)
            position += len(word)
        return Doc(_zh_vocab(), words=words, spaces=[False] * len(words), sent_starts=starts)


@functools.cache
def _zh_vocab() -> Any:
    import spacy

    return spacy.blank("zh").vocab  # the default "char" segmenter: jieba's global state is left alone


@functools.cache
def get_segmenter(engine: str = "auto") -> Segmenter:
    """The process-wide `Segmenter` for an engine, built on first use."""
    return Segmenter(engine)
