"""The benchmark: cold build, one-paper rebuild, no-op rebuild, pages written, peak memory, and the reader's side.

    python -m bench.run                       # 1,000 and 10,000 papers, and 10,000 with 20,000 co-authors
    python -m bench.run --sizes 100000        # make bench-large (PAPERS or PAPERS:CO-AUTHORS)
    python -m bench.run --corpus DIR          # an existing corpus, e.g. from make_corpus.py

Cold figures are the median of --runs runs, rebuilds of at least REBUILDS_AT_LEAST (each is cheap, and one in
three or so also pays for a full pass of Python's garbage collector). A cold build is a fresh process with no
cache of any kind; rebuilds are measured in one long-lived process, the way the preview server rebuilds. The
preview's edit-to-screen time is the real `site-gen serve` and Chromium: a saved edit (each after a
pause of 3.5 s) until the open index shows it, median and max of 9.
Figures are printed as a table and written as JSON with the commit and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.browser import measure_index, measure_preview, reader_bytes, throttled_paint
from bench.corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent
REBUILDS_AT_LEAST = 9
# A long-lived builder, as in the preview server: no-op and one-paper-edit rebuilds.
REBUILDS = """
import json, sys, time
from pathlib import Path
from site_gen.build import Builder
root, out, edits = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
builder = Builder(root, out)
report = builder.build()
result = {"papers": report.papers, "pages": report.pages, "files": report.files, "noop": [], "edit": []}
papers = sorted((root / "content" / "papers").glob("*.yaml"))
for i in range(edits):
    started = time.perf_counter(); builder.build(); result["noop"].append(time.perf_counter() - started)
    path = papers[i % len(papers)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", f"title: Edited {i} ", 1), encoding="utf-8")
    started = time.perf_counter(); builder.build(); result["edit"].append(time.perf_counter() - started)
print(json.dumps(result))
"""


def cold_build(root: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, peak MiB) of `site-gen build` in a fresh process, interpreter start included.

    The peak is the largest resident size of the build and of the rendering processes it forks.
    """
    command = [sys.executable, "-m", "site_gen", "build", "--root", str(root), "--out", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the build of {root} failed")
    return seconds, usage.ru_maxrss / 1024


def rebuilds(root: Path, out: Path, edits: int) -> dict[str, Any]:
    """A long-lived builder's no-op and one-paper-edit rebuild seconds, and what the site holds."""
    output = subprocess.run(
        [sys.executable, "-c", REBUILDS, str(root), str(out), str(edits)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def measure(root: Path, runs: int, scratch: Path) -> tuple[dict[str, Any], Path]:
    """Median figures for one corpus (`runs` cold builds, REBUILDS_AT_LEAST or more rebuilds of each kind) and a
    built site."""
    colds = []
    for run in range(runs):
        work = scratch / f"cold-{run}"
        shutil.copytree(root / "content", work / "content")
        colds.append(cold_build(work, work / "_site"))
        if run < runs - 1:
            shutil.rmtree(work)
    work = scratch / "rebuilds"
    shutil.copytree(root / "content", work / "content")
    again = rebuilds(work, work / "_site", max(runs, REBUILDS_AT_LEAST))
    shutil.rmtree(work)
    figures = {
        "papers": again["papers"],
        "cold_s": statistics.median(seconds for seconds, _ in colds),
        "edit_s": statistics.median(again["edit"]),
        "noop_s": statistics.median(again["noop"]),
        "pages": again["pages"],
        "files": again["files"],
        "peak_rss_mib": statistics.median(mib for _, mib in colds),
    }
    return figures, scratch / f"cold-{runs - 1}" / "_site"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    return {
        "commit": commit.stdout.strip() or "unknown",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def table(rows: list[dict[str, Any]]) -> str:
    """The figures as a text table."""
    head = (
        f"{'corpus':<28}{'papers':>8}{'cold s':>9}{'edit s':>9}{'no-op s':>9}{'pages':>8}{'peak MiB':>10}"
        f"{'paint ms':>10}{'key ms':>8}{'click ms':>10}{'preview s':>11}{'max s':>7}"
        f"{'reader KB':>11}{'gzip KB':>9}{'3G paint ms':>13}{'KB to paint':>13}{'3G ready ms':>13}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        browser = {**(row.get("browser") or {}), **(row.get("preview") or {})}
        lines.append(
            f"{row['corpus']:<28}{row['papers']:>8}{row['cold_s']:>9.2f}{row['edit_s']:>9.3f}"
            f"{row['noop_s']:>9.3f}{row['pages']:>8}{row['peak_rss_mib']:>10.0f}"
            + "".join(
                f"{browser[key]:>{width}.0f}" if key in browser else f"{'-':>{width}}"
                for key, width in (("first_paint_ms", 10), ("keystroke_ms", 8), ("filter_ms", 10))
            )
            + "".join(
                f"{browser[key]:>{width}.2f}" if key in browser else f"{'-':>{width}}"
                for key, width in (("edit_to_screen_s", 11), ("edit_to_screen_max_s", 7))
            )
            + f"{row['reader_bytes'] / 1000:>11.0f}{row['reader_gzip_bytes'] / 1000:>9.0f}"
            + "".join(
                f"{browser[key] / scale:>13.0f}" if key in browser else f"{'-':>13}"
                for key, scale in (("fast3g_paint_ms", 1), ("bytes_before_paint", 1000), ("fast3g_ready_ms", 1))
            )
        )
    return "\n".join(lines)


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1000", "10000", "10000:20000"])
    parser.add_argument("--corpus", type=Path, help="measure this corpus instead of generating them")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scratch", type=Path, help="build in this folder (default: the system's temporary folder)")
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        corpora = [(str(args.corpus), args.corpus)] if args.corpus else []
        for size in [] if args.corpus else args.sizes:
            papers, _, authors = size.partition(":")
            folder = Path(scratch) / f"corpus-{papers}-{authors}"
            write_corpus(folder, int(papers), authors=int(authors) if authors else None)
            corpora.append((f"bench/corpus.py {papers}" + (f", {authors} co-authors" if authors else ""), folder))
        print(table([]), flush=True)
        for number, (name, folder) in enumerate(corpora):
            work = Path(scratch) / f"work-{number}"
            figures, site = measure(folder, args.runs, work)
            browser = {**(measure_index(site) or {}), **(throttled_paint(site) or {})}
            preview = measure_preview(folder / "content", work)
            rows.append({"corpus": name, **figures, **reader_bytes(site), "browser": browser, "preview": preview})
            shutil.rmtree(work)
            print(table(rows[-1:]).splitlines()[-1], flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "scratch": str(args.scratch or tempfile.gettempdir()), "results": rows}
    args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
