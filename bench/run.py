"""The benchmark: cold build, one-paper rebuild, no-op rebuild, pages written and peak memory.

    python -m bench.run                       # corpora of 1,000 and 10,000 papers (bench/corpus.py)
    python -m bench.run --sizes 100000        # make bench-large
    python -m bench.run --corpus DIR          # an existing corpus, e.g. from make_corpus.py

Every figure is the median of --runs runs. A cold build is a fresh process with no cache of any
kind; rebuilds are measured in one long-lived process, the way the preview server rebuilds.
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

from bench.corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
from pathlib import Path
from site_gen.build import Builder
root, out, edits = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
builder = Builder(root, out)
started = time.perf_counter()
report = builder.build()
result = {"cold": time.perf_counter() - started, "papers": report.papers, "pages": report.pages, "files": report.files,
          "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "noop": [], "edit": []}
papers = sorted((root / "content" / "papers").glob("*.yaml"))
for i in range(edits):
    started = time.perf_counter(); builder.build(); result["noop"].append(time.perf_counter() - started)
    path = papers[i % len(papers)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", f"title: Edited {i} ", 1), encoding="utf-8")
    started = time.perf_counter(); builder.build(); result["edit"].append(time.perf_counter() - started)
print(json.dumps(result))
"""


def measure(root: Path, runs: int) -> dict[str, Any]:
    """Median figures for one corpus: `runs` cold builds in fresh processes, `runs` rebuilds of each kind."""
    results = []
    for run in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch) / "site"
            shutil.copytree(root / "content", work / "content")
            edits = runs if run == 0 else 0
            output = subprocess.run(
                [sys.executable, "-c", CHILD, str(work), str(work / "_site"), str(edits)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO,
            ).stdout
            results.append(json.loads(output))
    first = results[0]
    return {
        "papers": first["papers"],
        "cold_s": statistics.median(r["cold"] for r in results),
        "edit_s": statistics.median(first["edit"]),
        "noop_s": statistics.median(first["noop"]),
        "pages": first["pages"],
        "files": first["files"],
        "peak_rss_mib": statistics.median(r["rss_mib"] for r in results),
    }


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
    head = f"{'corpus':<28}{'papers':>8}{'cold s':>9}{'edit s':>9}{'no-op s':>9}{'pages':>8}{'peak MiB':>10}"
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            f"{row['corpus']:<28}{row['papers']:>8}{row['cold_s']:>9.2f}{row['edit_s']:>9.3f}"
            f"{row['noop_s']:>9.3f}{row['pages']:>8}{row['peak_rss_mib']:>10.0f}"
        )
    return "\n".join(lines)


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--corpus", type=Path, help="measure this corpus instead of generating them")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=REPO / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        corpora = [(str(args.corpus), args.corpus)] if args.corpus else []
        for size in [] if args.corpus else args.sizes:
            folder = Path(scratch) / f"corpus-{size}"
            write_corpus(folder, size)
            corpora.append((f"bench/corpus.py {size}", folder))
        for name, folder in corpora:
            rows.append({"corpus": name, **measure(folder, args.runs)})
            print(table(rows[-1:]).splitlines()[-1] if len(rows) > 1 else table(rows), flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"machine": machine(), "results": rows}, indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
