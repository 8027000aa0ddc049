"""Work shared between forked processes, each taking the next task whenever it is free."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TypeVar

from site_gen.errors import SiteError, SiteErrors

T = TypeVar("T")
Worker = tuple[BaseProcess, Connection]  # a forked process, and the end of the pipe its report comes through


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
    On any failure every worker is ended before this raises, so none writes into what the caller
    then cleans up.
    """
    if jobs < 2 or len(tasks) - first < 2 or not can_fork():
        return [task() for task in tasks]
    context = multiprocessing.get_context("fork")
    taken: Synchronized[int] = context.Value("i", first)
    workers: list[Worker] = []
    try:
        for _ in range(jobs - 1):
            workers.append(_start(context, tasks, taken))
        results: dict[int, Any] = {i: tasks[i]() for i in range(first)}
        results.update(_take(tasks, taken, [receive for _, receive in workers]))
        results.update(_collect(workers))
    except BaseException:
        _stop(workers)
        raise
    return [results[i] for i in range(len(tasks))]


def _start(context: ForkContext, tasks: Sequence[Callable[[], Any]], taken: Synchronized[int]) -> Worker:
    """A forked process taking tasks."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(tasks, taken, send))
    process.start()
    send.close()  # the worker holds the only sending end, so its death without a report reads as the pipe's end
    return process, receive


def _collect(workers: list[Worker]) -> dict[int, Any]:
    """Every worker's results, taken as each reports, so the first failure is raised without waiting for the rest."""
    results: dict[int, Any] = {}
    waiting = list(workers)
    while waiting:
        ready = wait([receive for _, receive in waiting])
        for worker in [worker for worker in waiting if worker[1] in ready]:
            waiting.remove(worker)
            results.update(_report(*worker))
    return results


def _report(process: BaseProcess, receive: Connection) -> dict[int, Any]:
    """What one worker sent, once it has ended: its results, or its failure raised here."""
    try:
        outcome, value = receive.recv()
    except EOFError:  # killed, or ended by os._exit, before it could send
        outcome, value = "ended", None
    finally:
        receive.close()
        process.join()
    if outcome == "errors":
        raise SiteErrors(value)
    if outcome == "failed":
        raise RuntimeError(f"a worker process failed: {value}")
    if outcome == "ended":
        raise RuntimeError(f"a worker process ended without a report (exit code {process.exitcode})")
    results: dict[int, Any] = value
    return results


def _stop(workers: list[Worker]) -> None:
    """End every worker at once and wait until each has."""
    for process, receive in workers:
        process.kill()  # SIGKILL: a worker cannot put it off, whatever signal handlers it inherited
        receive.close()
    for process, _ in workers:
        process.join()


def _take(
    tasks: Sequence[Callable[[], T]], taken: Synchronized[int], workers: Sequence[Connection] = ()
) -> dict[int, T]:
    """Run the next task no process has taken, until none is left; their results by number.

    The parent passes its WORKERS' ends of their pipes and stops as soon as one has something to read: while
    tasks are left, only a worker that failed or died has, and then the run has failed.
    """
    done: dict[int, T] = {}
    while not (workers and wait(workers, 0)):
        with taken.get_lock():
            number = taken.value
            taken.value += 1
        if number >= len(tasks):
            break
        done[number] = tasks[number]()
    return done


def _worker(tasks: Sequence[Callable[[], Any]], taken: Synchronized[int], results: Connection) -> None:
    """A forked process: takes tasks until none is left, then sends their results (or what failed)."""
    try:
        results.send(("ok", _take(tasks, taken)))
    except SiteErrors as exc:
        _leave_none(taken, len(tasks))
        errors: list[SiteError] = exc.errors
        results.send(("errors", errors))
    except BaseException as exc:  # reported to the parent, which raises it as its own
        _leave_none(taken, len(tasks))
        results.send(("failed", f"{type(exc).__name__}: {exc}"))
    finally:
        results.close()


def _leave_none(taken: Synchronized[int], count: int) -> None:
    """Mark all COUNT tasks taken: the run has failed, so no process starts another and the parent hears of it soon."""
    with taken.get_lock():
        taken.value = count
