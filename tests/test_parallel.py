"""Forked work: a failure anywhere ends every worker before run_tasks raises, so none writes afterwards."""

from __future__ import annotations

import functools
import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from site_gen.errors import SiteError, SiteErrors
from site_gen.parallel import run_tasks

LATE = 2.0  # seconds a slow task waits before it writes
TEST_PROCESS = os.getpid()
ERROR = SiteError("content/papers/x.yaml", 1, 1, "a bad paper")


def write_late(target: Path, number: int) -> None:
    """A slow task: waits, then writes a file of its own."""
    time.sleep(LATE)
    (target / f"late-{number}").write_text("written after the run failed\n", encoding="utf-8")


def pause() -> None:
    """The parent's own first task: busy long enough for the workers to take the rest."""
    time.sleep(LATE / 2)


def fail() -> None:
    """A task with an error in the content."""
    raise SiteErrors([ERROR])


def die() -> None:
    """A task whose worker ends without a word, as a crash or a kill would end it (never this test's process)."""
    if os.getpid() != TEST_PROCESS:
        os._exit(3)


def tasks_after(first: Callable[[], None], second: Callable[[], None], folder: Path) -> list[Callable[[], None]]:
    """FIRST (run by this process), SECOND, then slow tasks that each write a file."""
    return [first, second, *(functools.partial(write_late, folder, n) for n in range(4))]


# (the parent's first task, the next task, what run_tasks raises)
FAILURES = {
    "the parent's own task fails": (fail, pause, SiteErrors),
    "a worker reports errors": (pause, fail, SiteErrors),
    "a worker dies without a report": (pause, die, RuntimeError),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failure_ends_every_worker_before_run_tasks_raises(case: str, tmp_path: Path) -> None:
    first, second, raised = FAILURES[case]
    with pytest.raises(raised) as failure:
        run_tasks(tasks_after(first, second, tmp_path), jobs=3, first=1)
    if isinstance(failure.value, SiteErrors):
        assert failure.value.errors == [ERROR]
    else:
        assert str(failure.value) == "a worker process ended without a report (exit code 3)"
    assert multiprocessing.active_children() == []
    time.sleep(LATE * 1.5)
    assert list(tmp_path.iterdir()) == []
