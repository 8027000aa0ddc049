"""Derive: ids, venue groups and year groups from the validated content."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from site_gen.errors import SiteError
from site_gen.markup import distinct_slug, fold, slugify
from site_gen.memo import Memory
from site_gen.model import Content, Owner, Page, Paper, Site, hash_once, hash_slot
from site_gen.venues import Venue, VenueRule, venue_group

ID_TITLE_WORDS = 5
ID_TITLE_CHARS = 60  # folder names stay far below the file system's 255 bytes


@dataclass(frozen=True, slots=True)
class Entry:
    """A paper placed on the site: its id, its venue group and the slug of each of its authors."""

    id: str
    paper: Paper
    venue: Venue
    author_slugs: tuple[str, ...]
    _hash: int | None = hash_slot()

    __hash__ = hash_once


@dataclass(frozen=True, slots=True)
class YearGroup:
    """The papers of one year, in source order."""

    year: int
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class VenueGroup:
    """The papers of one venue group, newest first, and by year."""

    venue: Venue
    entries: tuple[Entry, ...]
    years: tuple[YearGroup, ...]


@dataclass(frozen=True, slots=True)
class CoAuthor:
    """Someone who wrote papers with the owner: the name as most often written, its slug, the joint papers newest
    first (by year only when the page is made: a rebuild remakes few co-authors' pages)."""

    name: str
    slug: str
    entries: tuple[Entry, ...]

    @property
    def count(self) -> int:
        """How many joint papers."""
        return len(self.entries)


@dataclass(frozen=True, slots=True)
class CoAuthorIndex:
    """Each co-author's slug, name and places in the catalog's entries, most joint papers first: what the index's
    co-author list and its script's data are made from."""

    people: tuple[tuple[str, str, tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class Catalog:
    """Everything the renderer needs, in display order."""

    site: Site
    entries: tuple[Entry, ...]
    years: tuple[YearGroup, ...]
    venues: tuple[VenueGroup, ...]
    pages: tuple[Page, ...]
    coauthors: tuple[CoAuthor, ...] = ()  # most joint papers first; never the owner
    coauthor_index: CoAuthorIndex = CoAuthorIndex()
    selected: tuple[Entry, ...] = ()  # the papers marked `selected`, newest first


@functools.lru_cache(maxsize=1 << 16)  # names recur from paper to paper
def author_slug(name: str) -> str:
    """The slug of an author's page: the name folded (contract section 4); a hash of the folded name keeps names
    whose letters do not fold to ASCII apart (and "Σωκράτης", "ΣΩΚΡΑΤΗΣ" together)."""
    return distinct_slug(fold(" ".join(name.split())), "author")


def owner_slugs(owner: Owner) -> frozenset[str]:
    """The slugs of the owner's name and aliases: never a co-author, highlighted in every author list."""
    return frozenset(author_slug(name) for name in (owner.name, *owner.aliases))


def derived_id(paper: Paper) -> str:
    """year-family-first-title-words: from the paper alone, never from its place in the files."""
    family = slugify(paper.authors[0].split()[-1]) if paper.authors[0].split() else ""
    words = slugify(paper.title).split("-")[:ID_TITLE_WORDS]
    title = "-".join(words)[:ID_TITLE_CHARS].strip("-") or hashlib.sha1(paper.title.encode()).hexdigest()[:8]
    family = family[:ID_TITLE_CHARS]
    return "-".join(part for part in (str(paper.year), family, title) if part)


def _place(paper: Paper) -> SiteError:
    """Where a paper's id is written, or the paper itself when the id is derived."""
    keys = (*paper.origin.keys, "id") if paper.given_id else paper.origin.keys
    return paper.origin.source.error(keys, "")


# Getters that run in C: derive looks at every paper on every rebuild.
_YEAR, _VENUE, _NAME, _ID = attrgetter("paper.year"), attrgetter("venue"), attrgetter("name"), attrgetter("id")
_AUTHORS, _SLUGS = attrgetter("paper.authors"), attrgetter("author_slugs")


def duplicate_errors(entries: list[Entry], papers: tuple[Paper, ...]) -> list[SiteError]:
    """Two papers with one id: an error at each place, naming the other. PAPERS: those ENTRIES place, as written
    (an entry's own paper may be an equal one from elsewhere: an entry is found again by value)."""
    ids = list(map(_ID, entries))
    if len(set(ids)) == len(ids):  # the usual case, found ten times faster than by grouping
        return []
    by_id: dict[str, list[Paper]] = defaultdict(list)
    for entry_id, paper in zip(ids, papers, strict=True):
        by_id[entry_id].append(paper)
    errors = []
    for entry_id, same in by_id.items():
        if len(same) < 2:
            continue
        places = [_place(paper) for paper in same]  # positions cost a compose: only for duplicates
        for here in places:
            others = ", ".join(f"{p.path}:{p.line}:{p.col}" for p in places if p != here)
            message = f"duplicate id '{entry_id}', also used at {others}; give one of these papers its own 'id'"
            errors.append(SiteError(here.path, here.line, here.col, message))
    return errors


def group_venues(entries: tuple[Entry, ...]) -> tuple[VenueGroup, ...]:
    """Venue groups by slug, largest first, then by name."""
    by_slug: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_slug[entry.venue.slug].append(entry)
    groups = [
        VenueGroup(min(map(_VENUE, group), key=_NAME), tuple(group), group_years(tuple(group)))
        for group in by_slug.values()
    ]
    return tuple(sorted(groups, key=lambda g: (-len(g.entries), g.venue.name.casefold(), g.venue.slug)))


def group_years(entries: tuple[Entry, ...]) -> tuple[YearGroup, ...]:
    """Year groups of ENTRIES, which are newest first (groupby with a C key: every rebuild groups every paper)."""
    return tuple(YearGroup(year, tuple(group)) for year, group in groupby(entries, _YEAR))


def group_coauthors(
    entries: tuple[Entry, ...], owner: Owner, memory: Memory
) -> tuple[tuple[CoAuthor, ...], CoAuthorIndex]:
    """Everyone who wrote a paper with the owner, most joint papers first, and their index (from MEMORY when the
    papers' authors, in order, are as in an earlier build: an edit of anything else leaves them so)."""
    names, slugs = tuple(map(_AUTHORS, entries)), tuple(map(_SLUGS, entries))
    people = memory.call(coauthor_people, names, slugs, owner_slugs(owner))
    groups = tuple(CoAuthor(name, slug, tuple(entries[i] for i in at)) for slug, name, at in people)
    return groups, CoAuthorIndex(people)


def coauthor_people(
    names: tuple[tuple[str, ...], ...], slugs: tuple[tuple[str, ...], ...], mine: frozenset[str]
) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    """Each co-author's slug, name and the places of their papers, most joint papers first, from each paper's
    authors' NAMES and SLUGS: names with one slug are one co-author (a paper counted once), shown as most often
    written; the owner's own names (MINE) are left out."""
    places: dict[str, list[int]] = {}
    first: dict[str, str] = {}
    others: dict[str, list[str]] = {}  # other spellings, as often as written: most names have none
    for place, (paper_names, paper_slugs) in enumerate(zip(names, slugs, strict=True)):  # sees every author
        for name, slug in zip(paper_names, paper_slugs, strict=True):
            if slug in mine:
                continue
            found = places.get(slug)
            if found is None:
                places[slug], first[slug] = [place], name
                continue
            if found[-1] != place:
                found.append(place)
            if name != first[slug]:
                others.setdefault(slug, []).append(name)
    return tuple(
        sorted(
            ((slug, _usual(first[slug], len(at), others.get(slug)), tuple(at)) for slug, at in places.items()),
            key=lambda person: (-len(person[2]), person[1].casefold(), person[0]),
        )
    )


def _usual(first: str, papers: int, others: list[str] | None) -> str:
    """The spelling written most often (of equals, the newest), from the first one seen (the newest), the
    number of papers and the other spellings as often as written, newest first."""
    if not others:
        return first
    counts = Counter({first: papers - len(others)})
    counts.update(others)
    return counts.most_common(1)[0][0]


def place(paper: Paper, rules: tuple[VenueRule, ...]) -> Entry:
    """A paper's entry: its id, its venue group and its authors' slugs."""
    venue = venue_group(paper.venue, paper.venue_short, rules)
    return Entry(paper.given_id or derived_id(paper), paper, venue, tuple(author_slug(a) for a in paper.authors))


def derive(content: Content, memory: Memory | None = None) -> tuple[Catalog, list[SiteError]]:
    """Ids, venue groups, year groups and co-authors; duplicate ids are errors (MEMORY: papers placed before)."""
    memory, rules = memory or Memory(), content.site.venues
    entries = [memory.call(place, paper, rules) for paper in content.papers]
    errors = duplicate_errors(entries, content.papers)
    ordered = tuple(sorted(entries, key=lambda e: -e.paper.year))
    coauthors, coauthor_index = group_coauthors(ordered, content.site.author, memory)
    catalog = Catalog(
        content.site,
        ordered,
        group_years(ordered),
        group_venues(ordered),
        content.pages,
        coauthors,
        coauthor_index,
        tuple(entry for entry in ordered if entry.paper.selected),
    )
    return catalog, errors
