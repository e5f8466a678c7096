"""End to end: `analyzer batch` on a generated folder of reports, against plain `jieba.lcut` on the same text, then
re-runs on the unchanged folder and on the folder with one report changed.

Run by hand (it is not part of the test suite):

    python bench/bench_batch.py                # 4,000 generated reports (bench/generate.py), all cores
    python bench/bench_batch.py --n 500 --jobs 1

Each step runs as its own process, the way a user runs it, so start-up (imports, dictionary and model loading) is
included everywhere:

1. plain jieba: ``jieba.lcut`` over every report's text, in one process (jieba's global tokenizer, default
   dictionary, its own start-up included);
2. ``analyzer batch DIR --out OUT``: reading, structure, classification, ledger, checks, copy detection across the
   batch, score, and every output (CSV, XLSX, the HTML report);
3. the same command again on the unchanged folder;
4. the same command after one report was edited (the other documents come from the cache).

Peak memory is the largest proportional set size (PSS) of the process and its children together, sampled every
200 ms (resident sets would count the pages forked workers share once per worker).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate_batch  # noqa: E402

JIEBA = """
import sys, time
from pathlib import Path
start = time.perf_counter()
import jieba
jieba.setLogLevel(60)
words = 0
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    words += len(jieba.lcut(path.read_text(encoding="utf-8")))
print(words)
"""


def _tree_memory(pid: int) -> int:
    """Proportional set size (PSS) in bytes of a process and all its descendants (Linux /proc): pages shared by
    forked workers count once in all, not once per process as resident sets would."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup", encoding="utf-8") as handle:
                total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
        stack += children.get(current, [])
    return total


def run(command: list[str]) -> tuple[float, int, str]:
    """Wall time, peak memory of the process tree, and stdout of a command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_memory(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err[-2000:]}")
    return seconds, peak[0], out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="reports in the generated batch")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="keep the folder and outputs here")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    folder, out = work / "reports", work / "out"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    batch = generate_batch(args.n, seed=args.seed)
    batch.write(folder)
    (folder / "truth.json").unlink()
    chars = sum(len(text) for text in batch.texts.values())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{len(batch.texts)} reports, {chars / 1e6:.2f} M characters (generated in {time.perf_counter() - start:.0f} s)"
    )
    analyzer = [sys.executable, "-m", "analyzer", "batch", str(folder), "--out", str(out)]
    if args.jobs:
        analyzer += ["--jobs", str(args.jobs)]

    rows = []
    seconds, peak, _ = run([sys.executable, "-c", JIEBA, str(folder)])
    rows.append(("plain jieba.lcut, one process", seconds, peak))
    jieba_seconds = seconds
    seconds, peak, summary = run(analyzer)
    rows.append(("analyzer batch (everything)", seconds, peak))
    first = seconds
    seconds, peak, again = run(analyzer)
    rows.append(("re-run, folder unchanged", seconds, peak))
    rerun = seconds
    edited = sorted(folder.glob("*.txt"))[len(batch.texts) // 2]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n（补充）本单位另行补充说明一项情况。\n", encoding="utf-8")
    seconds, peak, changed = run(analyzer)
    rows.append(("re-run, one report changed", seconds, peak))

    print(f"{'step':34} {'seconds':>8} {'M chars/s':>10} {'peak MB':>8}")
    for label, took, memory in rows:
        print(f"{label:34} {took:8.1f} {chars / took / 1e6:10.3f} {memory / 1e6:8.0f}")
    print(f"analyzer batch / plain jieba: {first / jieba_seconds:.2f}x the time (target <= 1)")
    print(f"re-run on the unchanged folder: {first / rerun:.1f}x faster (target >= 10)")
    print("last lines of the three batch runs:")
    for text in (summary, again, changed):
        print("  " + text.strip().split("\n")[0])
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
