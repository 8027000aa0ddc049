"""The index's chart of papers per year: bars stacked by venue group, measured here and drawn as SVG by the
template (`_chart.html`), so it shows without JavaScript."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from site_gen.derive import VenueGroup, YearGroup
from site_gen.markup import count_papers

SERIES = 4  # colours: the largest venue groups get one each, the rest share the last ("Other"); more stop being legible
BARS = 96  # the tallest bar, px
TOP = 16  # room above the tallest bar for its count, px
COLUMN, BAR = 36, 24  # px; a column holds a bar and its year below it
DENSE_YEARS = 14  # past this many years, narrow columns with the year written upwards and no counts
DENSE_COLUMN, DENSE_BAR = 20, 14


@dataclass(frozen=True)
class Segment:
    """One venue series' part of a bar: its colour (series number) and where it is drawn."""

    series: int
    y: str
    height: str


@dataclass(frozen=True)
class Column:
    """One year: its papers in all, their parts by series (largest first, named) and the bar's shape."""

    year: int
    count: int
    x: str
    top: str
    segments: tuple[Segment, ...]
    parts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Chart:
    """What `_chart.html` draws: every year from the first to the last (a year without papers has count 0),
    oldest on the left, and the series' names for the legend."""

    columns: tuple[Column, ...]
    series: tuple[str, ...]
    width: int
    height: int
    column: int
    bar: int
    dense: bool

    @property
    def description(self) -> str:
        """The chart as text, newest year first: its text alternative."""
        years = [column for column in reversed(self.columns) if column.count]
        return " ".join(f"{c.year}: {count_papers(c.count)}{_parts(c.parts)}." for c in years)


def _parts(parts: tuple[tuple[str, int], ...]) -> str:
    """' (ACL 2, Other 1)', or nothing for a bar of one series."""
    return " (" + ", ".join(f"{name} {count}" for name, count in parts) + ")" if len(parts) > 1 else ""


def papers_chart(years: tuple[YearGroup, ...], venues: tuple[VenueGroup, ...]) -> Chart | None:
    """The chart of YEARS (newest first), each bar stacked by venue group in the order of VENUES (largest first)."""
    if not years:
        return None
    shown = _series(venues)
    series_of = {group.venue.slug: min(i, shown) for i, group in enumerate(venues)}
    names = tuple(group.venue.label for group in venues[:shown]) + (
        ("Other" if shown else "All",) if len(venues) > shown else ()
    )
    dense = years[0].year - years[-1].year >= DENSE_YEARS
    column, bar = (DENSE_COLUMN, DENSE_BAR) if dense else (COLUMN, BAR)
    scale = BARS / max(len(group.entries) for group in years)
    by_year = {group.year: group for group in years}
    columns = []
    for i, year in enumerate(range(years[-1].year, years[0].year + 1)):
        counts = Counter(series_of[entry.venue.slug] for entry in by_year[year].entries) if year in by_year else {}
        columns.append(_column(year, counts, names, i * column + (column - bar) / 2, scale))
    return Chart(tuple(columns), names, len(columns) * column, TOP + BARS + 1, column, bar, dense)


def _series(venues: tuple[VenueGroup, ...]) -> int:
    """How many venue groups get a colour of their own: all if they fit, else the largest, unless those hold
    less than half the papers (bars mostly "Other" say nothing: then none, and bars are one colour)."""
    if len(venues) <= SERIES:
        return len(venues)
    largest = sum(len(group.entries) for group in venues[: SERIES - 1])
    return SERIES - 1 if 2 * largest >= sum(len(group.entries) for group in venues) else 0


def _column(year: int, counts: Counter[int] | dict[int, int], names: tuple[str, ...], x: float, scale: float) -> Column:
    """One year's bar, its series stacked from the bottom in series order."""
    segments, bottom = [], float(TOP + BARS)
    for series in sorted(counts):
        height = counts[series] * scale
        segments.append(Segment(series, _number(bottom - height), _number(height)))
        bottom -= height
    parts = tuple((names[series], counts[series]) for series in sorted(counts))
    return Column(year, sum(counts.values()), _number(x), _number(bottom), tuple(segments), parts)


def _number(value: float) -> str:
    """A coordinate as SVG writes it: at most one decimal, no trailing zero."""
    return f"{value:.1f}".removesuffix(".0")
