"""Crawl a built site for internal links that lead nowhere."""

from __future__ import annotations

import html.parser
import tempfile
import urllib.parse
from pathlib import Path

from site_gen.build import Prepared
from site_gen.render import render_site
from site_gen.write import write_files, write_site


class _LinkParser(html.parser.HTMLParser):
    """Collects href/src values and element ids from one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.links += [
            v for k, v in attrs if k in ("href", "src") and v is not None and values.get("rel") != "canonical"
        ]
        if values.get("id"):
            self.ids.add(str(values["id"]))


def _parse(path: Path) -> _LinkParser:
    """The links and ids of one HTML file."""
    page = _LinkParser()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _target(page: Path, link: str) -> tuple[Path, str] | None:
    """The file and fragment an internal link points to; None for external links."""
    parts = urllib.parse.urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page, parts.fragment
    target = page.parent / urllib.parse.unquote(parts.path)
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def crawl(out: Path, label: str = "_site") -> list[str]:
    """Every broken internal link under OUT as 'LABEL/PAGE: broken link to TARGET'."""
    problems: list[str] = []
    cache: dict[Path, set[str]] = {}
    for page in sorted(out.rglob("*.html")):
        for link in _parse(page).links:
            where = f"{label}/{page.relative_to(out).as_posix()}"
            if link.startswith("/"):
                problems.append(f"{where}: broken link to {link} (root-absolute links break under a sub-path)")
                continue
            found = _target(page, link)
            if found is None:
                continue
            target, fragment = found
            if not target.resolve().is_relative_to(out.resolve()) or not target.is_file():
                problems.append(f"{where}: broken link to {link}")
            elif fragment and target.suffix == ".html":
                ids = cache.setdefault(target, _parse(target).ids)
                if fragment not in ids:
                    problems.append(f"{where}: broken link to {link} (no element with id '{fragment}')")
    return problems


def check_links(ready: Prepared) -> list[str]:
    """Build the prepared site into a scratch folder and crawl it."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "_site"
        files = render_site(ready.catalog, ready.templates)
        write_site(out, lambda staging: write_files(staging, files), ready.static_files)
        return crawl(out)
