"""Validate: plain data from content/ into a typed, frozen model, every problem located."""

from __future__ import annotations

import difflib
import operator
import re
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from site_gen.content import Inputs, KeyPath, Source, SourceFile, TextFile
from site_gen.errors import SiteError
from site_gen.venues import VenueRule, compile_rule

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
RESERVED_PAGES = ("papers", "venues", "static", "index", "404")


class Invalid(Exception):
    """A value that does not fit its key; the message says what was expected."""


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

    origin: Origin
    given_id: str | None
    title: str
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
    links: tuple[tuple[str, Link], ...] = ()
    award: str | None = None
    selected: bool = False
    tags: tuple[str, ...] = ()
    bibtex: str | None = None
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


# ---- value checks: each returns the converted value or raises Invalid ----


def describe(value: Any) -> str:
    """How a wrong value reads in a message."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    return f"a {type(value).__name__} value"  # never str() a container: aliases can make it enormous


def text(value: Any) -> str:
    """Non-empty text."""
    if not isinstance(value, str):
        hint = "; put it in quotes" if isinstance(value, int | float | bool | date) else ""
        raise Invalid(f"expected text, got {describe(value)}{hint}")
    if not value.strip():
        raise Invalid("must not be empty")
    return value.strip()


def text_list(value: Any) -> tuple[str, ...]:
    """A list of non-empty texts, like [A, B]."""
    if not isinstance(value, list):
        raise Invalid(f"expected a list like [A, B], got {describe(value)}")
    items = []
    for i, item in enumerate(value):
        try:
            items.append(text(item))
        except Invalid as exc:
            raise Invalid(f"item {i + 1}: {exc}") from None
    return tuple(items)


def authors(value: Any) -> tuple[str, ...]:
    """At least one author."""
    names = text_list(value)
    if not names:
        raise Invalid("needs at least one author, like [Jane Doe]")
    return names


def year(value: Any) -> int:
    """A four-digit year."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number like 2024, got {describe(value)}")
    if not 1000 <= value <= 9999:
        raise Invalid(f"expected a four-digit year like 2024, got {value}")
    return value


def boolean(value: Any) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {describe(value)}")
    return value


def month(value: Any) -> int:
    """A month: 1-12, a name, or its first three letters."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 12:
        return value
    name = value.strip().lower().rstrip(".") if isinstance(value, str) else ""
    for number, full in enumerate(MONTHS, start=1):
        if len(name) >= 3 and full.startswith(name):
            return number
    raise Invalid(f"expected a month like August, Aug or 8, got {describe(value)}")


def pages(value: Any) -> str:
    """Page numbers like 2318--2335 (a number alone is fine)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text(value)


def doi(value: Any) -> str:
    """A DOI like 10.18653/v1/2024.acl-long.1, with any doi: or https://doi.org/ prefix removed."""
    found = re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", text(value), flags=re.I)
    if not re.match(r"^10\.\d{4,}/\S+$", found):
        raise Invalid(f"expected a DOI like 10.18653/v1/2024.acl-long.1, got {found!r}")
    return found


def paper_id(value: Any) -> str:
    """An id usable as a folder name that stays inside papers/."""
    found = value if isinstance(value, str) else text(value)
    if "/" in found or "\\" in found or found.startswith(".") or "\0" in found:
        raise Invalid(f"{found[:60]!r} would leave the output folder; ids use only a-z, 0-9, '.', '_' and '-'")
    if not ID_PATTERN.match(found):
        raise Invalid(f"{found[:60]!r} must match ^[a-z0-9][a-z0-9._-]*$ (lowercase letters, digits, '.', '_', '-')")
    if len(found) > MAX_ID_LENGTH:
        raise Invalid(f"is {len(found)} characters long; ids are at most {MAX_ID_LENGTH} (they name folders)")
    return found


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


def entry_type(value: Any) -> str:
    """A BibTeX entry type, like article or phdthesis."""
    found = text(value).lower()
    if found not in BIBTEX_TYPES:
        raise Invalid(f"unknown type {found!r}{suggest(found, BIBTEX_TYPES)}")
    return found


def bibkey(value: Any) -> str:
    """A BibTeX citation key: no spaces, commas, braces, quotes or '#'."""
    found = text(value)
    if re.search(r"[\s,{}\"#%'()=\\]", found):
        raise Invalid(f"{found!r} cannot be a BibTeX key; use letters, digits and - _ : . /")
    return found


def base_url(value: Any) -> str:
    """An absolute http(s) URL, ending in '/'."""
    found = text(value)
    parts = urllib.parse.urlsplit(found)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(f"expected an absolute URL like https://user.github.io/repo/, got {found!r}")
    return found.rstrip("/") + "/"


def domain(value: Any) -> str:
    """A host name for CNAME, like pubs.example.org."""
    found = text(value).lower()
    if not re.match(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", found):
        raise Invalid(f"expected a domain name like pubs.example.org, got {found!r}")
    return found


def regex_rule(value: Any) -> str:
    """A substring, or a /regex/ that compiles."""
    found = text(value)
    try:
        compile_rule(found)
    except re.error as exc:
        raise Invalid(f"invalid regular expression: {exc}") from None
    return found


class Links:
    """Checks link values; local paths must name a file that will be under static/."""

    def __init__(self, static_files: Iterable[str]) -> None:
        self.static_files = frozenset(static_files)

    def link(self, value: Any) -> Link:
        """A safe URL (http, https, mailto, doi:) or a file under static/."""
        found = text(value)
        squeezed = re.sub(r"[\x00-\x20\x7f]+", "", found)  # browsers ignore these inside a scheme
        scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", squeezed)
        if scheme is None:
            return self.local(found)
        name = scheme.group(1).lower()
        if name == "doi":
            return Link("https://doi.org/" + doi(found))
        if name not in SAFE_SCHEMES or re.search(r"[\x00-\x20\x7f]", found):
            raise Invalid(
                f"unsafe link {found[:60]!r}: only http, https, mailto and doi: links "
                "or files under static/ are allowed"
            )
        return Link(found)

    def local(self, path: str) -> Link:
        """A relative path to a file under static/ ('static/' may be left off)."""
        if path.startswith(("/", "\\")) or re.match(r"^[a-zA-Z]:", path):
            raise Invalid(f"{path!r} must be a URL or a path relative to the site root, like static/paper.pdf")
        clean = urllib.parse.unquote(path.split("#")[0].split("?")[0]).removeprefix("./")
        target = clean if clean.startswith("static/") else "static/" + clean
        if ".." in target.split("/") or "\0" in target:
            raise Invalid(f"{path!r} would leave the static folder; put the file under static/")
        if target not in self.static_files:
            raise Invalid(f"file {target!r} not found; put it under static/ or give a URL")
        return Link(urllib.parse.quote(target), local=True)

    def photo(self, value: Any) -> Link:
        """A picture under static/ (a remote picture would be an external request)."""
        found = self.link(value)
        if not found.local:
            raise Invalid("photo must be a file under static/, like static/img/me.jpg")
        return found

    def email(self, value: Any) -> Link:
        """An e-mail address (or a mailto: link)."""
        found = text(value)
        address = found.removeprefix("mailto:")
        if not re.match(r"^[^@\s<>\"]+@[^@\s<>\"]+$", address):
            raise Invalid(f"expected an e-mail address like name@example.org, got {found!r}")
        return Link("mailto:" + address)

    def profile(self, prefix: str) -> Callable[[Any], Link]:
        """A URL, or a bare identifier appended to `prefix` (an ORCID iD, a GitHub user)."""

        def check(value: Any) -> Link:
            found = text(value)
            if re.match(r"^[\w.-]+$", found) and not found.startswith("."):
                return Link(prefix + found)
            return self.link(found)

        return check


# ---- mappings: unknown keys, missing keys, every value checked ----

Check = Callable[[Any], Any]


def suggest(key: str, known: Iterable[str]) -> str:
    """' — did you mean 'X'?' for a near miss, else the list of known keys."""
    names = sorted(known)
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
    if close:
        return f" — did you mean '{close[0]}'?"
    return f"; known keys: {', '.join(names)}"


def check_mapping(
    source: Source, keys: KeyPath, data: Any, spec: dict[str, Check], required: tuple[str, ...], what: str
) -> tuple[dict[str, Any], list[SiteError]]:
    """Every key of `data` checked against `spec`: the converted values and the errors."""
    if not isinstance(data, dict):
        return {}, [source.error(keys, f"{what} must be a mapping of keys like 'title: ...', got {describe(data)}")]
    values: dict[str, Any] = {}
    errors: list[SiteError] = []
    misspelt: set[str] = set()
    for key, value in data.items():
        if key not in spec:
            hint = suggest(key, spec)
            misspelt.update(name for name in required if f"'{name}'?" in hint)
            errors.append(source.error((*keys, key), f"unknown key '{key}'{hint}", at_key=True))
            continue
        try:
            values[key] = spec[key](value)
        except Invalid as exc:
            errors.append(source.error((*keys, key), f"'{key}': {exc}"))
    for key in required:
        if key not in data and key not in misspelt:  # a misspelt key's own error already says what to do
            errors.append(source.error(keys, f"{what} is missing required key '{key}'"))
    return values, errors


# ---- the site ----


def validate_site(source: Source, links: Links, base_url_override: str | None) -> tuple[Site | None, list[SiteError]]:
    """content/site.yaml into a Site."""
    spec: dict[str, Check] = {
        "title": text,
        "base_url": base_url,
        "domain": domain,
        "author": lambda value: value,
        "venues": lambda value: value,
    }
    values, errors = check_mapping(source, (), source.data, spec, ("title", "base_url", "author"), "site.yaml")
    owner, owner_errors = validate_owner(source, values.get("author"), links) if "author" in values else (None, [])
    rules, rule_errors = validate_rules(source, values.get("venues"))
    errors += owner_errors + rule_errors
    if errors or owner is None:
        return None, errors
    site_url = base_url_override or values["base_url"]
    return Site(values["title"], site_url, owner, values.get("domain"), rules), []


def validate_owner(source: Source, data: Any, links: Links) -> tuple[Owner | None, list[SiteError]]:
    """site.yaml's author mapping."""
    spec: dict[str, Check] = {
        "name": text,
        "aliases": text_list,
        "affiliation": text,
        "photo": links.photo,
        "bio": text,
        "links": lambda value: value,
    }
    values, errors = check_mapping(source, ("author",), data, spec, ("name",), "author")
    profile, link_errors = validate_profile_links(source, values.get("links"), links)
    errors += link_errors
    if errors:
        return None, errors
    values["links"] = profile
    return Owner(**values), []


PROFILE_LABELS = {
    "email": "Email",
    "scholar": "Google Scholar",
    "dblp": "DBLP",
    "orcid": "ORCID",
    "github": "GitHub",
    "homepage": "Homepage",
}


def validate_profile_links(source: Source, data: Any, links: Links) -> tuple[tuple[ProfileLink, ...], list[SiteError]]:
    """author.links: email, scholar, dblp, orcid, github, homepage."""
    if data is None:
        return (), []
    spec: dict[str, Check] = {
        "email": links.email,
        "scholar": links.link,
        "dblp": links.link,
        "orcid": links.profile("https://orcid.org/"),
        "github": links.profile("https://github.com/"),
        "homepage": links.link,
    }
    values, errors = check_mapping(source, ("author", "links"), data, spec, (), "author.links")
    found = tuple(ProfileLink(kind, PROFILE_LABELS[kind], values[kind]) for kind in spec if kind in values)
    return found, errors


def validate_rules(source: Source, data: Any) -> tuple[tuple[VenueRule, ...], list[SiteError]]:
    """site.yaml's venues: a list of {match, short}."""
    if data is None:
        return (), []
    if not isinstance(data, list):
        return (), [
            source.error(("venues",), f"venues must be a list of {{match: ..., short: ...}}, got {describe(data)}")
        ]
    rules, errors = [], []
    for i, item in enumerate(data):
        values, found = check_mapping(
            source, ("venues", i), item, {"match": regex_rule, "short": text}, ("match", "short"), "venue rule"
        )
        errors += found
        if not found:
            rules.append(VenueRule(values["match"], values["short"]))
    return tuple(rules), errors


# ---- papers ----


def paper_spec(links: Links) -> dict[str, Check]:
    """Every key a paper may have, with its check."""
    spec: dict[str, Check] = {
        "id": paper_id,
        "title": text,
        "authors": authors,
        "year": year,
        "venue": text,
        "venue_short": text,
        "pdf": links.link,
        "abstract": text,
        "month": month,
        "pages": pages,
        "doi": doi,
        "address": text,
        "type": entry_type,
        "bibkey": bibkey,
        "note": text,
        "publisher": text,
        "volume": pages,
        "number": pages,
        "award": text,
        "selected": boolean,
        "tags": text_list,
        "bibtex": text,
    }
    spec.update(dict.fromkeys(PAPER_LINKS, links.link))
    return spec


PAPER_REQUIRED = ("title", "authors", "year", "venue")


def validate_paper(
    source: Source, keys: KeyPath, data: Any, spec: dict[str, Check]
) -> tuple[Paper | None, list[SiteError]]:
    """One paper mapping into a Paper."""
    values, errors = check_mapping(source, keys, data, spec, PAPER_REQUIRED, "paper")
    if errors:
        return None, errors
    values["given_id"] = values.pop("id", None)
    values["links"] = tuple((name, values.pop(name)) for name in PAPER_LINKS if name in values)
    values["tags"] = values.get("tags", ())
    return Paper(origin=Origin(source.where, keys), **values), []


def validate_papers(source: Source, spec: dict[str, Check]) -> tuple[list[Paper], list[SiteError]]:
    """A papers file: one paper (a mapping), a list of papers, or nothing yet."""
    data = source.data
    if data is None:
        return [], []
    if isinstance(data, dict):
        found, errors = validate_paper(source, (), data, spec)
        return ([found] if found else []), errors
    if not isinstance(data, list):
        return [], [
            source.error((), f"a papers file holds one paper (a mapping) or a list of papers, got {describe(data)}")
        ]
    papers, errors = [], []
    for i, item in enumerate(data):
        found, item_errors = validate_paper(source, (i,), item, spec)
        errors += item_errors
        if found:
            papers.append(found)
    return papers, errors


class PaperMemo:
    """Validated papers of files that have not changed since the last validation (for rebuilds)."""

    def __init__(self) -> None:
        self._static: frozenset[str] = frozenset()
        self._done: dict[tuple[str, tuple[int, int]], tuple[list[Paper], list[SiteError]]] = {}

    def papers(self, source: Source, spec: dict[str, Check], links: Links) -> tuple[list[Paper], list[SiteError]]:
        """validate_papers, or its earlier result for the same file and the same static files."""
        if links.static_files != self._static:  # a pdf may have appeared or gone: check every file again
            self._static, self._done = links.static_files, {}
        key = (source.path, source.stamp)
        if key not in self._done or source.stamp == (0, 0):
            papers, errors = validate_papers(source, spec)
            self._done[key] = (self._same_as_before(source.path, papers), errors)
        return self._done[key]

    def _same_as_before(self, path: str, papers: list[Paper]) -> list[Paper]:
        """PAPERS, each replaced by the equal paper validated from an earlier version of the file, if any.

        An edit to one paper then leaves the file's other papers the very same objects, which later
        stages compare by identity: their entries, list entries and pages are all kept.
        """
        before = {paper: paper for (seen, _), (found, _) in self._done.items() if seen == path for paper in found}
        return [before.get(paper, paper) for paper in papers] if before else papers

    def keep_only(self, sources: Iterable[Source]) -> None:
        """Forget files that are gone or changed."""
        present = {(source.path, source.stamp) for source in sources}
        self._done = {key: value for key, value in self._done.items() if key in present}


# ---- pages ----


def validate_page(page: TextFile) -> tuple[Page | None, list[SiteError]]:
    """content/pages/SLUG.md: its slug must be a valid id that is not one of the site's own folders."""
    slug = page.path.rsplit("/", 1)[-1].removesuffix(".md")
    if not ID_PATTERN.match(slug) or slug in RESERVED_PAGES:
        message = (
            f"page name {slug!r} cannot be used: name pages with a-z, 0-9, '.', '_', '-' "
            f"and not {', '.join(RESERVED_PAGES)}"
        )
        return None, [SiteError(page.path, 1, 1, message)]
    heading = re.match(r"^#\s+(.+?)\s*#*\s*$", page.text.lstrip("\n").split("\n", 1)[0])
    title = heading.group(1) if heading else slug.replace("-", " ").title()
    return Page(slug, title, page.text), []


# ---- everything ----


def validate(
    inputs: Inputs, base_url_override: str | None = None, memo: PaperMemo | None = None
) -> tuple[Content | None, list[SiteError]]:
    """The valid part of the content (None without a valid site.yaml) and every error found."""
    memo = memo or PaperMemo()
    links = Links(inputs.static_files)
    errors: list[SiteError] = []
    site = None
    if inputs.site is not None:
        site, errors = validate_site(inputs.site, links, base_url_override)
    spec = paper_spec(links)
    papers: list[Paper] = []
    for source in inputs.papers:
        found, paper_errors = memo.papers(source, spec, links)
        papers += found
        errors += paper_errors
    memo.keep_only(inputs.papers)
    pages = []
    for text_file in inputs.pages:
        page, page_errors = validate_page(text_file)
        errors += page_errors
        if page:
            pages.append(page)
    if site is None:
        return None, errors
    return Content(site, tuple(papers), tuple(pages)), errors
