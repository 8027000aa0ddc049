"""The build: load -> validate -> derive -> render -> write, each phase named and timed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from site_gen.content import load
from site_gen.derive import Catalog, derive
from site_gen.errors import SiteErrors
from site_gen.model import validate
from site_gen.render import Templates, make_templates, render_site
from site_gen.write import write_site


@dataclass(frozen=True)
class BuildReport:
    """What a build did: papers, files and pages written, and the seconds each phase took."""

    papers: int
    files: int
    pages: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        """Total wall time of the phases."""
        return sum(self.timings.values())


class _Clock:
    """Records how long each named phase takes."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        """Close the phase that just ended."""
        now = time.perf_counter()
        self.timings[phase] = now - self._last
        self._last = now


@dataclass(frozen=True)
class Prepared:
    """The site ready to render: the catalog, the templates and the static files to copy."""

    catalog: Catalog
    templates: Templates
    static_files: dict[str, Path]


def prepare(root: Path, base_url: str | None = None, clock: _Clock | None = None) -> Prepared:
    """Load, validate and derive the content and compile the templates; raise every error found."""
    clock = clock or _Clock()
    inputs, errors = load(root)
    clock.lap("load")
    content, validation_errors = validate(inputs, base_url)
    errors += validation_errors
    clock.lap("validate")
    catalog, derive_errors = derive(content) if content is not None else (None, [])
    errors += derive_errors
    clock.lap("derive")
    templates = make_templates(inputs.template_dirs)
    errors += templates.check()
    if errors or catalog is None:
        raise SiteErrors(errors)
    return Prepared(catalog, templates, inputs.static_files)


def build(root: Path, out: Path, base_url: str | None = None) -> BuildReport:
    """Build ROOT's content into OUT; on any error raise SiteErrors and leave OUT untouched."""
    clock = _Clock()
    ready = prepare(root, base_url, clock)
    written = write_site(out, render_site(ready.catalog, ready.templates), ready.static_files)
    clock.lap("render+write")
    return BuildReport(len(ready.catalog.entries), written.files, written.pages, clock.timings)
