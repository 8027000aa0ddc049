"""The build: load -> validate -> derive -> render -> write, each phase named and timed.

A `Builder` kept alive (the preview) keeps its memory (memo.py) from one build to the next, and
so re-reads, re-renders and rewrites only what a save changed; `build` is a one-off build.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter, methodcaller, ne
from pathlib import Path

from site_gen.cache import ParsedFiles, RenderedMarkdown
from site_gen.content import MAX_FILE_MB, Inputs, Stamp, input_stamps, load, stamp_of
from site_gen.derive import Catalog, derive
from site_gen.errors import SiteErrors
from site_gen.memo import Memory
from site_gen.parallel import default_jobs, run_tasks
from site_gen.render import Recipe, plan, prepare_markdown
from site_gen.templates import Templates, make_templates, template_files
from site_gen.validate import validate
from site_gen.write import held, write_changes, write_files, write_site

PAPERS_PER_RUN = 250  # papers rendered by one process at a time: a few milliseconds of coordination at 100,000
# Past this many changed outputs (a template or site.yaml edit), stream a whole new folder instead.
INCREMENTAL_LIMIT = 2000


@dataclass(frozen=True)
class BuildReport:
    """What a build did: papers, pages and files in the site, output files written or removed, seconds per phase."""

    papers: int
    pages: int
    files: int
    changed: tuple[str, ...]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def written(self) -> int:
        """How many output files were written or removed."""
        return len(self.changed)

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
    stamps: dict[str, Stamp]  # of every input file, taken as the build began (empty if not)


class Builder:
    """Builds ROOT into OUT; kept alive (LASTING), its next build does only the work that changed."""

    def __init__(
        self,
        root: Path,
        out: Path,
        base_url: str | None = None,
        max_file_mb: float = MAX_FILE_MB,
        jobs: int | None = None,
        lasting: bool = True,
    ) -> None:
        self.root, self.out, self.base_url = root.resolve(), out.resolve(), base_url
        self.max_file_mb, self.jobs = max_file_mb, jobs or default_jobs()
        self.memory = Memory() if lasting else Memory.one_off()
        self.cache = ParsedFiles(self.root)
        self.rendered = RenderedMarkdown(self.root)
        self._templates: Templates | None = None
        self._static: dict[str, tuple[Path, Stamp]] = {}  # each static output's source and its stamp
        self._last: tuple[dict[str, Stamp], BuildReport] | None = None

    def prepare(self, clock: _Clock | None = None, stamps: dict[str, Stamp] | None = None) -> Prepared:
        """Load, validate and derive the content and compile the templates; raise every error found.

        STAMPS: every input file's stamp, if the caller has just taken them.
        """
        clock = clock or _Clock()
        inputs, errors = load(self.root, self.memory, self.cache, self.max_file_mb, stamps, self.jobs)
        clock.lap("load")
        content, validation_errors = validate(inputs, self.base_url, self.memory.papers, self.memory.validated)
        errors += validation_errors
        clock.lap("validate")
        catalog, derive_errors = derive(content, self.memory) if content is not None else (None, [])
        errors += derive_errors
        clock.lap("derive")
        templates = self._templates_for(inputs)
        errors += templates.check()
        if errors or catalog is None:
            raise SiteErrors(errors)
        return Prepared(catalog, templates, inputs.static_files, stamps or {})

    def _templates_for(self, inputs: Inputs) -> Templates:
        """The Jinja environment of the last build, unless a template file came, went or changed."""
        known = self._templates
        if known is None or known.dirs != inputs.template_dirs or known.files != template_files(inputs.template_dirs):
            known = self._templates = make_templates(inputs.template_dirs)
        return known

    def inputs(self) -> frozenset[str]:
        """The path of every file the last successful build read."""
        return frozenset(self._last[0]) if self._last else frozenset()

    def build(self) -> BuildReport:
        """Build OUT; on any error raise SiteErrors and leave OUT as it was."""
        stamps = input_stamps(self.root)
        if self._last is not None and self._last[0] == stamps and self.out.is_dir():
            report = self._last[1]
            return BuildReport(report.papers, report.pages, report.files, (), {"unchanged": 0.0})
        report = self._build(stamps)
        self._last = (stamps, report)
        self.memory.end_build()  # only after a build that worked: a failed one used less, and would lose it
        return report

    def _build(self, stamps: dict[str, Stamp]) -> BuildReport:
        """Build OUT, redoing only the work that changed since the last build."""
        clock = _Clock()
        ready = self.prepare(clock, stamps)
        prepare_markdown(ready.catalog, self.memory.markdown, self.rendered, self.jobs)
        clock.lap("markdown")
        recipes = plan(ready.catalog, ready.templates, self.memory)
        changed = _changed(recipes, self.memory.outputs)
        clock.lap("plan")
        if self.memory.outputs and self.out.is_dir() and len(changed) <= INCREMENTAL_LIMIT:
            written = self._update(changed, recipes, ready)
        else:
            written = self._write_all(recipes, ready)
        clock.lap("render+write")
        pages = sum(map(methodcaller("endswith", ".html"), map(_PATH, recipes)))
        files = len(recipes) + len(self._static)
        return BuildReport(len(ready.catalog.entries), pages, files, written, clock.timings)

    def _write_all(self, recipes: list[Recipe], ready: Prepared) -> tuple[str, ...]:
        """A whole new output folder, rendered (by `jobs` processes) into staging and swapped in."""
        self.memory.outputs = {}
        jobs = self.jobs

        def fill(staging: Path) -> None:
            run_tasks([functools.partial(_render, staging, run) for run in runs(recipes)], jobs, first=1)

        write_site(self.out, fill, ready.static_files)
        self.memory.outputs = {recipe.path: recipe.key for recipe in recipes}
        self._static = _static_stamps(ready)
        return (*self.memory.outputs, *self._static)

    def _update(self, changed: list[Recipe], recipes: list[Recipe], ready: Prepared) -> tuple[str, ...]:
        """Render what changed (all of it before writing any of it), then rewrite only files whose bytes differ."""
        files = [(recipe.path, held(recipe.make())) for recipe in changed]
        static = _static_stamps(ready)
        copies = {rel: src for rel, (src, stamp) in static.items() if self._static.get(rel) != (src, stamp)}
        outputs = self.memory.outputs
        removed = [path for path in self._static if path not in static]
        if len(recipes) != len(outputs) or any(recipe.path not in outputs for recipe in changed):  # paths came or went
            paths = {recipe.path for recipe in recipes}
            removed += [path for path in outputs if path not in paths]
            outputs = {path: key for path, key in outputs.items() if path in paths}
        written = write_changes(self.out, files, copies, removed)
        outputs.update((recipe.path, recipe.key) for recipe in changed)
        self.memory.outputs, self._static = outputs, static
        return written


_PATH, _KEY = attrgetter("path"), attrgetter("key")


def _changed(recipes: list[Recipe], made: dict[str, Hashable]) -> list[Recipe]:
    """The recipes whose output was not made from their key. Written with map() so the loop over every output
    runs in C: a rebuild after one edit checks 24,000 of them at 10,000 papers."""
    return list(compress(recipes, map(ne, map(made.get, map(_PATH, recipes)), map(_KEY, recipes))))


def runs(recipes: list[Recipe]) -> list[list[Recipe]]:
    """The recipes in runs, in order: every output before the first paper page in one run (the lists share
    each paper's list entry, made once), then PAPERS_PER_RUN papers' page and .bib each."""
    start = next((i for i, recipe in enumerate(recipes) if recipe.path.startswith("papers/")), len(recipes))
    step = 2 * PAPERS_PER_RUN
    return [recipes[:start]] + [recipes[i : i + step] for i in range(start, len(recipes), step)]


def _render(staging: Path, run: list[Recipe]) -> None:
    """Render some outputs and write them into the staging folder."""
    write_files(staging, ((recipe.path, recipe.make()) for recipe in run))


def _static_stamps(ready: Prepared) -> dict[str, tuple[Path, Stamp]]:
    """Each static output's source file and its stamp."""
    stamps = ready.stamps
    return {rel: (source, stamps.get(str(source)) or stamp_of(source)) for rel, source in ready.static_files.items()}


def build(
    root: Path, out: Path, base_url: str | None = None, max_file_mb: float = MAX_FILE_MB, jobs: int | None = None
) -> BuildReport:
    """Build ROOT's content into OUT from scratch, once."""
    return Builder(root, out, base_url, max_file_mb, jobs, lasting=False).build()


def check(root: Path, base_url: str | None = None, max_file_mb: float = MAX_FILE_MB) -> Prepared:
    """Everything a build checks, without writing anything."""
    return Builder(root, root / "_site", base_url, max_file_mb, lasting=False).prepare()
