"""Spreading a run over processes, only when there is enough work to pay for them.

A run has two kinds of work: walking, reading and prefiltering every file (cheap, but there can
be tens of thousands), and parsing the few files that survive (expensive). A handful of files
(pre-commit, an editor, a small PR) is checked in this process. A big tree is split into units
(a directory's tree, or a block of files) that this process and forked workers take in turn,
walking, reading, prefiltering, looking up in the cache and parsing end to end, so even the
cheap part runs on every core (``Spread``; a ``check`` hands the walk over once it has found
enough files). In between (a small tree with many files to parse) this process reads and
prefilters, and only the parsing goes to a pool; there, the first file of each language is
checked here first, so forked workers start with its parser imported.

Workers keep their imports, summaries and import graph for the whole run. Results come back in
the order of the files, and a file's result never depends on which process checked it.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pickle import loads as _loads
from typing import Any

from lint_integration.discovery import SourceFile, WalkedPart
from lint_integration.engine import PlainResult

# Fewest files to parse worth a pool. Measured on 2 cores: starting two forked workers and
# shutting them down costs 16-45 ms; parsing and analysing a typical test module with ``ast``
# costs 5-15 ms (70 ms for a 120 KB one). Below this, a pool only adds latency (pre-commit
# passes a handful of files).
POOL_MIN_FILES = 8
# Files per worker when only parsing is spread.
FILES_PER_WORKER = 4
# Fewest files in a run worth spreading everything (walking, reading and prefiltering
# included). Every process then builds its own import graph, so the CPU spent grows a little,
# but the wall time drops once reading and prefiltering are a good part of the run. Measured on
# 2 idle cores with ``--no-cache``: Django's tests/ (1,935 files) 0.60-0.77 s spread against
# 0.84-1.0 s; celery (823) 1.03-1.08 s against 1.03-1.23 s; sentry-python (637) 1.66 s against
# 1.69-1.98 s; psycopg (375) 0.23 s against 0.26 s. On busy cores ``_jobs`` keeps everything
# here.
POOL_MIN_DISCOVERED = 500
# Files per unit of work among those found before the hand-over (or known in advance). A unit
# costs a read of four bytes from a pipe and a little bookkeeping: a few microseconds.
BLOCK = 32
# Before the fork, a spread walk lists each named directory it has not walked yet, then the
# directories above this depth below them while there are fewer than this many units per
# process, listing this many at most: a unit that is a big share of the run leaves the other
# processes idle at its end. Listing a directory costs 20-100 microseconds.
SHALLOW = 2
UNITS_PER_PROCESS = 64
MAX_LISTED = 256


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
    spread = getattr(options, "spread", None)
    if spread is None:
        spread = Spread(config, selection, options, cwd)
    else:
        walked = spread.finish(files)
        if walked is not None:
            return walked
    if spread.check_list(files):
        result = spread.finish(files)
        assert result is not None
        return result
    # too few files, or a worker died: do it all here
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


# -- spreading a whole run: walking, reading, prefiltering and parsing ---------------------


class Spread:
    """A big run walked and checked by several processes at once, this one included.

    Walking a big tree is a good part of a run, and done in one process it is a queue every
    other process waits on. Discovery walks alone until it has found enough files to be worth
    spreading (``POOL_MIN_DISCOVERED``); then it hands over (``take_over``) the files found so
    far and the directories left to walk. Those become units of work in the walk's order (the
    shallowest directories listed first, so that no unit is a big share of the tree). Worker
    processes forked from this one inherit the walk's state and the files (nothing is sent to
    them); they and this process take units one at a time (``_claims``), walk them and check
    every file they find, and the workers send back each unit as it is done (``_Inbox``).
    Never more processes run than ``--jobs`` allows. ``finish`` hands the results back in the order
    of discovery's final list; a file met later (a link, checked last) is checked here. A list
    known in advance (``fix``, ``--since``) is spread the same way (``check_list``).
    """

    def __init__(self, config, selection, options, cwd: str) -> None:
        self._args = (config, selection, options, cwd)
        self._chosen = options.jobs is not None  # ``--jobs`` decides alone
        self._processes = _jobs(options.jobs)
        spreads = (self._processes > 1 or (not self._chosen and cpu_count() > 1)) and hasattr(
            os, "fork"
        )
        # Files to find before handing over: one comparison per directory until then.
        self._due = POOL_MIN_DISCOVERED if spreads else 1 << 62
        self._results: dict[int, Any] | None = None  # id(file) -> result, once spread
        self._known: dict[int, Any] = {}  # the same, while the processes work
        self._runner: Runner | None = None
        self._consulted: set[str] = set()
        self._listed: set[str] = set()
        # What the workers' walks learnt of ignore files (read, and directories without one).
        self.walk_state: tuple[set[str], set[str]] = (set(), set())

    def wants(self, found: int) -> bool:
        """Whether a walk that has found ``found`` files should hand the rest over."""
        return found >= self._due and self._confirmed()

    def _confirmed(self) -> bool:
        """Whether more than one process is to work, asked again when the work is there.

        How busy the cores are is read twice, at the start and now: a process that shows in
        one reading only was passing through (on an idle machine one reading in about fifty
        catches one), and one such reading alone would halve the speed of a two-core run. A
        process busy for the whole run shows in both."""
        if not self._chosen:
            self._processes = max(self._processes, _jobs(None))
        if self._processes > 1:
            return True
        self._due = 1 << 62
        return False

    def take_over(self, found: list[SourceFile], left: list, walk, walk_state):
        """Check ``found``, and walk and check the directories ``left`` (``WalkUnit``s) with
        ``walk(unit, shallow)``; ``walk_state()`` tells what a worker's walk learnt of ignore
        files.
        The ``WalkedPart`` of each unit in order, or ``None`` when a worker died (then nothing
        was kept: the caller does it all again, alone)."""
        units: list[Any] = [found[i : i + BLOCK] for i in range(0, len(found), BLOCK)]
        units += _balanced(left, walk, self._processes)
        done = self._run(units, walk, walk_state, found)
        if done is None:
            return None
        return [
            unit.part if isinstance(unit, _Listed) else part
            for unit, part in zip(units, done, strict=True)
            if not isinstance(unit, list)
        ]

    def check_list(self, files: list[SourceFile]) -> bool:
        """Check a list known in advance; False when it was not spread (or a worker died)."""
        if self._due > len(files) or not self._confirmed():
            return False
        units: list[Any] = [files[i : i + BLOCK] for i in range(0, len(files), BLOCK)]
        return self._run(units, None, None, files) is not None

    def _run(self, units: list, walk, walk_state, found: list[SourceFile]) -> list | None:
        """Run ``units`` in this process and ``--jobs`` - 1 forked ones: per unit, the
        results of its files and, for a walked directory, its ``WalkedPart``."""
        global _SHARED
        reap()
        _SHARED = shared = _Shared(units, walk, walk_state, _claims(len(units)), self._args)
        children: list[_Inbox] = []
        done: list[Any] = [None] * len(units)  # per unit: its ``WalkedPart`` or None
        self._known = {}

        def record(index: int, files: list[SourceFile], results: list, part) -> None:
            """A unit done, here or in a worker: its files' results, its ``WalkedPart``."""
            self._known.update(zip(map(id, files), results, strict=True))
            done[index] = part

        try:
            with _frozen_for_fork(found):
                for _ in range(self._processes - 1):
                    child = _fork_worker(shared)
                    if child is None:
                        break  # no more processes to be had: fewer do the work
                    children.append(_Inbox(*child, record, units))
            self._runner = runner = Runner(*self._args)
            for index, files, results, part in _work(shared, runner, _claimed(shared)):
                record(index, files, results, part)
                for child in children:  # what the workers sent so far, read meanwhile
                    child.read()
            ignore_files: set[str] = set()
            without_file: set[str] = set()
            while children:
                sent = children.pop().end()
                if sent is None:  # the worker died, or a bug stopped it
                    return None
                consulted, listed, read, none_there = sent
                self._consulted |= consulted
                self._listed |= listed
                ignore_files |= read
                without_file |= none_there
            self.walk_state = (ignore_files, without_file)
            self._results = self._known
            return done
        finally:
            _SHARED = None
            os.close(shared.claims)
            for child in children:  # stopped early (Ctrl-C, an error here)
                child.stop()

    def finish(self, files: list[SourceFile]) -> tuple[list, set[str], set[str]] | None:
        """The results of ``files`` (discovery's final list), or ``None`` when the run was not
        spread: then the caller checks ``files`` itself."""
        if self._results is None:
            return None
        known = self._results
        runner = self._runner
        assert runner is not None
        results = [known.get(id(file)) for file in files]
        if len(known) < len(files):  # files found after the walk (links): checked here
            for index, file in enumerate(files):
                if results[index] is None:
                    results[index] = runner.process(index, file)
        seen_files, seen_dirs = runner.seen()
        return results, self._consulted | seen_files, self._listed | seen_dirs


@dataclass
class _Shared:
    """What every process of a spread run shares, inherited at the fork."""

    units: list
    walk: Any  # ``walk(unit, shallow=False) -> WalkedPart``
    walk_state: Any  # ``() -> (ignore files read, directories without one)``
    claims: int  # the read end of a pipe holding each unit's number (``_claims``)
    args: tuple


_SHARED: _Shared | None = None
# Unit numbers waiting in the claims pipe, four bytes each: few enough to fit in a pipe's
# buffer on every system (16 KiB) before anyone reads them.
MAX_CLAIMS = 4096


def _claims(count: int) -> int:
    """A pipe holding the numbers ``0 .. count - 1``, its write end closed: each process
    takes the next unit by reading four bytes (a read from a pipe is atomic: no lock), and
    reads nothing once all are taken. Past ``MAX_CLAIMS`` units, a number stands for a run
    of consecutive units."""
    read, write = os.pipe()
    claims = min(count, MAX_CLAIMS)
    data = b"".join(i.to_bytes(4, "little") for i in range(claims))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(write, view) :]
    finally:
        os.close(write)
    return read


def _claimed(shared: _Shared):
    """The units this process takes, one at a time, in order."""
    count = len(shared.units)
    per = -(-count // MAX_CLAIMS) if count > MAX_CLAIMS else 1
    while True:
        taken = os.read(shared.claims, 4)
        if len(taken) < 4:
            return
        first = int.from_bytes(taken, "little") * per
        yield from range(first, min(first + per, count))


def _fork_worker(shared: _Shared) -> tuple[int, int] | None:
    """Fork a worker: ``(pid, read end of the pipe its results come back on)``."""
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid:
        os.close(write)
        return pid, read
    status = 1
    try:  # the worker: never returns into the caller's stack
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
        _spread_worker(shared, write)
        status = 0
    finally:
        os._exit(status)


class _Inbox:
    """What one worker sends: a frame per unit as it is done (read while this process works,
    so that little is left to read at the end), then a last one with what it consulted."""

    def __init__(self, pid: int, fd: int, record, units: list) -> None:
        self.pid = pid
        self.fd = fd
        self._record = record  # ``record(unit number, files, results, WalkedPart or None)``
        self._units = units
        self._data = bytearray()
        self._last: tuple | None = None
        os.set_blocking(fd, False)

    def read(self) -> None:
        """Take what has arrived, without waiting."""
        self._take()
        self._frames()

    def _take(self, until_closed: bool = False) -> None:
        """Read what the pipe holds without blocking: a read that fills less than its buffer
        has emptied it. ``until_closed``: block until the worker closes it."""
        buffer = _BUFFER
        with contextlib.suppress(BlockingIOError):
            while True:
                size = os.readv(self.fd, [buffer])
                self._data += buffer[:size]
                if not size or (size < len(buffer) and not until_closed):
                    return

    def end(self) -> tuple | None:
        """Wait for the worker's last frame: what it consulted, as sets (``None``: it died,
        or a bug stopped it). A worker whose last frame came is done: it is reaped later
        (``reap``), not waited for while it exits."""
        os.set_blocking(self.fd, True)
        try:
            self._take(until_closed=True)
        finally:
            os.close(self.fd)
        try:
            self._frames()
        except Exception:
            self._last = None
        if self._last is None:
            os.waitpid(self.pid, 0)
            return None
        _EXITING.append(self.pid)
        return tuple(set(_split(joined)) for joined in self._last)

    def stop(self) -> None:
        os.close(self.fd)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)

    def _frames(self) -> None:
        data, at = self._data, 0
        while len(data) - at >= 4:
            size = int.from_bytes(data[at : at + 4], "little")
            if len(data) - at - 4 < size:
                break
            frame = _loads(data[at + 4 : at + 4 + size])
            at += 4 + size
            if frame[0] is None:
                self._last = frame[1]
                continue
            self._record(*_unpacked(frame, self._units))
        del data[:at]


# Workers whose last frame has come, still exiting: reaped by the next spread run, or when this
# process exits (by then long gone: the wait costs nothing).
_EXITING: list[int] = []


def reap() -> None:
    """Wait for the workers of the last spread run to be gone (``fix`` does, before loading
    its codemods: their memory would add to the run's peak)."""
    while _EXITING:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_EXITING.pop(), 0)


atexit.register(reap)
# What a frame arrives into (no new buffer for every read: a big one is a fresh mapping).
_BUFFER = memoryview(bytearray(1 << 16))


@dataclass
class _Listed:
    """A directory listed before the fork: the files in it are left to check."""

    files: list[SourceFile]
    part: Any  # its ``WalkedPart``


def _balanced(left: list, walk, processes: int) -> list:
    """``left`` as units of work, in the walk's order. A directory near the top of its tree
    tends to hold much of it: a named directory not walked yet is always listed here, and
    then the shallowest ones while the units are few, so that the files in each become one
    unit and each of its subdirectories another."""
    units: list[Any] = list(left)
    for _ in range(MAX_LISTED):
        depth, at = min(
            ((u.depth, i) for i, u in enumerate(units) if not isinstance(u, _Listed)),
            default=(SHALLOW, -1),
        )
        if depth >= SHALLOW or (depth and len(units) >= UNITS_PER_PROCESS * processes):
            break
        part = walk(units[at], shallow=True)
        units[at : at + 1] = [_Listed(part.files, part), *part.rest]
    return units


def _work(shared: _Shared, runner: Runner, claimed):
    """Do the units ``claimed`` (their numbers): ``(index, files, results, WalkedPart or
    None)`` for each."""
    units, walk = shared.units, shared.walk
    process = runner.process
    for index in claimed:
        unit = units[index]
        part = None
        if isinstance(unit, list):
            files = unit
        elif isinstance(unit, _Listed):
            files = unit.files
        else:
            part = walk(unit)
            files = part.files
        yield index, files, [process(position, file) for position, file in enumerate(files)], part


def _packed(index: int, files: list[SourceFile], results: list, part) -> tuple:
    """A unit done in a worker, as its frame: each list of strings as one ``\\0``-joined
    string (no path holds a NUL; a few long strings pickle and unpickle many times faster
    than thousands of short ones), and only the results that have something to say, by
    position. A display path the same as the file's path is not sent again."""
    locations = [f.location for f in files]
    displays = [r.path for r in results]
    said = [(i, r) for i, r in enumerate(results) if not _plain(r)]
    fields = None
    if part is not None:  # the parent has not seen these files: they go back too
        relpaths = [f.relpath for f in files]
        fields = (
            "\0".join(locations),
            None if relpaths == locations else "\0".join(relpaths),
            "\0".join([f.language for f in files]),
            "\0".join([f.role for f in files]),
            "\0".join(part.dirs),
            (part.notices, part.links, part.ignore_errors, part.rest),
        )
    shown = None if displays == locations else "\0".join(displays)
    return index, shown, said, fields


def _split(joined: str) -> list[str]:
    """A ``\\0``-joined list of strings back as the list (none of them is empty)."""
    return joined.split("\0") if joined else []


def _unpacked(frame: tuple, units: list) -> tuple[int, list, list, Any]:
    """``_packed`` undone: ``(index, files, results, WalkedPart or None)``."""
    index, shown, said, fields = frame
    part = None
    if fields is None:
        unit = units[index]
        files = unit if isinstance(unit, list) else unit.files
        locations = [f.location for f in files] if shown is None else None
    else:
        joined, relpaths, languages, roles, dirs, rest = fields
        locations = _split(joined)
        relpaths = locations if relpaths is None else _split(relpaths)
        languages = map(sys.intern, _split(languages))
        roles = map(sys.intern, _split(roles))
        files = list(map(SourceFile, locations, relpaths, languages, roles))
        part = WalkedPart(files, rest[0], _split(dirs), *rest[1:])
    results = list(map(PlainResult, _split(shown) if shown is not None else locations))
    for position, result in said:
        results[position] = result
    return index, files, results, part


def _spread_worker(shared: _Shared, fd: int) -> None:
    """A forked worker: take units until none is left, sending a frame for each as it is
    done (what the pipe does not take now waits for the next one, so the worker never waits),
    then a last one with what it consulted. A bug ends it before that last frame, which the
    parent sees (then it does it all again and meets the bug there)."""
    import pickle

    os.set_blocking(fd, False)
    waiting = bytearray()

    def send(frame: tuple, wait: bool = False) -> None:
        nonlocal waiting
        data = pickle.dumps(frame, pickle.HIGHEST_PROTOCOL)
        waiting += len(data).to_bytes(4, "little")
        waiting += data
        if wait:
            os.set_blocking(fd, True)
        while waiting:
            try:
                del waiting[: os.write(fd, waiting)]
            except BlockingIOError:
                return

    runner = Runner(*shared.args)
    for index, files, results, part in _work(shared, runner, _claimed(shared)):
        send(_packed(index, files, results, part))
    read, none_there = shared.walk_state() if shared.walk_state else (set(), set())
    sets = (*runner.seen(), read, none_there)
    send((None, tuple("\0".join(paths) for paths in sets)), wait=True)
    os.close(fd)


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
