"""Templates: Jinja over the template folders (autoescape, StrictUndefined), and every failure in them located.

A root's templates/ overrides the generator's own file by file. What the generator asks of a template
by name (the pages it renders, the `entry` macro it calls for every paper in a list) is checked before
anything renders, so an override that lacks it is a located error naming that template.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from site_gen.cache import digest
from site_gen.content import files_under, is_editor_file
from site_gen.errors import SiteError, SiteErrors
from site_gen.views import href, json_script, meta_tags

ENTRY_TEMPLATE = "_paper.html"
ENTRY_MACRO = "entry"
PAGES = ("index.html", "venue.html", "author.html", "paper.html", "page.html", "404.html", "feed.xml", "sitemap.xml")
REQUIRED_MACROS = {ENTRY_TEMPLATE: {ENTRY_MACRO: "entry(paper, root)"}}


@dataclass(frozen=True)
class Templates:
    """The Jinja environment over the template folders (the root's first)."""

    env: jinja2.Environment = field(compare=False)  # made from the files: equal files, equal templates
    dirs: tuple[Path, ...]
    files: tuple[tuple[str, str], ...]  # every template file and the digest of its bytes

    def display(self, filename: str | None) -> str:
        """A template file as the user sees it: templates/NAME."""
        for folder in self.dirs:
            if filename and Path(filename).is_relative_to(folder):
                return "templates/" + Path(filename).relative_to(folder).as_posix()
        return f"templates/{filename}"

    def render(self, name: str, **context: Any) -> str:
        """One template rendered; any failure becomes an error at the template line."""
        with self._located(name):
            return self.env.get_template(name).render(**context)

    def pieces(self, name: str, **context: Any) -> Iterator[bytes]:
        """One template rendered into UTF-8 pieces of about PIECE_CHARS, as they are made (a large page is
        never one string)."""
        with self._located(name):
            yield from _encoded(self.env.get_template(name).generate(**context))

    def macro(self, template: str, name: str) -> Callable[..., Markup]:
        """A macro of a template, to call from Python; a call that fails becomes an error at its template line."""
        found = getattr(self.env.get_template(template).module, name)

        def call(*args: Any) -> Markup:
            with self._located(template):
                return Markup(found(*args))

        return call

    @contextlib.contextmanager
    def _located(self, name: str) -> Iterator[None]:
        """Any failure of template NAME, raised as an error at its template line."""
        try:
            yield
        except jinja2.TemplateSyntaxError as exc:
            raise SiteErrors([self._syntax_error(exc)]) from None
        except Exception as exc:  # a user's template can fail in any way; locate it, never hide it
            raise SiteErrors([self._runtime_error(name, exc)]) from None

    def _syntax_error(self, exc: jinja2.TemplateSyntaxError) -> SiteError:
        """A syntax error at its template line."""
        return SiteError(self.display(exc.filename), exc.lineno or 1, 1, f"template syntax error: {exc.message}")

    def _runtime_error(self, name: str, exc: Exception) -> SiteError:
        """A rendering failure at the deepest template line in its traceback."""
        path, line = self._path(name), 1
        for frame in traceback.extract_tb(exc.__traceback__):
            if any(Path(frame.filename).is_relative_to(folder) for folder in self.dirs):
                path, line = self.display(frame.filename), frame.lineno or 1
        return SiteError(path, line, 1, f"template error: {exc}")

    def _path(self, name: str) -> str:
        """Where the template NAME is, as the user sees it."""
        try:
            return self.display(self.env.get_template(name).filename)
        except jinja2.TemplateError:
            return f"templates/{name}"

    def check(self) -> list[SiteError]:
        """Every template compiled (each syntax error reported), and what the generator calls in them there."""
        errors = []
        for name in self.env.list_templates(filter_func=lambda name: not is_editor_file(name.rsplit("/", 1)[-1])):
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                errors.append(self._syntax_error(exc))
        return errors or [error for name in PAGES for error in self._missing(name)] + self._missing_macros()

    def _missing(self, name: str) -> list[SiteError]:
        """An error if no template folder has the template NAME."""
        try:
            self.env.get_template(name)
        except jinja2.TemplateNotFound:
            return [SiteError(f"templates/{name}", 1, 1, f"template '{name}' is missing; site-gen renders it")]
        return []

    def _missing_macros(self) -> list[SiteError]:
        """An error for each macro the generator calls that its template does not define."""
        errors = []
        for template, macros in REQUIRED_MACROS.items():
            try:
                module = self.env.get_template(template).module
            except Exception as exc:  # its top level fails to render: located like any template failure
                errors.append(self._runtime_error(template, exc))
                continue
            for name, signature in macros.items():
                if not callable(getattr(module, name, None)):
                    message = (
                        f"template '{template}' has no macro '{signature}'; site-gen renders every paper in a "
                        f"list with it: define it (site-gen's own templates/{template} shows how)"
                    )
                    errors.append(SiteError(self._path(template), 1, 1, message))
        return errors


PIECE_CHARS = 1 << 16


def _encoded(texts: Iterator[str]) -> Iterator[bytes]:
    """TEXTS in UTF-8, gathered into pieces of at least PIECE_CHARS characters (the last may be shorter)."""
    run: list[str] = []
    size = 0
    for text in texts:
        if len(text) >= PIECE_CHARS:  # a whole year of a list: encoded as it is, not copied into a run first
            yield "".join(run).encode()
            yield text.encode()
            run, size = [], 0
            continue
        run.append(text)
        size += len(text)
        if size >= PIECE_CHARS:
            yield "".join(run).encode()
            run, size = [], 0
    yield "".join(run).encode()


def make_templates(dirs: tuple[Path, ...], files: tuple[tuple[str, str], ...] | None = None) -> Templates:
    """Jinja over the template folders: autoescape for HTML and XML, undefined names are errors (FILES: their
    template_files, if known)."""
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
    return Templates(env, dirs, files if files is not None else template_files(dirs))


def template_files(dirs: tuple[Path, ...]) -> tuple[tuple[str, str], ...]:
    """Every template file under the folders and the digest of its bytes: any change to them means a new
    environment (which compiles templates once and never looks at the files again)."""
    files = (path for folder in dirs for path in files_under(folder))
    return tuple(sorted((str(path), digest(path.read_bytes())) for path in files))
