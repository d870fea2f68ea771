"""Spreading a run over processes, only when there is enough work to pay for them.

A run has two kinds of work: reading and prefiltering every file (cheap, but there can be tens
of thousands), and parsing the few files that survive (expensive). A handful of files (pre-commit,
an editor, a small PR) is checked in this process. A big tree is split into blocks of files that
worker processes read, prefilter, look up in the cache and parse end to end, so even the cheap
part runs on every core; a ``check`` hands them out while discovery is still walking
(``Stream``). In between (a small tree with many files to parse) this process reads
and prefilters, and only the parsing goes to the pool; there, the first file of each language
is checked here first, so forked workers start with its parser imported.

Workers live for the whole run and keep their imports, summaries and import graph. Results come
back in the order of the files, and a file's result never depends on which process checked it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lint_integration.discovery import SourceFile

# Fewest files to parse worth a pool. Measured on 2 cores: starting two forked workers and
# shutting them down costs 16-45 ms; parsing and analysing a typical test module with ``ast``
# costs 5-15 ms (70 ms for a 120 KB one). Below this, a pool only adds latency (pre-commit
# passes a handful of files).
POOL_MIN_FILES = 8
# Files per worker when only parsing is spread.
FILES_PER_WORKER = 4
# Fewest files in a run worth spreading everything (reading and prefiltering included). Every
# worker then builds its own import graph, so the CPU spent grows a little, but the wall time
# drops once reading and prefiltering are a good part of the run. Measured on 2 idle cores with
# ``--no-cache``: Django's tests/ (1,935 files) 0.60-0.77 s spread against 0.84-1.0 s; celery
# (823) 1.03-1.08 s against 1.03-1.23 s; sentry-python (637) 1.66 s against 1.69-1.98 s;
# psycopg (375) 0.23 s against 0.26 s. On busy cores ``_jobs`` keeps everything here.
POOL_MIN_DISCOVERED = 500
# Files per block when everything is spread: at least this many, and about eight blocks per
# worker, enough to balance. Each block costs a round trip and a worker's bookkeeping: on the
# 5x Django tree (9,519 files) blocks of 32 took 2.3 s of CPU and 1.9 s of wall time, blocks of
# 512 1.8 s and 1.35 s.
BLOCK = 32
BLOCKS_PER_WORKER = 8


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


def _jobs(jobs: int | None) -> int:
    """``--jobs``, or by default one worker per idle CPU.

    On a machine whose cores are already busy (a shared CI runner, several builds at once),
    extra processes only contend for them: measured on 2 busy cores, a pool made the check
    10-20% slower than one process. How many other processes are running right now says how
    busy they are (Linux: ``/proc/loadavg``); elsewhere the 1-minute load average, which also
    counts whatever ran in the last minute (the step before, our own previous run).
    """
    if jobs is not None:
        return jobs
    cpus = cpu_count()
    busy = _busy_cpus()
    if busy is None:
        return cpus
    return max(1, min(cpus, cpus - busy))


def _busy_cpus() -> int | None:
    """Processes running besides this one (None: unknown)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            running = int(fh.read().split()[3].split("/")[0])
        return max(0, running - 1)  # the reading counts this process
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.getloadavg()[0])
    except (AttributeError, OSError):
        return None


def pool_size(n_tasks: int, jobs: int | None) -> int:
    """How many worker processes ``n_tasks`` files to parse deserve (0: parse them here)."""
    jobs = _jobs(jobs)
    if jobs <= 1 or n_tasks < POOL_MIN_FILES:
        return 0
    return max(2, min(jobs, n_tasks // FILES_PER_WORKER))


def spread_size(n_files: int, jobs: int | None) -> int:
    """How many workers a whole run of ``n_files`` files deserves (0: read them here)."""
    jobs = _jobs(jobs)
    if jobs <= 1 or n_files < POOL_MIN_DISCOVERED or "fork" not in _start_methods():
        return 0
    return min(jobs, max(2, n_files // (BLOCK * 4)))


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


class Runner:
    """The state one process needs to check files: config, rules, cache and summaries."""

    def __init__(self, config, selection, options, cwd: str, project=None) -> None:
        from lint_integration import cache, engine

        # Kept here, not imported in ``stage``: an import statement costs about as much as
        # the prefilter of a file.
        self._engine = engine
        self._content_hash = cache.content_hash
        self.config = config
        self.selection = selection
        self.cwd = cwd
        self.cache = (
            cache.Cache.for_run(config, selection, options.cache_dir) if options.cache else None
        )
        self.project = project if project is not None else engine.ProjectIndex(config, self.cache)
        if project is not None:
            self.cache = project.cache
        self._sent_files: set[str] = set()
        self._sent_dirs: set[str] = set()

    def stage(self, index: int, file: SourceFile) -> Any:
        """A finished ``FileResult``, or the ``Task`` of a file that must be parsed."""
        engine = self._engine
        staged = engine.stage_file(file, self.config, self.selection, self.project, self.cwd)
        if isinstance(staged, engine.FileResult):
            return staged
        digest = self._content_hash(staged)
        key = engine.cache_key(file, engine.display_path(file.location, self.cwd), self.cwd)
        if self.cache is not None:
            self.cache.note_signature(key[-1], digest)
            hit = self.cache.load_result(key, digest, self.config.max_file_size)
            if hit is not None:
                return hit
        return Task(index, file, staged, digest, key)

    def check(self, task: Task) -> tuple[Any, dict[str, str]]:
        return self._engine.check_tracked(
            task.file, task.raw, self.config, self.selection, self.project, self.cwd
        )

    def store(self, task: Task, result, deps: dict[str, str]) -> None:
        if self.cache is not None and result.crash is None:
            self.cache.store_result(task.key, task.digest, deps.items(), result)

    def seen(self) -> tuple[set[str], set[str]]:
        """Files read and directories listed so far that were not reported yet (only a run
        with the cache on remembers them, for its warm-run manifest)."""
        if self.cache is None:
            return set(), set()
        project = self.project
        files = project.consulted - self._sent_files
        dirs = project.listed - self._sent_dirs
        self._sent_files |= files
        self._sent_dirs |= dirs
        return files, dirs

    def process(self, index: int, file: SourceFile):
        """Everything for one file: prefilter, cache, parse, store."""
        staged = self.stage(index, file)
        if not isinstance(staged, Task):
            return staged
        result, deps = self.check(staged)
        self.store(staged, result, deps)
        return result


def check_files(
    files: list[SourceFile], config, selection, options, cwd: str
) -> tuple[list, set[str], set[str]]:
    """The ``FileResult`` of every file, in order; plus every other file read and directory
    listed along the way (a warm run checks them)."""
    stream = getattr(options, "stream", None)
    if stream is not None:
        streamed = stream.finish(files)
        if streamed is not None:
            return streamed
    workers = spread_size(len(files), options.jobs)
    if workers:  # the whole list at once, as discovery would have announced it
        stream = Stream(config, selection, options, cwd, workers)
        for file in files:
            stream.add(file)
        spread = stream.finish(files)
        if spread is not None:
            return spread
        # a worker died or none could start: do it all here
    runner = Runner(config, selection, options, cwd)
    results: list = [None] * len(files)
    pending: list[Task] = []
    for index, file in enumerate(files):
        staged = runner.stage(index, file)
        if isinstance(staged, Task):
            pending.append(staged)
        else:
            results[index] = staged
    consulted: set[str] = set()
    listed: set[str] = set()
    for task, result, deps in _check_pending(runner, pending, options):
        results[task.index] = result
        runner.store(task, result, deps)
        for key in deps:
            if key.startswith("ls:"):
                listed.add(key[3:])
            else:
                consulted.add(key)
    more_files, more_dirs = runner.seen()
    return results, consulted | more_files, listed | more_dirs


@contextlib.contextmanager
def _frozen_for_fork(files: list[SourceFile]) -> Iterator[None]:
    """Around the ``submit`` that forks a pool's workers (the first one, for a fork pool).

    The frontends ``files`` need are imported before, once, instead of in every worker; and
    what exists then is kept out of the garbage collector's sight until the workers are forked
    (``gc.freeze``): a collection in a worker would otherwise touch every inherited object and
    copy the memory pages that fork shares (about 5% of a big run's time).
    """
    import gc

    _warm(files)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _warm(files: list[SourceFile]) -> None:
    """Import the frontends ``files`` need (and what their checks and prefilters import)."""
    from lint_integration.languages import envfacts, frontend

    for language in {file.language for file in files}:
        module = frontend(language)
        warm = getattr(module, "warm", None)
        if warm is not None:
            warm()
    envfacts.warm()


# -- spreading a whole run, while discovery walks or after ---------------------------------


class Stream:
    """Files handed to worker processes while discovery is still walking the tree.

    Walking a big tree is a good part of a run; done first and alone, it leaves the other cores
    idle. Once discovery has found enough files to spread the run (``POOL_MIN_DISCOVERED``),
    workers are started and take blocks of files as they are found, so the walk, reading,
    prefiltering and parsing share the cores. ``finish`` hands the results back in the order
    of the final (sorted) file list; a run that never found enough files was never spread and
    is checked as usual. A list known in advance (``fix``, ``--since``) is spread by announcing
    all of it at once.
    """

    def __init__(self, config, selection, options, cwd: str, workers: int | None = None) -> None:
        self._args = (config, selection, options, cwd)
        self._jobs = workers or _jobs(options.jobs)
        self._found: list[SourceFile] = []
        self._sent = 0
        self._futures: list = []
        self._executor = None
        self._failed = False
        # How many files found before ``add`` has something to do (start the workers, or
        # send a block): one comparison per file until then.
        self._due = POOL_MIN_DISCOVERED

    @property
    def started(self) -> bool:
        return self._executor is not None

    def add(self, file: SourceFile) -> None:
        """Discovery found ``file`` (it may still be left out later: it is checked anyway)."""
        found = self._found
        found.append(file)
        if len(found) >= self._due:
            self._advance()

    def _advance(self) -> None:
        found = self._found
        if self._failed or (self._executor is None and not self._start()):
            self._due = 1 << 62  # never spread: ``finish`` leaves the run to the caller
            return
        # Blocks grow with the tree: small first ones start the workers at once, bigger
        # ones later keep the round trips few.
        size = max(BLOCK, min(256, len(found) // (self._workers * BLOCKS_PER_WORKER)))
        if len(found) - self._sent >= size:
            self._submit(len(found))
        self._due = self._sent + size

    def _start(self) -> bool:
        if self._jobs <= 1 or "fork" not in _start_methods():
            self._failed = True  # never spread: ``finish`` leaves the run to the caller
            return False
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._workers = self._jobs
        with _frozen_for_fork(self._found):
            try:
                self._executor = ProcessPoolExecutor(
                    self._workers,
                    multiprocessing.get_context("fork"),
                    _init_runner,
                    (*self._args, None),
                )
            except OSError:
                self._failed = True
                return False
            # The files found so far, in small blocks: the first submit forks the workers.
            while self._sent < len(self._found):
                self._submit(min(len(self._found), self._sent + BLOCK))
        return True

    def _submit(self, end: int) -> None:
        block = self._found[self._sent : end]  # results come back in the same order
        self._sent = end
        try:
            self._futures.append(self._executor.submit(_process_block, block))
        except Exception:  # the pool broke (a worker killed): finish the run here
            self._failed = True

    def finish(self, files: list[SourceFile]) -> tuple[list, set[str], set[str]] | None:
        """The results of ``files`` (discovery's final list), or ``None`` when the run was not
        spread (or a worker died): then the caller checks ``files`` itself."""
        if self._executor is None:
            return None
        from concurrent.futures.process import BrokenProcessPool

        from lint_integration.engine import PlainResult

        try:
            if not self._failed:
                # The last files in a few small blocks, so that the workers end together.
                rest = len(self._found) - self._sent
                step = max(1, -(-rest // (self._workers * 2)))
                while self._sent < len(self._found):
                    self._submit(min(len(self._found), self._sent + step))
            if self._failed:
                return None
            found: list[Any] = []  # the results of ``self._found``, in its order
            consulted: set[str] = set()
            listed: set[str] = set()
            for future in self._futures:
                done, seen_files, seen_dirs = future.result()
                found += done
                consulted |= seen_files
                listed |= seen_dirs
        except (BrokenProcessPool, OSError):
            return None
        finally:
            self.close()
        position = {id(file): index for index, file in enumerate(self._found)}
        try:
            picked = [found[position[id(file)]] for file in files]
        except KeyError:  # a file discovery never announced: check the list as usual
            return None
        # A file with nothing to say came back as its display path alone.
        results = [PlainResult(r) if type(r) is str else r for r in picked]
        return results, consulted, listed

    def close(self) -> None:
        """Stop the workers (at the end of a run, or when it stops early)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def _process_block(block: list[SourceFile]):
    """Check a block of files: their results in the same order, where a file with nothing to
    say (most files) comes back as its display path alone (``finish`` makes its result
    again)."""
    assert _RUNNER is not None
    process = _RUNNER.process
    done = []
    for index, file in enumerate(block):
        result = process(index, file)
        done.append(result.path if _plain(result) else result)
    return (done, *_RUNNER.seen())


def _plain(result) -> bool:
    return not (
        result.findings or result.suppressed or result.notices or result.parsed or result.crash
    )


# -- spreading only the parsing --------------------------------------------------------------


def _check_pending(runner: Runner, tasks: list[Task], options) -> Iterator[tuple[Task, Any, Any]]:
    workers = pool_size(len(tasks), options.jobs)
    if not workers:
        for task in tasks:
            yield (task, *runner.check(task))
        return
    fork = "fork" in _start_methods()
    rest = tasks
    if fork:
        firsts: dict[str, Task] = {}
        for task in tasks:
            firsts.setdefault(task.file.language, task)
        warm = {t.index for t in firsts.values()}
        for task in firsts.values():
            yield (task, *runner.check(task))
        rest = [t for t in tasks if t.index not in warm]
    yield from _pooled(runner, rest, workers, options, fork)


def _pooled(runner: Runner, tasks: list[Task], workers: int, options, fork: bool):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    config, selection = runner.config, runner.selection
    if fork:  # forked workers inherit these objects as they are: nothing is pickled
        context = multiprocessing.get_context("fork")
        initargs = (config, selection, options, runner.cwd, runner.project)
    else:  # spawned workers start empty; send only what pickles
        context = multiprocessing.get_context()
        config = dataclasses.replace(config, _specs={}, _matchers={})
        initargs = (config, tuple(selection.rules), options, runner.cwd, None)
    done = 0
    try:
        with ProcessPoolExecutor(workers, context, _init_runner, initargs) as executor:
            payloads = ((t.file, t.raw) for t in tasks)
            with _frozen_for_fork([t.file for t in tasks]):
                outcomes = executor.map(_check_payload, payloads)
            for result, deps in outcomes:
                yield tasks[done], result, deps
                done += 1
    except (BrokenProcessPool, OSError):
        # A worker died (killed, out of memory) or none could start: finish here.
        for task in tasks[done:]:
            yield (task, *runner.check(task))


def _check_payload(payload: tuple[SourceFile, bytes]):
    from lint_integration.engine import check_tracked

    assert _RUNNER is not None
    file, raw = payload
    r = _RUNNER
    return check_tracked(file, raw, r.config, r.selection, r.project, r.cwd)


# -- workers ---------------------------------------------------------------------------------

_RUNNER: Runner | None = None


def _init_runner(config, selection, options, cwd: str, project) -> None:
    """Set up a worker once; every file it checks reuses its imports and summaries."""
    import signal

    from lint_integration.engine import RuleSelection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    if isinstance(selection, tuple):  # rule names, from a spawned start
        selection = RuleSelection(config, selection)
    global _RUNNER
    _RUNNER = Runner(config, selection, options, cwd, project)
