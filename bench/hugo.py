"""The same work in Hugo, for comparison: an index by year with the co-authors and their counts, a page
per paper with citation metadata and BibTeX, a page per venue group and per co-author (Hugo's taxonomies,
HTML only, as site-gen's). Needs Debian's `hugo` (apt-get install hugo).

    python -m bench.hugo CORPUS [--runs 3] [--scratch DIR]

Converts CORPUS (a site-gen root) into a Hugo site (not timed), then times `hugo` cold builds
(wall seconds, peak MiB, median of --runs) and the rebuild `hugo server` reports after one edit.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import yaml

from site_gen.build import check
from site_gen.derive import owner_slugs

LAYOUTS = {
    "_default/baseof.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title>{{ block "head" . }}{{ end }}</head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<ul>{{ range .Site.Taxonomies.coauthors.ByCount }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }} {{ .Count }}</a></li>{{ end }}</ul>
{{ range (where .Site.RegularPages "Section" "papers").GroupByParam "year" "desc" }}
<section><h2>{{ .Key }}</h2><ol>{{ range .Pages }}{{ partial "entry.html" . }}{{ end }}</ol></section>
{{ end }}{{ end }}
""",
    "_default/single.html": """{{ define "head" }}<meta name="citation_title" content="{{ .Title }}">
{{ range .Params.authors }}<meta name="citation_author" content="{{ . }}">{{ end }}
<meta name="citation_publication_date" content="{{ .Params.year }}">
<meta name="citation_conference_title" content="{{ .Params.venue }}">
{{ with .Params.pdf }}<meta name="citation_pdf_url" content="{{ . }}">{{ end }}
<script type="application/ld+json">
{{ dict "@type" "ScholarlyArticle" "headline" .Title "author" .Params.authors | jsonify | safeJS }}
</script>
{{ end }}{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ delimit .Params.authors ", " }}</p>
<p>{{ .Params.venue }}, {{ .Params.year }}</p>{{ .Content }}
<pre>@inproceedings{ {{- .Params.id }},
    title = { {{- .Title }}},
    author = { {{- delimit .Params.authors " and " }}},
    booktitle = { {{- .Params.venue }}},
    year = { {{- .Params.year }}}
}</pre></article>{{ end }}
""",
    "_default/term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .Pages.GroupByParam "year" "desc" }}
<section><h2>{{ .Key }}</h2><ol>{{ range .Pages }}{{ partial "entry.html" . }}{{ end }}</ol></section>
{{ end }}{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ end }}
""",
    "partials/entry.html": """<li data-paper="{{ .Params.id }}"><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<p>{{ delimit .Params.authors ", " }}</p><p>{{ .Params.venue }}</p>
{{ with .Params.pdf }}<a href="{{ . }}">PDF</a>{{ end }}
<details><summary>Abstract</summary>{{ .Content }}</details></li>
""",
}


def convert(corpus: Path, site: Path) -> Path:
    """A Hugo site in SITE with CORPUS's papers (ids and venue groups as site-gen derives them); one paper file."""
    catalog = check(corpus).catalog
    site.mkdir(parents=True)
    config = {
        "baseURL": catalog.site.base_url,
        "title": catalog.site.title,
        "taxonomies": {"venue": "venues", "coauthor": "coauthors"},
        "outputs": {"term": ["HTML"], "taxonomy": ["HTML"]},  # no feed per venue and co-author: site-gen has none
    }
    mine = owner_slugs(catalog.site.author)
    (site / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    for name, text in LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    papers = site / "content" / "papers"
    papers.mkdir(parents=True)
    for entry in catalog.entries:
        paper = entry.paper
        front = {
            "title": paper.title,
            "id": entry.id,
            "authors": list(paper.authors),
            "year": paper.year,
            "venue": paper.venue,
            "venues": [entry.venue.name],
            "coauthors": [a for a, slug in zip(paper.authors, entry.author_slugs, strict=True) if slug not in mine],
            "pdf": paper.pdf.url if paper.pdf else None,
        }
        body = paper.abstract or ""
        (papers / f"{entry.id}.md").write_text(f"---\n{yaml.safe_dump(front)}---\n{body}\n", encoding="utf-8")
    return papers / f"{catalog.entries[0].id}.md"


def cold(site: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak MiB of one `hugo` build into a new folder."""
    started = time.perf_counter()
    process = subprocess.Popen(["hugo", "--quiet", "-s", str(site), "-d", str(out)], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("hugo failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def server_edit(site: Path, paper: Path, port: int = 1414) -> float:
    """The rebuild time `hugo server` reports after one paper's title changes."""
    log = site / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            ["hugo", "server", "-s", str(site), "--port", str(port), "--disableFastRender"], stdout=sink, stderr=sink
        )
    try:
        _wait_for(log, r"Web Server is available", 1)
        paper.write_text(paper.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")
        return float(_wait_for(log, r"Total in (\d+) ms", 1)) / 1000  # the first build says "Built in"
    finally:
        server.terminate()
        server.wait()


def _wait_for(log: Path, pattern: str, count: int, seconds: float = 600) -> str:
    """The COUNT-th match of PATTERN in LOG (its group, if it has one), once it appears."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.findall(pattern, log.read_text(encoding="utf-8", errors="replace"))
        if len(found) >= count:
            return str(found[count - 1])
        time.sleep(0.1)
    raise SystemExit(f"hugo server never printed {pattern!r}")


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scratch", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.scratch) as scratch:
        site = Path(scratch) / "hugo"
        paper = convert(args.corpus, site)
        runs = []
        for run in range(args.runs):
            runs.append(cold(site, Path(scratch) / f"out-{run}"))
            shutil.rmtree(Path(scratch) / f"out-{run}")
        edit = server_edit(site, paper)
    seconds = statistics.median(s for s, _ in runs)
    mib = statistics.median(m for _, m in runs)
    print(f"hugo {args.corpus}: cold {seconds:.2f} s, peak {mib:.0f} MiB, server edit {edit:.3f} s")


if __name__ == "__main__":
    main()
