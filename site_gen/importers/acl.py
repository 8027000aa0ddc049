"""Import an ACL Anthology author page, copied as text, into paper YAML.

The page: the author's name; then per year a line with the year; per paper an optional line of
badges (`pdf`, `bib`, `abs`, ...), the title, the authors separated by `|`, the venue line, and
after a blank line an optional one-paragraph abstract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from site_gen.errors import SiteError
from site_gen.importers.merge import (
    Change,
    Incoming,
    Outcome,
    load_files,
    match_keys,
    merge,
    read_input,
    usable,
)
from site_gen.importers.yaml_out import dump_papers
from site_gen.markup import count_papers
from site_gen.write import replace_file

YEAR_LINE = re.compile(r"^\d{4}$")
# The links the Anthology shows before a title; copied, they make a line of their own.
BADGES = frozenset({"pdf", "bib", "abs", "software", "video", "dataset", "data", "poster", "slides", "presentation"})
NONE_FOUND = "no papers found: expected a year line like 2024 with papers below it"
HEADER_HINT = "expected a title line, an authors line (names separated by |) and a venue line"


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines, and the 1-based line number of the first."""

    line: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ImportedPaper:
    """One paper as read from the page; `has_pdf` records its pdf badge, `line` where it starts."""

    title: str
    authors: tuple[str, ...]
    year: int
    venue: str
    has_pdf: bool
    line: int
    abstract: str | None = None

    def as_yaml_data(self) -> dict[str, Any]:
        """The paper in the content format, keys in reading order."""
        data: dict[str, Any] = {
            "title": self.title,
            "authors": list(self.authors),
            "year": self.year,
            "venue": self.venue,
        }
        if self.abstract:
            data["abstract"] = self.abstract
        return data

    def incoming(self) -> Incoming:
        """The paper as the merge takes it."""
        return Incoming(self.as_yaml_data(), self.line, 1, f"paper '{self.title}'")


@dataclass(frozen=True)
class AuthorPage:
    """The whole page: its author and papers in page order."""

    author: str
    papers: tuple[ImportedPaper, ...]


def blocks(text: str) -> list[Block]:
    """The text split at blank lines; a year line at the top of a block becomes a block of its own."""
    found: list[Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        line = raw.strip()
        if line and not current:
            start = number
        if line:
            current.append(line)
        elif current:
            found += _year_apart(Block(start, tuple(current)))
            current = []
    return found


def _year_apart(block: Block) -> list[Block]:
    """A year line with a paper right below it (no blank line) as two blocks; a paper titled '2024' stays one."""
    rest = Block(block.line + 1, block.lines[1:])
    if YEAR_LINE.match(block.lines[0]) and rest.lines and _is_header(rest):
        return [Block(block.line, block.lines[:1]), rest]
    return [block]


def _badges(line: str) -> bool:
    """Whether a line is only the Anthology's links, like 'pdf' or 'pdf bib abs'."""
    words = line.lower().split()
    return bool(words) and set(words) <= BADGES


def _is_header(block: Block) -> bool:
    """Whether a block starts a paper: a badge line, or title, authors and venue lines (an abstract is one line)."""
    return _badges(block.lines[0]) or len(block.lines) >= 3


def _paper(block: Block, year: int, path: str) -> ImportedPaper | SiteError:
    """A paper from its header block: [badges], title, authors separated by |, venue, [abstract]; or why not."""
    has_badges = _badges(block.lines[0])
    lines = block.lines[1:] if has_badges else block.lines
    if len(lines) < 3:
        return SiteError(path, block.line, 1, HEADER_HINT)
    authors = tuple(name.strip() for name in lines[1].split("|") if name.strip())
    if not authors:
        return SiteError(path, block.line + has_badges + 1, 1, "no author names on the authors line")
    has_pdf = has_badges and "pdf" in block.lines[0].lower().split()
    return ImportedPaper(lines[0], authors, year, lines[2], has_pdf, block.line, " ".join(lines[3:]) or None)


def _read(block: Block, year: int | None, path: str) -> ImportedPaper | SiteError:
    """A header block as a paper of YEAR, or why it is none."""
    if year is None:
        return SiteError(path, block.line, 1, "paper before any year line; put a year like 2024 above it")
    return _paper(block, year, path)


def parse(text: str, path: str) -> tuple[AuthorPage, list[SiteError]]:
    """The author page's papers, and a located error for each block that is none."""
    found = blocks(text)
    if not found:
        return AuthorPage("", ()), [SiteError(path, 1, 1, "empty file: expected the author's name on the first line")]
    papers: list[ImportedPaper] = []
    errors: list[SiteError] = []
    year: int | None = None
    owner: ImportedPaper | SiteError | None = None  # the paper (or failed one) whose abstract may come next
    for block in found[1:]:  # the first block names the author (and may say more about them)
        if len(block.lines) == 1 and YEAR_LINE.match(block.lines[0]):
            year, owner = int(block.lines[0]), None
        elif _is_header(block):
            owner = _read(block, year, path)
            if isinstance(owner, SiteError):
                errors.append(owner)
            else:
                papers.append(owner)
                owner = owner if owner.abstract is None else None
        elif isinstance(owner, ImportedPaper):
            papers[-1], owner = replace(owner, abstract=" ".join(block.lines)), None
        elif isinstance(owner, SiteError):
            owner = None  # the abstract of a paper already reported: skipped with it
        elif year is not None:  # before the first year, more about the author: affiliation, other spellings
            message = f"unexpected text {block.lines[0][:40]!r}: expected a year, 'pdf' or a paper"
            errors.append(SiteError(path, block.line, 1, message))
    return AuthorPage(found[0].lines[0], tuple(papers)), errors


def replace_years(root: Path, good: list[Incoming], skipped: list[SiteError], dry_run: bool) -> Outcome:
    """Write the papers over content/papers/YEAR.yaml, one file per year (--force), naming the papers that go."""
    years: dict[int, list[dict[str, Any]]] = {}
    for paper in good:
        years.setdefault(paper.data["year"], []).append(paper.data)
    on_page = {key for paper in good for key in match_keys(paper.data)}
    before = {paper_file.path: paper_file for paper_file in load_files(root)}
    changes = []
    for year, papers in sorted(years.items(), reverse=True):
        path = root / "content" / "papers" / f"{year}.yaml"
        old = before[path].papers() if path in before else []
        dropped = [f"'{data.get('title')}'" for data, _ in old if not on_page.intersection(match_keys(data))]
        what = count_papers(len(papers)) + (f", dropping {', '.join(dropped)}" if dropped else "")
        changes.append(Change(path.relative_to(root).as_posix(), "replace with", what))
        if not dry_run:
            replace_file(path, dump_papers(papers).encode())
    return Outcome(tuple(changes), ((len(good), "in year files replaced whole"),), tuple(skipped), dry_run)


def import_file(source: Path, root: Path, force: bool = False, dry_run: bool = False) -> Outcome:
    """Merge the page's papers into content/papers/ (with force: replace its year files); what was done."""
    shown = str(source)
    page, errors = parse(read_input(source), shown)
    incoming = [paper.incoming() for paper in page.papers]
    good, skipped = usable(root, shown, incoming, errors, NONE_FOUND)
    if force:
        return replace_years(root, good, skipped, dry_run)
    return merge(root, good, skipped, dry_run)
