"""A generated batch of genre reports with planted copies, for copy-detection benchmarks at scale.

    python bench/generate.py --n 4000 --out /tmp/batch     # N reports as UTF-8 .txt files plus truth.json
    python bench/generate.py --n 4000 --check              # how much text independent reports share

The corpus has only ~130 annotated reports, so independent reports are synthesised. Body sentences come from a
word-level Markov chain of order 2 (words cut by `analyzer.segment.get_segmenter`) trained on the body paragraphs of
``corpora/paragraphs.jsonl`` (written reports, seeds and public documents of the genre). Left alone, an order-2 chain
over a small corpus replays long stretches of its training text, and two generated reports would share them; so the
generator never follows one place of the corpus for more than `MAX_RUN` characters: when the next word would extend
such a run, it takes another continuation of the same two words, or of the last word (order 1), if there is one.
Phrases that occur in several places of the corpus (stock phrases, official formulations such as
习近平新时代中国特色社会主义思想) are still produced whole, as real reports share them. Each report takes its
top-level headings from one corpus document (a skeleton of its genre: 基本情况 / 存在的主要问题 / 整改措施 …), its
sub-headings from the corpus's pool, renumbered; its title is made of a generated unit (a place stem + 镇/乡/街道/县…,
or a county office), a genre and a year; figures are drawn afresh; place names of the corpus become the unit's own.
Lengths: 2,517 characters on average (964–5,340) for 4,000 reports.

What independent reports share (``--check`` on the 4,000-report batch of seed 7, 3,000 random pairs of independent
reports; text normalised as the copy stage does: no white space or punctuation, digits as 0):

- longest common run: median 13 characters, 95th percentile 28, 99th 33, maximum 43;
- characters of one report covered by 13-grams also in the other: median 13, 95th percentile 52, 99th 71,
  maximum 127; over all 5,778,300 pairs of its 3,400 independent reports (exact 13-gram matching in
  bench_copying_scale.py), 10,185 pairs share >= 100 such characters, 190 >= 150 and 2 >= 200 (at most 222);
- sentences (>= 16 characters) of one report with a 3-gram Jaccard >= 0.5 to a sentence of the other: 76.9 % of
  pairs have none, at most 4 (titles and opening sentences made from the same pattern).

What they share is the genre's stock text — title patterns, opening formulas, headings of one skeleton, stock
phrases and official formulations — not passages. So the negatives are honest.

Planted copies (kinds in turn, so about equal numbers), each from independent reports of the batch:

- ``whole``: a whole report, with the unit's name, the person's name and the figures changed;
- ``partial``: a contiguous half of a report's paragraphs, renamed, among paragraphs of a fresh independent report;
- ``pieces``: the first third (by characters, in whole lines) of one report, the second third of another, the last
  third of a third;
- ``edited``: a whole report renamed, with words swapped for synonyms (`SYNONYMS`), clauses reordered within
  sentences, some 的 dropped and figures changed, each with a probability drawn per copy from `EDIT_STRENGTH`
  (13-grams shared with the source still cover 64–92 % of such a copy: the edits are light for exact matching);
- ``template``: a report turned into a template (unit names → ``XX``, the person's name → ``XXX``, dates →
  ``X月X日``) and filled in with another unit's names, some placeholders left unfilled.

A copy's true ratio is the share of its characters (white space aside) taken from its sources. Two copies count as a
copying pair when they took at least `PAIR_OVERLAP` characters of the same source text (two copies of disjoint parts
of one report share nothing a detector could find).
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import statistics
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.segment import get_segmenter  # noqa: E402

MAX_RUN = 10
"""Longest stretch (in characters) of one place of the training text that a generated sentence may follow."""
PAIR_OVERLAP = 200
"""Characters of one source that two copies must both have taken to count as a copying pair."""
EDIT_STRENGTH = (0.3, 1.0)
"""Range of an ``edited`` copy's strength: the probability of each synonym swap, clause shuffle (and half of it for
each 的 dropped)."""
KINDS = ("whole", "partial", "pieces", "edited", "template")
SYNONYMS = {
    "加强": "强化",
    "进一步": "更加",
    "认真": "切实",
    "开展": "组织",
    "提高": "提升",
    "问题": "情况",
    "工作": "事务",
    "深入": "扎实",
    "推进": "推动",
    "完善": "健全",
    "严格": "从严",
    "及时": "按时",
    "不断": "持续",
    "积极": "主动",
    "监督": "督查",
    "制度": "规章",
    "要求": "规定",
    "建立": "建起",
    "存在": "出现",
    "有效": "有力",
    "重点": "关键",
    "措施": "举措",
    "整改": "整治",
    "干部": "人员",
    "群众": "百姓",
    "明显": "显著",
    "相关": "有关",
    "增强": "提振",
    "部分": "一些",
    "个别": "少数",
    "力度": "强度",
    "研究": "研判",
    "全面": "全方位",
    "落实": "落细",
    "组织": "安排",
}
"""Word swaps of ``edited`` copies (extends bench_copying.py's list)."""
_SWAPPABLE = re.compile("|".join(sorted(SYNONYMS, key=len, reverse=True)))

CORPUS_PLACES = (
    "东川 东湖 云岭 云州 凤岭 南门 双河 城关 宁川 安平 岚山 岚溪 平阳 枫林 柏溪 柘溪 柳河 桂溪 桐林 桐江 桐溪 梅岭 "
    "梅江 梓桐 梧川 汀州 汀湾 汶源 沙湾 河口 清河 溪口 溪源 潆溪 白沙 石桥 石门 蒲阳 金港 雁塘 青岚 青峪 青峰 青溪 "
    "青石 鹿溪 龙潭 桃源 松溪 临川 白石 云台"
).split()
"""Place stems of the corpus's units (from its titles and issuers); in generated text they become the unit's own."""
_FIRST = "澄碧翠丹枫杭禾鹤红蕙嘉菁橘兰澜岚莲菱芦漫茗楠沛琴泉榕珊杉棠滔苇梧曦霞湘萧杏雅砚杨漪樱瑜榆渝芸臻竹"
_SECOND = "坝滨陂波埠苍岑岔冲川淳店甸渡墩峰冈沟谷海圩湖涧江径口梁林岭垄麓泷坪浦圻桥泉沙滩塘亭湾坞溪峡垭堰洋源洲"
_SUFFIXES = ("镇", "镇", "镇", "乡", "乡", "街道", "县")
_OFFICES = ("县财政局", "县人民医院", "县自然资源局", "县教育局", "县市场监管局", "县实验中学", "县供电公司")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰俊峰海波晓东文斌鹏宇浩然婷慧琳欣雪梅松林"
_POSITIONS = ("党委书记", "党组书记", "党支部书记", "纪委书记", "主要负责人")
_TITLES = {
    "自查报告": ("{org}关于{year}年度落实全面从严治党主体责任情况的自查报告", "{org}关于党风廉政建设情况的自查报告"),
    "对照检查材料": ("{org}领导班子{year}年度民主生活会对照检查材料", "{org}{year}年度专题组织生活会对照检查材料"),
    "检视问题清单": ("{org}{year}年度检视问题清单",),
    "整改报告": ("{org}关于巡察反馈意见整改情况的报告", "{org}关于{year}年度审计发现问题整改情况的报告"),
    "工作报告": ("{org}纪委{year}年工作报告", "{org}{year}年党建工作报告"),
    "述职述廉报告": ("{org}{position}{year}年度述职述廉报告",),
    "评估报告": ("{org}关于{year}年度党建工作成效的评估报告",),
    "其他": ("{org}{year}年度党建工作总结",),
}
_OPENINGS = (
    "按照上级部署，{unit}于{date}召开专题会议，由{position}{name}同志主持，对照要求逐项查摆。",
    "根据工作安排，{unit}班子成员在{date}前完成了谈心谈话和问题查摆，{name}同志牵头起草本报告。",
    "{date}，{unit}{position}{name}同志组织班子成员集中学习，研究部署有关工作，现将情况报告如下。",
    "为推动各项要求落到实处，{unit}自{date}起开展自查，{name}同志任组长。",
    "{unit}高度重视此项工作，{date}由{name}同志带队深入基层听取意见。",
    "现将{unit}有关情况报告如下（执笔：{name}，{date}）。",
)
_PLACE = "\x01"  # the unit's place stem, in a report's lines before rendering
_NAME = "\x02"  # the person's name
_DATE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_TOP = re.compile(r"^(?:第[一二三四五六七八九十]+部分[：:、，\s]*|[一二三四五六七八九十]+[、．.]\s*)")
_SUB = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]\s*|\d+[、．.]\s*|[①-⑳]\s*)")
_FIGURE = re.compile(r"(?<![（(\d])\d+(?![\d．.、）)])")  # a figure, not an enumerator such as 1． or （2）
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
_CHINESE_NUMBERS = "一二三四五六七八九十"
_BOS, _EOS = 0, 1


@dataclass(slots=True)
class Batch:
    """A generated batch with the truth about its planted copies.

    Attributes:
        texts: Report name -> full text (lines joined by ``\\n``).
        truth: (copy name, source name) -> kind of copy.
        ratios: Planted copy -> true share of its characters (white space aside) taken from its sources.
        taken: Planted copy -> source -> indexes of the source's lines it took.
    """

    texts: dict[str, str]
    truth: dict[tuple[str, str], str]
    ratios: dict[str, float]
    taken: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    def true_pairs(self, min_overlap: int = PAIR_OVERLAP) -> set[tuple[str, str]]:
        """The copying pairs as sorted name tuples: each copy with each of its sources, and two copies that took at
        least `min_overlap` characters (white space aside) of the same source's lines."""
        pairs = {_pair(copy, source) for copy, source in self.truth}
        copies = sorted(self.taken)
        by_source: dict[str, list[str]] = {}
        for copy in copies:
            for source in self.taken[copy]:
                by_source.setdefault(source, []).append(copy)
        for source, holders in by_source.items():
            lengths = [_length(line) for line in self.texts[source].split("\n")]
            for i, a in enumerate(holders):
                for b in holders[i + 1 :]:
                    common = set(self.taken[a][source]) & set(self.taken[b][source])
                    if sum(lengths[index] for index in common) >= min_overlap:
                        pairs.add(_pair(a, b))
        return pairs

    def kind_of(self, pair: tuple[str, str]) -> str:
        """The kind of a true pair: the copy's kind, or ``copy-copy`` for two copies of one source."""
        a, b = pair
        return self.truth.get((a, b)) or self.truth.get((b, a)) or "copy-copy"

    def write(self, out: Path) -> None:
        """Write each report as ``NAME.txt`` (UTF-8) and the truth as ``truth.json`` into `out`."""
        out.mkdir(parents=True, exist_ok=True)
        for name, text in self.texts.items():
            (out / f"{name}.txt").write_text(text + "\n", encoding="utf-8")
        truth = {
            "copies": [{"copy": copy, "source": source, "kind": kind} for (copy, source), kind in self.truth.items()],
            "ratios": self.ratios,
            "taken": self.taken,
            "pairs": sorted(self.true_pairs()),
        }
        (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Batch:
        """The inverse of `write` (texts stripped of the final newline)."""
        stored = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        texts = {path.stem: path.read_text(encoding="utf-8").rstrip("\n") for path in sorted(folder.glob("*.txt"))}
        truth = {(row["copy"], row["source"]): row["kind"] for row in stored["copies"]}
        return cls(texts, truth, stored["ratios"], stored["taken"])


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _length(text: str) -> int:
    return sum(not char.isspace() for char in text)


class MarkovChain:
    """Order-2 word chain over sentences, which never follows one place of its training text for more than
    `max_run` characters (see the module docstring).

    Args:
        sentences: Training sentences, each a list of words.
        max_run: Longest stretch of one place of the training text a generated sentence may follow.
    """

    def __init__(self, sentences: Iterable[list[str]], max_run: int = MAX_RUN) -> None:
        self.max_run = max_run
        self.words: list[str] = ["", ""]
        ids: dict[str, int] = {}
        flat: list[int] = []
        for sentence in sentences:
            flat += [_BOS, _BOS]
            for word in sentence:
                if word not in ids:
                    ids[word] = len(self.words)
                    self.words.append(word)
                flat.append(ids[word])
            flat.append(_EOS)
        self.flat = flat
        self.order2: dict[tuple[int, int], list[int]] = {}
        self.order1: dict[int, list[int]] = {}
        for position in range(2, len(flat)):
            if flat[position] == _BOS:
                continue
            self.order2.setdefault((flat[position - 2], flat[position - 1]), []).append(position)
            if flat[position - 1] != _BOS:
                self.order1.setdefault(flat[position - 1], []).append(position)

    def sentence(self, rng: random.Random, max_words: int = 60) -> str:
        """One generated sentence."""
        state = (_BOS, _BOS)
        last, run = -10, 0
        out: list[str] = []
        for _ in range(max_words):
            options = self.order2[state]
            position = rng.choice(options)
            word = self.flat[position]
            length = len(self.words[word])
            if position == last + 1 and run + length > self.max_run:
                if len(options) < 2 and state[1] != _BOS:
                    options = self.order1[state[1]]  # back off to order 1
                if len(options) > 1:
                    while position == last + 1:  # another continuation (the run's own is only one of them)
                        position = rng.choice(options)
                    word = self.flat[position]
                    length = len(self.words[word])
            run = run + length if position == last + 1 else length
            last = position
            if word == _EOS:
                break
            out.append(self.words[word])
            state = (state[1], word)
        text = "".join(out)
        return text if text.endswith(("。", "！", "？", "；")) else text.rstrip("，、：") + "。"


@dataclass(slots=True)
class Report:
    """A report before rendering: its lines hold the `_PLACE` and `_NAME` markers."""

    lines: list[str]
    stem: str
    name: str

    def render(self, stem: str | None = None, name: str | None = None) -> list[str]:
        """The lines with the unit's place stem and the person's name written in (or another unit's)."""
        stem, name = stem or self.stem, name or self.name
        return [line.replace(_PLACE, stem).replace(_NAME, name) for line in self.lines]


@dataclass(slots=True)
class _Model:
    chain: MarkovChain
    sentence_counts: list[int]
    skeletons: list[tuple[str, list[str]]]  # (genre, top-level headings) of corpus documents
    sub_headings: list[str]


@functools.cache
def _model() -> _Model:
    rows = [json.loads(line) for line in (ROOT / "corpora" / "paragraphs.jsonl").read_text("utf-8").splitlines()]
    genres = {}
    for line in (ROOT / "corpora" / "documents.jsonl").read_text("utf-8").splitlines():
        record = json.loads(line)
        genres[record["doc"]] = record.get("genre") or "其他"
    places = re.compile("|".join(CORPUS_PLACES))
    segmenter = get_segmenter()
    sentences, counts = [], []
    skeletons: dict[str, list[str]] = {}
    subs: list[str] = []
    for row in rows:
        text = row["text"]
        if row["kind"] == "heading":
            if _TOP.match(text):
                skeletons.setdefault(row["doc"], []).append(_TOP.sub("", text))
            elif _SUB.match(text) and len(_SUB.sub("", text)) <= 30:
                subs.append(_SUB.sub("", text))
        if row["kind"] != "body":
            continue
        pieces = _SENTENCE.findall(text)
        counts.append(len(pieces))
        for piece in pieces:
            words = [places.sub(_PLACE, word) for word in segmenter.cut(piece)]
            sentences.append(words)
    usable = [(genres.get(doc, "其他"), heads) for doc, heads in skeletons.items() if 2 <= len(heads) <= 7]
    return _Model(MarkovChain(sentences), counts, usable, sorted(set(subs)))


def _figures(text: str, rng: random.Random) -> str:
    """Every figure (not enumerators) drawn afresh with as many digits (years kept plausible)."""

    def draw(match: re.Match[str]) -> str:
        digits = match.group()
        if len(digits) == 4 and digits.startswith("20"):
            return str(rng.randint(2019, 2025))
        low = 10 ** (len(digits) - 1) if len(digits) > 1 else 1
        return str(rng.randint(low, 10 ** len(digits) - 1))

    return _FIGURE.sub(draw, text)


def _unit(rng: random.Random) -> tuple[str, str]:
    """A unit's place stem and full name."""
    stem = rng.choice(_FIRST) + rng.choice(_SECOND)
    suffix = rng.choice(_SUFFIXES + _OFFICES)
    return stem, stem + suffix


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _date(rng: random.Random) -> str:
    return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"


def _paragraph(model: _Model, rng: random.Random) -> str:
    count = rng.choice(model.sentence_counts)
    return _figures("".join(model.chain.sentence(rng) for _ in range(max(count, 1))), rng)


def _report(model: _Model, rng: random.Random, target: int | None = None) -> Report:
    """An independent report of about `target` characters (1,000–5,000, about 2,500 on average if not given)."""
    if target is None:
        target = int(min(max(rng.lognormvariate(7.75, 0.38), 1000), 5000))
    stem, unit = _unit(rng)
    genre, tops = rng.choice(model.skeletons)
    year = rng.randint(2019, 2025)
    position = rng.choice(_POSITIONS)
    org = unit.replace(stem, _PLACE, 1)
    title = rng.choice(_TITLES.get(genre, _TITLES["其他"])).format(org=org, year=year, position=position)
    opening = rng.choice(_OPENINGS).format(unit=org, date=_date(rng), position=position, name=_NAME)
    lines = [title, f"（{year}年{_date(rng)}）", opening + _paragraph(model, rng)]
    size = sum(map(len, lines))
    sub_style = rng.choice(("（{}）", "{}．"))
    for top, heading in enumerate(tops):
        lines.append(f"{_CHINESE_NUMBERS[top]}、{heading}")
        section_end = size + (target - size) / (len(tops) - top)
        with_subs = rng.random() < 0.75
        sub = 0
        while size < section_end - 60 or lines[-1].endswith(heading):
            if with_subs and sub < 10:
                number = _CHINESE_NUMBERS[sub] if sub_style.startswith("（") else str(sub + 1)
                lines.append(sub_style.format(number) + rng.choice(model.sub_headings))
                sub += 1
            for _ in range(rng.choice((1, 1, 2)) if with_subs else 1):
                lines.append(_paragraph(model, rng))
            size = sum(map(len, lines))
    lines += [f"{org}{position}  {_NAME}", f"{year}年{_date(rng)}"]
    return Report(lines, stem, _person(rng))


def _thirds(lines: list[str]) -> list[range]:
    """The lines of a report in three runs of about a third of its characters each (cut at the line boundaries
    nearest to a third and two thirds)."""
    prefix = [0]
    for line in lines:
        prefix.append(prefix[-1] + _length(line))
    cuts = [0]
    for part in (1, 2):
        target = prefix[-1] * part / 3
        cuts.append(max(cuts[-1], min(range(len(prefix)), key=lambda index: abs(prefix[index] - target))))
    cuts.append(len(lines))
    return [range(cuts[part], cuts[part + 1]) for part in range(3)]


def _edit(line: str, strength: float, rng: random.Random) -> str:
    """A reworded line: each word of `SYNONYMS` swapped, each sentence's inner clauses shuffled and each 的 dropped
    with probability `strength` (at most one swap per word, no chains)."""
    line = _SWAPPABLE.sub(lambda m: SYNONYMS[m.group()] if rng.random() < strength else m.group(), line)
    line = re.sub("的", lambda m: "" if rng.random() < strength / 2 else m.group(), line)
    sentences = []
    for sentence in _SENTENCE.findall(line):
        clauses = sentence.split("，")
        if len(clauses) > 2 and rng.random() < strength:
            middle = clauses[1:-1] if len(clauses) > 3 else clauses[:-1]
            rng.shuffle(middle)
            sentence = "，".join([clauses[0], *middle, clauses[-1]] if len(clauses) > 3 else [*middle, clauses[-1]])
        sentences.append(sentence)
    return "".join(sentences)


def _template(lines: list[str], stem: str, name: str, rng: random.Random) -> list[str]:
    """Lines turned into a template (unit → XX, person → XXX, dates → X月X日) and filled in with another unit's
    names, about a quarter of the placeholders left."""

    def fill(value: str, placeholder: str) -> str:
        return value if rng.random() < 0.75 else placeholder

    out = []
    for line in lines:
        line = _DATE.sub(lambda _: fill(_date(rng), "X月X日"), line)
        line = re.sub(_PLACE, lambda _: fill(stem, "XX"), line)
        out.append(re.sub(_NAME, lambda _: fill(name, "XXX"), line))
    return out


def generate_batch(n: int, seed: int = 7, copy_share: float = 0.15) -> Batch:
    """A batch of `n` genre reports of which about `copy_share` are planted copies of others (kinds in turn).

    Args:
        n: Number of reports.
        seed: Everything is determined by it.
        copy_share: Share of planted copies.

    Returns:
        The batch with its truth.
    """
    rng = random.Random(seed)
    model = _model()
    copies = round(n * copy_share)
    names = [f"doc{number:05d}" for number in range(n)]
    rng.shuffle(names)
    independent = sorted(names[: n - copies])
    reports = {name: _report(model, rng) for name in independent}
    texts = {name: "\n".join(report.render()) for name, report in reports.items()}
    truth: dict[tuple[str, str], str] = {}
    ratios: dict[str, float] = {}
    taken: dict[str, dict[str, list[int]]] = {}
    for number, copy in enumerate(sorted(names[n - copies :])):
        kind = KINDS[number % len(KINDS)]
        own = _report(model, rng)
        stem, name = own.stem, own.name
        if kind == "pieces":
            sources = rng.sample(independent, 3)
        else:
            sources = [rng.choice(independent)]
        lines: list[str] = []
        from_sources: list[str] = []
        taken[copy] = {}
        if kind == "partial":
            source = reports[sources[0]]
            half = len(source.lines) // 2
            start = rng.randint(0, len(source.lines) - half)
            block = [_figures(line, rng) for line in source.render(stem, name)[start : start + half]]
            fresh = own.render()
            cut = min(start, len(fresh))
            lines = fresh[:cut] + block + fresh[cut + half :]
            from_sources = block
            taken[copy][sources[0]] = list(range(start, start + half))
        elif kind == "pieces":
            for part, source_name in enumerate(sources):
                source = reports[source_name]
                span = _thirds(source.lines)[part]
                rendered = source.render(stem, name)
                lines += [_figures(rendered[index], rng) for index in span]
                taken[copy][source_name] = list(span)
            from_sources = lines
        else:
            source = reports[sources[0]]
            if kind == "template":
                lines = _template(source.lines, stem, name, rng)
            else:
                lines = [_figures(line, rng) for line in source.render(stem, name)]
                if kind == "edited":
                    strength = rng.uniform(EDIT_STRENGTH[0], EDIT_STRENGTH[1])
                    lines = [_edit(line, strength, rng) for line in lines]
            from_sources = lines
            taken[copy][sources[0]] = list(range(len(source.lines)))
        texts[copy] = "\n".join(lines)
        for source_name in sources:
            truth[(copy, source_name)] = kind
        ratios[copy] = sum(map(_length, from_sources)) / max(sum(map(_length, lines)), 1)
    texts = {name: texts[name] for name in sorted(texts)}
    return Batch(texts, truth, ratios, taken)


def _normalised(text: str) -> str:
    from analyzer.copying import MatchText

    return MatchText.of_text(text).chars.replace("\x00", "")


def gram_hashes(chars: str, k: int) -> np.ndarray:
    """Polynomial hashes of every k-gram of a normalised text (no k-gram spans a ``\\x00`` break)."""
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            hashes = hashes * np.uint64(1_000_003) + codes[offset : offset + len(hashes)]
    broken = codes == 0
    if broken.any():
        spans_break = np.convolve(broken.astype(np.int32), np.ones(k, dtype=np.int32), mode="valid") > 0
        hashes = hashes[~spans_break]  # positions shift, but only membership is used below
    return hashes


class _Shared:
    """What two normalised texts share: the longest common run, and k-gram coverage (hashes cached per text)."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.cache: dict[tuple[str, int], np.ndarray] = {}

    def grams(self, name: str, k: int) -> np.ndarray:
        if (name, k) not in self.cache:
            self.cache[(name, k)] = gram_hashes(self.texts[name], k)
        return self.cache[(name, k)]

    def longest_run(self, a: str, b: str) -> int:
        low, high = 0, 64  # the longest L (up to 64) such that a and b share an L-gram
        while low < high:
            middle = (low + high + 1) // 2
            if np.intersect1d(self.grams(a, middle), self.grams(b, middle)).size:
                low = middle
            else:
                high = middle - 1
        return low

    def covered(self, a: str, b: str, k: int = 13) -> int:
        starts = np.flatnonzero(np.isin(self.grams(a, k), self.grams(b, k)))
        marks = np.zeros(len(self.texts[a]) + 1, dtype=np.int32)
        np.add.at(marks, starts, 1)
        np.add.at(marks, starts + k, -1)
        return int((np.cumsum(marks) > 0).sum())


def _sentence_sets(text: str, minimum: int = 16) -> list[set[str]]:
    out = []
    for sentence in re.split(r"[。！？；\n]", text):
        chars = _normalised(sentence)
        if len(chars) >= minimum:
            out.append({chars[i : i + 3] for i in range(len(chars) - 2)})
    return out


def check(batch: Batch, pairs: int = 3000, seed: int = 1) -> dict[str, list[int]]:
    """What random pairs of independent reports share: the longest common normalised run, the characters of one
    covered by 13-grams also in the other, and its sentences with a 3-gram Jaccard >= 0.5 to one of the other's."""
    rng = random.Random(seed)
    copies = {copy for copy, _ in batch.truth}
    independent = [name for name in batch.texts if name not in copies]
    shared = _Shared({name: _normalised(batch.texts[name]) for name in independent})
    sentences: dict[str, list[set[str]]] = {}
    runs, covered, near = [], [], []
    for _ in range(pairs):
        a, b = rng.sample(independent, 2)
        runs.append(shared.longest_run(a, b))
        covered.append(shared.covered(a, b))
        for name in (a, b):
            if name not in sentences:
                sentences[name] = _sentence_sets(batch.texts[name])
        near.append(sum(any(len(x & y) / len(x | y) >= 0.5 for y in sentences[b]) for x in sentences[a]))
    return {"longest_run": runs, "covered_13": covered, "near_sentences": near}


def _quantiles(values: list[int]) -> str:
    ordered = sorted(values)
    at = {q: ordered[min(int(q * len(ordered)), len(ordered) - 1)] for q in (0.5, 0.95, 0.99)}
    return f"median {at[0.5]}, 95th percentile {at[0.95]}, 99th {at[0.99]}, maximum {ordered[-1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--copy-share", type=float, default=0.15)
    parser.add_argument("--out", type=Path, help="folder to write the reports and truth.json into")
    parser.add_argument("--check", action="store_true", help="measure what independent reports share")
    parser.add_argument("--pairs", type=int, default=3000, help="random pairs for --check")
    args = parser.parse_args()
    batch = generate_batch(args.n, seed=args.seed, copy_share=args.copy_share)
    lengths = [_length(text) for text in batch.texts.values()]
    print(
        f"{len(batch.texts)} reports ({len(batch.ratios)} planted copies), characters: mean "
        f"{statistics.mean(lengths):.0f}, min {min(lengths)}, max {max(lengths)}; "
        f"{len(batch.true_pairs())} copying pairs"
    )
    if args.out:
        batch.write(args.out)
        print(f"written to {args.out}")
    if args.check:
        stats = check(batch, pairs=args.pairs)
        print(f"{args.pairs} random pairs of independent reports:")
        print(f"  longest common normalised run: {_quantiles(stats['longest_run'])}")
        print(f"  characters covered by shared 13-grams: {_quantiles(stats['covered_13'])}")
        near = stats["near_sentences"]
        print(
            f"  near sentences (3-gram Jaccard >= 0.5): {sum(v == 0 for v in near) / len(near):.1%} of pairs none, "
            f"maximum {max(near)}"
        )


if __name__ == "__main__":
    main()
