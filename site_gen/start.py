"""site-gen init: start a site of one's own, with content/site.yaml for a name and, from a file, its papers.

The papers come through the importers (a BibTeX file or an ACL Anthology author page) and are written
by the same merge as `site-gen import`, into a file per year. Nothing is lost: a content/ that is
there already is kept beside it as content.old/ (content.old-2/, -3/, ... when that is taken), and
one that holds papers only with --replace.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from site_gen.content import paper_files
from site_gen.derive import author_slug
from site_gen.errors import SiteError
from site_gen.importers import acl, bibtex
from site_gen.importers.merge import Incoming, merge, read_input, usable
from site_gen.importers.yaml_out import dump_mapping
from site_gen.markup import count_papers
from site_gen.validate import ET_AL

PLACEHOLDER_URL = "https://USER.github.io/REPO/"
_BIBTEX_ENTRY = re.compile(r"^\s*@\w+\s*[{(]", re.MULTILINE)
_SITE_YAML = """\
# The site and its owner; docs/content-format.md lists every key.
{title}\
# The address the site will have. The GitHub Pages workflow (.github/workflows/pages.yml) sets it
# when it publishes; change it if you publish somewhere else.
{base_url}\
author:
{name}\
  # aliases: [A. Lovelace]              # other spellings of your name in author lists, highlighted too
  # affiliation: Your University
  # links: {{email: you@example.org, orcid: 0000-0002-1825-0097, github: you}}
"""


class Refused(Exception):
    """init would lose papers: content/ holds some (HELD, paths from the root) and --replace was not given."""

    def __init__(self, held: tuple[str, ...], kept_as: str) -> None:
        super().__init__(held, kept_as)
        self.held = held
        self.kept_as = kept_as

    def lines(self, program: str) -> list[str]:
        """What stopped init, naming a few of the files with papers, and the two ways on."""
        shown = ", ".join(self.held[:2]) + (f" and {len(self.held) - 2} more" if len(self.held) > 2 else "")
        return [
            f"content/ already holds papers ({shown}); nothing was changed",
            f"  to start over, add --replace: the old content/ is kept as {self.kept_as}/",
            f"  to add papers to this site instead: {program} import bibtex FILE (or import acl FILE)",
        ]


@dataclass(frozen=True)
class Started:
    """What init did: where the old content went, the papers it wrote per file, and what it skipped."""

    name: str
    source: str | None
    kept: str | None
    files: tuple[tuple[str, int], ...]
    skipped: tuple[SiteError, ...]
    unlisted: tuple[int, str | None] = (0, None)

    @property
    def papers(self) -> int:
        """How many papers were written."""
        return sum(count for _, count in self.files)

    def lines(self) -> list[str]:
        """What was done, one line each."""
        done = []
        if self.kept is not None:
            done.append(f"kept the old content/ as {self.kept}/ (delete it once you no longer need it)")
        done.append(f"wrote content/site.yaml for {self.name}")
        done += [f"wrote {path} ({count_papers(count)})" for path, count in self.files]
        if self.source is not None:
            skipped = f"; {len(self.skipped)} skipped with errors (above)" if self.skipped else ""
            done.append(f"imported {count_papers(self.papers)} from {self.source}{skipped}")
        return done + self._unlisted_note()

    def _unlisted_note(self) -> list[str]:
        """A note when papers do not list the owner by name: they would not be highlighted."""
        count, other = self.unlisted
        if not count:
            return []
        spelling = f" (most of them list '{other}')" if other else ""
        which = "any" if count == self.papers else str(count)
        return [
            f"note: {self.name} is not among the authors of {which} of the imported papers{spelling}; add the "
            f"spellings your papers use to author.aliases in content/site.yaml, so that they are highlighted"
        ]

    def next_steps(self, preview: str, program: str) -> list[str]:
        """What to do next: fill in site.yaml, preview, and add papers if there are none."""
        steps = [
            "edit content/site.yaml: your affiliation and links (base_url can stay as it is if you publish with "
            "the GitHub Pages workflow, which sets it)",
            f"preview the site: {preview}",
        ]
        if not self.papers:
            steps.append(
                f"add your papers: {program} import bibtex FILE, or write them in content/papers/ "
                f"(docs/content-format.md shows how)"
            )
        return ["next:"] + [f"  {number}. {step}" for number, step in enumerate(steps, start=1)]


def start(root: Path, name: str, source: Path | None = None, replace: bool = False) -> Started:
    """Start ROOT's site for NAME, with the papers of SOURCE; raise Refused (or SiteErrors for SOURCE) first."""
    papers, skipped = _read(source, root) if source is not None else ([], [])
    content = root / "content"
    held = _paper_files(content)
    if held and not replace:
        raise Refused(tuple(path.relative_to(root).as_posix() for path in held), _free_name(content))
    kept = _keep(content) if _in_use(content) else None
    (content / "papers").mkdir(parents=True, exist_ok=True)
    (content / "site.yaml").write_text(site_yaml(name), encoding="utf-8")
    written = Counter(change.path for change in merge(root, papers, [], dry_run=False).changes) if papers else {}
    return Started(
        name,
        None if source is None else str(source),
        kept,
        tuple(sorted(written.items(), reverse=True)),
        tuple(skipped),
        _unlisted(name, papers),
    )


def _read(source: Path, root: Path) -> tuple[list[Incoming], list[SiteError]]:
    """The papers of a BibTeX file or an ACL Anthology author page the site would take, and the entries skipped."""
    shown = str(source)
    text = read_input(source)
    if source.suffix.lower() in (".bib", ".bibtex") or _BIBTEX_ENTRY.search(text):
        papers, errors = bibtex.parse(text, shown)
        return usable(root, shown, papers, errors, bibtex.NONE_FOUND)
    page, errors = acl.parse(text, shown)
    return usable(root, shown, [paper.incoming() for paper in page.papers], errors, acl.NONE_FOUND)


def _paper_files(content: Path) -> list[Path]:
    """The files under CONTENT/papers that the build would read papers from and that hold anything."""
    return [Path(entry.path) for entry in paper_files(content.parent) if Path(entry.path).read_bytes().strip()]


def _free_name(content: Path) -> str:
    """content.old, else content.old-2, content.old-3, ...: the first name not taken beside CONTENT."""
    name, number = "content.old", 2
    while (content.parent / name).exists():
        name, number = f"content.old-{number}", number + 1
    return name


def _in_use(content: Path) -> bool:
    """Whether there is something at CONTENT to keep: a file, a link, or a folder that is not empty."""
    return content.is_symlink() or (content.exists() and (not content.is_dir() or any(content.iterdir())))


def _keep(content: Path) -> str:
    """Move CONTENT aside under a free name; that name."""
    name = _free_name(content)
    content.rename(content.parent / name)
    return name


def site_yaml(name: str) -> str:
    """content/site.yaml for NAME, with the optional keys a new owner fills in next as comments."""
    return _SITE_YAML.format(
        title=dump_mapping({"title": f"{name} — Publications"}),
        base_url=dump_mapping({"base_url": PLACEHOLDER_URL}),
        name="".join("  " + line + "\n" for line in dump_mapping({"name": name}).splitlines()),
    )


def _unlisted(name: str, papers: list[Incoming]) -> tuple[int, str | None]:
    """How many papers do not list NAME among their authors, and the author most of those share."""
    mine = author_slug(name)  # as the site matches its owner (derive.owner_slugs)
    others = [
        paper.data["authors"]
        for paper in papers
        if mine not in {author_slug(author) for author in paper.data["authors"]}
    ]
    shared = Counter(author for authors in others for author in set(authors) if author.casefold() not in ET_AL)
    common = shared.most_common(1)
    return len(others), common[0][0] if common and common[0][1] * 2 > len(others) else None
