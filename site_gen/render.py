"""Render: the catalog into output files, through Jinja templates (autoescape, StrictUndefined)."""

from __future__ import annotations

import html
import json
import re
import traceback
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from site_gen import citations
from site_gen.derive import Catalog, Entry
from site_gen.errors import SiteError, SiteErrors
from site_gen.markup import fold, markdown
from site_gen.model import Link, Owner, Site

LINK_LABELS = {"url": "Web", "code": "Code", "slides": "Slides", "video": "Video", "poster": "Poster", "data": "Data"}
FEED_SIZE = 50
Output = tuple[str, bytes]


@dataclass(frozen=True)
class Templates:
    """The Jinja environment over the template folders (the root's first)."""

    env: jinja2.Environment
    dirs: tuple[Path, ...]

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

    def check(self) -> list[SiteError]:
        """Compile every template, reporting every syntax error."""
        errors = []
        for name in self.env.list_templates():
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
    )
    env.filters["json_script"] = json_script
    env.globals["href"] = href
    return Templates(env, dirs)


def json_script(data: Any) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def plain_text(html_text: str) -> str:
    """Rendered HTML reduced to one line of text (meta descriptions, feed summaries)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


def href(link: Link, root: str) -> str:
    """A link as written in a page `root` away from the site root."""
    return root + link.url if link.local else link.url


def absolute(link: Link, base_url: str) -> str:
    """A link as an absolute URL (for metadata that the web requires absolute)."""
    return base_url + link.url if link.local else link.url


def owner_names(owner: Owner) -> frozenset[str]:
    """The folded spellings of the owner's name."""
    return frozenset(fold(name) for name in (owner.name, *owner.aliases))


def paper_view(entry: Entry, site: Site, mine: frozenset[str]) -> dict[str, Any]:
    """What every template needs to show one paper; built once, used on every page that lists it."""
    paper = entry.paper
    abstract = Markup(markdown(paper.abstract)) if paper.abstract else None
    links = [(LINK_LABELS[name], link) for name, link in paper.links]
    if paper.doi:
        links.append(("DOI", Link("https://doi.org/" + paper.doi)))
    return {
        "id": entry.id,
        "title": paper.title,
        "year": paper.year,
        "month": paper.month,
        "authors": [{"name": name, "owner": fold(name) in mine} for name in paper.authors],
        "venue": paper.venue,
        "venue_name": entry.venue.name,
        "venue_slug": entry.venue.slug,
        "journal": entry.venue.journal,
        "pdf": paper.pdf,
        "links": links,
        "doi": paper.doi,
        "pages": paper.pages,
        "address": paper.address,
        "abstract": abstract,
        "summary": plain_text(abstract) if abstract else "",
        "award": paper.award,
        "selected": paper.selected,
        "tags": list(paper.tags),
        "url": f"{site.base_url}papers/{entry.id}/",
        "date": _date(paper.year, paper.month),
        "timestamp": f"{paper.year}-{paper.month or 1:02d}-01T00:00:00Z",
    }


def _date(year: int, month: int | None) -> str:
    """YYYY-MM or YYYY."""
    return f"{year}-{month:02d}" if month else str(year)


def highwire(view: dict[str, Any], entry: Entry, base_url: str) -> list[tuple[str, str]]:
    """The citation_* meta tags Google Scholar indexes."""
    tags = [("citation_title", view["title"])]
    tags += [("citation_author", name) for name in entry.paper.authors]
    month = view["month"]
    tags.append(("citation_publication_date", f"{view['year']}/{month:02d}" if month else str(view["year"])))
    tags.append(("citation_journal_title" if view["journal"] else "citation_conference_title", view["venue"]))
    if view["pdf"]:
        tags.append(("citation_pdf_url", absolute(view["pdf"], base_url)))
    pages = citations.page_range(view["pages"])
    if pages:
        tags += [("citation_firstpage", pages[0]), ("citation_lastpage", pages[1])]
    if view["doi"]:
        tags.append(("citation_doi", view["doi"]))
    return tags


def json_ld(view: dict[str, Any], entry: Entry) -> dict[str, Any]:
    """The schema.org ScholarlyArticle for one paper."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": view["title"],
        "name": view["title"],
        "url": view["url"],
        "author": [{"@type": "Person", "name": name} for name in entry.paper.authors],
        "datePublished": view["date"],
        "isPartOf": {"@type": "Periodical" if view["journal"] else "CreativeWork", "name": view["venue"]},
    }
    if view["summary"]:
        data["abstract"] = view["summary"]
    if view["doi"]:
        data["sameAs"] = "https://doi.org/" + view["doi"]
    return data


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


def render_site(catalog: Catalog, templates: Templates) -> Iterator[Output]:
    """Every output file, rendered one by one (so the writer can stream them to disk)."""
    site = catalog.site
    mine = owner_names(site.author)
    views = {entry.id: paper_view(entry, site, mine) for entry in catalog.entries}
    yield from _index(catalog, templates, views)
    yield from _papers(catalog, templates, views)
    yield from _venues(catalog, templates, views)
    yield from _pages(catalog, templates)
    yield from _site_files(catalog, templates, views)


def _index(catalog: Catalog, templates: Templates, views: dict[str, dict[str, Any]]) -> Iterator[Output]:
    """index.html: every paper by year, the venue filter and the search box."""
    owner = catalog.site.author
    yield (
        "index.html",
        templates.render(
            "index.html",
            **layout(catalog, ""),
            owner={
                "name": owner.name,
                "affiliation": owner.affiliation,
                "photo": owner.photo,
                "bio": Markup(markdown(owner.bio)) if owner.bio else None,
                "links": [{"label": link.label, "link": link.link} for link in owner.links],
            },
            years=[{"year": group.year, "papers": [views[e.id] for e in group.entries]} for group in catalog.years],
            venues=[{"name": g.venue.name, "slug": g.venue.slug, "count": len(g.entries)} for g in catalog.venues],
            total=len(catalog.entries),
        ).encode(),
    )


def _papers(catalog: Catalog, templates: Templates, views: dict[str, dict[str, Any]]) -> Iterator[Output]:
    """papers/ID/index.html and papers/ID/ID.bib for every paper."""
    entries = catalog.entries
    base = layout(catalog, "../../")
    for i, entry in enumerate(entries):
        view = views[entry.id]
        bib = citations.bibtex(entry)
        yield (
            f"papers/{entry.id}/index.html",
            templates.render(
                "paper.html",
                **base,
                paper=view,
                bibtex=bib,
                citation=citations.plain_citation(entry),
                meta=highwire(view, entry, catalog.site.base_url),
                json_ld=json_ld(view, entry),
                previous=views[entries[i - 1].id] if i > 0 else None,
                next=views[entries[i + 1].id] if i + 1 < len(entries) else None,
            ).encode(),
        )
        yield f"papers/{entry.id}/{entry.id}.bib", bib.encode()


def _venues(catalog: Catalog, templates: Templates, views: dict[str, dict[str, Any]]) -> Iterator[Output]:
    """venues/SLUG/index.html: one venue group's papers by year, no JavaScript needed."""
    base = layout(catalog, "../../")
    for group in catalog.venues:
        years: dict[int, list[dict[str, Any]]] = {}
        for entry in group.entries:
            years.setdefault(entry.paper.year, []).append(views[entry.id])
        yield (
            f"venues/{group.venue.slug}/index.html",
            templates.render(
                "venue.html",
                **base,
                venue={"name": group.venue.name, "slug": group.venue.slug},
                years=[{"year": y, "papers": papers} for y, papers in years.items()],
                total=len(group.entries),
            ).encode(),
        )


def _pages(catalog: Catalog, templates: Templates) -> Iterator[Output]:
    """SLUG/index.html for every content/pages/SLUG.md."""
    base = layout(catalog, "../")
    for page in catalog.pages:
        yield (
            f"{page.slug}/index.html",
            templates.render(
                "page.html", **base, page={"title": page.title, "body": Markup(markdown(page.body))}
            ).encode(),
        )


def _site_files(catalog: Catalog, templates: Templates, views: dict[str, dict[str, Any]]) -> Iterator[Output]:
    """The bibliography, CSL-JSON, feed, sitemap, robots.txt, 404 page and GitHub Pages markers."""
    site = catalog.site
    entries = catalog.entries
    yield "publications.bib", "\n".join(citations.bibtex(e) for e in entries).encode()
    csl = [citations.csl_item(e) for e in entries]
    yield "publications.json", (json.dumps(csl, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
    newest = [views[e.id] for e in entries[:FEED_SIZE]]
    yield (
        "feed.xml",
        templates.render(
            "feed.xml",
            site_title=site.title,
            base_url=site.base_url,
            owner_name=site.author.name,
            papers=newest,
            updated=newest[0]["timestamp"] if newest else "1970-01-01T00:00:00Z",
        ).encode(),
    )
    urls = (
        [""]
        + [f"papers/{e.id}/" for e in entries]
        + [f"venues/{g.venue.slug}/" for g in catalog.venues]
        + [f"{p.slug}/" for p in catalog.pages]
    )
    yield "sitemap.xml", templates.render("sitemap.xml", base_url=site.base_url, paths=urls).encode()
    yield "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.base_url}sitemap.xml\n".encode()
    yield "404.html", templates.render("404.html", **layout(catalog, ""), base_path=_url_path(site.base_url)).encode()
    yield ".nojekyll", b""
    if site.domain:
        yield "CNAME", f"{site.domain}\n".encode()


def _url_path(url: str) -> str:
    """The path part of an absolute URL, like /repo/."""
    return urllib.parse.urlsplit(url).path or "/"
