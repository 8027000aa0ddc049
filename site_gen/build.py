"""The build: load -> validate -> derive -> render -> write, each phase named and timed.

`Builder` keeps what one build learnt (parsed files, validated papers, what each output was made
from) so that the dev server's next build re-reads, re-renders and rewrites only what changed.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from site_gen.content import MAX_FILE_MB, Inputs, Stamp, input_stamps, load, stamp_of
from site_gen.derive import Catalog, Placements, derive
from site_gen.errors import SiteErrors
from site_gen.model import PaperMemo, validate
from site_gen.render import (
    ENTRY_TEMPLATE,
    PAPER_TEMPLATE,
    PaperPlans,
    Recipe,
    Templates,
    Views,
    make_templates,
    plan,
    template_files,
)
from site_gen.write import write_changes, write_files, write_site

PARALLEL_FROM = 500  # fewer outputs than this are not worth forking for
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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off during a build; what the build keeps is frozen out of its sight.

    A build makes no reference cycles, but millions of objects: the collector would walk every
    paper again and again (a third of a 10,000-paper build), and on every rebuild after it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def default_jobs() -> int:
    """One rendering process per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Builder:
    """Builds ROOT into OUT; kept alive, its next build does only the work that changed."""

    def __init__(
        self,
        root: Path,
        out: Path,
        base_url: str | None = None,
        max_file_mb: float = MAX_FILE_MB,
        jobs: int | None = None,
        remember: bool = True,
    ) -> None:
        self.root, self.out, self.base_url = root.resolve(), out.resolve(), base_url
        self.max_file_mb, self.jobs, self.remember = max_file_mb, jobs or default_jobs(), remember
        self._inputs: Inputs | None = None
        self._memo = PaperMemo()
        self._placements = Placements()
        self._paper_plans = PaperPlans()
        self._views: Views | None = None
        self._made: dict[str, Hashable] = {}  # output path -> the key it was last made from
        self._prints: dict[str, str] = {}  # template -> its fingerprint at the last build
        self._static: dict[str, tuple[Path, Stamp]] = {}
        self._templates: Templates | None = None
        self._last: tuple[dict[str, Stamp], BuildReport] | None = None

    def prepare(self, clock: _Clock | None = None, stamps: dict[str, Stamp] | None = None) -> Prepared:
        """Load, validate and derive the content and compile the templates; raise every error found.

        STAMPS: every input file's stamp, if the caller has just taken them.
        """
        clock = clock or _Clock()
        inputs, errors = load(self.root, self._inputs, self.max_file_mb, stamps)
        clock.lap("load")
        content, validation_errors = validate(inputs, self.base_url, self._memo)
        errors += validation_errors
        clock.lap("validate")
        catalog, derive_errors = derive(content, self._placements) if content is not None else (None, [])
        errors += derive_errors
        clock.lap("derive")
        templates = self._templates_for(inputs)
        errors += templates.check()
        if errors or catalog is None:
            raise SiteErrors(errors)
        if self.remember:  # the next build reuses what unchanged files parsed to
            self._inputs = inputs
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
        with _collector_paused():
            stamps = input_stamps(self.root)
            if self._last is not None and self._last[0] == stamps and self.out.is_dir():
                report = self._last[1]
                return BuildReport(report.papers, report.pages, report.files, (), {"unchanged": 0.0})
            report = self._build(stamps)
            self._last = (stamps, report)
            return report

    def _build(self, stamps: dict[str, Stamp]) -> BuildReport:
        """Build OUT, redoing only the work that changed since the last build."""
        clock = _Clock()
        ready = self.prepare(clock, stamps)
        views = self._views_for(ready)
        views.keep_only(ready.catalog.entries)
        views.new_round()
        recipes = plan(ready.catalog, ready.templates, views, self._paper_plans if self.remember else None)
        prints = {name: ready.templates.fingerprint(name) for name in {r.template for r in recipes if r.template}}
        changed = self._changed(recipes, prints)
        keys = {r.path: r.key for r in recipes}
        clock.lap("plan")
        if self._made and self.out.is_dir() and len(changed) <= INCREMENTAL_LIMIT:
            written = self._update(changed, keys, ready)
        else:
            written = self._write_all(recipes, keys, ready)
        self._prints = prints
        clock.lap("render+write")
        pages = sum(r.path.endswith(".html") for r in recipes)
        return BuildReport(len(ready.catalog.entries), pages, len(recipes) + len(self._static), written, clock.timings)

    def _changed(self, recipes: list[Recipe], prints: dict[str, str]) -> list[Recipe]:
        """The recipes whose key or template differs from what made their output last time."""
        redone = {name for name, value in prints.items() if self._prints.get(name) != value}
        made = self._made
        return [r for r in recipes if r.template in redone or made.get(r.path) != r.key]

    def _views_for(self, ready: Prepared) -> Views:
        """The paper views of the last build, unless the site settings or the entry template changed."""
        views = self._views
        entry_print = ready.templates.fingerprint(ENTRY_TEMPLATE)
        if views is None or views.site != ready.catalog.site or views.fingerprint != entry_print:
            views = self._views = Views(ready.catalog.site, ready.templates, self.remember)
        return views

    def _write_all(self, recipes: list[Recipe], keys: dict[str, Hashable], ready: Prepared) -> tuple[str, ...]:
        """A whole new output folder, rendered (by `jobs` processes) into staging and swapped in."""
        self._made = {}

        def fill(staging: Path) -> None:
            if self.jobs > 1 and len(recipes) >= PARALLEL_FROM:
                render_in_parallel(staging, recipes, self.jobs)
            else:
                render_share(staging, recipes)

        write_site(self.out, fill, ready.static_files)
        self._made = keys
        self._static = _static_stamps(ready)
        return (*keys, *self._static)

    def _update(self, changed: list[Recipe], keys: dict[str, Hashable], ready: Prepared) -> tuple[str, ...]:
        """Render what changed (all of it before writing any of it), then rewrite only files whose bytes differ."""
        files = [(r.path, r.make()) for r in changed]
        static = _static_stamps(ready)
        copies = {rel: src for rel, (src, stamp) in static.items() if self._static.get(rel) != (src, stamp)}
        removed = [p for p in self._made if p not in keys] + [p for p in self._static if p not in static]
        written = write_changes(self.out, files, copies, removed)
        self._made, self._static = keys, static
        return written


def render_share(staging: Path, recipes: list[Recipe]) -> None:
    """Render and write some outputs into the staging folder."""
    write_files(staging, ((recipe.path, recipe.make()) for recipe in recipes))


def _worker(staging: Path, runs: list[list[Recipe]], taken: Synchronized[int], results: Connection) -> None:
    """A forked renderer: runs until none is left, then "ok" (or its errors) to the parent."""
    try:
        render_runs(staging, runs, taken)
        results.send(("ok", None))
    except SiteErrors as exc:
        results.send(("errors", exc.errors))
    except BaseException as exc:  # reported to the parent, which raises it as its own
        results.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        results.close()


def render_in_parallel(staging: Path, recipes: list[Recipe], jobs: int) -> None:
    """Render the outputs in `jobs` processes (forked, so they share the prepared site), each taking the
    next run of outputs whenever it is free: however long each run takes, no process waits on another.

    Output is byte-identical to one process: each output depends only on its own recipe.
    """
    context = multiprocessing.get_context("fork")
    all_runs = runs(recipes)
    taken = context.Value("i", 0)
    workers = []
    for _ in range(jobs - 1):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(staging, all_runs, taken, send))
        process.start()
        send.close()
        workers.append((process, receive))
    render_runs(staging, all_runs, taken)
    for process, receive in workers:
        outcome, value = receive.recv()
        process.join()
        if outcome == "errors":
            raise SiteErrors(value)
        if outcome == "failed":
            raise RuntimeError(f"a rendering process failed: {value}")


def runs(recipes: list[Recipe]) -> list[list[Recipe]]:
    """The recipes in runs, in order: every output before the first paper page in one run (the index, venue
    pages and exports share each paper's list entry, made once), then PAPERS_PER_RUN papers' page and .bib."""
    start = next((i for i, r in enumerate(recipes) if r.template == PAPER_TEMPLATE), len(recipes))
    step = 2 * PAPERS_PER_RUN
    return [recipes[:start]] + [recipes[i : i + step] for i in range(start, len(recipes), step)]


def render_runs(staging: Path, all_runs: list[list[Recipe]], taken: Synchronized[int]) -> None:
    """Render the next run no process has taken, until none is left."""
    while True:
        with taken.get_lock():
            number = taken.value
            taken.value += 1
        if number >= len(all_runs):
            return
        render_share(staging, all_runs[number])


def _static_stamps(ready: Prepared) -> dict[str, tuple[Path, Stamp]]:
    """Each static output's source file and its stamp."""
    stamps = ready.stamps
    return {rel: (source, stamps.get(str(source)) or stamp_of(source)) for rel, source in ready.static_files.items()}


def build(
    root: Path, out: Path, base_url: str | None = None, max_file_mb: float = MAX_FILE_MB, jobs: int | None = None
) -> BuildReport:
    """Build ROOT's content into OUT from scratch, once."""
    return Builder(root, out, base_url, max_file_mb, jobs, remember=False).build()


def check(root: Path, base_url: str | None = None, max_file_mb: float = MAX_FILE_MB) -> Prepared:
    """Everything a build checks, without writing anything."""
    return Builder(root, root / "_site", base_url, max_file_mb).prepare()
