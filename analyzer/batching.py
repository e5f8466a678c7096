"""Analyse a folder of reports: every supported file, on every core, cached by content, compared for copying.

`run_batch(paths)` finds the reports (recursively), analyses them in chunks on a pool of worker processes (each
model makes one pass over a chunk), reuses earlier work from a cache keyed by each file's SHA-256, the analyzer's
version and the model file's hash, compares every report with every other one and with the reference library, and
returns a `Batch`. A file that cannot be read is recorded with its error; the batch goes on. `write_outputs` writes
the files of DESIGN.md: ``documents.csv``, ``paragraphs.csv``, ``findings.csv``, ``ledger.csv``, ``ledger.xlsx``,
``pairs.csv`` and ``report/``, each written whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.copying import CopyResult, Prepared, prepare
from analyzer.document import Document
from analyzer.errors import AnalyzerError
from analyzer.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES

REFUSED_SUFFIXES = (".doc", ".wps", ".wpt", ".dot", ".rtf", ".odt")
"""Files a reviewer may find in a folder of submissions that cannot be read: recorded with advice, not ignored."""
CHUNK = 24
"""Documents per task: each model makes one pass over a chunk, which amortises its per-call cost."""
CACHE_NAME = ".analyzer-cache.sqlite"
CACHE_FORMAT = "3"
"""Part of every cache key: raised when what the cache holds (the document JSON, `Prepared.to_bytes`) changes."""
MANIFEST_NAME = ".analyzer-manifest.json"
"""What the last run into an output folder was made from (see `up_to_date`); written last, after every output."""

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Batch:
    """The analysed documents of a batch, the files that could not be read, and what was copied between them.

    Attributes:
        docs: Analysed documents by name (the path relative to the batch root).
        errors: The error of each file that could not be read, by name.
        copies: Copied spans and shared characters, or None when there was nothing to compare.
        cached: Names of the documents taken from the cache rather than analysed again.
        order: Every file's name, in the order found.
        fingerprint: The plan's fingerprint (see `Plan`), which the outputs' manifest records.
    """

    docs: dict[str, Document] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    copies: CopyResult | None = None
    cached: set[str] = field(default_factory=set)
    order: list[str] = field(default_factory=list)
    fingerprint: str | None = None

    def summary(self) -> dict[str, Any]:
        """Counts for a report line: files, analysed, from the cache, unreadable (with errors), flagged pairs."""
        flagged = int(self.pairs()["flagged"].sum()) if self.copies is not None else 0
        return {
            "files": len(self.order),
            "analysed": len(self.docs),
            "cached": len(self.cached),
            "errors": dict(self.errors),
            "flagged": flagged,
        }

    def documents(self):
        """One row per input file (DESIGN.md's documents.csv), in the order found."""
        from analyzer.report import documents_frame

        return documents_frame(self)

    def paragraphs(self):
        """One row per paragraph of every analysed document."""
        from analyzer.report import paragraphs_frame

        return paragraphs_frame(self.docs)

    def problems(self):
        """The ledger: one row per problem with its measures."""
        from analyzer.report import ledger_frames

        return ledger_frames(list(self.docs.values()), list(self.docs))[0]

    def measures(self):
        """One row per measure with the problems it answers."""
        from analyzer.report import ledger_frames

        return ledger_frames(list(self.docs.values()), list(self.docs))[1]

    def findings(self):
        """One row per finding of every document, with line and column."""
        from analyzer.report import findings_frame

        return findings_frame(self.docs)

    def pairs(self):
        """One row per pair of documents sharing copied text (DESIGN.md's pairs.csv)."""
        from analyzer.report import pairs_frame

        return pairs_frame(self)


def collect(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """The report files named and those inside folders named (recursively), each with its name in the batch: its
    path relative to the batch root (the folder, or the common folder of everything named).

    Hidden files, Word's lock files (``~$…``) and files of other types are left out; old Word and WPS files are
    kept, so that the batch records them as unreadable with advice.

    Raises:
        UnreadableFileError: when a path named does not exist.
    """
    from analyzer.errors import UnreadableFileError

    wanted = set(SUPPORTED_SUFFIXES) | set(REFUSED_SUFFIXES)
    files: list[Path] = []
    roots: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            roots.append(given.resolve())
            for path in sorted(given.rglob("*")):
                relative = path.relative_to(given).parts
                hidden = any(part.startswith((".", "~$")) for part in relative)
                if path.is_file() and not hidden and path.suffix.lower() in wanted:
                    files.append(path)
        elif given.is_file():
            roots.append(given.resolve().parent)
            files.append(given)
        else:
            raise UnreadableFileError(given, "文件或文件夹不存在 / no such file or folder")
    root = Path(os.path.commonpath(roots)) if roots else Path.cwd()
    named: dict[str, Path] = {}
    for path in files:
        name = path.resolve().relative_to(root).as_posix()
        named.setdefault(name, path)
    return [(path, name) for name, path in named.items()]


def model_key(model: str | Path | None) -> str:
    """What identifies the model in the cache: the SHA-256 of its file, with the analyzer's version."""
    from analyzer import __version__
    from analyzer.classify import default_model_path

    path = Path(model) if model else default_model_path()
    return f"{__version__}:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}"


class Cache:
    """Analysed documents and their prepared match text, by content hash and model, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, document BLOB NOT NULL, prepared BLOB NOT NULL)"
        )

    def get(self, key: str) -> tuple[bytes, bytes] | None:
        row = self._db.execute("SELECT document, prepared FROM entries WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def put(self, rows: list[tuple[str, bytes, bytes]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()


@dataclass(slots=True)
class Plan:
    """What a batch will read: each file with its name and cache key, and a fingerprint of the whole (every name
    and key, the library's state, the analyzer's version), which tells whether earlier outputs are still current."""

    files: list[tuple[Path, str]]
    keys: dict[str, str]
    errors: dict[str, str]
    fingerprint: str


def plan_batch(
    paths: Iterable[str | Path],
    *,
    model: str | Path | None = None,
    library: str | Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Plan:
    """Find the files of a batch and hash them (see `Plan`).

    Raises:
        UnreadableFileError: when a path named does not exist.
    """
    files = collect(paths)
    key_of_model = model_key(model)
    keys: dict[str, str] = {}
    errors: dict[str, str] = {}
    for path, name in files:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            keys[name] = f"{digest}:{key_of_model}:{max_bytes}:{CACHE_FORMAT}"
        except OSError as e:
            errors[name] = f"{path}: 无法读取 / cannot read ({e.strerror or e})"
    whole = hashlib.sha256()
    for name, key in sorted(keys.items()):
        whole.update(f"{name}\t{key}\n".encode())
    whole.update(f"errors {sorted(errors)}".encode())
    if library is not None and Path(library).is_file():
        state = Path(library).stat()
        whole.update(f"library {Path(library).resolve()} {state.st_size} {state.st_mtime_ns}".encode())
    return Plan(files, keys, errors, whole.hexdigest())


def up_to_date(out: str | Path, plan: Plan) -> dict[str, Any] | None:
    """The summary of the last run into `out` if its outputs are still current for this plan, else None."""
    manifest = Path(out) / MANIFEST_NAME
    try:
        stored = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("fingerprint") != plan.fingerprint:
        return None
    if not all((Path(out) / name).exists() for name in stored.get("outputs", [])):
        return None
    return stored.get("summary")


def run_batch(
    paths: Iterable[str | Path],
    *,
    jobs: int | None = None,
    model: str | Path | None = None,
    library: str | Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    cache: str | Path | None = None,
    progress: Progress | None = None,
    plan: Plan | None = None,
) -> Batch:
    """Analyse every report under `paths` and compare them for copying.

    Args:
        paths: Files and folders (searched recursively).
        jobs: Worker processes; None for every core, 1 to work in this process.
        model: A model file; None for the shipped one.
        library: A reference library to compare with, or None.
        max_bytes: Files larger than this are recorded as unreadable.
        cache: A cache file; documents whose content and model are unchanged are taken from it. None for no cache.
        progress: Called with (documents done, documents in all) as the work goes.
        plan: The batch's plan, if `plan_batch` was already called for these arguments.

    Raises:
        ModelError: when the model cannot be loaded (no document could be analysed).
        UnreadableFileError: when a path named does not exist.
    """
    from analyzer.classify import load_model

    load_model(str(model) if model else None)  # fail early, and once, before forking workers
    plan = plan or plan_batch(paths, model=model, library=library, max_bytes=max_bytes)
    store = Cache(Path(cache)) if cache else None
    batch = Batch(order=[name for _, name in plan.files], errors=dict(plan.errors), fingerprint=plan.fingerprint)
    prepared: dict[str, Prepared] = {}
    pending: list[tuple[str, str, str]] = []
    done = len(plan.errors)
    for path, name in plan.files:
        key = plan.keys.get(name)
        if key is None:
            continue
        hit = store.get(key) if store else None
        try:
            if hit is None:
                raise LookupError(key)
            doc = Document.from_dict(json.loads(zlib.decompress(hit[0])))
            prepared[name] = Prepared.from_bytes(hit[1])
        except (LookupError, ValueError, OSError, zlib.error, zipfile.BadZipFile):  # not cached, or damaged
            pending.append((str(path), name, key))
            continue
        doc.source = str(path)
        batch.docs[name] = doc
        batch.cached.add(name)
        done += 1
    if progress:
        progress(done, len(plan.files))
    try:
        for results in _analyse(pending, jobs=jobs, model=model, max_bytes=max_bytes):
            rows = []
            for name, key, document, packed, error in results:
                done += 1
                if error is not None:
                    batch.errors[name] = error
                    continue
                batch.docs[name] = Document.from_dict(json.loads(zlib.decompress(document)))
                prepared[name] = Prepared.from_bytes(packed)
                rows.append((key, document, packed))
            if store and rows:
                store.put(rows)
            if progress:
                progress(done, len(plan.files))
    finally:
        if store:
            store.close()
    batch.docs = {name: batch.docs[name] for name in batch.order if name in batch.docs}
    batch.errors = {name: batch.errors[name] for name in batch.order if name in batch.errors}
    from analyzer.engine import compare

    batch.copies = compare(batch.docs, library=library, prepared=prepared)
    return batch


def _analyse(pending: list[tuple[str, str, str]], *, jobs: int | None, model, max_bytes: int):
    """Analyse files in chunks, in this process or on a pool; yield each chunk's results as it completes."""
    chunks = [pending[i : i + CHUNK] for i in range(0, len(pending), CHUNK)]
    workers = min(jobs or os.cpu_count() or 1, len(chunks))
    if workers <= 1:
        for chunk in chunks:
            yield _work(chunk, model, max_bytes)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        running = {pool.submit(_work, chunk, model, max_bytes) for chunk in chunks}
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _work(chunk: list[tuple[str, str, str]], model, max_bytes: int) -> list[tuple[str, str, Any, Any, Any]]:
    """Read, analyse and prepare a chunk of files (in a worker): (name, key, compressed JSON, prepared, error)."""
    from analyzer.engine import analyze_many, load

    loaded: list[tuple[str, str, Document]] = []
    results: list[tuple[str, str, Any, Any, Any]] = []
    for path, name, key in chunk:
        try:
            loaded.append((name, key, load(path, max_bytes=max_bytes)))
        except AnalyzerError as e:
            results.append((name, key, None, None, str(e)))
        except Exception as e:  # a file that breaks a reader must not break the batch
            results.append((name, key, None, None, f"{path}: 读取出错 / failed to read ({type(e).__name__}: {e})"))
    try:
        analyze_many([doc for _, _, doc in loaded], model=model)
        analysed = loaded
    except Exception:  # find the document that breaks the analysis, analyse the others
        analysed = []
        for name, key, doc in loaded:
            try:
                analyze_many([doc], model=model)
                analysed.append((name, key, doc))
            except Exception as e:
                error = f"{doc.source}: 分析出错 / analysis failed ({type(e).__name__}: {e})"
                results.append((name, key, None, None, error))
    for name, key, doc in analysed:
        document = zlib.compress(json.dumps(doc.to_dict(), ensure_ascii=False).encode("utf-8"), 1)
        results.append((name, key, document, prepare(doc).to_bytes(), None))
    return results


# ------------------------------------------------------------------------------------------------ outputs


def write_outputs(batch: Batch, out: str | Path, *, jobs: int | None = None) -> dict[str, Path]:
    """Write the batch outputs of DESIGN.md into `out`; each file is written whole or not at all. `jobs` is the
    number of processes rendering the HTML pages (None: every core).

    Returns:
        The path of each output by its name.
    """
    from analyzer.report import write_ledger
    from analyzer.report_html import write_html_report

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST_NAME).unlink(missing_ok=True)  # outputs about to change: not current until the end
    written: dict[str, Path] = {}
    tables = {
        "documents.csv": batch.documents(),
        "paragraphs.csv": batch.paragraphs(),
        "findings.csv": batch.findings(),
        "pairs.csv": batch.pairs(),
    }
    for filename, frame in tables.items():
        write = lambda path, frame=frame: frame.to_csv(path, index=False, encoding="utf-8-sig")  # noqa: E731
        written[filename] = _atomic(out / filename, write)
    docs, names = list(batch.docs.values()), list(batch.docs)
    for filename in ("ledger.csv", "ledger.xlsx"):
        write_ledger(docs, out / filename, names)
        written[filename] = out / filename
    documents = [doc.to_dict() | {"doc": name} for name, doc in batch.docs.items()]
    pairs = tables["pairs.csv"].to_dict("records")
    errors = [{"doc": name, "error": error} for name, error in batch.errors.items()]
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out))
    try:
        write_html_report(staging, documents, pairs, errors, jobs=jobs)
        written["report"] = _swap_in(staging, out / "report")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    written["index.html"] = out / "report" / "index.html"
    if batch.fingerprint is not None:
        manifest = {
            "fingerprint": batch.fingerprint,
            "summary": batch.summary(),
            "outputs": sorted(str(path.relative_to(out)) for path in written.values()),
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=1)
        _atomic(out / MANIFEST_NAME, lambda path: path.write_text(text, encoding="utf-8"))
    return written


def _atomic(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write a file through a temporary name in the same folder, then rename it into place."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        write(temporary)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _swap_in(staging: Path, target: Path) -> Path:
    """Put a finished folder in place of the old one, so that a reader never sees half of either."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target
