"""site-gen import on real-shaped author pages and BibTeX exports, into every layout a user's papers may have.

Each input goes into no folder, an empty folder, a file per year, one list file and a file per paper;
in the last three the user already has the input's first paper (bare: title, authors, year, venue)
and papers of their own. The import must complete that paper, add the others where the layout says,
keep every line the user wrote, write values PyYAML reads back as imported, build, and change
nothing the second time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_gen.importers import acl, bibtex
from site_gen.importers.merge import site_id
from tests.conftest import FIXTURES, run_cli

SITE = "title: T\nbase_url: https://x.example/\nauthor: {name: Marta Kowalczyk-Müller}\n"
# Each real-shaped input and how many papers it holds.
INPUTS = {
    ("acl", "marta-kowalczyk.txt"): 6,  # accented Latin names; #, @, quotes and colons in titles; a year of one paper
    ("acl", "li-wei.txt"): 6,  # Chinese titles and names
    ("acl", "yuki-sato.txt"): 5,  # Japanese; 'pdf bib abs' badges; a paper with no pdf; '1:20' and 'True or False'
    ("acl", "amal-haddad.txt"): 5,  # Arabic and Cyrillic; a title that starts with '- '; 'Also published as'
    ("bibtex", "anthology.bib"): 5,  # ACL Anthology export: "{``}", editors, month macros
    ("bibtex", "dblp.bib"): 5,  # DBLP: 'Wei Li 0042', {-}, upper-case DOIs, \_ in URLs, CoRR
    ("bibtex", "zotero.bib"): 5,  # Zotero: tabs, Unicode, {Title} {Case}, file/urldate, CJK and Cyrillic names
    ("bibtex", "scholar.bib"): 5,  # Google Scholar: lower-case titles, arXiv as journal, 'and others'
    ("bibtex", "biblatex.bib"): 4,  # Better BibLaTeX: date, journaltitle, location, @online, @thesis
}
MINE = {"title": "An Older Paper of Mine", "authors": ["Marta Kowalczyk-Müller"], "year": 2019, "venue": "Some Journal"}
LAYOUTS = ("none", "empty", "years", "list", "papers")


def incoming(kind: str, name: str) -> list[dict[str, Any]]:
    """The papers an input holds, as its importer reads them."""
    text = (FIXTURES / kind / name).read_text(encoding="utf-8")
    if kind == "acl":
        page, errors = acl.parse(text, name)
        papers = [paper.as_yaml_data() for paper in page.papers]
    else:
        found, errors = bibtex.parse(text, name)
        papers = [paper.data for paper in found]
    assert errors == []
    return papers


def bare(paper: dict[str, Any]) -> dict[str, Any]:
    """A paper as a user might have typed it: the required keys only."""
    return {key: paper[key] for key in ("title", "authors", "year", "venue")}


def entry(paper: dict[str, Any], marker: str = "- ") -> str:
    """One paper as a list item, as a person writes it."""
    lines = yaml.safe_dump(paper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=None)
    indent = " " * len(marker)
    return "".join((marker if i == 0 else indent) + line + "\n" for i, line in enumerate(lines.splitlines()))


def user_files(layout: str, first: dict[str, Any]) -> dict[str, str]:
    """The user's papers before the import: their own paper and a bare copy of the input's first paper."""
    if layout == "years":
        other = {**MINE, "title": "Another Paper of That Year", "year": first["year"]}
        return {f"{first['year']}.yaml": entry(bare(first)) + "\n" + entry(other), "2019.yaml": entry(MINE)}
    if layout == "list":  # wide markers, no blank lines: new entries must look the same
        return {"papers.yaml": "# all my papers\n" + entry(MINE, "-   ") + entry(bare(first), "-   ")}
    if layout == "papers":
        return {"mine.yaml": entry(MINE, ""), "first.yaml": entry(bare(first), "")}
    return {}


def site(root: Path, layout: str, files: dict[str, str]) -> Path:
    """A site holding the given papers files (and no papers folder at all for the layout 'none')."""
    (root / "content").mkdir(parents=True)
    (root / "content" / "site.yaml").write_text(SITE, encoding="utf-8")
    if layout != "none":
        (root / "content" / "papers").mkdir()
    for name, contents in files.items():
        (root / "content" / "papers" / name).write_text(contents, encoding="utf-8")
    return root


def papers_files(root: Path) -> dict[str, str]:
    """Every papers file by name, as text."""
    folder = root / "content" / "papers"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def stored(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every paper the site holds as PyYAML reads it, with its file's name."""
    found = []
    for name, contents in papers_files(root).items():
        data = yaml.safe_load(contents)
        found += [(name, paper) for paper in (data if isinstance(data, list) else [data])]
    return found


def kept_in_order(before: str, after: str) -> bool:
    """Whether every line of BEFORE is still in AFTER, in the same order."""
    rest = iter(after.splitlines())
    return all(line in rest for line in before.splitlines())


def check_layout(layout: str, root: Path) -> None:
    """New papers went where the layout says, spaced like the entries already there."""
    files = papers_files(root)
    if layout in ("none", "empty", "years"):
        for name, contents in files.items():
            assert re.fullmatch(r"\d{4}\.yaml", name), name
            assert {paper["year"] for paper in yaml.safe_load(contents)} == {int(name[:4])}, name
            assert re.search(r"[^\n]\n- ", contents) is None, f"{name}: an entry without a blank line before it"
    elif layout == "list":
        assert list(files) == ["papers.yaml"]
        assert "\n\n" not in files["papers.yaml"]
        assert all(line.startswith(("-   ", "    ", "#")) for line in files["papers.yaml"].splitlines())
    else:
        for name, contents in files.items():
            paper = yaml.safe_load(contents)
            assert isinstance(paper, dict), name
            assert name in ("mine.yaml", "first.yaml") or name == f"{site_id(paper)}.yaml"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("kind", "name"), list(INPUTS))
def test_import_into_every_layout(tmp_path: Path, kind: str, name: str, layout: str) -> None:
    papers = incoming(kind, name)
    count = INPUTS[kind, name]
    assert len(papers) == count
    before = user_files(layout, papers[0])
    root = site(tmp_path / "site", layout, before)
    source = str(FIXTURES / kind / name)

    result = run_cli("import", kind, source, "--root", str(root))
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    if not before:
        assert lines[-1] == f"imported {count} papers: {count} added, 0 completed, 0 unchanged"
    else:
        assert lines[-1] == f"imported {count} papers: {count - 1} added, 1 completed, 0 unchanged"
        assert f" of '{papers[0]['title']}'" in lines[0] and ": fill " in lines[0]
    change = re.compile(r"content/papers/\S+: (add '.+' \(\d{4}\)|fill [a-z_, ]+ of '.+')")
    assert all(change.fullmatch(line) for line in lines[:-1])
    assert sum(": add '" in line for line in lines) == count - bool(before)

    after = papers_files(root)
    for file_name, contents in before.items():
        assert kept_in_order(contents, after[file_name]), file_name
    check_layout(layout, root)
    by_title = {paper["title"]: paper for _, paper in stored(root)}
    for paper in papers:
        assert {k: v for k, v in by_title[paper["title"]].items() if k not in ("id", "bibkey")} == {
            k: v for k, v in paper.items() if k not in ("id", "bibkey")
        }, paper["title"]

    again = run_cli("import", kind, source, "--root", str(root))
    summary = f"imported {count} papers: 0 added, 0 completed, {count} unchanged\n"
    assert (again.returncode, again.stdout) == (0, summary)
    assert papers_files(root) == after

    built = run_cli("build", "--root", str(root))
    assert built.returncode == 0, built.stderr
    assert len(list((root / "_site" / "papers").iterdir())) == len(by_title)
