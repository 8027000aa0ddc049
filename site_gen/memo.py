"""What a builder remembers from one build to the next (the preview's rebuilds), all in one place.

Why a rebuild is right, in two rules:
1. Remembered results are those of pure functions, found by all their arguments compared with ==
   (files by the digest of their bytes, records by value): `Memory.call(f, *args)` is `f(*args)`,
   done again only when no equal arguments made it before. Nothing is found by position or identity.
2. An output file is left as it is only when everything it is made from (its recipe's arguments)
   equals what made it last time; every other output is made again.

Every stage runs whole on every build, from values; memory only spares work whose result is known.
What is forgotten is only work to do again: a memo past twice what one build uses forgets what the
last build did not use, so memory stays bounded by the site, not by the preview's history.
This module knows nothing of the stages: they hand it plain functions, keys and values.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Memo:
    """The results of one pure function, by its arguments: at most about twice what one build of the site uses."""

    def __init__(self) -> None:
        self._results: dict[Hashable, list[Any]] = {}  # arguments -> [result, the last build that used it]
        self._build = 0
        self._used = 0  # how many results this build has used
        self._most_used = 0  # the most results one build has used

    def call(self, function: Callable[..., T], args: tuple[Hashable, ...]) -> T:
        """FUNCTION(*ARGS): remembered, or made now and remembered."""
        found = self._results.get(args)  # one lookup: hashing a record's arguments is most of a hit's cost
        if found is None:
            found = self._results[args] = [function(*args), -1]
        if found[1] != self._build:
            found[1] = self._build
            self._used += 1
        return found[0]  # type: ignore[no-any-return]

    def __len__(self) -> int:
        """How many results are remembered."""
        return len(self._results)

    def has(self, args: tuple[Hashable, ...]) -> bool:
        """Whether a result for ARGS is remembered."""
        return args in self._results

    def put(self, args: tuple[Hashable, ...], value: Any) -> None:
        """Remember VALUE as the result for ARGS."""
        self._results[args] = [value, -1]

    def end_build(self) -> None:
        """Past twice the most a build has used, forget what this build did not use (a build that used less, as
        one edit's rebuild, leaves the rest: later edits will want it)."""
        self._most_used = max(self._most_used, self._used)
        if len(self._results) > 2 * self._most_used + SLACK:
            self._results = {args: found for args, found in self._results.items() if found[1] == self._build}
        self._build += 1
        self._used = 0


SLACK = 64


class Memory:
    """Everything a builder keeps between builds: a memo per pure function, and the recipe of every output."""

    def __init__(self, lasting: bool = True) -> None:
        self.lasting = lasting  # whether more builds follow (the preview), or this is a one-off build
        self._memos: dict[Callable[..., Any], Memo] = {}
        self.outputs: dict[str, Hashable] = {}  # output path -> how it was made (its recipe), for a site on disk

    def call(self, function: Callable[..., T], *args: Hashable) -> T:
        """FUNCTION(*ARGS), remembered by ARGS (FUNCTION must be pure: its result depends on ARGS alone)."""
        return self._memo(function).call(function, args)

    def keep(self, function: Callable[..., T], *args: Hashable) -> T:
        """FUNCTION(*ARGS), remembered only by a lasting memory: for results one build uses once, which only a
        later build can want again."""
        return self.call(function, *args) if self.lasting else function(*args)

    def call_many(
        self,
        function: Callable[..., T],
        many: list[tuple[Hashable, ...]],
        make: Callable[[list[tuple[Hashable, ...]]], list[T]],
    ) -> list[T]:
        """FUNCTION(*ARGS) for each ARGS in MANY; MAKE gives those not remembered all at once (in parallel, say),
        each exactly what FUNCTION would."""
        memo = self._memo(function)
        missing = [args for args in dict.fromkeys(many) if not memo.has(args)]
        for args, value in zip(missing, make(missing) if missing else [], strict=True):
            memo.put(args, value)
        return [memo.call(function, args) for args in many]

    def _memo(self, function: Callable[..., Any]) -> Memo:
        """The memo of FUNCTION's results."""
        memo = self._memos.get(function)
        if memo is None:
            memo = self._memos[function] = Memo()
        return memo

    def sizes(self) -> dict[str, int]:
        """How many results are remembered, by function."""
        return {function.__qualname__: len(memo) for function, memo in self._memos.items()}

    def end_build(self) -> None:
        """A build worked: keep what it used, forget the rest."""
        for memo in self._memos.values():
            memo.end_build()
