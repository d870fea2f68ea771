"""The check engine: one file from bytes to findings, and a run over many files.

Per file: read -> size and binary checks -> prefilter -> decode -> parse (frontend) -> rules ->
per-file-ignores and suppressions -> one finding per construct.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint_integration import registry
from lint_integration.config import Config
from lint_integration.discovery import SourceFile
from lint_integration.findings import Finding, Fix
from lint_integration.languages import NewerSyntax, ParseFailure, frontend
from lint_integration.registry import PARSE_ERROR, Rule
from lint_integration.suppressions import Suppressions
from lint_integration.textio import (
    NotRead,
    SourceError,
    SourceText,
    absolute_path,
    decode,
    read_file,
    split_lines,
)


def display_path(path: Path | str, cwd: str | None = None) -> str:
    """A path as users see it: relative to the current directory when below it.

    A file name that is not valid UTF-8 shows its odd bytes as ``\\xNN``: every report format
    can print that, where the undecodable name would stop the report.
    """
    if isinstance(path, str) and _PLAIN_RELATIVE.fullmatch(path) is not None:
        return path  # already relative to the current directory, nothing to normalize
    cwd = cwd or os.getcwd()
    absolute = absolute_path(path, cwd)
    if absolute == cwd:
        return "."
    prefix = cwd.rstrip(os.sep) + os.sep
    shown = absolute[len(prefix) :] if absolute.startswith(prefix) else absolute
    if not shown.isascii():
        try:
            shown.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(shown).decode("utf-8", "backslashreplace")
    return shown


# A relative path with no ``.``/``..`` part, no doubled or trailing separator, all ASCII (what
# discovery makes of the files below a directory named relative to the current one).
_PLAIN_RELATIVE = re.compile(
    r"(?:[A-Za-z0-9_\-+@=,~][A-Za-z0-9_.\-+@=,~ ]*/)*"
    r"[A-Za-z0-9_\-+@=,~][A-Za-z0-9_.\-+@=,~ ]*"
)


@dataclass
class FileContext:
    """Everything a rule may ask about the file being checked."""

    file: SourceFile
    source: SourceText
    config: Config
    project: Any  # ProjectIndex: cross-module summaries
    display: str

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def role(self) -> str:
        return self.file.role

    @functools.cached_property
    def lines(self) -> list[str]:
        """The file's lines, split once (findings quote their construct from them)."""
        return split_lines(self.text)

    @property
    def language(self) -> str:
        return self.file.language

    @property
    def relpath(self) -> str:
        return self.file.relpath

    def finding(
        self,
        rule: Rule,
        start: tuple[int, int],
        end: tuple[int, int],
        message: str,
        fix: Fix | None = None,
        snippet: str | None = None,
    ) -> Finding:
        """A finding of ``rule`` at 1-based (line, column) ``start``..``end`` in this file."""
        if snippet is None:
            snippet = _snippet(self.lines, start, end)
        return Finding(
            rule=rule.name,
            code=rule.code,
            path=self.display,
            line=start[0],
            column=start[1],
            end_line=end[0],
            end_column=end[1],
            message=message,
            fix=fix,
            snippet=snippet,
        )


def _snippet(all_lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    lines = all_lines[start[0] - 1 : end[0]]
    return " ".join(" ".join(line.split()) for line in lines)[:200]


@dataclass(eq=False)
class FileResult:
    """What checking one file produced."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    parsed: bool = False
    # A bug met while checking this file (``FileCrash``): the run goes on, exits 2, says so.
    crash: str | None = None
    crash_details: str = ""

    def _compared(self) -> tuple:
        return (
            self.path,
            list(self.findings),
            list(self.suppressed),
            list(self.notices),
            self.parsed,
            self.crash,
            self.crash_details,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileResult):
            return NotImplemented
        return self._compared() == other._compared()

    __hash__ = None  # type: ignore[assignment]


class _Nothing(list):
    """An empty list that stays empty (shared by every ``PlainResult``)."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("a PlainResult holds nothing: make a FileResult to add to")

    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse


_NOTHING = _Nothing()


class PlainResult(FileResult):
    """The result of a file with nothing to say, as most files are. It makes no lists: its
    empty ones are one shared list that refuses to grow (a run of 10,000 files makes a result
    for each, and the dataclass's three new lists cost about as much as the prefilter of a
    file). Equal to a ``FileResult`` that holds the same."""

    findings = suppressed = notices = _NOTHING  # the other fields' defaults are FileResult's

    def __init__(self, path: str) -> None:
        self.path = path


class _Frame:
    """A summary being computed: the files it consulted, and whether it met an import cycle."""

    __slots__ = ("cyclic", "deps", "key")

    def __init__(self, key: tuple[str, str]) -> None:
        self.key = key
        self.deps: dict[str, str] = {}
        self.cyclic = False


class ProjectIndex:
    """Cross-module knowledge: per-module summaries, computed on demand and memoized.

    Every summary consulted while a file is checked is recorded (path and content signature,
    transitively) so a cached result can be trusted only while those files are unchanged.

    Import cycles are cut where they close: the module being summarized reads as unknown. Where
    the cut falls depends on which module was asked for first, so a summary that met a cycle is
    reused only within the request that computed it; summaries that met none are memoized (and
    cached). A file's findings therefore never depend on the order files are checked in, nor on
    which worker process checks them.
    """

    def __init__(self, config: Config, cache: Any = None) -> None:
        self.config = config
        self.cache = cache
        self._root = os.path.realpath(config.root)  # imports never follow links out of it
        self._memo: dict[tuple[str, str], tuple[Any, dict[str, str]]] = {}
        self._request: dict[tuple[str, str], tuple[Any, dict[str, str]]] = {}
        self._stack: list[_Frame] = []
        self._recordings: list[dict[str, str]] = []
        self._scratch: dict[Any, Any] = {}
        self._derived: dict[Any, tuple[Any, dict[str, str]]] = {}
        # Every file read and directory listed for this run (a warm run checks them).
        self.consulted: set[str] = set()
        self.listed: set[str] = set()

    @contextlib.contextmanager
    def recording(self) -> Iterator[dict[str, str]]:
        """Collect ``{path: signature}`` of every module consulted inside the block."""
        deps: dict[str, str] = {}
        self._recordings.append(deps)
        try:
            yield deps
        finally:
            self._recordings.pop()

    def memo(self, key: Any, compute: Any) -> Any:
        """A per-process memo for frontends: ``compute()`` once per ``key``.

        For work that depends only on its key (e.g. parsing a module, keyed by path and content
        hash), so that summaries recomputed around an import cycle do not parse again.
        """
        if key not in self._scratch:
            self._scratch[key] = compute()
        return self._scratch[key]

    def note_read(self, path: str | Path, raw: bytes | None) -> None:
        """Record that the current analysis read ``path`` (``raw``: its bytes, None if
        unreadable): a cached result is reused only while the file still holds them."""
        from lint_integration.cache import raw_signature

        abspath = os.path.abspath(path)
        self.consulted.add(abspath)
        signature = raw_signature(raw, None, self.config.max_file_size)
        if self.cache is not None:
            self.cache.note_signature(abspath, signature)
        self._note({abspath: signature}, False)

    def note_listing(self, directory: str | Path, names: Iterable[str]) -> None:
        """Record that the current analysis depends on which entries ``directory`` holds."""
        from lint_integration.cache import listing_signature

        absdir = os.path.abspath(directory)
        self.listed.add(absdir)
        key = "ls:" + absdir
        signature = listing_signature(names)
        if self.cache is not None:
            self.cache.note_signature(key, signature)
        self._note({key: signature}, False)

    def derive(self, key: Any, compute: Any) -> Any:
        """``compute()`` once per run, like ``memo``, for work that reads other files through
        ``note_read``/``note_listing`` (or consults summaries): every later caller's result
        depends on the same files, so they are recorded again on each use."""
        known = self._derived.get(key)
        if known is None:
            with self.recording() as deps:
                value = compute()
            known = self._derived[key] = (value, dict(deps))
        self._note(known[1], False)
        return known[0]

    def _note(self, deps: dict[str, str], cyclic: bool) -> None:
        if self._stack:
            self._stack[-1].deps.update(deps)
            self._stack[-1].cyclic |= cyclic
        elif self._recordings:
            self._recordings[-1].update(deps)

    def summary(self, language: str, path: Path) -> Any:
        """The summary of the module at ``path`` (None when unreadable or not summarizable)."""
        abspath = os.path.abspath(path)
        key = (language, abspath)
        known = self._memo.get(key)
        if known is not None:
            self._note(known[1], False)
            return known[0]
        if any(frame.key == key for frame in self._stack):  # an import cycle closes here
            self._stack[-1].cyclic = True
            return None
        known = self._request.get(key)
        if known is not None:
            self._note(known[1], True)
            return known[0]
        module = frontend(language)
        summarize = getattr(module, "summarize", None)
        if summarize is None:
            return None
        raw, signature = self._read(abspath)
        deps = {abspath: signature}
        cyclic = False
        value = None
        cached = False
        if raw is not None and self.cache is not None:
            cached, value, stored = self.cache.load_summary(
                language, abspath, signature, self.config.max_file_size
            )
            deps.update(stored)
        if raw is not None and not cached:
            frame = _Frame(key)
            self._stack.append(frame)
            try:
                value = summarize(Path(abspath), raw, self)
            except (OSError, SourceError, ParseFailure, RecursionError, ValueError):
                value = None
            finally:
                self._stack.pop()
            deps.update(frame.deps)
            cyclic = frame.cyclic
            if not cyclic and self.cache is not None:
                self.cache.store_summary(language, abspath, signature, deps.items(), value)
        (self._request if cyclic else self._memo)[key] = (value, deps)
        self._note(deps, cyclic)
        if not self._stack:
            self._request.clear()
        return value

    def _read(self, abspath: str) -> tuple[bytes | None, str]:
        from lint_integration.cache import raw_signature

        raw = size = None
        try:
            raw = read_file(abspath, self.config.max_file_size, self._root)
        except NotRead as exc:
            size = exc.size
        except OSError:
            raw = None
        signature = raw_signature(raw, size, self.config.max_file_size)
        self.consulted.add(abspath)
        if self.cache is not None:
            self.cache.note_signature(abspath, signature)
        return raw, signature


class RuleSelection:
    """Which rules run, from select/ignore (names, codes or prefixes) and per-file-ignores."""

    def __init__(self, config: Config, select: Iterable[str] = (), ignore: Iterable[str] = ()):
        self.config = config
        chosen: dict[str, Rule] = {}
        for sel in tuple(select) or config.select:
            for rule in registry.lookup(sel):
                chosen[rule.name] = rule
        for sel in (*config.ignore, *ignore):
            for rule in registry.lookup(sel):
                chosen.pop(rule.name, None)
        self.rules = chosen
        self._pfi = [
            (_glob_spec(glob), {r.name for sel in sels for r in registry.lookup(sel)})
            for glob, sels in config.per_file_ignores.items()
        ]

    def for_file(self, relpath: str) -> dict[str, Rule]:
        if not self._pfi:
            return self.rules
        dropped: set[str] = set()
        for spec, names in self._pfi:
            if spec.match_file(relpath):
                dropped |= names
        return {n: r for n, r in self.rules.items() if n not in dropped}


def _glob_spec(glob: str):
    from lint_integration.config import gitignore_spec

    return gitignore_spec([glob])


class FileCrash(Exception):
    """A bug met while checking one file: says which file; ``details`` is the traceback.

    Bad input never raises (it becomes a parse-error finding or a notice); this is for bugs
    in a frontend or a rule, so that the report of one names the file that triggers it.
    """

    def __init__(self, path: str, error: str, details: str = "") -> None:
        super().__init__(path, error, details)
        self.path = path
        self.error = error
        self.details = details

    def __str__(self) -> str:
        return f"{self.error} (while checking {self.path})"


class crash_names_file:
    """Let bad-input exceptions through; turn any other into a FileCrash naming the file.

    A class, not a generator-based context manager: it wraps every file's prefilter, and
    entering and leaving a generator costs more than the prefilter of most files.
    """

    __slots__ = ("display",)

    def __init__(self, display: str) -> None:
        self.display = display

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False
        if isinstance(exc, (ParseFailure, RecursionError, FileCrash)):
            return False
        import traceback

        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        details = "".join(traceback.format_exception(kind, exc, tb))
        raise FileCrash(self.display, error, details) from exc


def _crashed(display: str, crash: FileCrash) -> FileResult:
    """Our bug, not the file's: this file's result says so and the other files are checked."""
    return FileResult(display, crash=str(crash), crash_details=crash.details)


def check_file(
    file: SourceFile, config: Config, selection: RuleSelection, project: ProjectIndex
) -> FileResult:
    """Check one file. Never raises for bad input: problems become parse-error findings."""
    staged = stage_file(file, config, selection, project)
    if isinstance(staged, FileResult):
        return staged
    return check_source(file, staged, config, selection, project)


def stage_file(
    file: SourceFile,
    config: Config,
    selection: RuleSelection,
    project: ProjectIndex | None = None,
    cwd: str | None = None,
) -> FileResult | bytes:
    """Read a file and run its language's prefilter.

    Returns the finished result when nothing in the file needs parsing (no rule applies, the
    file is too big or unreadable, or the prefilter rules it out), else the file's bytes.

    The prefilter has two stages: ``might_match`` looks at the file's own bytes; the optional
    ``prescreen(raw, file, config, project)`` may also read other files (never parse them) to
    rule out the rest, e.g. a suite whose imports lead to no env-derived name.
    """
    display = display_path(file.location, cwd)
    rules = selection.for_file(file.relpath)
    if not rules:
        return PlainResult(display)
    try:
        raw = read_file(file.location, config.max_file_size)
    except NotRead as exc:
        result = FileResult(display)
        if exc.size is not None:
            result.notices.append(
                f"{display}: skipped, {exc.size:,} bytes is over max-file-size "
                f"({config.max_file_size:,})"
            )
        else:
            result.notices.append(f"{display}: skipped, {exc.reason}")
        return result
    except FileNotFoundError:
        result = FileResult(display)
        result.notices.append(f"{display}: skipped, it vanished before it could be read")
        return result
    except OSError as exc:
        result = FileResult(display)
        _parse_error(result, rules, display, f"cannot read file: {_reason(exc)}", 1, 1)
        return result
    module = _frontend(file.language)
    try:
        with crash_names_file(display):
            if module is None or not module.might_match(raw, file.role, config):
                return PlainResult(display)
            prescreen = getattr(module, "prescreen", None)
            if prescreen is not None and not prescreen(raw, file, config, project):
                return PlainResult(display)
    except FileCrash as exc:
        return _crashed(display, exc)
    return raw


def check_source(
    file: SourceFile,
    raw: bytes,
    config: Config,
    selection: RuleSelection,
    project: ProjectIndex,
    cwd: str | None = None,
) -> FileResult:
    """Decode, parse and run the rules on ``raw``, the content of ``file``."""
    display = display_path(file.location, cwd)
    result = FileResult(display)
    rules = selection.for_file(file.relpath)
    module = _frontend(file.language)
    if not rules or module is None:
        return result
    try:
        source = decode(raw, python=file.language in ("python", "tiltfile"))
    except SourceError as exc:
        _parse_error(result, rules, display, exc.message, exc.line, exc.column)
        return result
    ctx = FileContext(file, source, config, project, display)
    findings: list[Finding] = []
    try:
        with crash_names_file(display):
            analysis = module.analyze(ctx)
            for rule in rules.values():
                check = rule.checks.get(file.language)
                if check is not None:
                    findings.extend(check(analysis, ctx))
    except NewerSyntax as exc:  # valid code the running Python cannot parse: not an error
        result.notices.append(f"{display}: {exc.message}")
        return result
    except ParseFailure as exc:
        _parse_error(result, rules, display, exc.message, exc.line, exc.column)
        return result
    except RecursionError:  # the parse or a rule's walk of a very deep tree
        _parse_error(result, rules, display, "nesting too deep to parse", 1, 1)
        return result
    except FileCrash as exc:
        return _crashed(display, exc)
    result.parsed = True
    findings = one_per_construct(findings)
    suppressions = Suppressions.scan(source.text)
    for finding in findings:
        (result.suppressed if suppressions.covers(finding) else result.findings).append(finding)
    return result


_MISSING_FRONTENDS: set[str] = set()


def _frontend(language: str):
    """``frontend(language)``, remembering languages that have no frontend installed."""
    if language in _MISSING_FRONTENDS:
        return None
    module = frontend(language)
    if module is None:
        _MISSING_FRONTENDS.add(language)
    return module


def _parse_error(result: FileResult, rules, display: str, message: str, line: int, col: int):
    if PARSE_ERROR.name in rules:
        result.findings.append(
            Finding(PARSE_ERROR.name, PARSE_ERROR.code, display, line, col, line, col, message)
        )
    else:
        result.notices.append(f"{display}:{line}:{col}: {message}")


def one_per_construct(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per construct: where ranges nest, the more specific rule wins."""
    if len(findings) < 2:
        return sorted(set(findings), key=Finding.sort_key)
    ordered = sorted(set(findings), key=lambda f: registry.priority(f.rule))
    kept: list[Finding] = []
    for finding in ordered:
        if any(_nested(finding, other) and other.rule != finding.rule for other in kept):
            continue
        kept.append(finding)
    return sorted(kept, key=Finding.sort_key)


def _nested(a: Finding, b: Finding) -> bool:
    """True when one finding's range lies within the other's."""

    def within(x: Finding, y: Finding) -> bool:
        return (y.line, y.column) <= (x.line, x.column) and (x.end_line, x.end_column) <= (
            y.end_line,
            y.end_column,
        )

    return within(a, b) or within(b, a)


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


@dataclass
class RunResult:
    """All files of one run."""

    files: list[FileResult]
    notices: list[str]
    checked: int

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for r in self.files for f in r.findings), key=Finding.sort_key)

    @property
    def suppressed(self) -> list[Finding]:
        return sorted((f for r in self.files for f in r.suppressed), key=Finding.sort_key)

    @property
    def crashes(self) -> list[FileResult]:
        """Files a bug stopped us from checking (reported on stderr; the run exits 2)."""
        return [r for r in self.files if r.crash is not None]


@dataclass
class RunOptions:
    """How a run is carried out; none of these change its results."""

    cache: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None  # None: one per CPU; 1: no process pool
    manifest: Any = None  # manifest.Manifest: a warm run's shortcut (``check`` only)
    spread: Any = None  # parallel.Spread: the files discovery's walk checked as it went


def run(
    files: list[SourceFile],
    config: Config,
    selection: RuleSelection,
    notices: list[str],
    options: RunOptions | None = None,
) -> RunResult:
    """Check ``files``; results come back in the order of ``files``.

    Every file is read and prefiltered; only files that survive are parsed, unless the cache
    holds their result. Enough work goes to a process pool (see ``parallel``). A ``check`` of a
    tree that has not changed since the last identical one answers from its manifest without
    reading anything (see ``manifest``).
    """
    from lint_integration import parallel

    options = options or RunOptions()
    manifest = options.manifest
    if manifest is not None:
        remembered = manifest.take_result(files)
        if remembered is not None:
            return remembered
    results, consulted, listed = parallel.check_files(
        files, config, selection, options, os.getcwd()
    )
    all_notices = list(notices)
    for r in results:
        all_notices.extend(r.notices)
    result = RunResult(results, all_notices, len(files))
    if manifest is not None and not result.crashes:  # a crash is never replayed as clean
        manifest.dirs.extend(listed)
        manifest.save(files, notices, result, consulted)
    return result


def cache_key(file: SourceFile, display: str, cwd: str | None = None) -> tuple[str, ...]:
    """What identifies a file's result besides its content (display path: paths in findings)."""
    absolute = absolute_path(file.location, cwd or os.getcwd())
    return (file.language, file.role, file.relpath, display, absolute)


def check_tracked(
    file: SourceFile,
    raw: bytes,
    config: Config,
    selection: RuleSelection,
    project: ProjectIndex,
    cwd: str | None = None,
) -> tuple[FileResult, dict[str, str]]:
    """``check_source`` plus the modules (path -> content signature) it consulted."""
    with project.recording() as deps:
        result = check_source(file, raw, config, selection, project, cwd)
    return result, deps
