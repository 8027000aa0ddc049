"""Validate: plain data from content/ into the typed, frozen model, every problem located."""

from __future__ import annotations

import difflib
import re
import urllib.parse
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from site_gen import tex
from site_gen.content import Inputs, KeyPath, Source, TextFile
from site_gen.errors import SiteError
from site_gen.memo import Memory
from site_gen.model import (
    ARXIV_ID,
    BIBTEX_TYPES,
    ID_PATTERN,
    MAX_ID_LENGTH,
    MONTHS,
    PAPER_LINKS,
    RESERVED_PAGES,
    SAFE_SCHEMES,
    Content,
    Link,
    Origin,
    Owner,
    Page,
    Paper,
    ProfileLink,
    Site,
    is_arxiv,
    venue_arxiv_id,
)
from site_gen.venues import VenueRule, compile_rule


class Invalid(Exception):
    """A value that does not fit its key; the message says what was expected."""


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


def title(value: Any) -> str:
    """Text whose braces pair up (they keep capitals in BibTeX), in the form that compares alike (tex.canonical)."""
    found = text(value)
    try:
        tex.display(found)  # every group, however deep
    except tex.Unbalanced as exc:
        raise Invalid(str(exc)) from None
    return tex.canonical(found)


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


ET_AL = frozenset({"et al.", "et al", "others", "and others"})  # "more authors", written at a list's end


def authors(value: Any) -> tuple[str, ...]:
    """At least one author, perhaps followed by 'et al.' (which is kept: the paper takes it off, see validate_paper)."""
    names = text_list(value)
    marks = [i for i, name in enumerate(names) if name.casefold() in ET_AL]
    if marks and marks != [len(names) - 1]:
        raise Invalid(f"{names[marks[0]]!r} may only end the list, meaning more authors; put it last")
    if len(names) == len(marks):
        raise Invalid("needs at least one author, like [Jane Doe]" + (" before 'et al.'" if marks else ""))
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
    """Page numbers like 2318--2335, a volume or an issue (a number alone is fine)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text(value)


def eprint(value: Any) -> str:
    """An e-print identifier, like 2101.00001 (an 'arXiv:' before it is dropped)."""
    return re.sub(r"^arxiv:\s*", "", text(value), flags=re.I)


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
        "title": title,
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
        "eprint": eprint,
        "archivePrefix": text,
        "primaryClass": text,
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
    problem = arxiv_fields(values)
    if problem is not None:
        return None, [source.error((*keys, "eprint"), f"'eprint': {problem}")]
    values["given_id"] = values.pop("id", None)
    if values["authors"][-1].casefold() in ET_AL:
        values["authors"], values["et_al"] = values["authors"][:-1], True
    values["links"] = tuple((name, values.pop(name)) for name in PAPER_LINKS if name in values)
    values["tags"] = values.get("tags", ())
    return Paper(origin=Origin(source.where, keys), **values), []


BIBTEX_SPELLINGS = {"archivePrefix": "archive_prefix", "primaryClass": "primary_class"}


def arxiv_fields(values: dict[str, Any]) -> str | None:
    """Take BibTeX's spellings of the e-print keys, and the arXiv identifier an arXiv venue line names
    when no e-print is given; what is wrong with an arXiv e-print, or None."""
    for key, name in BIBTEX_SPELLINGS.items():
        if key in values:
            values[name] = values.pop(key)
    arxiv = is_arxiv(values.get("archive_prefix"))
    named = venue_arxiv_id(values["venue"])
    if "eprint" not in values and arxiv and named is not None:
        values.update(eprint=named, archive_prefix="arXiv")
    if arxiv and "eprint" in values and not re.fullmatch(ARXIV_ID, values["eprint"]):
        return (
            f"expected an arXiv identifier like 2101.00001 or hep-th/9901001, got {values['eprint'][:40]!r}; "
            "for another archive, name it with archivePrefix"
        )
    return None


def validate_papers(source: Source, static: frozenset[str]) -> tuple[tuple[Paper, ...], tuple[SiteError, ...]]:
    """A papers file: one paper (a mapping), a list of papers, or nothing yet; its valid papers and its errors.
    STATIC: the output paths of the static files, where a local pdf must be."""
    data = source.data
    if data is None:
        return (), ()
    if not isinstance(data, dict | list):
        message = f"a papers file holds one paper (a mapping) or a list of papers, got {describe(data)}"
        return (), (source.error((), message),)
    spec = paper_spec(Links(static))
    items = [((), data)] if isinstance(data, dict) else [((i,), item) for i, item in enumerate(data)]
    papers, errors = [], []
    for keys, item in items:
        found, item_errors = validate_paper(source, keys, item, spec)
        errors += item_errors
        if found is not None:
            papers.append(found)
    return tuple(papers), tuple(errors)


# ---- pages ----


def validate_page(page: TextFile) -> tuple[Page | None, list[SiteError]]:
    """content/pages/SLUG.md: its slug must be a valid id that is not the name of anything else the site writes."""
    slug = page.path.rsplit("/", 1)[-1].removesuffix(".md")
    if not ID_PATTERN.match(slug):
        rule = "name pages with a-z, 0-9, '.', '_', '-', first a letter or digit"
        message = f"page name {slug!r} cannot be used: {rule}; rename the file"
        return None, [SiteError(page.path, 1, 1, message)]
    taken = RESERVED_PAGES.get(slug) or ("a part of the sitemap" if re.fullmatch(r"sitemap-\d+\.xml", slug) else None)
    if taken:
        message = f"page name {slug!r} is taken by {taken}; rename the file (its name is the page's address)"
        return None, [SiteError(page.path, 1, 1, message)]
    heading = re.match(r"^#\s+(.+?)\s*#*\s*$", page.text.lstrip("\n").split("\n", 1)[0])
    title = heading.group(1) if heading else slug.replace("-", " ").title()
    return Page(slug, title, page.text), []


# ---- everything ----


def validate(
    inputs: Inputs, base_url_override: str | None = None, memory: Memory | None = None
) -> tuple[Content | None, list[SiteError]]:
    """The valid part of the content (None without a valid site.yaml) and every error found (MEMORY: the
    papers of each file as validated before, by the file's path and digest and the static files)."""
    memory = memory or Memory()
    links = Links(inputs.static_files)
    errors: list[SiteError] = []
    site = None
    if inputs.site is not None:
        site, errors = validate_site(inputs.site, links, base_url_override)
    static = frozenset(inputs.static_files)
    papers: list[Paper] = []
    for source in inputs.papers:
        found, paper_errors = memory.call(validate_papers, source, static)
        papers += found
        errors += paper_errors
    pages = []
    for text_file in inputs.pages:
        page, page_errors = validate_page(text_file)
        errors += page_errors
        if page:
            pages.append(page)
    if site is None:
        return None, errors
    return Content(site, tuple(papers), tuple(pages)), errors
