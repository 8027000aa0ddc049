"""The model: the site, its papers and pages as validated records (frozen, compared by value)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from site_gen.content import KeyPath, SourceFile
from site_gen.errors import SiteError
from site_gen.venues import VenueRule

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_ID_LENGTH = 120
SAFE_SCHEMES = ("http", "https", "mailto")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
PAPER_LINKS = ("url", "code", "slides", "video", "poster", "data")
# A page SLUG.md is written to SLUG/index.html, so it cannot take the name of what the site writes itself (render.py,
# contract section 4, whose kinds' pages and RIS export are kept free too): each name, with what has it.
RESERVED_PAGES = {
    "index": "the list of papers (index.html)",
    "404": "the page for a missing address (404.html)",
    "404.html": "the page for a missing address",
    "papers": "the papers' pages (papers/)",
    "venues": "the venue pages (venues/)",
    "authors": "the co-authors' pages (authors/)",
    "types": "the pages of each kind of paper (types/)",
    "static": "the styles, scripts and files of static/",
    "feed.xml": "the Atom feed",
    "sitemap.xml": "the sitemap",
    "robots.txt": "the rules for search engines",
    "publications.bib": "the BibTeX of every paper",
    "publications.json": "the CSL-JSON of every paper",
    "publications.ris": "the RIS of every paper",
    "cname": "the custom domain's CNAME file",  # the same file on a disk that ignores case
}


# Where each BibTeX entry type keeps its venue; the keys are the types a paper's `type` may name.
VENUE_FIELDS = {
    "article": "journal",
    "inproceedings": "booktitle",
    "conference": "booktitle",
    "incollection": "booktitle",
    "inbook": "booktitle",
    "phdthesis": "school",
    "mastersthesis": "school",
    "techreport": "institution",
    "book": "publisher",
    "proceedings": "publisher",
    "manual": "organization",
    "misc": "howpublished",
    "unpublished": "note",
}
BIBTEX_TYPES = tuple(sorted(VENUE_FIELDS))
# An arXiv identifier: 2101.00001 (since 2007) or hep-th/9901001 (before), perhaps with a version.
ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ARXIV_IN_VENUE = re.compile(rf"\barXiv:\s*({ARXIV_ID})\b", re.I)


def is_arxiv(archive_prefix: str | None) -> bool:
    """Whether an e-print with this archivePrefix is arXiv's (none given: it is, as BibTeX's users mean)."""
    return (archive_prefix or "arXiv").casefold() == "arxiv"


def venue_arxiv_id(venue: str) -> str | None:
    """The arXiv identifier a venue line names, as Google Scholar writes it ('arXiv preprint arXiv:2101.00001')."""
    found = _ARXIV_IN_VENUE.search(venue)
    return found.group(1) if found else None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was written: its file and the keys leading to it, located only when needed."""

    source: SourceFile = field(compare=False, hash=False, repr=False)
    keys: KeyPath

    def error(self, message: str) -> SiteError:
        """A SiteError at this record."""
        return self.source.error(self.keys, message)


@dataclass(frozen=True, slots=True)
class Link:
    """A safe link target: an absolute http(s)/mailto URL, or a file under static/ (`local`)."""

    url: str
    local: bool = False


@dataclass(frozen=True)
class ProfileLink:
    """One of the owner's profile links, with the label shown for it."""

    kind: str
    label: str
    link: Link


@dataclass(frozen=True)
class Owner:
    """The site's author, whose name is highlighted in every author list."""

    name: str
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None
    photo: Link | None = None
    bio: str | None = None
    links: tuple[ProfileLink, ...] = ()


@dataclass(frozen=True)
class Site:
    """content/site.yaml, validated."""

    title: str
    base_url: str
    author: Owner
    domain: str | None = None
    venues: tuple[VenueRule, ...] = ()


def hash_once(record: Any) -> int:
    """A frozen dataclass's hash, computed on first use and kept in its `_hash` field (rebuilds look
    records up thousands of times)."""
    cached: int | None = record._hash
    if cached is None:
        cached = hash(_compared_values(type(record))(record))
        object.__setattr__(record, "_hash", cached)
    return cached


_COMPARED_VALUES: dict[type, Callable[[Any], Any]] = {}


def _compared_values(record_type: type) -> Callable[[Any], Any]:
    """A getter of the values a dataclass compares (attrgetter: no Python loop per record)."""
    getter = _COMPARED_VALUES.get(record_type)
    if getter is None:
        names = [f.name for f in fields(record_type) if f.compare]
        getter = _COMPARED_VALUES[record_type] = operator.attrgetter(*names)
    return getter


def hash_slot() -> Any:
    """The `_hash` field that hash_once fills in."""
    return field(default=None, init=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)  # slots: 100,000 papers without an attribute dict each
class Paper:
    """One paper as written, validated; its id may still have to be derived."""

    origin: Origin = field(compare=False)  # where it is written, for errors only: moving a paper changes no page
    given_id: str | None
    title: str  # as written for BibTeX: {braces} keep capitals, $math$ (tex.display gives what pages show)
    authors: tuple[str, ...]
    year: int
    venue: str
    venue_short: str | None = None
    pdf: Link | None = None
    abstract: str | None = None
    month: int | None = None
    pages: str | None = None
    doi: str | None = None
    address: str | None = None
    type: str | None = None
    bibkey: str | None = None
    note: str | None = None
    publisher: str | None = None
    volume: str | None = None
    number: str | None = None
    eprint: str | None = None
    archive_prefix: str | None = None  # the YAML key is BibTeX's own spelling: archivePrefix
    primary_class: str | None = None  # primaryClass
    links: tuple[tuple[str, Link], ...] = ()
    award: str | None = None
    selected: bool = False
    tags: tuple[str, ...] = ()
    bibtex: str | None = None
    et_al: bool = False  # the list ended with "et al." (or "others"): more authors, never a person
    _hash: int | None = hash_slot()

    __hash__ = hash_once


@dataclass(frozen=True)
class Page:
    """An extra page from content/pages/SLUG.md, written to SLUG/."""

    slug: str
    title: str
    body: str


@dataclass(frozen=True)
class Content:
    """The whole validated content: the site, its papers in source order, and extra pages."""

    site: Site
    papers: tuple[Paper, ...]
    pages: tuple[Page, ...]
