"""Derive: ids, venue groups and year groups from the validated content."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from site_gen.errors import SiteError
from site_gen.markup import slugify
from site_gen.memo import Table
from site_gen.model import Content, Page, Paper, Site, hash_once, hash_slot
from site_gen.venues import Venue, VenueRule, venue_group

ID_TITLE_WORDS = 5
ID_TITLE_CHARS = 60  # folder names stay far below the file system's 255 bytes


@dataclass(frozen=True, slots=True)
class Entry:
    """A paper placed on the site: its id and its venue group."""

    id: str
    paper: Paper
    venue: Venue
    _hash: int | None = hash_slot()

    __hash__ = hash_once


@dataclass(frozen=True, slots=True)
class YearGroup:
    """The papers of one year, in source order (its hash kept: it names a joined block of the builder's memory)."""

    year: int
    entries: tuple[Entry, ...]
    _hash: int | None = hash_slot()

    __hash__ = hash_once


@dataclass(frozen=True)
class VenueGroup:
    """The papers of one venue group, newest first, and by year."""

    venue: Venue
    entries: tuple[Entry, ...]
    years: tuple[YearGroup, ...]


@dataclass(frozen=True)
class Catalog:
    """Everything the renderer needs, in display order."""

    site: Site
    entries: tuple[Entry, ...]
    years: tuple[YearGroup, ...]
    venues: tuple[VenueGroup, ...]
    pages: tuple[Page, ...]


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


def duplicate_errors(entries: list[Entry]) -> list[SiteError]:
    """Two papers with one id: an error at each place, naming the other."""
    ids = [entry.id for entry in entries]
    if len(set(ids)) == len(ids):  # the usual case, found ten times faster than by grouping
        return []
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_id[entry.id].append(entry)
    errors = []
    for entry_id, same in by_id.items():
        if len(same) < 2:
            continue
        places = [_place(entry.paper) for entry in same]  # positions cost a compose: only for duplicates
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
        VenueGroup(min((e.venue for e in group), key=lambda v: v.name), tuple(group), group_years(tuple(group)))
        for group in by_slug.values()
    ]
    return tuple(sorted(groups, key=lambda g: (-len(g.entries), g.venue.name.casefold(), g.venue.slug)))


def group_years(entries: tuple[Entry, ...]) -> tuple[YearGroup, ...]:
    """Year groups, newest first."""
    by_year: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_year[entry.paper.year].append(entry)
    return tuple(YearGroup(y, tuple(by_year[y])) for y in sorted(by_year, reverse=True))


def place(paper: Paper, rules: tuple[VenueRule, ...]) -> Entry:
    """A paper's entry: its id and its venue group."""
    return Entry(paper.given_id or derived_id(paper), paper, venue_group(paper.venue, paper.venue_short, rules))


def derive(content: Content, memo: Table[Paper, Entry] | None = None) -> tuple[Catalog, list[SiteError]]:
    """Ids, venue groups and year groups; duplicate ids are errors.

    MEMO: the entries made before, by paper; they also depend on the site's venue rules.
    """
    memo = memo or Table()
    rules = content.site.venues
    memo.start(rules)
    entries = []
    for paper in content.papers:  # a plain loop: this runs for every paper on every rebuild
        entry = memo.get(paper)
        entries.append(entry if entry is not None else memo.put(paper, place(paper, rules)))
    errors = duplicate_errors(entries)
    ordered = tuple(sorted(entries, key=lambda e: -e.paper.year))
    catalog = Catalog(content.site, ordered, group_years(ordered), group_venues(ordered), content.pages)
    return catalog, errors
