"""Work shared between forked processes, each taking the next task whenever it is free."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TypeVar

from site_gen.errors import SiteError, SiteErrors

T = TypeVar("T")


def default_jobs() -> int:
    """One process per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    """Whether this process may fork: on a system that has it, and with no other thread (the preview's
    watcher and server run in threads, and a forked copy of a lock held by one of them never opens)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def run_tasks(tasks: Sequence[Callable[[], T]], jobs: int, first: int = 0) -> list[T]:
    """Every task's result, in order; the tasks run in JOBS processes, forked so they share this one's data.

    The first FIRST tasks run in this process, before it takes any other: what they leave in its
    memory (a builder's kept results) stays. Without several jobs (or where forking is unsafe), all
    run here. A task's SiteErrors are raised here as they were; any other failure as a RuntimeError.
    """
    if jobs < 2 or len(tasks) - first < 2 or not can_fork():
        return [task() for task in tasks]
    context = multiprocessing.get_context("fork")
    taken: Synchronized[int] = context.Value("i", first)
    workers = []
    for _ in range(jobs - 1):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_worker, args=(tasks, taken, send))
        process.start()
        send.close()
        workers.append((process, receive))
    results: dict[int, Any] = {i: tasks[i]() for i in range(first)}
    results.update(_take(tasks, taken))
    for process, receive in workers:
        outcome, value = receive.recv()
        process.join()
        if outcome == "errors":
            raise SiteErrors(value)
        if outcome == "failed":
            raise RuntimeError(f"a worker process failed: {value}")
        results.update(value)
    return [results[i] for i in range(len(tasks))]


def _take(tasks: Sequence[Callable[[], T]], taken: Synchronized[int]) -> dict[int, T]:
    """Run the next task no process has taken, until none is left; their results by number."""
    done: dict[int, T] = {}
    while True:
        with taken.get_lock():
            number = taken.value
            taken.value += 1
        if number >= len(tasks):
            return done
        done[number] = tasks[number]()


def _worker(tasks: Sequence[Callable[[], Any]], taken: Synchronized[int], results: Connection) -> None:
    """A forked process: takes tasks until none is left, then sends their results (or what failed)."""
    try:
        results.send(("ok", _take(tasks, taken)))
    except SiteErrors as exc:
        errors: list[SiteError] = exc.errors
        results.send(("errors", errors))
    except BaseException as exc:  # reported to the parent, which raises it as its own
        results.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        results.close()
