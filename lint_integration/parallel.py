"""Parsing across processes, only when there is enough of it to pay for the processes.

Most files never reach this module: the prefilter drops them and the cache answers for the rest.
What is left is parsed in this process when it is a handful of files (pre-commit, an editor, a
small PR), and in a process pool otherwise. A worker keeps its frontends and its summary memo
for its whole life; on platforms that fork, the first file of each language is checked here
first, so the workers start with the parser already imported and the summaries already known.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lint_integration.discovery import SourceFile

# Fewest files worth a pool. Starting two workers and sending them the files costs about as much
# as parsing a dozen small files, so below this the pool would only add latency.
POOL_MIN_FILES = 24
# Files per worker: more workers than this would spend more time starting than parsing.
FILES_PER_WORKER = 12


@dataclass
class Task:
    """A file that survived the prefilter and is not in the cache."""

    index: int
    file: SourceFile
    raw: bytes
    digest: str
    key: tuple[str, ...]


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def pool_size(n_tasks: int, jobs: int | None) -> int:
    """How many worker processes ``n_tasks`` files deserve (0 or 1: check them here)."""
    jobs = cpu_count() if jobs is None else jobs
    if jobs <= 1 or n_tasks < POOL_MIN_FILES:
        return 0
    return max(2, min(jobs, n_tasks // FILES_PER_WORKER))


def check_all(
    tasks: list[Task], config, selection, project, options, cwd: str
) -> Iterator[tuple[Task, Any, dict[str, str]]]:
    """Yield ``(task, FileResult, dependencies)`` for every task, in order."""
    from lint_integration.engine import check_tracked

    workers = pool_size(len(tasks), options.jobs)
    if not workers:
        for task in tasks:
            yield (task, *check_tracked(task.file, task.raw, config, selection, project, cwd))
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    rest = tasks
    if fork:
        firsts: dict[str, Task] = {}
        for task in tasks:
            firsts.setdefault(task.file.language, task)
        warm = {t.index for t in firsts.values()}
        for task in firsts.values():
            yield (task, *check_tracked(task.file, task.raw, config, selection, project, cwd))
        rest = [t for t in tasks if t.index not in warm]
    yield from _pooled(rest, workers, config, selection, project if fork else None, options, cwd)


def _pooled(tasks, workers, config, selection, project, options, cwd):
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from lint_integration.engine import check_tracked

    if project is None:  # spawned workers start empty; send only what pickles
        context = multiprocessing.get_context()
        initargs = (dataclasses.replace(config, _specs={}, _matchers={}), tuple(selection.rules), None)
    else:  # forked workers inherit these objects as they are: nothing is pickled
        context = multiprocessing.get_context("fork")
        initargs = (config, selection, project)
    initargs += (options.cache, options.cache_dir, cwd)
    chunksize = max(1, len(tasks) // (workers * 4))
    done = 0
    try:
        with ProcessPoolExecutor(workers, context, _init_worker, initargs) as executor:
            payloads = ((t.file, t.raw) for t in tasks)
            for result, deps in executor.map(_work, payloads, chunksize=chunksize):
                yield tasks[done], result, deps
                done += 1
    except (BrokenProcessPool, OSError):
        # A worker died (killed, out of memory) or none could start: finish here.
        if project is None:
            from lint_integration.cache import Cache
            from lint_integration.engine import ProjectIndex

            cache = Cache.for_run(config, selection, options.cache_dir) if options.cache else None
            project = ProjectIndex(config, cache)
        for task in tasks[done:]:
            yield (task, *check_tracked(task.file, task.raw, config, selection, project, cwd))


_STATE: tuple | None = None


def _init_worker(config, selection, project, use_cache, cache_dir: Path | None, cwd: str):
    """Set up a worker once; every file it checks reuses its imports and summaries."""
    import signal

    from lint_integration.cache import Cache
    from lint_integration.engine import ProjectIndex, RuleSelection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    if isinstance(selection, tuple):  # rule names, from a spawned start
        selection = RuleSelection(config, selection)
    if project is None:
        cache = Cache.for_run(config, selection, cache_dir) if use_cache else None
        project = ProjectIndex(config, cache)
    global _STATE
    _STATE = (config, selection, project, cwd)


def _work(payload: tuple[SourceFile, bytes]):
    from lint_integration.engine import check_tracked

    assert _STATE is not None
    config, selection, project, cwd = _STATE
    file, raw = payload
    return check_tracked(file, raw, config, selection, project, cwd)
