"""Rebuilds: after any sequence of edits, the incrementally rebuilt site equals a clean build, byte for byte.

The corpus is the project's own synthetic one (bench/corpus.py), 1,000 papers. Each step applies a
random edit (add, edit, delete, rename, move a paper to another year or venue, edit a template or the
entry template, edit site.yaml, add or remove static files, break and fix a file) and rebuilds.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bench.corpus import write_corpus
from site_gen.build import Builder, build
from site_gen.content import SourceFile
from site_gen.errors import SiteErrors
from site_gen.memo import SLACK
from tests.conftest import REPO, tree_digest, tree_files

Edit = Callable[[Path, random.Random], None]


def year_files(root: Path) -> list[Path]:
    """The corpus's papers files."""
    return sorted((root / "content" / "papers").glob("*.yaml"))


def load(path: Path) -> list[dict[str, object]]:
    """One papers file's list."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def save(path: Path, papers: list[dict[str, object]]) -> None:
    """Write a papers file back."""
    path.write_text(yaml.safe_dump(papers, allow_unicode=True, sort_keys=False), encoding="utf-8")


def pick(root: Path, rng: random.Random) -> tuple[Path, list[dict[str, object]], int]:
    """A random paper: its file, the file's papers and its index."""
    files = [f for f in year_files(root) if load(f)]
    path = rng.choice(files)
    papers = load(path)
    return path, papers, rng.randrange(len(papers))


def add_paper(root: Path, rng: random.Random) -> None:
    path, papers, i = pick(root, rng)
    papers.insert(
        i,
        {
            "title": f"Added Paper {rng.randrange(10**6)}",
            "authors": ["Ada Lovelace"],
            "year": papers[i]["year"],
            "venue": "Proceedings of the 2nd Workshop on Added Things",
        },
    )
    save(path, papers)


def edit_title(root: Path, rng: random.Random) -> None:
    path, papers, i = pick(root, rng)
    papers[i]["title"] = f"{papers[i]['title']} Revisited"
    save(path, papers)


def edit_abstract(root: Path, rng: random.Random) -> None:
    path, papers, i = pick(root, rng)
    papers[i]["abstract"] = f"A *new* abstract, number {rng.randrange(1000)}."
    save(path, papers)


def delete_paper(root: Path, rng: random.Random) -> None:
    path, papers, i = pick(root, rng)
    del papers[i]
    save(path, papers)


def rename_file(root: Path, rng: random.Random) -> None:
    path = rng.choice(year_files(root))
    path.rename(path.with_name(f"renamed-{rng.randrange(10**6)}-{path.name}"))


def move_year(root: Path, rng: random.Random) -> None:
    path, papers, i = pick(root, rng)
    moved = papers.pop(i)
    moved["year"] = rng.randint(1990, 2027)
    moved.pop("id", None)
    save(path, papers)
    target = root / "content" / "papers" / f"{moved['year']}.yaml"
    save(target, ([*load(target)] if target.exists() else []) + [moved])


def change_venue(root: Path, rng: random.Random) -> None:
    path, papers, i = pick(root, rng)
    papers[i]["venue"] = rng.choice(
        [
            "IEEE Transactions on Knowledge and Data Engineering",
            "arXiv preprint",
            "Proceedings of the 9th Workshop on Brand New Venues",
        ]
    )
    save(path, papers)


def edit_template(root: Path, rng: random.Random) -> None:
    override = root / "templates" / rng.choice(["paper.html", "index.html", "_paper.html", "venue.html"])
    if override.exists():
        override.unlink()
        return
    override.parent.mkdir(exist_ok=True)
    original = (REPO / "templates" / override.name).read_text(encoding="utf-8")
    marker = f"<!-- edited {rng.randrange(1000)} -->"
    override.write_text(
        original.replace("{% endmacro %}", marker + "{% endmacro %}", 1)
        if override.name == "_paper.html"
        else original + marker + "\n",
        encoding="utf-8",
    )


def edit_site(root: Path, rng: random.Random) -> None:
    site = root / "content" / "site.yaml"
    data = yaml.safe_load(site.read_text(encoding="utf-8"))
    data["title"] = f"Publications, edition {rng.randrange(1000)}"
    site.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def static_file(root: Path, rng: random.Random) -> None:
    pdf = root / "static" / "pdfs" / "local.pdf"
    path, papers, i = pick(root, rng)
    if pdf.exists():
        for file in year_files(root):
            kept = load(file)
            for paper in kept:
                if paper.get("pdf") == "static/pdfs/local.pdf":
                    paper["pdf"] = "https://example.org/unlinked.pdf"
            save(file, kept)
        pdf.unlink()
        return
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(b"%PDF-1.4\n" + str(rng.random()).encode())
    papers[i]["pdf"] = "static/pdfs/local.pdf"
    save(path, papers)


EDITS: list[Edit] = [
    add_paper,
    edit_title,
    edit_abstract,
    delete_paper,
    rename_file,
    move_year,
    change_venue,
    edit_template,
    edit_site,
    static_file,
]


def break_and_fix(root: Path, builder: Builder) -> None:
    """A broken save fails the rebuild and leaves the output exactly as it was."""
    out = builder.out
    before = tree_digest(out)
    broken = root / "content" / "papers" / "broken.yaml"
    broken.write_text("- title: [unclosed\n", encoding="utf-8")
    with pytest.raises(SiteErrors):
        builder.build()
    assert tree_digest(out) == before
    broken.unlink()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_rebuild_to_the_bytes_of_a_clean_build(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "site"
    write_corpus(root, 1000 if seed == 1 else 300, seed=seed)
    builder = Builder(root, root / "_site")
    builder.build()
    rng = random.Random(seed)
    applied = []
    for step in range(10):
        edit = rng.choice(EDITS)
        edit(root, rng)
        applied.append(edit.__name__)
        builder.build()
        if step == 4:
            break_and_fix(root, builder)
    clean = tmp_path / "clean"
    build(root, clean)
    assert tree_files(root / "_site") == tree_files(clean), f"after {applied}"


def test_one_paper_edit_rewrites_only_what_shows_it(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_corpus(root, 300, seed=5)
    builder = Builder(root, root / "_site")
    builder.build()
    out = root / "_site"
    before = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    path = year_files(root)[3]
    papers = load(path)
    paper_id = str(papers[0]["id"])
    papers[0]["title"] = "A Completely New Title"
    save(path, papers)
    report = builder.build()
    after = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    changed = {name for name in after if after[name] != before.get(name)}
    index = (out / "index.html").read_text(encoding="utf-8")
    venue = index.split(f'data-paper="{paper_id}" data-venue="')[1].split('"')[0]
    neighbours = {f"papers/{n}/index.html" for n in _neighbours(out, paper_id)}
    page = (out / "papers" / paper_id / "index.html").read_text(encoding="utf-8")
    coauthors = {f"authors/{slug}/index.html" for slug in re.findall(r'href="\.\./\.\./authors/([^/]+)/', page)}
    assert coauthors
    expected = (
        {
            f"papers/{paper_id}/index.html",
            f"papers/{paper_id}/{paper_id}.bib",
            "index.html",
            f"venues/{venue}/index.html",
            "publications.bib",
            "publications.json",
        }
        | neighbours
        | coauthors
    )
    if "A Completely New Title" in (out / "feed.xml").read_text(encoding="utf-8"):
        expected.add("feed.xml")
    assert changed == expected
    assert report.written == len(expected)


def _neighbours(out: Path, paper_id: str) -> list[str]:
    """The ids of the papers before and after PAPER_ID on the index."""
    html = (out / "index.html").read_text(encoding="utf-8")
    order = [part.split('"')[0] for part in html.split('data-paper="')[1:]]
    i = order.index(paper_id)
    return [order[j] for j in (i - 1, i + 1) if 0 <= j < len(order)]


def test_a_long_preview_session_keeps_only_about_what_the_site_needs(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_corpus(root, 40, seed=8)
    builder = Builder(root, root / "_site")
    builder.build()
    first = builder.memory.sizes()
    rng = random.Random(8)
    for edit in range(150):
        path, papers, i = pick(root, rng)
        papers[i]["title"] = f"Edited {edit}"
        save(path, papers)
        builder.build()
    for function, size in builder.memory.sizes().items():  # each edit makes a paper's results anew: 150 of each
        assert size <= 2 * first[function] + SLACK, function


def test_no_change_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_corpus(root, 200, seed=6)
    builder = Builder(root, root / "_site")
    builder.build()
    assert builder.build().written == 0


def test_deleting_the_output_folder_rebuilds_it_whole(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_corpus(root, 50, seed=7)
    builder = Builder(root, root / "_site")
    builder.build()
    shutil.rmtree(root / "_site")
    builder.build()
    clean = tmp_path / "clean"
    build(root, clean)
    assert tree_files(root / "_site") == tree_files(clean)


def test_editing_a_template_override_in_place_rebuilds_with_it(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write_corpus(root, 20, seed=8)
    (root / "templates").mkdir()
    override = root / "templates" / "paper.html"
    original = (REPO / "templates" / "paper.html").read_text(encoding="utf-8")
    override.write_text(original.replace("<h1>", "<h1 data-first>"), encoding="utf-8")
    builder = Builder(root, root / "_site")
    builder.build()
    page = next((root / "_site" / "papers").glob("*/index.html"))
    assert "data-first" in page.read_text(encoding="utf-8")
    override.write_text(original.replace("<h1>", "<h1 data-second>"), encoding="utf-8")
    builder.build()
    assert "data-second" in page.read_text(encoding="utf-8")


def test_a_file_broken_after_it_was_read_still_gets_a_located_error(tmp_path: Path) -> None:
    papers = tmp_path / "2024.yaml"
    papers.write_text("- title: [A]\n", encoding="utf-8")
    where = SourceFile("content/papers/2024.yaml", papers)
    papers.write_text("- title: [\n", encoding="utf-8")  # saved half-typed while the preview rebuilds
    error = where.error((0, "title"), "'title': expected text")
    assert str(error) == "content/papers/2024.yaml:1:1: error: 'title': expected text"
