"""The one error type: a located problem in the user's files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SiteError:
    """One problem at PATH:LINE:COL (1-based), with a message that says how to fix it."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: error: {one_line(self.message)}"


def one_line(text: str) -> str:
    """TEXT with every character that is not printable written as an escape, so an error is one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class SiteErrors(Exception):
    """Every problem found by one stage, raised together so the user sees them all at once."""

    def __init__(self, errors: list[SiteError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
