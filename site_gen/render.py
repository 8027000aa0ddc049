"""Render: a recipe for every output file, through Jinja: where it goes, the function that makes it, and its arguments.

An output is made by `recipe.make(renderer, *recipe.args)` and depends on those arguments alone: the
renderer holds nothing of the site, only the builder's memory, through which it gives the results
of pure functions of their own arguments (a paper's view, its list entry, a year's joined entries,
its BibTeX). So an output whose function and arguments equal last time's has last time's bytes.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Concatenate, NamedTuple, ParamSpec, TypeVar

from markupsafe import Markup

from site_gen import citations
from site_gen.cache import RenderedMarkdown, digest
from site_gen.chart import papers_chart
from site_gen.derive import Catalog, CoAuthor, CoAuthorIndex, Entry, VenueGroup, YearGroup, group_years
from site_gen.markup import is_plain, markdown, plain_paragraph
from site_gen.memo import Memory
from site_gen.model import Page, Site, hash_once, hash_slot
from site_gen.parallel import run_tasks
from site_gen.templates import ENTRY_MACRO, ENTRY_TEMPLATE, Templates
from site_gen.views import PaperView, highwire, json_ld, json_script, paper_view

FEED_SIZE = 50
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
P = ParamSpec("P")
T = TypeVar("T")
Method = Callable[Concatenate["Renderer", P], T]


@dataclass(frozen=True, slots=True)
class Theme:
    """What every page is made with besides its own content: the site, the menu of pages, the templates."""

    site: Site
    menu: tuple[tuple[str, str], ...]  # each page's slug and title
    templates: Templates
    _hash: int | None = hash_slot()

    __hash__ = hash_once


class Recipe(NamedTuple):
    """One output file: where it goes, and `make(renderer, *args)`, which makes it from ARGS alone (equal
    recipes, equal bytes)."""

    path: str
    make: Callable[..., Data]
    args: tuple[Hashable, ...]

    def run(self, renderer: Renderer) -> Data:
        """The output, made."""
        return self.make(renderer, *self.args)


def remembered(*, once: bool = False) -> Callable[[Method[P, T]], Method[P, T]]:
    """A Renderer method whose results the builder's memory keeps by its arguments; with ONCE, results one build
    uses once (a year's entries joined), which only a memory that lasts beyond the build keeps."""

    def decorate(method: Method[P, T]) -> Method[P, T]:
        def call(renderer: Renderer, /, *args: P.args, **kwargs: P.kwargs) -> T:
            if kwargs:
                raise TypeError(f"{method.__name__} is remembered by positional arguments only")
            remember = renderer.memory.keep if once else renderer.memory.call
            return remember(method, renderer, *args)

        return call

    return decorate


class Renderer:
    """The parts outputs share, each a pure function of its arguments, remembered in the builder's memory."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def markdown(self, text: str) -> str:
        """Markdown as HTML (rendered before, by prepare_markdown, for every text of the site)."""
        return self.memory.call(markdown_html, text)

    def view(self, theme: Theme, entry: Entry) -> PaperView:
        """What templates see of one paper."""
        abstract = self.markdown(entry.paper.abstract) if entry.paper.abstract else None
        return self.memory.call(_view, theme, entry, abstract)

    @remembered()
    def entry_html(self, theme: Theme, entry: Entry, root: str) -> str:
        """One paper's list entry, for a page ROOT away from the site root."""
        return str(self.memory.call(_entry_macro, theme.templates)(self.view(theme, entry), root))

    def entries_html(self, theme: Theme, entries: tuple[Entry, ...], root: str) -> Markup:
        """Papers' list entries for a page ROOT away from the site root, joined (as Markup once: each Markup() of
        them is a copy)."""
        return Markup("\n".join([self.entry_html(theme, entry, root) for entry in entries]))

    year_html = remembered(once=True)(entries_html)  # a year of a long list: an edit joins only its year again

    def year_lists(self, theme: Theme, years: tuple[YearGroup, ...], root: str, *, long: bool) -> list[YearList]:
        """The years of a list page, for a page ROOT away from the site root (of a LONG one, the index or a venue's,
        each year's entries are remembered joined)."""
        return [YearList(group.year, group.entries, self, theme, root, long) for group in years]

    @remembered()
    def bibtex(self, entry: Entry) -> tuple[str, str]:
        """One paper's BibTeX entry, without and with its abstract."""
        return citations.bibtex_pair(entry, render=self.markdown)

    @remembered(once=True)
    def year_bibtex(self, entries: tuple[Entry, ...]) -> bytes:
        """A year's BibTeX entries with their abstracts, for publications.bib."""
        return "\n".join([self.bibtex(entry)[1] for entry in entries]).encode()

    @remembered(once=True)
    def csl(self, entry: Entry) -> str:
        """One paper as a line of CSL-JSON."""
        return citations.csl_json(entry, self.markdown)

    @remembered(once=True)
    def year_csl(self, entries: tuple[Entry, ...]) -> bytes:
        """A year's papers as lines of CSL-JSON, for publications.json."""
        return ",\n".join(map(self.csl, entries)).encode()


@dataclass(frozen=True)
class YearList:
    """One year of a list page, as templates see it: the year, its papers, and their entries for this page.

    `entries` is every paper of the year rendered by `_paper.html`'s `entry` macro with this page's
    `root`, joined; a template may instead loop over `papers` and call `entry(paper, root)` itself.
    Both are made when a template asks for them.
    """

    year: int
    _entries: tuple[Entry, ...]
    _renderer: Renderer
    _theme: Theme
    _root: str
    _long: bool

    @property
    def entries(self) -> Markup:
        """The year's list entries for this page, joined."""
        join = self._renderer.year_html if self._long else self._renderer.entries_html
        return join(self._theme, self._entries, self._root)

    @property
    def papers(self) -> list[PaperView]:
        """The year's papers, in list order."""
        return [self._renderer.view(self._theme, entry) for entry in self._entries]


def markdown_html(text: str) -> str:
    """Markdown as HTML; a plain text as one paragraph, without searching it for syntax again."""
    return plain_paragraph(text) if is_plain(text) else markdown(text)


def _view(theme: Theme, entry: Entry, abstract: str | None) -> PaperView:
    """paper_view, in THEME's site, with the abstract rendered."""
    return paper_view(entry, theme.site, Markup(abstract) if abstract is not None else None)


def _entry_macro(templates: Templates) -> Callable[..., Markup]:
    """The macro that renders one paper's list entry."""
    return templates.macro(ENTRY_TEMPLATE, ENTRY_MACRO)


def _coauthor_list(theme: Theme, index: CoAuthorIndex) -> Markup:
    """The index's co-author list, rendered by `_coauthors.html`."""
    people = [{"name": name, "slug": slug, "count": len(places)} for slug, name, places in index.people]
    return Markup(theme.templates.render(COAUTHORS_TEMPLATE, coauthors=people, shown=COAUTHORS_SHOWN))


def _coauthor_papers(index: CoAuthorIndex) -> Markup:
    """For the index's script, as JSON: each co-author's slug and the places of their papers in the list."""
    return json_script({slug: places for slug, _, places in index.people})


def prepare_markdown(catalog: Catalog, memory: Memory, stored: RenderedMarkdown, jobs: int) -> None:
    """Render every Markdown text of the site once, before the outputs are made (in parallel, and by forked
    processes that then all find it): remembered, from the cache on disk (STORED), or anew."""
    texts = [paper.abstract for paper in (e.paper for e in catalog.entries) if paper.abstract]
    texts += [page.body for page in catalog.pages] + ([catalog.site.author.bio] if catalog.site.author.bio else [])
    missing = functools.partial(_render_texts, stored=stored, jobs=jobs)
    memory.call_many(markdown_html, [(text,) for text in texts], missing)


def _render_texts(many: list[tuple[str]], stored: RenderedMarkdown, jobs: int) -> list[str]:
    """markdown_html of each text: a plain one at once, others from the cache on disk or rendered in parallel."""
    texts = [text for (text,) in many]
    named = {text: digest(text.encode()) for text in texts if not is_plain(text)}
    known = stored.known()
    todo = [text for text, name in named.items() if name not in known]
    tasks = [
        functools.partial(_render_markdown, todo[i : i + TEXTS_PER_TASK]) for i in range(0, len(todo), TEXTS_PER_TASK)
    ]
    rendered = {name: html for task in run_tasks(tasks, jobs) for name, html in task}
    found = {name: rendered.get(name) or known[name] for name in named.values()}
    stored.add(found)
    return [found[named[text]] if text in named else plain_paragraph(text) for text in texts]


def _render_markdown(texts: list[str]) -> list[tuple[str, str]]:
    """Some texts' digests and their HTML."""
    return [(digest(text.encode()), markdown(text)) for text in texts]


def plan(catalog: Catalog, templates: Templates, memory: Memory) -> list[Recipe]:
    """A recipe for every output file, in a fixed order: the files that list every paper first (one process
    renders them all), then each paper's page and .bib."""
    theme = memory.call(Theme, catalog.site, tuple((page.slug, page.title) for page in catalog.pages), templates)
    return [
        *_site_files(theme, catalog),
        Recipe("index.html", _index_page, (theme, catalog)),
        *(Recipe(f"venues/{group.venue.slug}/index.html", _venue_page, (theme, group)) for group in catalog.venues),
        *(Recipe(f"authors/{group.slug}/index.html", _author_page, (theme, group)) for group in catalog.coauthors),
        *(Recipe(f"{page.slug}/index.html", _page, (theme, page)) for page in catalog.pages),
        *_papers(theme, catalog.entries, memory),
    ]


def render_site(catalog: Catalog, templates: Templates) -> Iterator[tuple[str, Data]]:
    """Every output file, made one by one (so the writer can stream them to disk)."""
    memory = Memory()
    renderer = Renderer(memory)
    prepare_markdown(catalog, memory, RenderedMarkdown(None), 1)
    for recipe in plan(catalog, templates, memory):
        yield recipe.path, recipe.run(renderer)


def _layout(theme: Theme, root: str) -> dict[str, Any]:
    """The context every HTML page shares."""
    return {
        "root": root,
        "site_title": theme.site.title,
        "base_url": theme.site.base_url,
        "nav_pages": [{"slug": slug, "title": title} for slug, title in theme.menu],
        "owner_name": theme.site.author.name,
    }


def _index_page(renderer: Renderer, theme: Theme, catalog: Catalog) -> Iterator[bytes]:
    """index.html: every paper by year, the venue filter and the search box."""
    owner = theme.site.author
    return theme.templates.pieces(
        "index.html",
        **_layout(theme, ""),
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
        coauthor_list=renderer.memory.call(_coauthor_list, theme, catalog.coauthor_index),
        chart=papers_chart(catalog.years, catalog.venues),
        selected=Markup("\n".join(_ID.sub("", renderer.entry_html(theme, entry, "")) for entry in catalog.selected)),
        coauthor_papers=renderer.memory.call(_coauthor_papers, catalog.coauthor_index),
        total=len(catalog.entries),
        long_list=len(catalog.entries) > LONG_LIST,
        years=renderer.year_lists(theme, catalog.years, "", long=True),
    )


def _papers(theme: Theme, entries: tuple[Entry, ...], memory: Memory) -> Iterator[Recipe]:
    """papers/ID/index.html and papers/ID/ID.bib for every paper; a page links to its neighbours in the list."""
    for i, entry in enumerate(entries):
        previous = entries[i - 1] if i > 0 else None
        following = entries[i + 1] if i + 1 < len(entries) else None
        yield from memory.call(_paper_recipes, theme, entry, previous, following)


def _paper_recipes(
    theme: Theme, entry: Entry, previous: Entry | None, following: Entry | None
) -> tuple[Recipe, Recipe]:
    """One paper's page and .bib (remembered: a rebuild plans an unchanged paper without making anything anew,
    and so leaves the garbage collector little to look at)."""
    folder = f"papers/{entry.id}/"
    page = Recipe(folder + "index.html", _paper_page, (theme, entry, previous, following))
    return page, Recipe(f"{folder}{entry.id}.bib", _bib_file, (entry,))


def _paper_page(
    renderer: Renderer, theme: Theme, entry: Entry, previous: Entry | None, following: Entry | None
) -> bytes:
    """One paper's page."""
    view = renderer.view(theme, entry)
    return _html(
        theme,
        PAPER_TEMPLATE,
        **_layout(theme, "../../"),
        paper=view,
        bibtex=renderer.bibtex(entry)[0],
        citation=citations.plain_citation(entry),
        meta=highwire(view, entry, theme.site.base_url),
        json_ld=json_ld(view, entry),
        previous=renderer.view(theme, previous) if previous else None,
        next=renderer.view(theme, following) if following else None,
    )


def _bib_file(renderer: Renderer, entry: Entry) -> bytes:
    """papers/ID/ID.bib."""
    return renderer.bibtex(entry)[0].encode()


def _venue_page(renderer: Renderer, theme: Theme, group: VenueGroup) -> Iterator[bytes]:
    """venues/SLUG/index.html: one venue group's papers by year, no JavaScript needed."""
    return theme.templates.pieces(
        "venue.html",
        **_layout(theme, "../../"),
        venue={"name": group.venue.name, "label": group.venue.label, "slug": group.venue.slug},
        total=len(group.entries),
        years=renderer.year_lists(theme, group.years, "../../", long=True),
    )


def _author_page(renderer: Renderer, theme: Theme, group: CoAuthor) -> bytes:
    """authors/SLUG/index.html: the papers written with one co-author, by year, no JavaScript needed."""
    return _html(
        theme,
        "author.html",
        **_layout(theme, "../../"),
        author={"name": group.name, "slug": group.slug},
        total=group.count,
        years=renderer.year_lists(theme, group_years(group.entries), "../../", long=False),
    )


def _page(renderer: Renderer, theme: Theme, page: Page) -> bytes:
    """SLUG/index.html for a content/pages/SLUG.md."""
    context = {"title": page.title, "body": Markup(renderer.markdown(page.body))}
    return _html(theme, "page.html", **_layout(theme, "../"), page=context)


def _html(theme: Theme, name: str, **context: Any) -> bytes:
    """One template rendered and encoded."""
    return theme.templates.render(name, **context).encode()


def _bibliography(renderer: Renderer, years: tuple[YearGroup, ...]) -> Iterator[bytes]:
    """publications.bib: every paper's BibTeX, newest first, a blank line between years."""
    return _separated((renderer.year_bibtex(group.entries) for group in years), b"\n")


def _csl_json(renderer: Renderer, years: tuple[YearGroup, ...]) -> Iterator[bytes]:
    """publications.json: every paper as CSL-JSON, one paper per line, newest first."""
    yield b"[\n"
    yield from _separated((renderer.year_csl(group.entries) for group in years), b",\n")
    yield b"\n]\n"


def _separated(items: Iterable[bytes], separator: bytes) -> Iterator[bytes]:
    """ITEMS with SEPARATOR between each two, as they come."""
    for i, item in enumerate(items):
        if i:
            yield separator
        yield item


def _bytes(renderer: Renderer, data: bytes) -> bytes:
    """An output whose bytes are known before it is made."""
    return data


def _missing_page(renderer: Renderer, theme: Theme) -> bytes:
    """404.html, for an address of the site that has no page."""
    base_path = urllib.parse.urlsplit(theme.site.base_url).path or "/"
    return _html(theme, "404.html", **_layout(theme, ""), base_path=base_path)


def _feed(renderer: Renderer, theme: Theme, newest: tuple[Entry, ...]) -> bytes:
    """feed.xml: the newest papers as an Atom feed."""
    site = theme.site
    papers = [renderer.view(theme, entry) for entry in newest]
    updated = papers[0].timestamp if papers else "1970-01-01T00:00:00Z"
    return _html(
        theme,
        "feed.xml",
        site_title=site.title,
        base_url=site.base_url,
        owner_name=site.author.name,
        papers=papers,
        updated=updated,
    )


def _site_files(theme: Theme, catalog: Catalog) -> Iterator[Recipe]:
    """The bibliography, CSL-JSON, feed, sitemap, robots.txt, 404 page and GitHub Pages markers."""
    site, entries = catalog.site, catalog.entries
    yield Recipe("publications.bib", _bibliography, (catalog.years,))  # derive grouped them once
    yield Recipe("publications.json", _csl_json, (catalog.years,))
    yield Recipe("feed.xml", _feed, (theme, entries[:FEED_SIZE]))
    paths = (  # made on every rebuild: map() over the many papers and co-authors runs in C
        "",
        *map("papers/{}/".format, map(attrgetter("id"), entries)),
        *(f"venues/{g.venue.slug}/" for g in catalog.venues),
        *map("authors/{}/".format, map(attrgetter("slug"), catalog.coauthors)),
        *(f"{p.slug}/" for p in catalog.pages),
    )
    yield from sitemaps(theme.templates, site.base_url, paths)
    yield Recipe("robots.txt", _bytes, (f"User-agent: *\nAllow: /\nSitemap: {site.base_url}sitemap.xml\n".encode(),))
    yield Recipe("404.html", _missing_page, (theme,))
    yield Recipe(".nojekyll", _bytes, (b"",))
    if site.domain:
        yield Recipe("CNAME", _bytes, (f"{site.domain}\n".encode(),))


def sitemaps(
    templates: Templates, base_url: str, paths: tuple[str, ...], limit: int = SITEMAP_URLS
) -> Iterator[Recipe]:
    """sitemap.xml; past the protocol's limit of URLs per file, an index of sitemap-N.xml files."""
    if len(paths) <= limit:
        yield Recipe("sitemap.xml", _xml, (templates, "sitemap.xml", base_url, paths))
        return
    names = tuple(f"sitemap-{number}.xml" for number in range(1, (len(paths) - 1) // limit + 2))
    for number, name in enumerate(names):
        yield Recipe(name, _xml, (templates, "sitemap.xml", base_url, paths[number * limit : (number + 1) * limit]))
    yield Recipe("sitemap.xml", _xml, (templates, "sitemap-index.xml", base_url, names))


def _xml(renderer: Renderer, templates: Templates, name: str, base_url: str, items: tuple[str, ...]) -> bytes:
    """A sitemap (ITEMS: the paths of its pages) or the index of sitemaps (ITEMS: their names)."""
    context = {"sitemaps": items} if name == "sitemap-index.xml" else {"paths": items}
    return templates.render(name, base_url=base_url, **context).encode()
