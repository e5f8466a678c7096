"""The ``analyzer`` command: thin typer wrappers over the public API.

Exit codes (DESIGN.md): 0 success; 1 a threshold not met; 2 bad usage or unreadable input, with one clear line on
stderr and no traceback.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from analyzer import __version__
from analyzer.checks import all_checks
from analyzer.classify import ModelError
from analyzer.engine import analyze as analyze_file
from analyzer.engine import compare
from analyzer.errors import AnalyzerError
from analyzer.readers import DEFAULT_MAX_BYTES
from analyzer.report import render_outline, render_summary, to_json

app = typer.Typer(
    name="analyzer",
    help="审读纪检监察与党建类报告：结构、分类、问题与措施台账、套话与抄袭检查。\n\n"
    "Reads Chinese discipline-inspection and Party-building reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(enum.StrEnum):
    """Output formats of `analyze`."""

    json = "json"
    text = "text"


MaxSize = Annotated[
    float,
    typer.Option("--max-size", help="文件大小上限（MB），超过即拒绝读取 / largest file read, in MB", min=0.001),
]


ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model", help="模型文件（analyzer train 生成），默认用内置模型 / a model file; default: the shipped one"
    ),
]


LibraryOption = Annotated[
    Path | None,
    typer.Option("--library", help="参考库文件（默认：用户数据目录下的 library.sqlite）/ the reference library file"),
]


def _fail(message: str) -> None:
    """One line on stderr, no traceback."""
    typer.echo(f"analyzer: {message}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"analyzer {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本 / show the version")
    ] = False,
) -> None:
    """审读纪检监察与党建类报告 / read discipline-inspection and Party-building reports."""


@app.command()
def outline(
    file: Annotated[Path, typer.Argument(help="报告文件（.txt .md .docx .pdf）/ the report file")],
    max_size: MaxSize = DEFAULT_MAX_BYTES / 1048576,
    model: ModelOption = None,
) -> None:
    """显示报告结构树，含各段的作用和类别 / show the report's structure as a tree, with roles and categories.

    Example: analyzer outline corpora/samples/000_e1e31738956b331a.txt
    """
    try:
        doc = analyze_file(file, max_bytes=int(max_size * 1048576), model=model)
    except AnalyzerError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    typer.echo(render_outline(doc))


@app.command()
def analyze(
    files: Annotated[list[Path], typer.Argument(help="一个或多个报告文件 / one or more report files")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="输出格式 / output format: json or text")
    ] = OutputFormat.text,
    max_size: MaxSize = DEFAULT_MAX_BYTES / 1048576,
    model: ModelOption = None,
    library: LibraryOption = None,
) -> None:
    """分析报告，输出文档 JSON 或文字摘要 / analyse reports; print the document JSON or a text summary.

    With several files and --format json, one JSON document per line (JSON Lines), and the files are checked
    against each other for copying (CPY findings, each paragraph's `copied` share); every file is also checked
    against the reference library when there is one (--library, or the default one once something was added to it).
    A file that cannot be read gets one line on stderr; the others are still analysed, and the exit code is 2.

    Example: analyzer analyze corpora/samples/*.txt --format json
    """
    analysed = list(_analyze_each([(file, str(file)) for file in files], max_size, model))
    failed = sum(doc is None for _, _, doc in analysed)
    docs = {name: doc for _, name, doc in analysed if doc is not None}
    library = _library_or_default(library)
    try:
        compare(docs, library=library)
    except AnalyzerError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    several = len(files) > 1
    for position, doc in enumerate(docs.values()):
        if output_format is OutputFormat.json:
            typer.echo(to_json(doc, indent=None if several else 2))
        else:
            if position:
                typer.echo("")
            typer.echo(render_summary(doc))
    if failed:
        raise typer.Exit(2)


def _analyze_each(files: list[tuple[Path, str]], max_size: float, model: Path | None):
    """Analyse files one by one, yielding (path, name, document); a file that cannot be read gets its line on stderr
    and None. A model that cannot be loaded ends the command (exit 2): no file could be analysed with it."""
    for path, name in files:
        try:
            yield path, name, analyze_file(path, max_bytes=int(max_size * 1048576), model=model)
        except ModelError as e:
            _fail(str(e))
            raise typer.Exit(2) from None
        except AnalyzerError as e:
            _fail(str(e))
            yield path, name, None


def _expand(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files named, and the supported files inside folders named (recursively), with the name to show for each."""
    from analyzer.readers import SUPPORTED_SUFFIXES

    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for inner in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES):
                found.append((inner, str(inner.relative_to(path))))
        else:
            found.append((path, str(path)))
    return found


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹（递归）/ report files or folders (recursive)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹 / the folder to write the outputs to")],
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="并行进程数，默认用全部核心 / worker processes")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="不使用也不更新缓存 / neither use nor update the cache")
    ] = False,
    max_size: MaxSize = DEFAULT_MAX_BYTES / 1048576,
    model: ModelOption = None,
    library: LibraryOption = None,
) -> None:
    """批量审读：分析文件夹中全部报告，输出汇总表、台账、抄袭配对和 HTML 报告 / analyse a folder of reports.

    Writes documents.csv, paragraphs.csv, findings.csv, ledger.csv, ledger.xlsx, pairs.csv and report/index.html
    into --out. A file that cannot be read is recorded in documents.csv with its error and the batch goes on (exit
    code 0). A re-run reuses the documents analysed before (the cache in --out, keyed by content and model).

    Example: analyzer batch corpora/samples --out 批量结果
    """
    from analyzer.batching import CACHE_NAME, plan_batch, run_batch, up_to_date, write_outputs

    if out.exists() and not out.is_dir():
        _fail(f"--out 应为文件夹：{out} 是一个文件 / --out must be a folder")
        raise typer.Exit(2)
    library = _library_or_default(library)
    max_bytes = int(max_size * 1048576)
    try:
        plan = plan_batch(paths, model=model, library=library, max_bytes=max_bytes)
    except AnalyzerError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    if not plan.files:
        _fail("没有找到报告文件（.txt .md .docx .pdf）/ no report files found")
        raise typer.Exit(2)
    summary = None if no_cache else up_to_date(out, plan)
    if summary is not None:
        typer.echo("报告与模型均未变化，沿用上次的输出 / nothing changed since the last run: outputs are current")
    else:
        with _progress_bar("分析 / analysing") as progress:
            try:
                result = run_batch(
                    paths,
                    jobs=jobs,
                    model=model,
                    library=library,
                    max_bytes=max_bytes,
                    cache=None if no_cache else out / CACHE_NAME,
                    progress=progress,
                    plan=plan,
                )
            except AnalyzerError as e:
                _fail(str(e))
                raise typer.Exit(2) from None
        write_outputs(result, out, jobs=jobs)
        summary = result.summary()
    typer.echo(
        f"{summary['files']} 个文件：{summary['analysed']} 篇已分析（{summary['cached']} 篇取自缓存），"
        f"{len(summary['errors'])} 篇无法读取；{summary['flagged']} 对报告疑似抄袭"
    )
    for name, error in summary["errors"].items():
        typer.echo(f"  无法读取 / unreadable: {name}: {error}")
    typer.echo(f"输出 / outputs: {out}/  报告 / report: {out / 'report' / 'index.html'}")


class _progress_bar:
    """A progress bar with counts and an estimate on a terminal; a line every tenth of the way otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.task = None
        self.reported = -1

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.__enter__()
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task(self.label, total=total)
            self.bar.update(self.task, completed=done, total=total)
        elif total and (tenth := done * 10 // total) > self.reported:
            self.reported = tenth
            typer.echo(f"analyzer: {self.label} {done}/{total}", err=True)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


@app.command()
def ledger(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹（递归）/ report files or folders")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出 .xlsx 或 .csv / the ledger file (.xlsx or .csv)")],
    max_size: MaxSize = DEFAULT_MAX_BYTES / 1048576,
    model: ModelOption = None,
) -> None:
    """整改台账：问题、对应措施、是否具体，输出 Excel 或 CSV / the rectification ledger as .xlsx or .csv.

    Example: analyzer ledger corpora/samples --out 台账.xlsx
    """
    from analyzer.report import write_ledger

    if out.suffix.lower() not in (".xlsx", ".csv"):
        _fail(f"不支持的台账格式 {out.suffix or '（无扩展名）'}；支持：.xlsx .csv / unsupported ledger format")
        raise typer.Exit(2)
    docs, names, failed = [], [], 0
    for _, name, doc in _analyze_each(_expand(paths), max_size, model):
        if doc is None:
            failed += 1
        else:
            docs.append(doc)
            names.append(name)
    if not docs:
        _fail("没有可分析的报告 / no readable report")
        raise typer.Exit(2)
    write_ledger(docs, out, names)
    problems = sum(len(doc.problems) for doc in docs)
    measures = sum(len(doc.measures) for doc in docs)
    typer.echo(f"{len(docs)} 篇报告：{problems} 个问题，{measures} 项措施 → {out}")
    if failed:
        raise typer.Exit(2)


CodeList = Annotated[
    list[str] | None,
    typer.Option(help="检查项代码前缀，可逗号分隔或重复给出 / code prefixes, comma-separated or repeated"),
]


@app.command()
def score(
    file: Annotated[Path, typer.Argument(help="报告文件（.txt .md .docx .pdf）/ the report file")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="输出格式 / output format: text or json")
    ] = OutputFormat.text,
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", help="得分低于此值时退出码为 1 / exit 1 when the total is below this"),
    ] = None,
    select: CodeList = None,
    ignore: CodeList = None,
    max_size: MaxSize = DEFAULT_MAX_BYTES / 1048576,
    model: ModelOption = None,
    library: LibraryOption = None,
) -> None:
    """给报告草稿打分：总分、各部分得分及理由、按严重程度排列的问题 / score a draft: total, parts, findings.

    --select and --ignore take code prefixes (TPL, CPY001, BPL1); for each finding the longest matching prefix
    decides, as in ruff. Findings left out are neither listed nor counted in the score. The draft is checked for
    copying against the reference library when there is one.

    Example: analyzer score 草稿.docx --fail-under 80 --ignore STR002
    """
    from analyzer.report import located_findings, render_score
    from analyzer.scoring import code_filter

    selected = code_filter(_split_codes(select), _split_codes(ignore))
    try:
        doc = analyze_file(file, max_bytes=int(max_size * 1048576), model=model)
        library = _library_or_default(library)
        if library is not None:
            compare({str(file): doc}, library=library)
    except AnalyzerError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    from analyzer.scoring import score as score_document

    result = score_document(doc, selected=selected)
    findings = [f for f in doc.findings if selected(f["code"])]
    if output_format is OutputFormat.json:
        record = {
            "schema": "analyzer.score/1",
            "source": str(file),
            "title": doc.title,
            "doc_type": doc.doc_type,
            "score": result,
            "findings": located_findings(doc, findings),
        }
        typer.echo(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_score(doc, result, findings, name=str(file)))
    if fail_under is not None and result["total"] < fail_under:
        raise typer.Exit(1)


def _split_codes(values: list[str] | None) -> list[str] | None:
    """Code prefixes given as repeated options or comma-separated, checked against the registry's families."""
    if not values:
        return None
    codes = [code.strip().upper() for value in values for code in value.split(",") if code.strip()]
    known = all_checks()
    for code in codes:
        if not any(existing.startswith(code) for existing in known):
            _fail(f"没有以 {code} 开头的检查项；可选：{', '.join(sorted(known))} / no check code starts with {code}")
            raise typer.Exit(2)
    return codes


def _library_or_default(library: Path | None) -> Path | None:
    """The library named, else the default one if it exists, else None."""
    from analyzer.library import default_path

    if library is None and default_path().is_file():
        return default_path()
    return library


@app.command()
def rules() -> None:
    """列出全部检查项 / list the checks: code, name, severity, what it checks."""
    for code, check in sorted(all_checks().items()):
        typer.echo(f"{code}  {check.name:24} {check.severity:8} {check.what}")


@app.command()
def explain(code: Annotated[str, typer.Argument(help="检查项代码，如 TPL001 / a check's code")]) -> None:
    """说明一个检查项：检查什么、为什么、示例、应当怎样写 / document one check.

    Example: analyzer explain BPL001
    """
    registry = all_checks()
    check = registry.get(code.upper())
    if check is None:
        _fail(f"没有检查项 {code}；可选：{', '.join(sorted(registry))} / unknown check code")
        raise typer.Exit(2)
    typer.echo(f"{check.code} {check.name} ({check.severity})\n")
    for title, text in (
        ("检查什么 / What it does", check.what),
        ("为什么 / Why it matters", check.why),
        ("示例 / Example", check.example),
        ("应当怎样写 / Use instead", check.instead),
    ):
        typer.echo(f"{title}\n  {text}\n")


library_app = typer.Typer(
    help="参考库：往年报告与模板，用于抄袭比对 / the reference library of earlier reports and templates"
)
app.add_typer(library_app, name="library")


class LibraryKind(enum.StrEnum):
    """What a library document is."""

    submission = "submission"
    template = "template"


@library_app.command("add")
def library_add(
    paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹（递归）/ report files or folders")],
    kind: Annotated[LibraryKind, typer.Option(help="往年报告或网上模板 / an earlier submission or a template")] = (
        LibraryKind.submission
    ),
    library: LibraryOption = None,
    max_size: MaxSize = DEFAULT_MAX_BYTES / 1048576,
) -> None:
    """加入参考库（按内容去重）/ add reports to the library (the same text is kept once).

    Example: analyzer library add 2023年报告/ --library lib.sqlite
    """
    from analyzer.engine import load
    from analyzer.library import Library, default_path

    failed = 0
    docs = []
    for path, name in _expand(paths):
        try:
            docs.append((name, load(path, max_bytes=int(max_size * 1048576))))
        except AnalyzerError as e:
            _fail(str(e))
            failed += 1
    try:
        with Library(library or default_path()) as opened:
            results = opened.add(docs, kind=kind.value)
    except AnalyzerError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    added = sum(1 for _, new in results if new)
    typer.echo(
        f"新增 {added} 篇，已存在 {len(results) - added} 篇 / added {added}, already there {len(results) - added}"
    )
    if failed:
        raise typer.Exit(2)


@library_app.command("list")
def library_list(library: LibraryOption = None) -> None:
    """列出参考库中的文档 / list the library's documents."""
    from analyzer.library import Library, default_path

    with Library(library or default_path()) as opened:
        for entry in opened.entries():
            typer.echo(f"{entry.id}\t{entry.kind}\t{entry.chars}\t{entry.added}\t{entry.name}")


@library_app.command("remove")
def library_remove(
    keys: Annotated[list[str], typer.Argument(help="文档编号或名称 / ids or names as listed")],
    library: LibraryOption = None,
) -> None:
    """从参考库删除文档 / remove documents from the library."""
    from analyzer.library import Library, default_path

    with Library(library or default_path()) as opened:
        missing = opened.remove(keys)
    if missing:
        _fail(f"参考库中没有：{', '.join(missing)} / not in the library")
        raise typer.Exit(2)


@app.command()
def train(
    corpus: Annotated[Path, typer.Argument(help="语料：paragraphs.jsonl 或含有它的文件夹 / the annotated corpus")],
    out: Annotated[Path, typer.Option("--out", "-o", help="模型输出路径（.skops）/ where to write the model")],
    folds: Annotated[int, typer.Option(help="按文档分组交叉验证的折数 / grouped cross-validation folds", min=2)] = 5,
) -> None:
    """训练段落类别和作用模型，报告按文档分组交叉验证的指标 / train the category and role models.

    Writes MODEL, MODEL's card (<name>.card.md) and metrics (<name>.metrics.json) beside it, and prints held-out
    per-class metrics next to the keyword baseline's.

    Example: analyzer train corpora --out analyzer/data/model.skops
    """
    from analyzer.classify import save
    from analyzer.classify import train as fit

    try:
        result = fit(corpus, folds=folds, progress=lambda message: typer.echo(message, err=True))
    except AnalyzerError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    path = save(result, out)
    metrics = result.metrics
    typer.echo(
        f"语料 / corpus: {result.counts['documents']} 篇文档, {result.counts['paragraphs']} 段; {metrics['evaluation']}"
    )
    for name in ("category", "role"):
        model, baseline = metrics[name], metrics[f"baseline_{name}"]
        typer.echo(f"\n{name}: macro-F1 {model['macro_f1']:.3f}  (keyword baseline {baseline['macro_f1']:.3f})")
        typer.echo(f"  {'class':14} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}  baseline F1")
        for label, scores in model["per_class"].items():
            base = baseline["per_class"].get(label, {}).get("f1", 0.0)
            typer.echo(
                f"  {label:14} {scores['precision']:6.3f} {scores['recall']:6.3f} {scores['f1']:6.3f} "
                f"{scores['support']:5d}  {base:.3f}"
            )
    items = metrics.get("items")
    if items:
        typer.echo(f"\nledger items ({items['rule']}):")
        for kind in ("problem", "measure", "links"):
            row = items[kind]
            typer.echo(f"  {kind:14} P {row['precision']:.3f}  R {row['recall']:.3f}  F1 {row['f1']:.3f}")
    typer.echo(f"\n模型已写入 / model written: {path} ({result.seconds:.0f} s)")


def run() -> None:
    """Console-script entry point: the app, with a clean exit on Ctrl-C and a closed pipe."""
    try:
        app()
    except KeyboardInterrupt:
        _fail("已中断 / interrupted")
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    run()
