"""Views: what templates see of one paper, made once per paper and shared by every page that shows it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from site_gen import citations, tex
from site_gen.derive import Entry, owner_slugs
from site_gen.model import MONTHS, Link, Site

LINK_LABELS = {"url": "Web", "code": "Code", "slides": "Slides", "video": "Video", "poster": "Poster", "data": "Data"}
DESCRIPTION_CHARS = 300
ROOT = "\0"  # a page's way back to the site root, in HTML made before the page (text has no NUL: content.py)
# Made once: json.dumps with any option makes a new encoder per call, half the cost of a paper's JSON-LD.
_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Author:
    """One name in an author list: `owner` when it is the site owner's; `slug` names a co-author's page."""

    name: str
    owner: bool
    slug: str


@dataclass(frozen=True, slots=True)
class PaperView:
    """One placed paper as templates use it (attributes, not dict keys: Jinja looks them up faster)."""

    id: str
    title: str  # as shown: without the braces that keep capitals in BibTeX
    year: int
    month: int | None
    published: str  # 'August 2024', or '2024'
    authors: tuple[Author, ...]
    et_al: bool
    venue: str
    venue_name: str
    venue_label: str
    venue_slug: str
    journal: bool
    pdf: Link | None
    arxiv: str | None  # its arXiv page
    links: tuple[tuple[str, Link], ...]
    doi: str | None
    pages: str | None
    address: str | None
    abstract: Markup | None
    award: str | None
    selected: bool
    tags: tuple[str, ...]
    url: str
    date: str
    timestamp: str
    _authors: str  # authors_html with ROOT where the page's way back to the site root goes
    _summary: str | None = field(default=None, compare=False, repr=False)

    @property
    def summary(self) -> str:
        """The abstract as one line of plain text ("" without one); made on first use, as list entries never use it."""
        found = self._summary
        if found is None:
            found = citations.plain_text(self.abstract) if self.abstract else ""
            object.__setattr__(self, "_summary", found)
        return found

    @property
    def description(self) -> str:
        """The summary cut to about DESCRIPTION_CHARS, for meta descriptions."""
        return shorten(self.summary, DESCRIPTION_CHARS)

    def authors_html(self, root: str) -> Markup:
        """The author list for a page ROOT away from the site root: each co-author a link to their page, the
        owner in <strong class="me">, then "et al." if the list ends so."""
        return Markup(self._authors.replace(ROOT, root))


def paper_view(entry: Entry, site: Site, abstract: Markup | None) -> PaperView:
    """The view of one placed paper, with its ABSTRACT as HTML."""
    paper = entry.paper
    mine = owner_slugs(site.author)
    arxiv_id = citations.arxiv_id(paper)
    arxiv = citations.arxiv_url(arxiv_id) if arxiv_id else None
    links = tuple((LINK_LABELS[name], link) for name, link in paper.links if link.url != arxiv)  # no twin links
    if paper.doi:
        links += (("DOI", Link("https://doi.org/" + paper.doi)),)
    authors = tuple(
        Author(name, slug in mine, slug) for name, slug in zip(paper.authors, entry.author_slugs, strict=True)
    )
    return PaperView(
        id=entry.id,
        title=tex.display(paper.title),
        year=paper.year,
        month=paper.month,
        published=f"{MONTHS[paper.month - 1].title()} {paper.year}" if paper.month else str(paper.year),
        authors=authors,
        et_al=paper.et_al,
        venue=paper.venue,
        venue_name=entry.venue.name,
        venue_label=entry.venue.label,
        venue_slug=entry.venue.slug,
        journal=not citations.in_proceedings(entry),
        pdf=paper.pdf,
        arxiv=arxiv,
        links=links,
        doi=paper.doi,
        pages=paper.pages,
        address=paper.address,
        abstract=abstract,
        award=paper.award,
        selected=paper.selected,
        tags=paper.tags,
        url=f"{site.base_url}papers/{entry.id}/",
        date=f"{paper.year}-{paper.month:02d}" if paper.month else str(paper.year),
        timestamp=f"{paper.year}-{paper.month or 1:02d}-01T00:00:00Z",
        _authors=authors_html(authors, paper.et_al),
    )


def authors_html(authors: tuple[Author, ...], et_al: bool = False) -> str:
    """An author list as HTML, with ROOT for the page's way back to the site root (made once per paper: it is
    in every list entry, for pages at two depths)."""
    names = [
        f'<strong class="me">{escape(a.name)}</strong>'
        if a.owner
        else f'<a href="{ROOT}authors/{a.slug}/index.html">{escape(a.name)}</a>'
        for a in authors
    ]
    return ", ".join([*names, "et al."] if et_al else names)


def shorten(text: str, limit: int) -> str:
    """TEXT cut at a word boundary to about LIMIT characters, with '...' when cut (as Jinja's truncate)."""
    if len(text) <= limit + 5:
        return text
    return text[: limit - 3].rsplit(" ", 1)[0] + "..."


def href(link: Link, root: str) -> str:
    """A link as written in a page `root` away from the site root."""
    return root + link.url if link.local else link.url


def absolute(link: Link, base_url: str) -> str:
    """A link as an absolute URL (for metadata that the web requires absolute)."""
    return base_url + link.url if link.local else link.url


def highwire(view: PaperView, entry: Entry, base_url: str) -> list[tuple[str, str]]:
    """The citation_* meta tags Google Scholar indexes."""
    tags = [("citation_title", view.title)]
    tags += [("citation_author", name) for name in entry.paper.authors]
    date = f"{view.year}/{view.month:02d}" if view.month else str(view.year)
    tags.append(("citation_publication_date", date))
    tags.append(("citation_journal_title" if view.journal else "citation_conference_title", view.venue))
    if view.pdf:
        tags.append(("citation_pdf_url", absolute(view.pdf, base_url)))
    pages = citations.page_range(view.pages)
    if pages:
        tags += [("citation_firstpage", pages[0]), ("citation_lastpage", pages[1])]
    if view.doi:
        tags.append(("citation_doi", view.doi))
    arxiv = citations.arxiv_id(entry.paper)
    if arxiv:
        tags.append(("citation_arxiv_id", arxiv))
    return tags


def json_ld(view: PaperView, entry: Entry) -> dict[str, Any]:
    """The schema.org ScholarlyArticle for one paper."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": view.title,
        "name": view.title,
        "url": view.url,
        "author": [{"@type": _agent(name), "name": name} for name in entry.paper.authors],
        "datePublished": view.date,
        "isPartOf": {"@type": "Periodical" if view.journal else "CreativeWork", "name": view.venue},
    }
    if view.summary:
        data["abstract"] = view.summary
    if view.doi:
        data["sameAs"] = "https://doi.org/" + view.doi
    return data


def _agent(name: str) -> str:
    """A name's schema.org type: an Organization for an organisation's name (citations.CORPORATE), else a Person."""
    return "Organization" if citations.CORPORATE.search(name) else "Person"


def meta_tags(pairs: list[tuple[str, str]]) -> Markup:
    """<meta name=... content=...> lines (one string: a template loop costs more than the tags themselves)."""
    return Markup("\n".join(f'<meta name="{escape(n)}" content="{escape(v)}">' for n, v in pairs))


def json_script(data: Any) -> Markup:
    """JSON safe inside <script>: no '<', '>' or '&' can end the element."""
    text = _COMPACT_JSON.encode(data)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
