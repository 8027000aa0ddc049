"""Forked work: a failure anywhere ends every worker before run_tasks raises, so none writes afterwards."""

from __future__ import annotations

import functools
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from site_gen.errors import SiteError, SiteErrors
from site_gen.parallel import run_tasks
from tests.conftest import REPO

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


DIED = Path(tempfile.gettempdir()) / f"site-gen-test-died-{TEST_PROCESS}"


def die() -> None:
    """A task whose worker ends without a word, as a crash or a kill would end it (never this test's process)."""
    if os.getpid() != TEST_PROCESS:
        DIED.touch()
        os._exit(3)


def pause_until_died() -> None:
    """The parent's own first task, until a worker has taken `die` (a slow fork must not leave it to the parent)."""
    deadline = time.monotonic() + 10 * LATE
    while not DIED.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    DIED.unlink(missing_ok=True)
    time.sleep(LATE / 4)  # and until it has exited: the parent then sees its end before taking a task itself


def tasks_after(first: Callable[[], None], second: Callable[[], None], folder: Path) -> list[Callable[[], None]]:
    """FIRST (run by this process), SECOND, then slow tasks that each write a file."""
    return [first, second, *(functools.partial(write_late, folder, n) for n in range(4))]


# (the parent's first task, the next task, what run_tasks raises)
FAILURES = {
    "the parent's own task fails": (fail, pause, SiteErrors),
    "a worker reports errors": (pause, fail, SiteErrors),
    "a worker dies without a report": (pause_until_died, die, RuntimeError),
}


def scenario(case: str, folder: Path) -> str:
    """Run CASE's tasks; what run_tasks raised, and whether any worker is still alive after."""
    first, second, _ = FAILURES[case]
    try:
        run_tasks(tasks_after(first, second, folder), jobs=3, first=1)
        raised = "nothing"
    except (SiteErrors, RuntimeError) as exc:
        raised = f"{type(exc).__name__}: {exc.errors if isinstance(exc, SiteErrors) else exc}"
    return f"{raised} | alive: {len(multiprocessing.active_children())}"


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_a_failure_ends_every_worker_before_run_tasks_raises(case: str, tmp_path: Path) -> None:
    # In a fresh interpreter: pytest's process may hold other threads (a browser test's), and then never forks.
    code = f"from tests.test_parallel import *; print(scenario({case!r}, Path({str(tmp_path)!r})))"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    raised = FAILURES[case][2]
    message = [ERROR] if raised is SiteErrors else "a worker process ended without a report (exit code 3)"
    assert result.stdout == f"{raised.__name__}: {message} | alive: 0\n"
    time.sleep(LATE * 1.5)
    assert list(tmp_path.iterdir()) == []
