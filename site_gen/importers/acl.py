"""Import an ACL Anthology author page, copied as text, into one YAML file per year."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_gen.errors import SiteError, SiteErrors
from site_gen.importers.merge import merge, read_input
from site_gen.importers.yaml_out import dump_papers

YEAR_LINE = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Block:
    """Consecutive non-blank lines, and the 1-based line number of the first."""

    line: int
    lines: tuple[str, ...]


@dataclass
class ImportedPaper:
    """One paper as read from the text; `has_pdf` records the page's pdf marker."""

    title: str
    authors: list[str]
    year: int
    venue: str
    has_pdf: bool
    abstract: str | None = None

    def as_yaml_data(self) -> dict[str, Any]:
        """The paper in the content format, keys in reading order."""
        data: dict[str, Any] = {"title": self.title, "authors": self.authors, "year": self.year, "venue": self.venue}
        if self.abstract:
            data["abstract"] = self.abstract
        return data


@dataclass
class AuthorPage:
    """The whole page: its author and papers in page order."""

    author: str
    papers: list[ImportedPaper] = field(default_factory=list)


def blocks(text: str) -> list[Block]:
    """The text split at blank lines."""
    found: list[Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not current:
            start = number
        if line:
            current.append(line)
        elif current:
            found.append(Block(start, tuple(current)))
            current = []
    if current:
        found.append(Block(start, tuple(current)))
    return found


def _is_header(block: Block, previous: ImportedPaper | None) -> bool:
    """Whether a block starts a paper: the pdf marker, or title/authors/venue lines where no abstract is due."""
    if block.lines[0].lower() == "pdf":
        return True
    if len(block.lines) < 3:
        return False
    return previous is None or previous.abstract is not None or " | " in block.lines[1]


def _paper(block: Block, year: int, path: str) -> ImportedPaper:
    """A paper from its header block: [pdf], title, authors separated by |, venue, [abstract]."""
    has_pdf = block.lines[0].lower() == "pdf"
    lines = block.lines[1:] if has_pdf else block.lines
    if len(lines) < 3:
        raise SiteErrors(
            [
                SiteError(
                    path,
                    block.line,
                    1,
                    "expected a title line, an authors line (names separated by |) and a venue line",
                )
            ]
        )
    authors = [name.strip() for name in lines[1].split("|") if name.strip()]
    abstract = " ".join(lines[3:]) or None
    return ImportedPaper(lines[0], authors, year, lines[2], has_pdf, abstract)


def parse(text: str, path: str) -> AuthorPage:
    """The author page, or every located error in it."""
    found = blocks(text)
    if not found:
        raise SiteErrors([SiteError(path, 1, 1, "empty file: expected the author's name on the first line")])
    page = AuthorPage(found[0].lines[0])
    errors: list[SiteError] = []
    year: int | None = None
    rest = [Block(found[0].line + 1, found[0].lines[1:])] if len(found[0].lines) > 1 else []
    for block in rest + found[1:]:
        previous = page.papers[-1] if page.papers else None
        if len(block.lines) == 1 and YEAR_LINE.match(block.lines[0]):
            year = int(block.lines[0])
        elif _is_header(block, previous):
            if year is None:
                errors.append(
                    SiteError(path, block.line, 1, "paper before any year line; put a year like 2024 above it")
                )
                continue
            try:
                page.papers.append(_paper(block, year, path))
            except SiteErrors as exc:
                errors += exc.errors
        elif previous is not None and previous.abstract is None:
            previous.abstract = " ".join(block.lines)
        else:
            errors.append(
                SiteError(
                    path, block.line, 1, f"unexpected text {block.lines[0][:40]!r}: expected a year, 'pdf' or a paper"
                )
            )
    if errors:
        raise SiteErrors(errors)
    return page


def by_year(page: AuthorPage) -> dict[int, list[ImportedPaper]]:
    """The page's papers per year, in page order."""
    years: dict[int, list[ImportedPaper]] = {}
    for paper in page.papers:
        years.setdefault(paper.year, []).append(paper)
    return years


def import_file(source: Path, root: Path, force: bool = False, dry_run: bool = False) -> list[str]:
    """Merge the page's papers into content/papers/ (with force: replace its year files); what changed."""
    page = parse(read_input(source), str(source))
    if not force:
        return merge(root, [paper.as_yaml_data() for paper in page.papers], dry_run)
    report = []
    for year, papers in sorted(by_year(page).items(), reverse=True):
        path = root / "content" / "papers" / f"{year}.yaml"
        report.append(f"{path.relative_to(root).as_posix()}: replace with {len(papers)} papers")
        if not dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_papers([paper.as_yaml_data() for paper in papers]), encoding="utf-8")
    return report
