"""The preview never lies (contract, section 5a; issue #19): after every save, once `site-gen serve` has
rebuilt, `_site/` is byte for byte what a clean `site-gen build` of the same content writes.

A real `site-gen serve` runs on a small generated site whose papers share co-authors. Seeded random edits
are saved the ways editors save (in place, by renaming a temporary file over the file, by deleting and
creating it), after random pauses and sometimes several in a burst; after each, once the preview's
terminal has printed its line and gone quiet, its whole `_site/` (every path and byte) is compared with a
clean build of a copy of the content, again and again until DEADLINE if it differs. While the content is
broken, the clean build must fail too, the preview must print the same errors, and `_site/` must stay as
it was. `make test` runs SHORT_EDITS edits of SHORT_SEED; `make fuzz` runs PREVIEW_FUZZ_EDITS edits for
each of PREVIEW_FUZZ_SEEDS (comma-separated; `random` draws four new ones), and every run prints its seeds.
Three deterministic tests reproduce the preview's known bugs (the co-author pages after two papers of
the same authors swap years, a folder moved out of content/, a duplicate id's error naming its places).
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.previewing import (
    DEADLINE,
    Clean,
    Preview,
    Tree,
    clean_build,
    cli_build,
    first_difference,
    read_tree,
    served_as_on_disk,
    start_preview,
)

SHORT_SEED = 19
SHORT_EDITS = 100
OWNER, ALIAS = "Olga Owner", "O. Owner"
POOL = ["Ada Lovelace", "Bob Babbage", "Chen Wei", "Dana Scott", "Émile Zola", "Farah Khan", "Gao Lin", "Hugo Ortiz"]
FIRST = ["Iris", "Jonas", "Kiri", "Lena", "Mateo", "Nia", "Ólafur", "Priya"]
LAST = ["Novak", "Berg", "Tane", "Ødegaard", "Ruiz", "Okafor", "Müller", "Rao"]
YEARS = range(2019, 2025)
VENUES = [
    "Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics (Volume 1: Long Papers)",
    "Proceedings of the 2022 Conference on Empirical Methods in Natural Language Processing",
    "Advances in Neural Information Processing Systems 35 (NeurIPS 2022)",
    "IEEE Transactions on Knowledge and Data Engineering",
    "arXiv preprint",
    "Proceedings of the 2nd Workshop on Tiny Things",
]
WORDS = ["graphs", "retrieval", "tokens", "memory", "ranking", "sparse", "dense", "queries", "models", "signals"]
TEMPLATES = ("page.html", "author.html", "_paper.html")
SUB = Path("content/papers/sub")  # the folder that is moved out of content/ and back
ELSEWHERE = Path("elsewhere/sub")


# ---- the site and how it is edited ----


@dataclass
class Editor:
    """Edits a site on disk the ways a user would, drawing every choice from RNG."""

    root: Path
    rng: random.Random
    count: int = 0  # numbers titles and markers, so that each is new

    @property
    def papers_dir(self) -> Path:
        """content/papers/ of the site."""
        return self.root / "content" / "papers"

    def fresh(self) -> int:
        """A number never used before."""
        self.count += 1
        return self.count

    def files(self) -> list[Path]:
        """The papers files under content/papers/, in a fixed order."""
        return sorted(path for path in self.papers_dir.rglob("*.yaml") if path.is_file())

    def rel(self, path: Path) -> str:
        """A path as edits are logged: under content/papers/ if it is there, else under the root."""
        return str(path.relative_to(self.papers_dir if path.is_relative_to(self.papers_dir) else self.root))

    def papers(self) -> list[tuple[Path, int, dict[str, object]]]:
        """Every paper: its file, its place in the file, and itself."""
        return [(path, i, paper) for path in self.files() for i, paper in enumerate(load(path))]

    def save(self, path: Path, text: str) -> str:
        """Write TEXT to PATH as some editor would; say how."""
        how = self.rng.choice(["in place", "in place", ".{}.swp", "{}~", "4913", "{}___jb_tmp___", "delete+create"])
        if how == "delete+create" and path.exists():
            path.unlink()
        if how in ("in place", "delete+create") or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return "" if how == "in place" else f" ({how})"
        temporary = path.with_name(how.format(path.name))
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
        return f" (via {temporary.name})"

    def save_papers(self, path: Path, papers: list[dict[str, object]]) -> str:
        """Write a papers file: a list, or sometimes its one paper as a mapping."""
        single = len(papers) == 1 and self.rng.random() < 0.3
        return self.save(path, dump(papers[0] if single else papers))

    def team(self) -> list[str]:
        """Authors for a new paper: one to three co-authors, the owner (under an alias now and then) among them."""
        names = self.rng.sample(POOL + self.names(), self.rng.randint(1, 3))
        names = list(dict.fromkeys(names))
        draw = self.rng.random()
        if draw < 0.85:
            names.insert(self.rng.randint(0, len(names)), OWNER)
        elif draw < 0.95:
            names.insert(self.rng.randint(0, len(names)), ALIAS)
        return names

    def names(self) -> list[str]:
        """The co-authors' names the site uses now, in a fixed order."""
        used = {name for _, _, paper in self.papers() for name in authors(paper)}
        return sorted(used - {OWNER, ALIAS})

    def new_name(self, old: str) -> str:
        """Another name: OLD with an accent (the same co-author, folded), a pool name, or a new one."""
        draw = self.rng.random()
        if draw < 0.3:
            for plain, accented in (("a", "á"), ("e", "é"), ("o", "ö"), ("u", "ü"), ("i", "í")):
                if plain in old:
                    return old.replace(plain, accented, 1)
        if draw < 0.55:
            return self.rng.choice(POOL)
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def new_paper(self, authors_of: list[str] | None = None) -> dict[str, object]:
        """A paper with a title never used, an explicit id or not, and a random year and venue."""
        number = self.fresh()
        words = self.rng.sample(WORDS, 3)
        paper: dict[str, object] = {}
        if self.rng.random() < 0.4:
            paper["id"] = f"paper-{number}"
        paper["title"] = f"Part {number}: {words[0].title()} for {words[1]} and {words[2]}"
        paper["authors"] = authors_of or self.team()
        paper["year"] = self.rng.choice(YEARS)
        paper["venue"] = self.rng.choice(VENUES)
        if self.rng.random() < 0.3:
            paper["month"] = self.rng.randint(1, 12)
        if self.rng.random() < 0.3:
            paper["abstract"] = f"We study *{words[0]}* with {words[2]}; see <https://example.org/{number}>."
        if self.rng.random() < 0.1:
            paper["selected"] = True
        return paper


def load(path: Path) -> list[dict[str, object]]:
    """A papers file's papers (one paper or a list of them)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [data] if isinstance(data, dict) else list(data or [])


def dump(data: object) -> str:
    """YAML as a user writes it: author lists on one line."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)


def authors(paper: dict[str, object]) -> list[str]:
    """A paper's authors."""
    names = paper["authors"]
    assert isinstance(names, list)
    return [str(name) for name in names]


def make_site(root: Path, rng: random.Random) -> None:
    """A small site: ~15 papers in three files (one in a subfolder), shared co-authors, pages, overrides."""
    editor = Editor(root, rng)
    site = {
        "title": f"{OWNER} — Publications",
        "base_url": "https://olga.example.org/pubs/",
        "author": {"name": OWNER, "aliases": [ALIAS], "affiliation": "Example University", "photo": "static/photo.svg"},
    }
    write(root / "content" / "site.yaml", dump(site))
    write(root / "content" / "pages" / "about.md", "# About\n\nI study *retrieval* with my co-authors.\n")
    teams = [editor.team() for _ in range(5)]
    papers = [editor.new_paper(list(team)) for team in teams for _ in range(2)]  # five pairs of the same authors
    papers += [editor.new_paper() for _ in range(5)]
    rng.shuffle(papers)
    for name, part in (("recent.yaml", papers[:5]), ("older.yaml", papers[5:10]), ("sub/more.yaml", papers[10:])):
        write(editor.papers_dir / name, dump(part))
    write(root / "templates" / "page.html", template("page.html", 0))
    write(root / "static" / "photo.svg", photo("#336699"))
    write(root / "static" / "notes" / "readme.txt", "Notes, copied as they are.\n")


def write(path: Path, text: str) -> None:
    """Write a new file, its folders too."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def template(name: str, marker: int) -> str:
    """The generator's template NAME with a visible marker."""
    text = (REPO / "templates" / name).read_text(encoding="utf-8")
    if name == "_paper.html":
        return text.replace('<li class="paper" ', f'<li class="paper" data-marker="{marker}" ', 1)
    return text.replace("{% block main %}", f"{{% block main %}}<!-- marker {marker} -->", 1)


def photo(colour: str) -> str:
    """The owner's photo, in some colour."""
    circle = f'<circle cx="4" cy="4" r="4" fill="{colour}"/>'
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">{circle}</svg>\n'


# ---- the edits: each makes one change on disk and says what it did, briefly ----


def edit_year(ed: Editor) -> str:
    """A paper's year changed."""
    found = ed.papers()
    if not found:  # every papers file gone (a folder moved out of content/, say)
        return add_paper(ed)
    path, i, paper = ed.rng.choice(found)
    papers, old = load(path), paper["year"]
    papers[i]["year"] = ed.rng.choice([year for year in YEARS if year != old])
    return f"year {ed.rel(path)}[{i}] {old}->{papers[i]['year']}" + ed.save_papers(path, papers)


def swap_years(ed: Editor) -> str:
    """Of two papers by the same authors (in the same order if any are), the newer made the older: they swap.
    Mostly the lowest pair: it walks down past the years of the other papers, to where nothing moves with it."""
    found = ed.papers()
    pairs = [(a, b) for a in found for b in found if int(str(a[2]["year"])) > int(str(b[2]["year"]))]
    same = [(a, b) for a, b in pairs if authors(a[2]) == authors(b[2])]
    pairs = same or [(a, b) for a, b in pairs if set(authors(a[2])) == set(authors(b[2]))]
    if not pairs:
        return edit_year(ed)
    lowest = min(pairs, key=lambda pair: (int(str(pair[1][2]["year"])), ed.rel(pair[0][0]), pair[0][1]))
    (path, i, newer), (_, _, older) = lowest if ed.rng.random() < 0.7 else ed.rng.choice(pairs)
    papers = load(path)
    papers[i]["year"] = int(str(older["year"])) - 1  # pairs walk below YEARS, where no other paper comes between
    said = f"swap {ed.rel(path)}[{i}] {newer['year']}->{papers[i]['year']} below {older['year']}"
    return said + ed.save_papers(path, papers)


def reorder_authors(ed: Editor) -> str:
    """A paper's authors in another order."""
    found = [(path, i) for path, i, paper in ed.papers() if len(set(authors(paper))) > 1]
    if not found:
        return add_paper(ed)
    path, i = ed.rng.choice(found)
    papers = load(path)
    names = old = authors(papers[i])
    while names == old:
        names = ed.rng.sample(old, len(old))
    papers[i]["authors"] = names
    return f"reorder {ed.rel(path)}[{i}]" + ed.save_papers(path, papers)


def rename_in_one(ed: Editor) -> str:
    """One author renamed in one paper."""
    found = [(path, i, name) for path, i, paper in ed.papers() for name in authors(paper) if name not in (OWNER, ALIAS)]
    if not found:
        return add_paper(ed)
    path, i, old = ed.rng.choice(found)
    papers = load(path)
    names = authors(papers[i])
    new = ed.new_name(old)
    if new in names:
        new = f"{ed.rng.choice(FIRST)} {ed.rng.choice(LAST)} {ed.fresh()}"
    papers[i]["authors"] = [new if name == old else name for name in names]
    return f"rename {old!r}->{new!r} in {ed.rel(path)}[{i}]" + ed.save_papers(path, papers)


def rename_everywhere(ed: Editor) -> str:
    """A co-author renamed in every paper, file by file."""
    names = ed.names()
    if not names:
        return add_paper(ed)
    old = ed.rng.choice(names)
    new = ed.new_name(old)
    if new == old or any(old in authors(p) and new in authors(p) for _, _, p in ed.papers()):
        new = f"{ed.rng.choice(FIRST)} {ed.rng.choice(LAST)} {ed.fresh()}"
    hows = ""
    for path in ed.files():
        papers = load(path)
        if any(old in authors(paper) for paper in papers):
            for paper in papers:
                paper["authors"] = [new if name == old else name for name in authors(paper)]
            hows += ed.save_papers(path, papers)
    return f"rename {old!r}->{new!r} everywhere{hows}"


def add_paper(ed: Editor) -> str:
    """A new paper in a file, sometimes by the same authors as another."""
    files = ed.files()
    if not files:
        return new_file(ed)
    path = ed.rng.choice(files)
    papers = load(path)
    found = ed.papers()
    same = authors(ed.rng.choice(found)[2]) if found and ed.rng.random() < 0.5 else None
    papers.insert(ed.rng.randint(0, len(papers)), ed.new_paper(same))
    return f"add to {ed.rel(path)}" + ed.save_papers(path, papers)


def delete_paper(ed: Editor) -> str:
    """A paper deleted from its file."""
    found = ed.papers()
    if len(found) < 8:
        return add_paper(ed)
    path, i, _ = ed.rng.choice(found)
    papers = load(path)
    del papers[i]
    return f"delete {ed.rel(path)}[{i}]" + ed.save_papers(path, papers)


def move_paper(ed: Editor) -> str:
    """A paper cut from one file and pasted into another (either file saved first)."""
    files = ed.files()
    found = ed.papers()
    if len(files) < 2 or not found:
        return new_file(ed)
    source, i, paper = ed.rng.choice(found)
    target = ed.rng.choice([path for path in files if path != source])
    cut, pasted = load(source), load(target)
    del cut[i]
    pasted.insert(ed.rng.randint(0, len(pasted)), paper)
    saves = [(source, cut), (target, pasted)]
    ed.rng.shuffle(saves)
    hows = "".join(ed.save_papers(path, papers) for path, papers in saves)
    return f"move {ed.rel(source)}[{i}] to {ed.rel(target)}{hows}"


def rename_file(ed: Editor) -> str:
    """A papers file renamed, sometimes into the other folder."""
    files = ed.files()
    if not files:
        return new_file(ed)
    path = ed.rng.choice(files)
    folders = [ed.papers_dir] + ([ed.root / SUB] if (ed.root / SUB).is_dir() else [])
    target = ed.rng.choice(folders) / f"renamed-{ed.fresh()}.yaml"
    path.rename(target)
    return f"rename file {ed.rel(path)} to {ed.rel(target)}"


def delete_file(ed: Editor) -> str:
    """A papers file deleted."""
    files = ed.files()
    if len(files) < 3 or len(ed.papers()) < 8:
        return new_file(ed)
    path = ed.rng.choice(files)
    path.unlink()
    return f"delete file {ed.rel(path)}"


def new_file(ed: Editor, folder: Path | None = None) -> str:
    """A new papers file with one to three papers (in FOLDER, or either folder)."""
    folders = [ed.papers_dir] + ([ed.root / SUB] if (ed.root / SUB).is_dir() else [])
    path = (folder or ed.rng.choice(folders)) / f"new-{ed.fresh()}.yaml"
    papers = [ed.new_paper() for _ in range(ed.rng.randint(1, 3))]
    return f"new file {ed.rel(path)} ({len(papers)})" + ed.save_papers(path, papers)


def move_folder(ed: Editor) -> str:
    """content/papers/sub moved out of content/ (to elsewhere/), or back."""
    inside, outside = ed.root / SUB, ed.root / ELSEWHERE
    if inside.is_dir() and not any(inside.rglob("*.yaml")):
        return new_file(ed, inside)
    if inside.is_dir():
        outside.parent.mkdir(exist_ok=True)
        inside.rename(outside)
        return f"mv {SUB} {ELSEWHERE.parent}/"
    if outside.is_dir():
        outside.rename(inside)
        return f"mv {ELSEWHERE} {SUB.parent}/"
    return new_file(ed)


def edit_site_yaml(ed: Editor) -> str:
    """site.yaml: a new title, or the owner's alias taken away or given back."""
    path = ed.root / "content" / "site.yaml"
    site = yaml.safe_load(path.read_text(encoding="utf-8"))
    if ed.rng.random() < 0.5:
        site["title"] = f"{OWNER} — Publications {ed.fresh()}"
        what = "title"
    else:
        site["author"]["aliases"] = [] if site["author"]["aliases"] else [ALIAS]
        what = f"aliases {site['author']['aliases']}"
    return f"site.yaml {what}" + ed.save(path, dump(site))


def edit_template(ed: Editor) -> str:
    """A template override added, changed (visibly or not) or removed."""
    name = ed.rng.choice(TEMPLATES)
    path = ed.root / "templates" / name
    draw = ed.rng.random()
    if path.exists() and draw < 0.3:
        path.unlink()
        return f"remove templates/{name}"
    if path.exists() and draw < 0.5:
        return f"harmless edit templates/{name}" + ed.save(path, f"{{# {ed.fresh()} #}}" + path.read_text("utf-8"))
    return f"templates/{name}" + ed.save(path, template(name, ed.fresh()))


def edit_static(ed: Editor) -> str:
    """A static file added, changed or removed; the photo changed; site.css overridden or not."""
    draw = ed.rng.random()
    if draw < 0.25:
        return "photo" + ed.save(ed.root / "static" / "photo.svg", photo(f"#{ed.rng.randrange(16**6):06x}"))
    path = ed.root / "static" / ("site.css" if draw < 0.5 else ed.rng.choice(["notes/readme.txt", "notes/new.txt"]))
    if path.exists() and ed.rng.random() < 0.35:
        path.unlink()
        return f"remove {ed.rel(path)}"
    base = (REPO / "static" / "site.css").read_text("utf-8") if path.name == "site.css" else "Notes\n"
    return f"static {ed.rel(path)}" + ed.save(path, base + f"/* {ed.fresh()} */\n")


def edit_pages(ed: Editor) -> str:
    """about.md changed, or another page added or removed."""
    pages = ed.root / "content" / "pages"
    if ed.rng.random() < 0.5:
        return "about.md" + ed.save(pages / "about.md", f"# About\n\nI study *retrieval*, note {ed.fresh()}.\n")
    extra = pages / "talks.md"
    if extra.exists():
        extra.unlink()
        return "remove talks.md"
    return "add talks.md" + ed.save(extra, f"# Talks\n\nTalk {ed.fresh()}.\n")


def break_file(ed: Editor) -> tuple[str, Callable[[], str]]:
    """A papers file saved with invalid YAML; and the save that fixes it."""
    files = [path for path in ed.files() if load(path)]
    if not files:
        ed.save_papers(ed.papers_dir / "fixed.yaml", [ed.new_paper()])
        files = [ed.papers_dir / "fixed.yaml"]
    path = ed.rng.choice(files)
    good = path.read_text(encoding="utf-8")
    broken = ed.rng.choice(
        [
            good.replace("year: ", "year: [", 1),
            good + '- title: "an unterminated quote\n',
            good.replace("title: ", "title:\n  bad: indent\n  ", 1),
        ]
    )
    assert broken != good
    how = ed.save(path, broken)
    return f"break {ed.rel(path)}{how}", lambda: f"fix {ed.rel(path)}" + ed.save(path, good)


EDITS: dict[Callable[[Editor], str], int] = {  # each edit and how often it is drawn
    edit_year: 10,
    swap_years: 7,
    reorder_authors: 6,
    rename_in_one: 5,
    rename_everywhere: 5,
    add_paper: 6,
    delete_paper: 5,
    move_paper: 5,
    rename_file: 3,
    delete_file: 2,
    new_file: 3,
    move_folder: 3,
    edit_site_yaml: 4,
    edit_template: 4,
    edit_static: 4,
    edit_pages: 2,
}
BROKEN_SAVES = 0.04  # of the draws, a broken save and its fix
BURSTS = 0.12  # of the draws, two to four edits in quick succession


def pause(rng: random.Random) -> float:
    """Seconds to wait before the next save: often none, often a little, sometimes long enough to idle."""
    draw = rng.random()
    return 0.0 if draw < 0.45 else rng.uniform(0.1, 0.3) if draw < 0.85 else rng.uniform(0.5, 1.0)


# ---- the run: edits, then the preview held to a clean build ----


@dataclass
class Run:
    """One seed's edits against a running preview, and what a failure needs to say."""

    preview: Preview
    seed: int | None  # None: a deterministic test
    scratch: Path
    good: Tree  # the last clean build that worked: what _site/ holds while the content is broken
    log: list[str] = field(default_factory=list)

    def check(self, after: int, started: float, focus: tuple[str, ...] = (), broken: bool = False) -> None:
        """Once the preview has rebuilt since line AFTER, `_site/` is what a clean build writes, by DEADLINE (the
        paths under FOCUS compared first); while the content is BROKEN, the clean build fails and `_site/` stays."""
        clean = clean_build(self.preview.root, self.scratch)  # while the preview rebuilds: the content is final
        assert (clean.tree is None) == broken, f"the clean build {'succeeds' if broken else 'fails'}: {clean.errors}"
        printed = self.preview.settle(after, started + DEADLINE)
        expected = clean.tree if clean.tree is not None else self.good
        difference = self.converged(expected, started + DEADLINE, focus)
        if difference is not None:
            self.fail(difference, after, printed, clean)
        errors = self.preview.last_errors(after)
        if clean.tree is None and errors != list(clean.errors):
            said = "no rebuild line" if errors is None else "errors:\n" + "\n".join(errors[:5]) if errors else "none"
            self.fail(f"a clean build fails with:\n{_lines(clean.errors)}\nthe preview printed {said}", after, printed)
        if clean.tree is not None and errors:
            self.fail(f"a clean build succeeds, the preview's last rebuild failed:\n{_lines(errors)}", after, printed)
        if clean.tree is not None:
            self.good = clean.tree

    def converged(self, expected: Tree, deadline: float, focus: tuple[str, ...] = ()) -> str | None:
        """None once the preview's `_site/` equals EXPECTED; how it still differs at DEADLINE (FOCUS first)."""
        while True:
            actual = read_tree(self.preview.root / "_site")
            difference = first_difference(under(expected, focus), under(actual, focus)) if focus else None
            difference = difference or first_difference(expected, actual)
            if difference is None or time.monotonic() >= deadline:
                return difference
            self.preview.alive()
            time.sleep(0.1)

    def fail(self, difference: str, after: int, printed: bool, clean: Clean | None = None) -> None:
        """Fail with the seed, the edits so far, the difference and what the preview printed."""
        if clean is not None:
            confirmed = cli_build(self.preview.root, self.scratch) == clean
            difference += (
                "\n(a clean `site-gen build` in a process of its own writes the same)"
                if confirmed
                else "\n(BUT `site-gen build` disagrees with the in-process clean build: a harness problem)"
            )
        shown = self.log if len(self.log) <= 25 else [f"... {len(self.log) - 24} edits before", *self.log[-24:]]
        printed_lines = self.preview.lines[after:][-8:] if printed else ["(nothing since the last save)"]
        seed, replay = "", ""
        if self.seed is not None:
            seed = f"seed {self.seed}, "
            replay = (
                f" (replayed by PREVIEW_FUZZ_SEEDS={self.seed} PREVIEW_FUZZ_EDITS={len(self.log)} pytest -k at_length)"
            )
        pytest.fail(
            f"{seed}after edit {len(self.log)}: the preview's _site/ is not what a clean build writes\n"
            f"{difference}\n"
            f"the preview printed:\n{_lines(printed_lines)}\n"
            f"edits so far{replay}:\n{_lines(shown)}",
            pytrace=False,
        )

    def step(self, said: str, save: Callable[[], object], focus: tuple[str, ...] = ()) -> None:
        """One save, logged as SAID, then the check."""
        after, started = len(self.preview.lines), time.monotonic()
        save()
        self.log.append(f"{len(self.log) + 1}. {said}")
        self.check(after, started, focus)


def under(tree: Tree, prefixes: tuple[str, ...]) -> Tree:
    """The paths of TREE under any of PREFIXES (folders, without their slash)."""
    return {path: data for path, data in tree.items() if any(path.startswith(p + "/") or path == p for p in prefixes)}


def _lines(lines: list[str] | tuple[str, ...], limit: int = 200) -> str:
    """Lines indented, each cut to LIMIT characters."""
    return "\n".join("  " + (line if len(line) <= limit else line[:limit] + "…") for line in lines)


def run_edits(preview: Preview, seed: int, edits: int, scratch: Path) -> None:
    """EDITS random edits drawn from SEED, each followed by the check that the preview shows it."""
    rng = random.Random(seed)
    editor = Editor(preview.root, rng, count=1000)
    clean = clean_build(preview.root, scratch)
    assert clean.tree is not None, f"the generated site does not build: {clean.errors}"
    run = Run(preview, seed, scratch, clean.tree)
    run.check(0, time.monotonic())  # the first build
    kinds, weights = list(EDITS), list(EDITS.values())
    while len(run.log) < edits:
        time.sleep(pause(rng))
        after, started = len(preview.lines), time.monotonic()
        draw = rng.random()
        if draw < BROKEN_SAVES:
            said, fix = break_file(editor)
            run.log.append(f"{len(run.log) + 1}. {said}")
            run.check(after, started, broken=True)
            time.sleep(pause(rng))
            after, started = len(preview.lines), time.monotonic()
            run.log.append(f"{len(run.log) + 1}. {fix()}")
        else:
            burst = rng.randint(2, 4) if draw < BROKEN_SAVES + BURSTS else 1
            for n in range(min(burst, edits - len(run.log))):
                if n:
                    time.sleep(rng.choice([0.0, 0.0, 0.01, 0.05, 0.15]))
                edit = rng.choices(kinds, weights)[0]
                run.log.append(f"{len(run.log) + 1}. {edit(editor)}" + (" [burst]" if burst > 1 else ""))
        run.check(after, started)
    time.sleep(1)  # and nothing changes afterwards; what is served is what is on disk, with the reload script
    pages = ["", *sorted(path.removesuffix("index.html") for path in run.good if path.endswith("/index.html"))[:3]]
    served = (served_as_on_disk(preview, page) for page in pages)
    difference = run.converged(run.good, time.monotonic()) or next(filter(None, served), None)
    if difference is not None:
        run.fail(difference, len(preview.lines), False)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The root of a site for the preview (its clean builds go elsewhere in tmp_path)."""
    root = tmp_path / "site"
    root.mkdir()
    return root


@pytest.fixture
def serve(site: Path) -> Iterator[Callable[[], Preview]]:
    """Start `site-gen serve` on the site once it is written; stopped at the end."""
    started: list[Preview] = []

    def start() -> Preview:
        started.append(start_preview(site))
        return started[-1]

    yield start
    for preview in started:
        preview.stop()


def announce(capsys: pytest.CaptureFixture[str], seed: int, edits: int, seeds: list[int]) -> None:
    """Print the seed being run (and those of the whole run), whatever pytest captures."""
    with capsys.disabled():
        print(f"\npreview vs clean build: seed {seed} of {','.join(map(str, seeds))}, {edits} edits", flush=True)


def test_the_preview_matches_a_clean_build_after_every_edit(
    site: Path, serve: Callable[[], Preview], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    announce(capsys, SHORT_SEED, SHORT_EDITS, [SHORT_SEED])
    make_site(site, random.Random(SHORT_SEED))
    run_edits(serve(), SHORT_SEED, SHORT_EDITS, tmp_path / "clean")


def fuzz_seeds() -> list[int]:
    """PREVIEW_FUZZ_SEEDS: comma-separated seeds, or `random` for four new ones; none (skipped) by default."""
    given = os.environ.get("PREVIEW_FUZZ_SEEDS", "").strip()
    if given == "random":
        return [random.SystemRandom().randrange(10**6) for _ in range(4)]
    return [int(seed) for seed in given.split(",") if seed.strip()]


FUZZ_SEEDS = fuzz_seeds()
FUZZ_EDITS = int(os.environ.get("PREVIEW_FUZZ_EDITS", "500"))


@pytest.mark.skipif(not FUZZ_SEEDS, reason="the long run is `make fuzz` (PREVIEW_FUZZ_SEEDS)")
@pytest.mark.parametrize("seed", FUZZ_SEEDS or [0])
def test_the_preview_matches_a_clean_build_at_length(
    seed: int, site: Path, serve: Callable[[], Preview], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    announce(capsys, seed, FUZZ_EDITS, FUZZ_SEEDS)
    make_site(site, random.Random(seed))
    run_edits(serve(), seed, FUZZ_EDITS, tmp_path / "clean")


# ---- the harness itself: a clean build equals itself, and a difference is named where it starts ----


def test_a_clean_build_equals_another_clean_build(site: Path, tmp_path: Path) -> None:
    make_site(site, random.Random(SHORT_SEED))
    first, second = clean_build(site, tmp_path / "one"), clean_build(site, tmp_path / "two")
    assert first.tree is not None and first == second == cli_build(site, tmp_path / "three")
    assert "index.html" in first.tree and any(path.startswith("authors/") for path in first.tree)


def test_a_difference_is_named_with_its_path_and_lines() -> None:
    expected: Tree = {"a": None, "a/index.html": b"<p>one</p>\n<p>two</p>\n", "b.txt": b"x"}
    assert first_difference(expected, dict(expected)) is None
    changed = {**expected, "a/index.html": b"<p>one</p>\n<p>too</p>\n"}
    assert first_difference(expected, changed) == (
        "a/index.html: different\n  clean      2: <p>two</p>\n  preview    2: <p>too</p>"
    )
    assert first_difference(expected, {**expected, "c": b""}) == (
        "c: extra in the preview's _site/ (the clean build has no such path)"
    )
    missing = {path: data for path, data in expected.items() if path != "b.txt"}
    assert first_difference(expected, missing) == "b.txt: missing from the preview's _site/ (the clean build writes it)"


# ---- the known bugs, each reproduced by one save ----


def small_site(root: Path, papers: dict[str, str]) -> None:
    """A site of the owner with PAPERS: file under content/papers/ -> its YAML."""
    site = {"title": "Papers", "base_url": "https://olga.example.org/", "author": {"name": OWNER}}
    write(root / "content" / "site.yaml", dump(site))
    for name, text in papers.items():
        write(root / "content" / "papers" / name, text)


def paper_yaml(paper_id: str, names: list[str], year: int) -> str:
    """One paper, as an item of a list file."""
    return dump(
        [{"id": paper_id, "title": f"The Paper {paper_id}", "authors": names, "year": year, "venue": VENUES[0]}]
    )


def started_run(site: Path, serve: Callable[[], Preview], scratch: Path) -> Run:
    """The preview of SITE started, and its first build checked."""
    clean = clean_build(site, scratch)
    assert clean.tree is not None, clean.errors
    run = Run(serve(), None, scratch, clean.tree)
    run.check(0, time.monotonic())
    return run


def test_two_papers_of_the_same_coauthors_swapping_years_leave_their_pages_right(
    site: Path, serve: Callable[[], Preview], tmp_path: Path
) -> None:
    team = ["Ada Lovelace", "Bob Babbage", OWNER]
    papers = paper_yaml("newer", team, 2023) + paper_yaml("older", team, 2022) + paper_yaml("other", [OWNER], 2020)
    small_site(site, {"papers.yaml": papers})
    run = started_run(site, serve, tmp_path / "clean")
    path = site / "content" / "papers" / "papers.yaml"
    run.step(
        "papers.yaml: the 2023 paper of Ada and Bob set to 2021, below their 2022 one",
        lambda: path.write_text(papers.replace("year: 2023", "year: 2021"), encoding="utf-8"),
        focus=("authors/ada-lovelace", "authors/bob-babbage"),
    )


def test_a_folder_moved_out_of_content_takes_its_papers_out_of_the_preview(
    site: Path, serve: Callable[[], Preview], tmp_path: Path
) -> None:
    small_site(
        site,
        {
            "kept.yaml": paper_yaml("kept", [OWNER, "Ada Lovelace"], 2022),
            "sub/moved.yaml": paper_yaml("moved", [OWNER, "Bob Babbage"], 2023),
            "sub/deeper/also.yaml": paper_yaml("also-moved", ["Chen Wei", OWNER], 2021),
        },
    )
    run = started_run(site, serve, tmp_path / "clean")
    inside, outside = site / SUB, site / "elsewhere"
    gone = ("papers/moved", "papers/also-moved", "authors/bob-babbage", "authors/chen-wei")
    run.step("mv content/papers/sub elsewhere", lambda: inside.rename(outside), focus=gone)
    run.step("mv elsewhere content/papers/sub", lambda: outside.rename(inside), focus=gone)


def test_a_duplicate_id_at_the_same_place_of_two_files_names_both_places(
    site: Path, serve: Callable[[], Preview], tmp_path: Path
) -> None:
    text = paper_yaml("same", [OWNER, "Ada Lovelace"], 2022)
    small_site(site, {"a.yaml": text})
    run = started_run(site, serve, tmp_path / "clean")
    copy = site / "content" / "papers" / "b.yaml"
    after, started = len(run.preview.lines), time.monotonic()
    copy.write_text(text, encoding="utf-8")
    run.log.append("1. b.yaml: a copy of a.yaml")
    assert run.preview.settle(after, started + DEADLINE), "the preview printed nothing after the save"
    errors = run.preview.last_errors(after)
    shown = "\n".join(errors or ["(none)"])
    assert errors is not None and len(errors) == 2, f"the preview's errors (one per file expected):\n{shown}"
    for error, (here, there) in zip(errors, (("a", "b"), ("b", "a")), strict=True):
        place = rf"content/papers/{here}\.yaml:\d+:\d+: error: duplicate id 'same', also used at "
        assert re.match(place + rf"content/papers/{there}\.yaml:\d+:\d+; ", error), (
            f"{error}\n(should name {there}.yaml)"
        )
    run.check(after, started, broken=True)  # _site/ as it was, and the errors a clean build prints
    run.step("rm b.yaml", copy.unlink)
