"""What a builder remembers from one build to the next (the preview's rebuilds), all in one place.

The rule, the same for every table: a result is used again only when what it was made from is equal
(==) to what made it before. Files are known by the digest of their bytes (a changed stamp only says
to read them again), records by their values. Nothing is found by the identity of an object: a value
that merely looks new costs its work again, and is never wrong. A table whose results also depend on
something every key shares (the site's settings, a template) is told that `basis` at the start of
each build, and starts empty when it differs.

Each table keeps what the latest build used, and forgets the rest when the build ends, so memory
follows the site, not its history. "Used" includes what an output kept from before would be remade
from (a year's list entries, a file's items): the stage that keeps the output `touch`es those. Where
that is every paper's share of every list, touching it all on each rebuild would cost more than the
edit: such a table is told to `keep` all instead, until it holds half as much again as the site needs,
and then it is touched and pruned. A one-off build keeps nothing beyond itself, and
within itself only as much as its tables' `limit`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from markupsafe import Markup

    from site_gen.derive import CoAuthor, CoAuthorIndex, Entry, YearGroup
    from site_gen.model import Owner, Paper
    from site_gen.render import Parts
    from site_gen.views import PaperView

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Table(Generic[K, V]):
    """Results of one kind of work, by what they were made from."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit  # for a one-off build: keep only the last LIMIT results (None: all)
        self._basis: Hashable = None
        self._before: dict[K, V] = {}
        self._now: dict[K, V] = {}
        self._keep_all = False

    def start(self, basis: Hashable) -> None:
        """Begin a build whose results all depend on BASIS too: any kept from another basis are dropped."""
        if basis != self._basis:
            self._basis, self._before, self._now = basis, {}, {}

    def get(self, key: K) -> V | None:
        """The result made from KEY, if one is kept (it is then kept for the next build too)."""
        found = self._now.get(key)
        if found is None:
            found = self._before.get(key)
            if found is not None:
                self._now[key] = found
        return found

    def put(self, key: K, value: V) -> V:
        """Keep VALUE as the result made from KEY; return it."""
        self._now[key] = value
        if self.limit is not None and len(self._now) > self.limit:
            del self._now[next(iter(self._now))]
        return value

    def touch(self, keys: Iterable[K]) -> None:
        """Count the results made from KEYS as used, though this build does not look at them."""
        now, before = self._now, self._before
        for key in keys:
            if key not in now and key in before:
                now[key] = before[key]

    def made(self, key: K, make: Callable[[], V]) -> V:
        """The result made from KEY: the kept one, or MAKE's, kept."""
        found = self.get(key)
        return found if found is not None else self.put(key, make())

    def get_many(self, keys: Sequence[K]) -> list[V | None]:
        """get() of each of KEYS; where the table keeps all (see keep), one look-up each, made in C (a rebuild
        looks up every paper's)."""
        if not self._keep_all:
            return [self.get(key) for key in keys]
        found = list(map(self._before.get, keys))
        return [value if value is not None else self._now.get(key) for key, value in zip(keys, found, strict=True)]

    def missing(self, keys: Iterable[K]) -> set[K]:
        """Those of KEYS with no kept result (set operations, made in C; where the table keeps all, the others
        need no get() to be counted as used)."""
        return set(keys).difference(self._now, self._before)

    def keep(self, needed: int, used: Iterable[K]) -> None:
        """Count every result kept from before as used by this build, unless the table holds half as much again
        as the NEEDED results (and a few): then only those made from USED (an iterable made only then), and the
        rest is forgotten when the build ends."""
        self._keep_all = self.size() <= needed * 3 // 2 + 64
        if not self._keep_all:
            self.touch(used)

    def size(self) -> int:
        """How many results are kept (a result used again this build counts twice until it ends). Not __len__:
        an empty table must not be false where a caller writes `table or Table()`."""
        return len(self._before) + len(self._now)

    def end_build(self) -> None:
        """Forget every result the build that just ended did not use."""
        if self._keep_all:
            self._before.update(self._now)
            self._now, self._keep_all = {}, False
            return
        self._before, self._now = self._now, {}


RECENT = 64  # what a one-off build keeps of results used only by nearby outputs (a paper and its neighbours)


@dataclass
class Memory:
    """Every table a builder keeps; each stage is handed the tables it reads and fills."""

    lasting: bool = True  # whether builds follow this one (the preview): then what lasts is worth finding out
    # load: a file as read at a stamp; a list file's items, by the digest of each one's text
    parsed: Table[tuple[str, tuple[int, int]], Any] = field(default_factory=Table)
    items: Table[str, dict[str, Any]] = field(default_factory=Table)
    # validate: a valid paper, by (file, place in it, what it was read from); a file's, with what each was read from
    papers: Table[tuple[str, int, str], Paper] = field(default_factory=Table)
    validated: Table[str, tuple[tuple[str, ...], tuple[Paper, ...]]] = field(default_factory=Table)
    # derive: a paper's entry (its id and venue group); the latest build's co-authors and their index, with the
    # owner and the entries they were grouped from
    entries: Table[Paper, Entry] = field(default_factory=Table)
    coauthor_plan: tuple[Owner, tuple[Entry, ...], tuple[CoAuthor, ...], CoAuthorIndex] | None = None
    # render: Markdown texts as HTML (those that are more than plain text); what templates see of a
    # paper; what list pages and exports take from it; joined list blocks and export blocks
    markdown: Table[str, str] = field(default_factory=Table)
    views: Table[Entry, PaperView] = field(default_factory=Table)
    parts: Table[Entry, Parts] = field(default_factory=Table)
    blocks: Table[Hashable, Markup] = field(default_factory=Table)  # ("list", root, YearGroup), ("coauthors", ...)
    exports: Table[tuple[str, YearGroup], bytes] = field(default_factory=Table)
    # plan: the renderer for the site, its pages and templates; the latest build's papers and their
    # recipes, with what else they were made from (site, pages, templates)
    renderers: Table[Hashable, Any] = field(default_factory=Table)
    paper_plan: tuple[Hashable, tuple[Entry, ...], list[Any]] | None = None
    author_plan: tuple[Hashable, tuple[CoAuthor, ...], list[Any]] | None = None  # the same for co-authors' pages
    # write: each output path, and the key it was last made from
    outputs: dict[str, Hashable] = field(default_factory=dict)

    @classmethod
    def one_off(cls) -> Memory:
        """Tables for a build that is not followed by another: per-paper results only kept while nearby."""
        memory = cls(lasting=False)
        memory.views.limit = RECENT
        for table in (memory.parsed, memory.items, memory.papers, memory.validated, memory.entries):
            table.limit = 0
        memory.blocks.limit = memory.exports.limit = 0
        return memory

    def end_build(self) -> None:
        """Forget what the build that just ended did not use."""
        for item in fields(self):
            table = getattr(self, item.name)
            if isinstance(table, Table):
                table.end_build()
