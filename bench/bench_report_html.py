"""The HTML report of a generated batch: seconds per document page and in all, in one process and on two.

Run by hand (it is not part of the test suite):

    python bench/bench_report_html.py               # 400 generated reports
    python bench/bench_report_html.py --n 4000      # the first time ~5 min to generate and analyse, cached after

The reports come from `bench/generate.py` (seed 7; about 15 % planted copies) and are analysed once with
`run_batch`, whose cache lives in the work folder (``--work``, by default one per N and seed in the temporary
folder), so that a second run starts at once. Then `write_html_report` writes the batch's report (``index.html`` and
a page per document) from the documents and pairs the batch command hands it, into a fresh folder, for each number
of processes in ``--jobs``; ``--repeat`` runs each that many times and keeps the fastest (the machine's noise only
ever adds time). The outputs of the different numbers of processes are compared byte for byte.

Printed: seconds in all and per document page for each number of processes, on the clock and of processor time
(this process and its workers: a figure that other programs on the machine do not inflate, so that the clock's
figure on two cores should be about half of it); and, in this process, the index page's data and the copy network's
layout on their own (with more than one process they are made while the workers render the document pages).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate_batch  # noqa: E402

from analyzer.batching import run_batch  # noqa: E402
from analyzer.report_html import copy_network, index_context, write_html_report  # noqa: E402


def inputs(n: int, seed: int, work: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """The documents, pairs and errors of a generated batch of `n` reports, as the batch command passes them."""
    folder = work / "reports"
    if len(list(folder.glob("*.txt"))) != n:
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        batch = generate_batch(n, seed=seed)
        batch.write(folder)
        (folder / "truth.json").unlink()
        print(f"generated {n} reports in {time.perf_counter() - start:.0f} s", flush=True)
    start = time.perf_counter()
    try:
        batch = run_batch([folder], cache=work / "cache.sqlite")
    except Exception as e:  # a cache written by another version of the analyzer: start again without it
        print(f"cache discarded ({type(e).__name__}: {e})", flush=True)
        (work / "cache.sqlite").unlink(missing_ok=True)
        batch = run_batch([folder], cache=work / "cache.sqlite")
    print(
        f"analysed {len(batch.docs)} reports in {time.perf_counter() - start:.0f} s "
        f"({len(batch.cached)} from the cache)",
        flush=True,
    )
    documents = [doc.to_dict() | {"doc": name} for name, doc in batch.docs.items()]
    pairs = batch.pairs().to_dict("records")
    errors = [{"doc": name, "error": error} for name, error in batch.errors.items()]
    return documents, pairs, errors


def timed(function, repeat: int) -> tuple[float, float]:
    """Seconds of the fastest of `repeat` calls of `function`: on the clock, and of processor time in this process
    and its child processes (which does not grow when other programs take the cores)."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start, cpu = time.perf_counter(), time.process_time()
        function()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu += after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
        best = min(best, (seconds, cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=400, help="reports in the generated batch")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", default="1,2", help="numbers of processes to time, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, the fastest counts")
    parser.add_argument("--work", type=Path, default=None, help="folder for the reports, the cache and the outputs")
    args = parser.parse_args()

    work = args.work or Path(tempfile.gettempdir()) / f"bench-report-html-{args.n}-{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    documents, pairs, errors = inputs(args.n, args.seed, work)
    pages = {doc["doc"]: f"{i:04d}.html" for i, doc in enumerate(documents)}
    flagged = index_context(documents, pairs, errors, pages)["flagged"]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{len(documents)} documents, {len(pairs)} pairs ({len(flagged)} flagged)"
    )
    index = timed(lambda: index_context(documents, pairs, errors, pages), args.repeat)[0]
    network = timed(lambda: copy_network(documents, flagged, pages), args.repeat)[0]
    print(f"in one process: index page data {index:.2f} s, of which the copy network {network:.2f} s")

    print(f"{'jobs':>4} {'seconds':>8} {'ms/page':>8} {'cpu s':>8} {'cpu ms/page':>12}")
    outputs: dict[int, dict[Path, bytes]] = {}
    for jobs in (int(value) for value in args.jobs.split(",")):
        out = work / f"out-jobs{jobs}"

        def write(out: Path = out, jobs: int = jobs) -> None:
            shutil.rmtree(out, ignore_errors=True)  # a fresh folder each time, as the batch command's staging
            write_html_report(out, documents, pairs, errors, jobs=jobs)

        seconds, cpu = timed(write, args.repeat)
        count = max(len(documents), 1)
        row = f"{jobs:>4} {seconds:8.2f} {1000 * seconds / count:8.2f} {cpu:8.2f} {1000 * cpu / count:12.2f}"
        print(row, flush=True)
        outputs[jobs] = {path.relative_to(out): path.read_bytes() for path in sorted(out.rglob("*.html"))}
    first = next(iter(outputs.values()))
    same = all(written == first for written in outputs.values())
    print(f"the same bytes whatever the number of processes: {'yes' if same else 'NO'} ({len(first)} files)")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
