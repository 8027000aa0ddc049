"""Render: a recipe for every output file (where it goes, what it is made from, how to make it), through Jinja.

A recipe's `key` holds everything its output is made from, templates by their fingerprint: the
builder compares it with the key that made the file last time and makes only what differs. What
outputs share (a paper's view, its list entry for a page's depth, a year's joined entries, BibTeX)
is made through the builder's memory (memo.py), so a rebuild redoes only what a save changed.
"""

from __future__ import annotations

import functools
import itertools
import re
import urllib.parse
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, NamedTuple

from markupsafe import Markup

from site_gen import citations
from site_gen.cache import RenderedMarkdown, digest
from site_gen.chart import papers_chart
from site_gen.derive import Catalog, CoAuthor, CoAuthorIndex, Entry, VenueGroup, YearGroup, group_years, owner_slugs
from site_gen.markup import is_plain, markdown, plain_paragraph
from site_gen.memo import Memory, Table
from site_gen.model import Page, Site
from site_gen.parallel import run_tasks
from site_gen.templates import ENTRY_MACRO, ENTRY_TEMPLATE, Templates
from site_gen.views import PaperView, highwire, json_ld, json_script, paper_view

FEED_SIZE = 50
LIST_ROOTS = ("", "../../")  # the index is at the site root; venue and author pages are two folders down
REUSED_ROOT = "../../"  # the root of the list pages that show a paper again and again
COAUTHORS_TEMPLATE = "_coauthors.html"
COAUTHORS_SHOWN = 12  # the index lists the co-authors with most joint papers first; the rest are one click away
LONG_LIST = 500  # an index of more papers lays out only the papers on screen (content-visibility; see site.js)
_ID = re.compile(r'\sid="[^"]*"')  # a selected paper's second entry on the index drops its ids: ids are unique
TEXTS_PER_TASK = 200
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
PAPER_TEMPLATE = "paper.html"
# An output's bytes, or its pieces in order: a large page or export is written as it is made, never
# joined, nor even held whole (the index of 100,000 papers is 180 MB).
Data = bytes | Iterable[bytes]


class Recipe(NamedTuple):
    """One output file: where it goes, everything it is made from (`key`, compared with ==), how to make it."""

    path: str
    key: Hashable
    make: Callable[[], Data]


@dataclass(frozen=True)
class YearList:
    """One year of a list page, as templates see it: the year, its papers, and their entries for this page.

    `entries` is every paper of the year rendered by `_paper.html`'s `entry` macro with this page's
    `root`, joined; a template may instead loop over `papers` and call `entry(paper, root)` itself.
    Both are made when a template asks for them.
    """

    year: int
    _renderer: Renderer
    _group: YearGroup
    _root: str
    _kept: bool = True  # whether the joined entries are kept for the next build

    @property
    def entries(self) -> Markup:
        """The year's list entries for this page, joined."""
        return self._renderer.joined(self._group, self._root, self._kept)

    @property
    def papers(self) -> list[PaperView]:
        """The year's papers, in list order."""
        return [self._renderer.view(entry) for entry in self._group.entries]


@dataclass(slots=True)
class Parts:
    """What the list pages and exports take from one paper, each made when first asked for.

    A cell in the builder's memory, kept by the paper (an Entry, by value) whose parts they are.
    """

    entries: dict[str, str] = field(default_factory=dict)  # root -> the paper's list entry for that root
    bibtex: tuple[str, str] | None = None  # without and with the abstract
    csl: str | None = None


class Renderer:
    """What outputs are made from, but the papers: the site, its pages, the templates and the builder's memory.

    Kept while those stay the same, with the recipes it made: a kept recipe holds no old catalog alive.
    """

    def __init__(self, site: Site, pages: tuple[Page, ...], templates: Templates, memory: Memory) -> None:
        self.site, self.pages, self.templates, self.memory = site, pages, templates, memory
        self._mine = owner_slugs(self.site.author)
        self._entry = templates.macro(ENTRY_TEMPLATE, ENTRY_MACRO)
        entry_basis = (self.site, templates.fingerprint(ENTRY_TEMPLATE))
        memory.views.start(self.site)
        memory.parts.start(entry_basis)  # list entries depend on these; BibTeX and CSL-JSON are made again with them
        memory.blocks.start(entry_basis)

    def keep_parts(self, catalog: Catalog) -> None:
        """Keep what the list pages and exports of CATALOG are joined from, though this build may not rejoin
        them: the next build then rejoins only what a save changed. All that was kept stays, unless the tables
        have grown past what the site needs: then what CATALOG does not use is forgotten."""
        memory = self.memory
        memory.parts.keep(len(catalog.entries), catalog.entries)
        venue_years = [year for group in catalog.venues for year in group.years]
        blocks = itertools.chain(
            (("list", "", year) for year in catalog.years),
            (("list", "../../", year) for year in venue_years),
            [self.coauthors_key(catalog.coauthor_index), ("places", catalog.coauthor_index)],
        )
        memory.blocks.keep(len(catalog.years) + len(venue_years) + 2, blocks)
        memory.exports.touch((kind, year) for year in catalog.years for kind in ("bib", "csl"))

    def view(self, entry: Entry) -> PaperView:
        """What templates see of one paper."""
        made = functools.partial(paper_view, entry, self.site, self._mine, self.markdown)
        return self.memory.views.made(entry, made)

    def markdown(self, text: str) -> str:
        """Markdown as HTML: rendered before (see prepare_markdown), or now."""
        found = self.memory.markdown.get(text)
        if found is None:
            return markdown(text)
        return found or plain_paragraph(text)  # "": known to be plain, not searched for syntax again

    def entry_html(self, entry: Entry, root: str) -> str:
        """One paper's list entry, for a page ROOT away from the site root.

        Made for every list root at once, from one view (a one-off build keeps few views); a one-off
        build keeps only the entries that several pages show.
        """
        parts = self.memory.parts.made(entry, Parts)
        found = parts.entries.get(root)
        if found is not None:
            return found
        view = self.view(entry)
        made = {each: str(self._entry(view, each)) for each in (*LIST_ROOTS, root)}
        for each, html in made.items():
            if self.memory.lasting or each == REUSED_ROOT:
                parts.entries[each] = html
        return made[root]

    def year_lists(self, years: tuple[YearGroup, ...], root: str, kept: bool = True) -> list[YearList]:
        """The years of a list page, each with its entries joined (KEPT: a rebuild re-joins only a changed year;
        not for the many small pages a rebuild rarely remakes, whose years are quick to join)."""
        return [YearList(group.year, self, group, root, kept) for group in years]

    def joined(self, group: YearGroup, root: str, kept: bool = True) -> Markup:
        """A year's list entries for a page ROOT away from the site root, joined (KEPT for the next build)."""
        join = functools.partial(self._join, group.entries, root)
        return self.memory.blocks.made(("list", root, group), join) if kept else join()

    def coauthor_list(self, catalog: Catalog) -> Markup:
        """The index's co-author list, rendered by `_coauthors.html` (kept: it changes only with a name or a count,
        and 20,000 co-authors take a while)."""

        def render() -> Markup:
            context = {"coauthors": catalog.coauthors, "shown": COAUTHORS_SHOWN}
            return Markup(self.templates.render(COAUTHORS_TEMPLATE, **context))

        return self.memory.blocks.made(self.coauthors_key(catalog.coauthor_index), render)

    def coauthors_key(self, index: CoAuthorIndex) -> Hashable:
        """What the co-author list is made from."""
        return ("coauthors", self.print(COAUTHORS_TEMPLATE), index)

    def coauthor_papers(self, index: CoAuthorIndex) -> Markup:
        """For the index's script, as JSON: each co-author's slug and the places of their papers in the list (kept:
        an edit that moves no paper leaves it as it was, and 20,000 co-authors' take a while)."""

        def made() -> Markup:
            return json_script({slug: places for slug, _, places in index.people})

        return self.memory.blocks.made(("places", index), made)

    def _join(self, entries: tuple[Entry, ...], root: str) -> Markup:
        """List entries for a page ROOT away from the site root, joined (as Markup once: each Markup() of a
        year's entries is a copy of them)."""
        return Markup("\n".join(self.entry_html(entry, root) for entry in entries))

    def bibtex(self, entry: Entry) -> tuple[str, str]:
        """One paper's BibTeX entry, without and with its abstract (kept for rebuilds; a one-off build
        makes it where needed: its page and the export are made by different processes)."""
        parts = self.memory.parts.made(entry, Parts) if self.memory.lasting else Parts()
        if parts.bibtex is None:
            parts.bibtex = citations.bibtex_pair(entry, render=self.markdown)
        return parts.bibtex

    def csl(self, entry: Entry) -> str:
        """One paper as a line of CSL-JSON (kept for rebuilds only: a one-off build needs it once)."""
        parts = self.memory.parts.made(entry, Parts) if self.memory.lasting else Parts()
        if parts.csl is None:
            parts.csl = citations.csl_json(entry, self.markdown)
        return parts.csl

    def exported(self, kind: str, group: YearGroup) -> bytes:
        """A year's BibTeX (kind "bib") or CSL-JSON lines ("csl") for the exports, joined and encoded (kept)."""
        if kind == "bib":
            return self.memory.exports.made(
                (kind, group), lambda: "\n".join(self.bibtex(e)[1] for e in group.entries).encode()
            )
        return self.memory.exports.made((kind, group), lambda: ",\n".join(self.csl(e) for e in group.entries).encode())

    def html(self, name: str, **context: Any) -> bytes:
        """One template rendered and encoded."""
        return self.templates.render(name, **context).encode()

    def pieces(self, name: str, **context: Any) -> Iterator[bytes]:
        """One template of a large page rendered and encoded, in pieces, as they are made."""
        return self.templates.pieces(name, **context)

    def layout(self, root: str) -> dict[str, Any]:
        """The context every HTML page shares."""
        return {
            "root": root,
            "site_title": self.site.title,
            "base_url": self.site.base_url,
            "nav_pages": [{"slug": p.slug, "title": p.title} for p in self.pages],
            "owner_name": self.site.author.name,
        }

    def print(self, name: str) -> str:
        """The fingerprint of a template and those it uses."""
        return self.templates.fingerprint(name)


def prepare_markdown(catalog: Catalog, memory: Table[str, str], stored: RenderedMarkdown, jobs: int) -> None:
    """Render every Markdown text of the site that is more than plain text once, before the outputs are
    made (in parallel, and by forked processes that then all find it): from MEMORY, from the cache on
    disk (STORED), or anew. MEMORY holds "" for a plain text. The cache keeps what the site uses."""
    texts = [paper.abstract for paper in (e.paper for e in catalog.entries) if paper.abstract]
    texts += [page.body for page in catalog.pages] + ([catalog.site.author.bio] if catalog.site.author.bio else [])
    memory.keep(len(texts), texts)
    marked = []
    for text in memory.missing(texts):
        if is_plain(text):
            memory.put(text, "")
        else:
            marked.append(text)
    if not marked:
        return
    known = stored.known()
    named = {text: digest(text.encode()) for text in marked}
    todo = [text for text in marked if named[text] not in known]
    tasks = [
        functools.partial(_render_markdown, todo[i : i + TEXTS_PER_TASK]) for i in range(0, len(todo), TEXTS_PER_TASK)
    ]
    for rendered in run_tasks(tasks, jobs):
        for text, html in rendered:
            memory.put(text, html)
    for text in sorted(marked):
        if memory.get(text) is None:
            memory.put(text, known[named[text]])
    site_marked = {text for text in texts if memory.get(text)}
    stored.keep({named.get(text) or digest(text.encode()): str(memory.get(text)) for text in site_marked})


def _render_markdown(texts: list[str]) -> list[tuple[str, str]]:
    """Some texts and their HTML."""
    return [(text, markdown(text)) for text in texts]


def plan(catalog: Catalog, templates: Templates, memory: Memory) -> list[Recipe]:
    """A recipe for every output file, in a fixed order: the files that list every paper first (one process
    renders them all), then each paper's page and .bib."""
    basis = (catalog.site, catalog.pages, templates)
    renderer = memory.renderers.made(basis, lambda: Renderer(catalog.site, catalog.pages, templates, memory))
    if memory.lasting:
        renderer.keep_parts(catalog)
    return [
        *_site_files(renderer, catalog),
        _index(renderer, catalog),
        *_venues(renderer, catalog),
        *_authors(renderer, catalog),
        *_pages(renderer),
        *_papers(renderer, catalog.entries),
    ]


def render_site(catalog: Catalog, templates: Templates) -> Iterator[tuple[str, Data]]:
    """Every output file, made one by one (so the writer can stream them to disk)."""
    for recipe in plan(catalog, templates, Memory.one_off()):
        yield recipe.path, recipe.make()


def _index(renderer: Renderer, catalog: Catalog) -> Recipe:
    """index.html: every paper by year, the venue filter and the search box."""
    templates = tuple(renderer.print(name) for name in ("index.html", ENTRY_TEMPLATE, COAUTHORS_TEMPLATE))
    key = ("index", templates, catalog.site, catalog.pages, catalog.entries)
    return Recipe("index.html", key, functools.partial(_index_page, renderer, catalog))


def _index_page(renderer: Renderer, catalog: Catalog) -> Iterator[bytes]:
    """index.html, rendered."""
    owner = renderer.site.author
    return renderer.pieces(
        "index.html",
        **renderer.layout(""),
        owner={
            "name": owner.name,
            "affiliation": owner.affiliation,
            "photo": owner.photo,
            "bio": Markup(renderer.markdown(owner.bio)) if owner.bio else None,
            "links": [{"kind": link.kind, "label": link.label, "link": link.link} for link in owner.links],
        },
        venues=[
            {"name": g.venue.name, "label": g.venue.label, "slug": g.venue.slug, "count": len(g.entries)}
            for g in catalog.venues
        ],
        coauthors=catalog.coauthors,
        coauthor_list=renderer.coauthor_list(catalog),
        chart=papers_chart(catalog.years, catalog.venues),
        selected=Markup("\n".join(_ID.sub("", renderer.entry_html(entry, "")) for entry in catalog.selected)),
        coauthor_papers=renderer.coauthor_papers(catalog.coauthor_index),
        total=len(catalog.entries),
        long_list=len(catalog.entries) > LONG_LIST,
        years=renderer.year_lists(catalog.years, ""),
    )


def _papers(renderer: Renderer, entries: tuple[Entry, ...]) -> list[Recipe]:
    """papers/ID/index.html and papers/ID/ID.bib for every paper.

    The previous build's recipes are kept for every paper whose entry and neighbours are equal to
    what they were: after an edit, only the edited paper and its neighbours get new ones.
    """
    memory, basis = renderer.memory, (renderer.site, renderer.pages, renderer.templates)
    before = memory.paper_plan
    if before is None or before[0] != basis or len(before[1]) != len(entries):
        recipes = [recipe for i in range(len(entries)) for recipe in _paper_recipes(renderer, entries, i)]
    else:
        recipes = list(before[2])
        differ = [
            i for i, (old, new) in enumerate(zip(before[1], entries, strict=True)) if old is not new and old != new
        ]
        for i in {j for at in differ for j in (at - 1, at, at + 1) if 0 <= j < len(entries)}:
            recipes[2 * i : 2 * i + 2] = _paper_recipes(renderer, entries, i)
    if memory.lasting:
        memory.paper_plan = (basis, entries, recipes)
    return recipes


def _paper_recipes(renderer: Renderer, entries: tuple[Entry, ...], i: int) -> tuple[Recipe, Recipe]:
    """The recipes of the page and .bib of the paper at I in ENTRIES."""
    entry = entries[i]
    previous = entries[i - 1] if i > 0 else None
    following = entries[i + 1] if i + 1 < len(entries) else None
    folder = f"papers/{entry.id}/"
    page = functools.partial(_paper_page, renderer, entry, previous, following)
    key = (renderer.print(PAPER_TEMPLATE), renderer.site, renderer.pages, entry, previous, following)
    bib = Recipe(f"{folder}{entry.id}.bib", ("bib", entry), functools.partial(_bib_file, renderer, entry))
    return Recipe(folder + "index.html", key, page), bib


def _paper_page(renderer: Renderer, entry: Entry, previous: Entry | None, following: Entry | None) -> bytes:
    """One paper's page."""
    view = renderer.view(entry)
    return renderer.html(
        PAPER_TEMPLATE,
        **renderer.layout("../../"),
        paper=view,
        bibtex=renderer.bibtex(entry)[0],
        citation=citations.plain_citation(entry),
        meta=highwire(view, entry, renderer.site.base_url),
        json_ld=json_ld(view, entry),
        previous=renderer.view(previous) if previous else None,
        next=renderer.view(following) if following else None,
    )


def _bib_file(renderer: Renderer, entry: Entry) -> bytes:
    """papers/ID/ID.bib."""
    return renderer.bibtex(entry)[0].encode()


def _venues(renderer: Renderer, catalog: Catalog) -> Iterator[Recipe]:
    """venues/SLUG/index.html: one venue group's papers by year, no JavaScript needed."""
    basis = (renderer.print("venue.html"), renderer.print(ENTRY_TEMPLATE), catalog.site, catalog.pages)
    for group in catalog.venues:
        page = functools.partial(_venue_page, renderer, group)
        yield Recipe(f"venues/{group.venue.slug}/index.html", (basis, group), page)


def _venue_page(renderer: Renderer, group: VenueGroup) -> Iterator[bytes]:
    """One venue group's page."""
    return renderer.pieces(
        "venue.html",
        **renderer.layout("../../"),
        venue={"name": group.venue.name, "label": group.venue.label, "slug": group.venue.slug},
        total=len(group.entries),
        years=renderer.year_lists(group.years, "../../"),
    )


def _authors(renderer: Renderer, catalog: Catalog) -> list[Recipe]:
    """authors/SLUG/index.html: the papers written with one co-author, by year, no JavaScript needed.

    The previous build's recipes are kept for every co-author equal to what it was (after an edit, all but
    the edited paper's co-authors): 20,000 co-authors' recipes are not made again on every rebuild.
    """
    memory, basis = renderer.memory, (renderer.site, renderer.pages, renderer.templates)
    before, coauthors = memory.author_plan, catalog.coauthors
    if before is None or before[0] != basis or len(before[1]) != len(coauthors):
        recipes = [_author_recipe(renderer, group) for group in coauthors]
    else:
        recipes = [
            kept if old is new or old == new else _author_recipe(renderer, new)
            for old, new, kept in zip(before[1], coauthors, before[2], strict=True)
        ]
    if memory.lasting:
        memory.author_plan = (basis, coauthors, recipes)
    return recipes


def _author_recipe(renderer: Renderer, group: CoAuthor) -> Recipe:
    """The recipe of one co-author's page."""
    key = (renderer.print("author.html"), renderer.print(ENTRY_TEMPLATE), renderer.site, renderer.pages, group)
    return Recipe(f"authors/{group.slug}/index.html", key, functools.partial(_author_page, renderer, group))


def _author_page(renderer: Renderer, group: CoAuthor) -> bytes:
    """One co-author's page."""
    return renderer.html(
        "author.html",
        **renderer.layout("../../"),
        author={"name": group.name, "slug": group.slug},
        total=group.count,
        years=renderer.year_lists(group_years(group.entries), "../../", kept=False),
    )


def _pages(renderer: Renderer) -> Iterator[Recipe]:
    """SLUG/index.html for every content/pages/SLUG.md."""
    for page in renderer.pages:
        context = {"title": page.title, "body": Markup(renderer.markdown(page.body))}
        make = functools.partial(renderer.html, "page.html", **renderer.layout("../"), page=context)
        key = ("page", renderer.print("page.html"), renderer.site, renderer.pages)
        yield Recipe(f"{page.slug}/index.html", key, make)


def _bibliography(renderer: Renderer, years: tuple[YearGroup, ...]) -> Iterator[bytes]:
    """publications.bib: every paper's BibTeX, newest first, a blank line between years."""
    return _separated((renderer.exported("bib", group) for group in years), b"\n")


def _csl_json(renderer: Renderer, years: tuple[YearGroup, ...]) -> Iterator[bytes]:
    """publications.json: every paper as CSL-JSON, one paper per line, newest first."""
    yield b"[\n"
    yield from _separated((renderer.exported("csl", group) for group in years), b",\n")
    yield b"\n]\n"


def _separated(items: Iterable[bytes], separator: bytes) -> Iterator[bytes]:
    """ITEMS with SEPARATOR between each two, as they come."""
    for i, item in enumerate(items):
        if i:
            yield separator
        yield item


def _site_files(renderer: Renderer, catalog: Catalog) -> Iterator[Recipe]:
    """The bibliography, CSL-JSON, feed, sitemap, robots.txt, 404 page and GitHub Pages markers."""
    site, entries = catalog.site, catalog.entries
    yield Recipe("publications.bib", ("bib", entries), functools.partial(_bibliography, renderer, catalog.years))
    yield Recipe("publications.json", ("csl", entries), functools.partial(_csl_json, renderer, catalog.years))
    newest = entries[:FEED_SIZE]
    yield Recipe(
        "feed.xml", ("feed", renderer.print("feed.xml"), site, newest), functools.partial(_feed, renderer, newest)
    )
    paths = [  # made on every rebuild: map() over the many papers and co-authors runs in C
        "",
        *map("papers/{}/".format, map(attrgetter("id"), entries)),
        *(f"venues/{g.venue.slug}/" for g in catalog.venues),
        *map("authors/{}/".format, map(attrgetter("slug"), catalog.coauthors)),
        *(f"{p.slug}/" for p in catalog.pages),
    ]
    yield from sitemaps(renderer.templates, site.base_url, paths)
    robots = f"User-agent: *\nAllow: /\nSitemap: {site.base_url}sitemap.xml\n".encode()
    yield Recipe("robots.txt", ("robots", robots), lambda: robots)
    missing = functools.partial(
        renderer.html, "404.html", **renderer.layout(""), base_path=urllib.parse.urlsplit(site.base_url).path or "/"
    )
    yield Recipe("404.html", ("404", renderer.print("404.html"), site, catalog.pages), missing)
    yield Recipe(".nojekyll", ("nojekyll",), lambda: b"")
    if site.domain:
        cname = f"{site.domain}\n".encode()
        yield Recipe("CNAME", ("cname", cname), lambda: cname)


def sitemaps(templates: Templates, base_url: str, paths: list[str], limit: int = SITEMAP_URLS) -> Iterator[Recipe]:
    """sitemap.xml; past the protocol's limit of URLs per file, an index of sitemap-N.xml files."""
    fingerprint = templates.fingerprint("sitemap.xml")
    if len(paths) <= limit:
        yield Recipe(
            "sitemap.xml",
            ("sitemap", fingerprint, base_url, tuple(paths)),
            _xml(templates, "sitemap.xml", base_url=base_url, paths=paths),
        )
        return
    names = []
    for number, start in enumerate(range(0, len(paths), limit), 1):
        part, name = paths[start : start + limit], f"sitemap-{number}.xml"
        names.append(name)
        yield Recipe(
            name,
            ("sitemap", fingerprint, base_url, tuple(part)),
            _xml(templates, "sitemap.xml", base_url=base_url, paths=part),
        )
    key = ("sitemap index", templates.fingerprint("sitemap-index.xml"), base_url, tuple(names))
    yield Recipe("sitemap.xml", key, _xml(templates, "sitemap-index.xml", base_url=base_url, sitemaps=names))


def _xml(templates: Templates, name: str, **context: Any) -> Callable[[], bytes]:
    """A deferred rendering of one template that needs nothing of the site but CONTEXT."""
    return lambda: templates.render(name, **context).encode()


def _feed(renderer: Renderer, newest: tuple[Entry, ...]) -> bytes:
    """feed.xml: the newest papers as an Atom feed."""
    site = renderer.site
    papers = [renderer.view(entry) for entry in newest]
    updated = papers[0].timestamp if papers else "1970-01-01T00:00:00Z"
    return renderer.html(
        "feed.xml",
        site_title=site.title,
        base_url=site.base_url,
        owner_name=site.author.name,
        papers=papers,
        updated=updated,
    )
