"""The build: load -> validate -> derive -> render -> write, each phase named and timed.

Every build runs every phase whole, from the files as they are now. A `Builder` kept alive (the
preview) keeps its memory (memo.py): results of pure functions found by equal arguments, and what
each output file was made from, so that it rewrites only the outputs whose recipe changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter, methodcaller
from pathlib import Path

from site_gen.cache import ParsedFiles, RenderedMarkdown
from site_gen.content import MAX_FILE_MB, Inputs, Stamp, load, stamp_of
from site_gen.derive import Catalog, derive
from site_gen.errors import SiteErrors
from site_gen.memo import Memory
from site_gen.parallel import default_jobs, run_tasks
from site_gen.render import Recipe, Renderer, plan, prepare_markdown
from site_gen.templates import Templates, make_templates, template_files
from site_gen.validate import validate
from site_gen.write import held, write_changes, write_files, write_site

PAPERS_PER_RUN = 250  # papers rendered by one process at a time: a few milliseconds of coordination at 100,000
# Past this many changed outputs (a template or site.yaml edit), stream a whole new folder instead.
INCREMENTAL_LIMIT = 2000
SHARED_RUNS = 2  # runs() starts with the whole site's files, then the list pages: the parts outputs share


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
    """The site ready to render: the catalog, the templates, the static files to copy and every file read."""

    catalog: Catalog
    templates: Templates
    static_files: dict[str, Path]
    read: frozenset[str]


@dataclass(frozen=True)
class Settings:
    """How a root is built: its folder, the base URL that overrides site.yaml's, the file size limit, processes."""

    root: Path
    base_url: str | None = None
    max_file_mb: float = MAX_FILE_MB
    jobs: int = 1


def prepare(settings: Settings, memory: Memory, parsed: ParsedFiles, clock: _Clock | None = None) -> Prepared:
    """Load, validate and derive the content and compile the templates; raise every error found."""
    clock = clock or _Clock()
    inputs, errors = load(settings.root, memory, parsed, settings.max_file_mb, settings.jobs)
    clock.lap("load")
    content, validation_errors = validate(inputs, settings.base_url, memory)
    errors += validation_errors
    clock.lap("validate")
    catalog, derive_errors = derive(content, memory) if content is not None else (None, [])
    errors += derive_errors
    clock.lap("derive")
    templates = memory.call(make_templates, inputs.template_dirs, template_files(inputs.template_dirs))
    errors += templates.check()
    if errors or catalog is None:
        raise SiteErrors(errors)
    return Prepared(catalog, templates, inputs.static_files, _read(inputs, templates))


def _read(inputs: Inputs, templates: Templates) -> frozenset[str]:
    """The path of every file a build read."""
    sources = [inputs.site, *inputs.papers] if inputs.site else inputs.papers
    return frozenset(
        [
            *(str(source.where.file) for source in sources),
            *(str(inputs.root / page.path) for page in inputs.pages),
            *map(str, inputs.static_files.values()),
            *(path for path, _ in templates.files),
        ]
    )


class Builder:
    """Builds ROOT into OUT; kept alive, its next build rewrites only the outputs whose recipe changed."""

    def __init__(
        self,
        root: Path,
        out: Path,
        base_url: str | None = None,
        max_file_mb: float = MAX_FILE_MB,
        jobs: int | None = None,
        lasting: bool = True,
    ) -> None:
        self.settings = Settings(root.resolve(), base_url, max_file_mb, jobs or default_jobs())
        self.out = out.resolve()
        self.memory = Memory(lasting)  # not LASTING: one build, and what it uses once is not kept
        self.renderer = Renderer(self.memory)  # one: its methods are what the memory remembers results of
        self.parsed = ParsedFiles(self.settings.root)
        self.rendered = RenderedMarkdown(self.settings.root)
        self.static: dict[str, tuple[Path, Stamp]] = {}  # each static output's source and its stamp when copied
        self.read: frozenset[str] = frozenset()

    def build(self) -> BuildReport:
        """Build OUT; on any error raise SiteErrors and leave OUT as it was."""
        clock = _Clock()
        ready = prepare(self.settings, self.memory, self.parsed, clock)
        prepare_markdown(ready.catalog, self.memory, self.rendered, self.settings.jobs)
        clock.lap("markdown")
        recipes = plan(ready.catalog, ready.templates, self.memory)
        made = self.memory.outputs
        changed = [recipe for recipe in recipes if made.get(recipe.path) != recipe]
        clock.lap("plan")
        if made and self.out.is_dir() and len(changed) <= INCREMENTAL_LIMIT:
            written = self._update(changed, recipes, ready)
        else:
            written = self._write_all(recipes, ready)
        clock.lap("render+write")
        self.memory.end_build()  # only after a build that worked: a failed one used less, and would lose it
        self.read = ready.read
        pages = sum(map(methodcaller("endswith", ".html"), map(attrgetter("path"), recipes)))
        files = len(recipes) + len(self.static)
        return BuildReport(len(ready.catalog.entries), pages, files, written, clock.timings)

    def _write_all(self, recipes: list[Recipe], ready: Prepared) -> tuple[str, ...]:
        """A whole new output folder, rendered (by `jobs` processes) into staging and swapped in."""
        self.memory.outputs = {}
        renderer, jobs = self.renderer, self.settings.jobs
        first = SHARED_RUNS if self.memory.lasting else 0  # the preview keeps what they are made of

        def fill(staging: Path) -> None:
            run_tasks([_render_task(renderer, staging, run) for run in runs(recipes)], jobs, first=first)

        write_site(self.out, fill, ready.static_files)
        self.memory.outputs = {recipe.path: recipe for recipe in recipes}
        self.static = _static_stamps(ready.static_files)
        return (*self.memory.outputs, *self.static)

    def _update(self, changed: list[Recipe], recipes: list[Recipe], ready: Prepared) -> tuple[str, ...]:
        """Make every changed output (all before writing any), then rewrite only files whose bytes differ."""
        files = [(recipe.path, held(recipe.run(self.renderer))) for recipe in changed]
        static = _static_stamps(ready.static_files)
        copies = {rel: source for rel, (source, stamp) in static.items() if self.static.get(rel) != (source, stamp)}
        paths = {recipe.path for recipe in recipes}
        removed = [path for path in (*self.memory.outputs, *self.static) if path not in paths and path not in static]
        written = write_changes(self.out, files, copies, removed)
        self.memory.outputs = {recipe.path: recipe for recipe in recipes}
        self.static = static
        return written


def runs(recipes: list[Recipe]) -> list[list[Recipe]]:
    """The recipes in runs, in order: the files of the whole site (exports, feed, sitemap) in one run, the list
    pages (index, venues, co-authors; they share each paper's list entry, made once) and the pages in one, then
    PAPERS_PER_RUN papers' page and .bib each."""
    lists = next((i for i, recipe in enumerate(recipes) if recipe.path == "index.html"), 0)
    start = next((i for i, recipe in enumerate(recipes) if recipe.path.startswith("papers/")), len(recipes))
    step = 2 * PAPERS_PER_RUN
    return [recipes[:lists], recipes[lists:start]] + [recipes[i : i + step] for i in range(start, len(recipes), step)]


def _render_task(renderer: Renderer, staging: Path, run: list[Recipe]) -> Callable[[], None]:
    """A task that makes some outputs and writes them into the staging folder."""
    return lambda: write_files(staging, ((recipe.path, recipe.run(renderer)) for recipe in run))


def _static_stamps(static_files: dict[str, Path]) -> dict[str, tuple[Path, Stamp]]:
    """Each static output's source file and its stamp."""
    return {rel: (source, stamp_of(source)) for rel, source in static_files.items()}


def build(
    root: Path, out: Path, base_url: str | None = None, max_file_mb: float = MAX_FILE_MB, jobs: int | None = None
) -> BuildReport:
    """Build ROOT's content into OUT from scratch, once."""
    return Builder(root, out, base_url, max_file_mb, jobs, lasting=False).build()


def check(root: Path, base_url: str | None = None, max_file_mb: float = MAX_FILE_MB) -> Prepared:
    """Everything a build checks, without writing anything (not even the cache)."""
    return prepare(Settings(root.resolve(), base_url, max_file_mb), Memory(), ParsedFiles(None))
