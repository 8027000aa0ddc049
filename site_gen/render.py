"""Render: the catalog into output files, through Jinja templates (autoescape, StrictUndefined)."""

from __future__ import annotations

import functools
import hashlib
import traceback
import urllib.parse
from collections.abc import Callable, Collection, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import jinja2.meta
from markupsafe import Markup

from site_gen import citations
from site_gen.content import Stamp, files_under, is_editor_file, stamp_of
from site_gen.derive import Catalog, Entry, VenueGroup, YearGroup
from site_gen.errors import SiteError, SiteErrors
from site_gen.markup import markdown
from site_gen.model import Site
from site_gen.views import (
    PaperView,
    highwire,
    href,
    json_ld,
    json_script,
    meta_tags,
    owner_names,
    paper_view,
)

FEED_SIZE = 50
# A list entry is rendered once, with this in place of `root`, and the mark replaced by each page's
# root when the list is joined: entries are the same on the index and on venue pages but for the way
# back to the site root. Content can never hold it (YAML refuses control characters).
ROOT_MARK = "\x02"
RECENT_VIEWS = 64
SITEMAP_URLS = 50_000  # the sitemap protocol's limit per file
ENTRY_TEMPLATE = "_paper.html"
PAPER_TEMPLATE = "paper.html"
Output = tuple[str, bytes]


@dataclass(frozen=True)
class Templates:
    """The Jinja environment over the template folders (the root's first)."""

    env: jinja2.Environment
    dirs: tuple[Path, ...]
    files: tuple[tuple[str, Stamp], ...]
    _references: dict[str, list[str]] = field(default_factory=dict, compare=False)
    _prints: dict[str, str] = field(default_factory=dict, compare=False)

    def display(self, filename: str | None) -> str:
        """A template file as the user sees it: templates/NAME."""
        for folder in self.dirs:
            if filename and Path(filename).is_relative_to(folder):
                return "templates/" + Path(filename).relative_to(folder).as_posix()
        return f"templates/{filename}"

    def render(self, name: str, **context: Any) -> str:
        """One template rendered; any failure becomes an error at the template line."""
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise SiteErrors([self._syntax_error(exc)]) from None
        except Exception as exc:  # a user's template can fail in any way; locate it, never hide it
            raise SiteErrors([self._runtime_error(name, exc)]) from None

    def call(self, name: str, macro: Callable[..., str], *args: Any) -> Markup:
        """Call a template macro; any failure becomes an error at the template line."""
        try:
            return Markup(macro(*args))
        except Exception as exc:  # a user's template can fail in any way; locate it, never hide it
            raise SiteErrors([self._runtime_error(name, exc)]) from None

    def _syntax_error(self, exc: jinja2.TemplateSyntaxError) -> SiteError:
        """A syntax error at its template line."""
        return SiteError(self.display(exc.filename), exc.lineno or 1, 1, f"template syntax error: {exc.message}")

    def _runtime_error(self, name: str, exc: Exception) -> SiteError:
        """A rendering failure at the deepest template line in its traceback."""
        path, line = f"templates/{name}", 1
        for frame in traceback.extract_tb(exc.__traceback__):
            if any(Path(frame.filename).is_relative_to(folder) for folder in self.dirs):
                path, line = self.display(frame.filename), frame.lineno or 1
        return SiteError(path, line, 1, f"template error: {exc}")

    def fingerprint(self, name: str) -> str:
        """A digest of the template and every template it extends, includes or imports."""
        found = self._prints.get(name)
        if found is None:
            found = self._prints[name] = self._fingerprint(name)
        return found

    def _fingerprint(self, name: str) -> str:
        """fingerprint, computed."""
        digest, seen, todo = hashlib.sha256(), set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.env.loader.get_source(self.env, current)[0] if self.env.loader else ""
            digest.update(f"{current}\0{source}\0".encode())
            todo += self._referenced(source)
        return digest.hexdigest()

    def _referenced(self, source: str) -> list[str]:
        """The templates a template source extends, includes or imports (parsed once per source)."""
        found = self._references.get(source)
        if found is None:
            names = jinja2.meta.find_referenced_templates(self.env.parse(source))
            found = self._references[source] = sorted(name for name in names if name is not None)
        return found

    def check(self) -> list[SiteError]:
        """Compile every template, reporting every syntax error."""
        errors = []
        for name in self.env.list_templates(filter_func=lambda name: not is_editor_file(name.rsplit("/", 1)[-1])):
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                errors.append(self._syntax_error(exc))
        return errors


def make_templates(dirs: tuple[Path, ...]) -> Templates:
    """Jinja over the template folders: autoescape for HTML and XML, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["json_script"] = json_script
    env.filters["meta_tags"] = meta_tags
    env.globals["href"] = href
    return Templates(env, dirs, template_files(dirs))


def template_files(dirs: tuple[Path, ...]) -> tuple[tuple[str, Stamp], ...]:
    """Every template file under the folders and its stamp: any change to them means a new environment
    (which compiles templates once and never looks at the files again)."""
    files = (path for folder in dirs for path in files_under(folder))
    return tuple(sorted((str(path), stamp_of(path)) for path in files))


# An output's bytes, or for the largest files (index, exports) its pieces in order: joining 100 MB
# only to write it out would double the peak memory of a large build.
Data = bytes | list[bytes]


def whole(data: Data) -> bytes:
    """An output's bytes in one piece."""
    return data if isinstance(data, bytes) else b"".join(data)


class Recipe(NamedTuple):
    """One output file: where it goes, everything it depends on (`key`, compared with ==), and how to make it."""

    path: str
    key: Hashable
    template: str | None
    make: Callable[[], Data]


class Views:
    """Template views of papers and their list entries, made once per paper and kept across rebuilds.

    A list entry (templates/_paper.html `entry`) is rendered once per paper, with ROOT_MARK for the
    page's way back to the root, so a 10,000-paper index and its venue pages are joined from kept
    pieces instead of re-running the macro for every paper on every page.
    Valid while the site settings and _paper.html stay the same (the builder makes new Views then).
    Pieces used once per build (joined lists, export lines) are kept only when `remember`, for the
    next build of a long-lived builder; a one-off build would only carry them to its end.
    """

    def __init__(self, site: Site, templates: Templates, remember: bool = True) -> None:
        self.site = site
        self.fingerprint = templates.fingerprint(ENTRY_TEMPLATE)
        self._entry_macro = templates.env.get_template(ENTRY_TEMPLATE).module.entry  # type: ignore[attr-defined]
        self._templates = templates
        self._mine = owner_names(site.author)
        self._made: dict[Entry, PaperView] = {}
        self._entries: dict[Entry, bytes] = {}
        self._remember = remember
        self._bibtex: dict[Entry, str] = {}
        self._exported: dict[Entry, bytes] = {}
        self._blocks: dict[Hashable, tuple[tuple[Entry, ...], bytes]] = {}
        self._blocks_before = self._blocks
        self._csl: dict[Entry, bytes] = {}

    def __call__(self, entry: Entry) -> PaperView:
        """The view of one placed paper."""
        view = self._made.get(entry)
        if view is None:
            view = self._recent(self._made, entry, paper_view(entry, self.site, self._mine))
        return view

    def _recent(self, cache: dict[Entry, Any], entry: Entry, value: Any) -> Any:
        """Keep VALUE in CACHE; a one-off build keeps only the last few papers' (pages show their neighbours)."""
        cache[entry] = value
        if not self._remember and len(cache) > RECENT_VIEWS:
            del cache[next(iter(cache))]
        return value

    def entry_html(self, entry: Entry) -> bytes:
        """One paper's list entry in UTF-8, with ROOT_MARK where the page's way back to the site root goes."""
        html_bytes = self._entries.get(entry)
        if html_bytes is None:
            html_text = self._templates.call(ENTRY_TEMPLATE, self._entry_macro, self(entry), ROOT_MARK)
            html_bytes = self._entries[entry] = html_text.encode()
        return html_bytes

    def joined(self, entries: tuple[Entry, ...], root: str) -> bytes:
        """The list entries of some papers for a page ROOT away from the site root, joined and encoded."""
        return self._block(
            ("list", root),
            entries,
            lambda: b"\n".join(self.entry_html(e) for e in entries).replace(ROOT_MARK.encode(), root.encode()),
        )

    def bibliography(self, entries: tuple[Entry, ...]) -> bytes:
        """Some papers' BibTeX for the full export, joined."""
        return self._block(("bib",), entries, lambda: b"\n".join(self.exported(e) for e in entries))

    def csl_lines(self, entries: tuple[Entry, ...]) -> bytes:
        """Some papers' CSL-JSON lines, joined."""
        return self._block(("csl",), entries, lambda: b",\n".join(self.csl_json(e) for e in entries))

    def _block(self, kind: Hashable, entries: tuple[Entry, ...], join: Callable[[], bytes]) -> bytes:
        """A block joined from ENTRIES' pieces, one year's say; kept, so a rebuild re-joins only changed years.

        Found by the entries' identities: hashing 10,000 entries by value costs milliseconds per build
        (an entry kept with its block cannot die and pass its id on).
        """
        key = (kind, tuple(map(id, entries)))
        kept = self._blocks.get(key) or self._blocks_before.get(key)
        if kept is None:
            kept = (entries, join())
        if self._remember:
            self._blocks[key] = kept
        return kept[1]

    def new_round(self) -> None:
        """Start a build: joined blocks that this build and the last one did not use are dropped."""
        self._blocks_before, self._blocks = self._blocks, {}

    def bibtex(self, entry: Entry) -> str:
        """One paper's BibTeX entry."""
        found = self._bibtex.get(entry)
        return found if found is not None else self._make_bibtex(entry)[0]

    def exported(self, entry: Entry) -> bytes:
        """One paper's BibTeX entry for the full export, abstract included, encoded (it is only ever joined)."""
        found = self._exported.get(entry)
        return found if found is not None else self._make_bibtex(entry)[1]

    def _make_bibtex(self, entry: Entry) -> tuple[str, bytes]:
        """One paper's BibTeX entry without and with its abstract, both made in one pass."""
        cite, exported = citations.bibtex_pair(entry)
        encoded = exported.encode()
        self._recent(self._bibtex, entry, cite)
        if self._remember:
            self._exported[entry] = encoded
        return cite, encoded

    def csl_json(self, entry: Entry) -> bytes:
        """One paper as a line of CSL-JSON, encoded."""
        found = self._csl.get(entry)
        if found is None:
            found = citations.csl_json(entry).encode()
            if self._remember:
                self._csl[entry] = found
        return found

    def keep_only(self, entries: Collection[Entry]) -> None:
        """Forget papers that are no longer on the site, once edits have left many behind."""
        if len(self._made) <= 2 * len(entries) + 100:
            return
        present = set(entries)
        self._made = {entry: view for entry, view in self._made.items() if entry in present}
        self._entries = {entry: text for entry, text in self._entries.items() if entry in present}
        self._bibtex = {entry: text for entry, text in self._bibtex.items() if entry in present}
        self._exported = {entry: data for entry, data in self._exported.items() if entry in present}
        self._csl = {entry: text for entry, text in self._csl.items() if entry in present}


def layout(catalog: Catalog, root: str) -> dict[str, Any]:
    """The context every HTML page shares."""
    site = catalog.site
    return {
        "root": root,
        "site_title": site.title,
        "base_url": site.base_url,
        "nav_pages": [{"slug": p.slug, "title": p.title} for p in catalog.pages],
        "owner_name": site.author.name,
    }


def plan(catalog: Catalog, templates: Templates, views: Views, papers: PaperPlans | None = None) -> list[Recipe]:
    """A recipe for every output file, in a fixed order: the files that list every paper first (one process
    renders them all), the exports before the index (made while the index's entries are not yet kept,
    they add 160 MB less to the peak of a 100,000-paper build)."""
    return [
        *_site_files(catalog, templates, views),
        _index(catalog, templates, views),
        *_venues(catalog, templates, views),
        *_pages(catalog, templates),
        *(papers or PaperPlans()).recipes(catalog, templates, views),
    ]


def render_site(catalog: Catalog, templates: Templates) -> Iterator[Output]:
    """Every output file, made one by one (so the writer can stream them to disk)."""
    for recipe in plan(catalog, templates, Views(catalog.site, templates)):
        yield recipe.path, whole(recipe.make())


def _html(templates: Templates, name: str, **context: Any) -> Callable[[], bytes]:
    """A deferred rendering of one HTML or XML template."""
    return lambda: templates.render(name, **context).encode()


# A list of thousands of entries is spliced into its page as bytes: the template renders a marker
# where the list goes (NUL: content can never hold one, YAML and Markdown both refuse it), and the
# encoded page is cut at the markers. Each year's list is joined and encoded once and kept, so a
# rebuild re-joins only the year that changed instead of copying 18 MB of text six times over.
_MARK = "\x00"


def _spliced(page: str, lists: list[bytes]) -> list[bytes]:
    """PAGE encoded, each marker `NUL i NUL` replaced by lists[i]: in pieces, for the writer to stream."""
    parts = page.encode().split(_MARK.encode())
    parts[1::2] = [lists[int(i)] for i in parts[1::2]]
    return parts


def _render_lists(
    templates: Templates, name: str, views: Views, years: list[tuple[int, tuple[Entry, ...]]], **context: Any
) -> list[bytes]:
    """A page listing papers by year: `years` reaches the template as [{year, entries}], entries rendered."""
    root = context["root"]
    markers = [{"year": year, "entries": Markup(f"{_MARK}{i}{_MARK}")} for i, (year, _) in enumerate(years)]
    page = templates.render(name, **context, years=markers)
    return _spliced(page, [views.joined(entries, root) for _, entries in years])


def _index(catalog: Catalog, templates: Templates, views: Views) -> Recipe:
    """index.html: every paper by year, the venue filter and the search box."""
    owner = catalog.site.author

    def context() -> dict[str, Any]:
        return dict(
            layout(catalog, ""),
            owner={
                "name": owner.name,
                "affiliation": owner.affiliation,
                "photo": owner.photo,
                "bio": Markup(markdown(owner.bio)) if owner.bio else None,
                "links": [{"label": link.label, "link": link.link} for link in owner.links],
            },
            venues=[{"name": g.venue.name, "slug": g.venue.slug, "count": len(g.entries)} for g in catalog.venues],
            total=len(catalog.entries),
        )

    def make() -> list[bytes]:
        years = [(g.year, g.entries) for g in catalog.years]
        return _render_lists(templates, "index.html", views, years, **context())

    key = ("index", catalog.site, catalog.pages, catalog.entries)
    return Recipe("index.html", key, "index.html", make)


class PaperPlans:
    """The recipes of every paper's page and .bib in the last plan, for a long-lived builder.

    A paper whose entry and neighbours are the very same objects, under the same templates, site and
    pages, gets its old recipes back: planning 20,000 outputs anew costs more than a one-paper edit.
    """

    def __init__(self) -> None:
        self._basis: tuple[Any, ...] = ()
        self._made: dict[int, tuple[PaperPage, Recipe, Recipe]] = {}  # by id(entry); the page holds the entry

    def recipes(self, catalog: Catalog, templates: Templates, views: Views) -> Iterator[Recipe]:
        """papers/ID/index.html and papers/ID/ID.bib for every paper."""
        basis = (templates, views, catalog.site, catalog.pages)
        known = self._made if basis == self._basis else {}
        made = {}
        entries, frame = catalog.entries, layout(catalog, "../../")
        for i, entry in enumerate(entries):
            previous = entries[i - 1] if i > 0 else None
            following = entries[i + 1] if i + 1 < len(entries) else None
            planned = known.get(id(entry))
            if planned is None or not planned[0].shows(entry, previous, following):
                page = PaperPage(frame, templates, views, entry, previous, following)
                planned = (page, *_paper_recipes(catalog, page))
            made[id(entry)] = planned
            yield planned[1]
            yield planned[2]
        self._basis, self._made = basis, made


def _paper_recipes(catalog: Catalog, page: PaperPage) -> tuple[Recipe, Recipe]:
    """The recipes of one paper's page and .bib."""
    entry = page.entry
    key = ("paper", catalog.site, catalog.pages, entry, page.previous, page.following)
    bib = Recipe(
        f"papers/{entry.id}/{entry.id}.bib", ("bib", entry), None, functools.partial(_bib_file, page.views, entry)
    )
    return Recipe(f"papers/{entry.id}/index.html", key, PAPER_TEMPLATE, page.render), bib


def _bib_file(views: Views, entry: Entry) -> bytes:
    """papers/ID/ID.bib."""
    return views.bibtex(entry).encode()


@dataclass(frozen=True, slots=True, eq=False)
class PaperPage:
    """One paper's page to render: the layout context of a page two folders down (not the whole catalog,
    so a kept recipe holds no old catalog alive), the paper and its neighbours."""

    frame: dict[str, Any]
    templates: Templates
    views: Views
    entry: Entry
    previous: Entry | None
    following: Entry | None

    def shows(self, entry: Entry, previous: Entry | None, following: Entry | None) -> bool:
        """Whether this page is of these very entry and neighbours (identity: compared thousands of times)."""
        return self.entry is entry and self.previous is previous and self.following is following

    def render(self) -> bytes:
        """The page's bytes."""
        views, entry = self.views, self.entry
        view = views(entry)
        return self.templates.render(
            PAPER_TEMPLATE,
            **self.frame,
            paper=view,
            bibtex=views.bibtex(entry),
            citation=citations.plain_citation(entry),
            meta=highwire(view, entry, self.frame["base_url"]),
            json_ld=json_ld(view, entry),
            previous=views(self.previous) if self.previous else None,
            next=views(self.following) if self.following else None,
        ).encode()


def _venues(catalog: Catalog, templates: Templates, views: Views) -> Iterator[Recipe]:
    """venues/SLUG/index.html: one venue group's papers by year, no JavaScript needed."""
    for group in catalog.venues:
        key = ("venue", catalog.site, catalog.pages, group)
        yield Recipe(
            f"venues/{group.venue.slug}/index.html",
            key,
            "venue.html",
            functools.partial(_venue_page, catalog, templates, views, group),
        )


def _venue_page(catalog: Catalog, templates: Templates, views: Views, group: VenueGroup) -> list[bytes]:
    """One venue group's page."""
    years: dict[int, list[Entry]] = {}
    for entry in group.entries:
        years.setdefault(entry.paper.year, []).append(entry)
    return _render_lists(
        templates,
        "venue.html",
        views,
        [(year, tuple(entries)) for year, entries in years.items()],
        **layout(catalog, "../../"),
        venue={"name": group.venue.name, "slug": group.venue.slug},
        total=len(group.entries),
    )


def _pages(catalog: Catalog, templates: Templates) -> Iterator[Recipe]:
    """SLUG/index.html for every content/pages/SLUG.md."""
    for page in catalog.pages:
        context = {"title": page.title, "body": Markup(markdown(page.body))}
        yield Recipe(
            f"{page.slug}/index.html",
            ("page", catalog.site, catalog.pages),
            "page.html",
            _html(templates, "page.html", **layout(catalog, "../"), page=context),
        )


def _bibliography(views: Views, years: tuple[YearGroup, ...]) -> list[bytes]:
    """publications.bib: every paper's BibTeX, newest first."""
    return _separated([views.bibliography(g.entries) for g in years], b"\n")


def _csl_json(views: Views, years: tuple[YearGroup, ...]) -> list[bytes]:
    """publications.json: every paper as CSL-JSON, one paper per line, newest first."""
    return [b"[\n", *_separated([views.csl_lines(g.entries) for g in years], b",\n"), b"\n]\n"]


def _separated(items: list[bytes], separator: bytes) -> list[bytes]:
    """ITEMS with SEPARATOR between each two, as pieces."""
    pieces = [separator] * (2 * len(items) - 1) if items else []
    pieces[0::2] = items
    return pieces


def _site_files(catalog: Catalog, templates: Templates, views: Views) -> Iterator[Recipe]:
    """The bibliography, CSL-JSON, feed, sitemap, robots.txt, 404 page and GitHub Pages markers."""
    site, entries = catalog.site, catalog.entries
    years = catalog.years  # the entries in order, a block per year
    bibliography, csl = functools.partial(_bibliography, views, years), functools.partial(_csl_json, views, years)
    yield Recipe("publications.bib", ("bib", entries), None, bibliography)
    yield Recipe("publications.json", ("csl", entries), None, csl)
    newest = entries[:FEED_SIZE]
    yield Recipe("feed.xml", ("feed", site, newest), "feed.xml", lambda: _feed(catalog, templates, views, newest))
    paths = (
        [""]
        + [f"papers/{e.id}/" for e in entries]
        + [f"venues/{g.venue.slug}/" for g in catalog.venues]
        + [f"{p.slug}/" for p in catalog.pages]
    )
    yield from sitemaps(templates, site.base_url, paths)
    robots = f"User-agent: *\nAllow: /\nSitemap: {site.base_url}sitemap.xml\n".encode()
    yield Recipe("robots.txt", ("robots", robots), None, lambda: robots)
    yield Recipe(
        "404.html",
        ("404", site, catalog.pages),
        "404.html",
        _html(templates, "404.html", **layout(catalog, ""), base_path=_url_path(site.base_url)),
    )
    yield Recipe(".nojekyll", ("nojekyll",), None, lambda: b"")
    if site.domain:
        cname = f"{site.domain}\n".encode()
        yield Recipe("CNAME", ("cname", cname), None, lambda: cname)


def sitemaps(templates: Templates, base_url: str, paths: list[str], limit: int = SITEMAP_URLS) -> Iterator[Recipe]:
    """sitemap.xml; past the protocol's limit of URLs per file, an index of sitemap-N.xml files."""
    if len(paths) <= limit:
        context = {"base_url": base_url, "paths": paths}
        yield Recipe(
            "sitemap.xml",
            ("sitemap", base_url, tuple(paths)),
            "sitemap.xml",
            _html(templates, "sitemap.xml", **context),
        )
        return
    names = []
    for number, start in enumerate(range(0, len(paths), limit), 1):
        part, name = paths[start : start + limit], f"sitemap-{number}.xml"
        names.append(name)
        context = {"base_url": base_url, "paths": part}
        yield Recipe(
            name, ("sitemap", base_url, tuple(part)), "sitemap.xml", _html(templates, "sitemap.xml", **context)
        )
    context = {"base_url": base_url, "sitemaps": names}
    key = ("sitemap index", base_url, tuple(names))
    yield Recipe("sitemap.xml", key, "sitemap-index.xml", _html(templates, "sitemap-index.xml", **context))


def _feed(catalog: Catalog, templates: Templates, views: Views, newest: tuple[Entry, ...]) -> bytes:
    """feed.xml: the newest papers as an Atom feed."""
    site = catalog.site
    papers = [views(e) for e in newest]
    updated = papers[0].timestamp if papers else "1970-01-01T00:00:00Z"
    return templates.render(
        "feed.xml",
        site_title=site.title,
        base_url=site.base_url,
        owner_name=site.author.name,
        papers=papers,
        updated=updated,
    ).encode()


def _url_path(url: str) -> str:
    """The path part of an absolute URL, like /repo/."""
    return urllib.parse.urlsplit(url).path or "/"
