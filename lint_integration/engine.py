"""The check engine: one file from bytes to findings, and a run over many files.

Per file: read -> size and binary checks -> prefilter -> decode -> parse (frontend) -> rules ->
per-file-ignores and suppressions -> one finding per construct.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint_integration import registry
from lint_integration.config import Config
from lint_integration.discovery import SourceFile
from lint_integration.findings import Finding, Fix
from lint_integration.languages import ParseFailure, frontend
from lint_integration.registry import PARSE_ERROR, Rule
from lint_integration.suppressions import Suppressions
from lint_integration.textio import SourceError, SourceText, decode


def display_path(path: Path) -> str:
    """A path as users see it: relative to the current directory when below it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute


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
            snippet = _snippet(self.text, start, end)
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


def _snippet(text: str, start: tuple[int, int], end: tuple[int, int]) -> str:
    lines = text.splitlines()[start[0] - 1 : end[0]]
    return " ".join(" ".join(line.split()) for line in lines)[:200]


@dataclass
class FileResult:
    """What checking one file produced."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    parsed: bool = False


class ProjectIndex:
    """Cross-module knowledge: per-module summaries, computed on demand and memoized."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._summaries: dict[tuple[str, Path], Any] = {}
        self._in_progress: set[tuple[str, Path]] = set()

    def summary(self, language: str, path: Path) -> Any:
        """The summary of the module at ``path`` (None when unreadable or not summarizable)."""
        key = (language, Path(os.path.abspath(path)))
        if key in self._summaries:
            return self._summaries[key]
        if key in self._in_progress:  # an import cycle: treat as unknown for now
            return None
        module = frontend(language)
        summarize = getattr(module, "summarize", None)
        if summarize is None:
            return None
        self._in_progress.add(key)
        try:
            try:
                if os.path.getsize(key[1]) > self.config.max_file_size:
                    value = None
                else:
                    with open(key[1], "rb") as fh:
                        raw = fh.read()
                    value = summarize(key[1], raw, self)
            except (OSError, SourceError, ParseFailure, RecursionError, ValueError):
                value = None
        finally:
            self._in_progress.discard(key)
        self._summaries[key] = value
        return value


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
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([glob])


def check_file(
    file: SourceFile, config: Config, selection: RuleSelection, project: ProjectIndex
) -> FileResult:
    """Check one file. Never raises for bad input: problems become parse-error findings."""
    display = display_path(file.path)
    result = FileResult(display)
    rules = selection.for_file(file.relpath)
    if not rules:
        return result
    try:
        size = os.path.getsize(file.path)
        if size > config.max_file_size:
            result.notices.append(
                f"{display}: skipped, {size:,} bytes is over max-file-size "
                f"({config.max_file_size:,})"
            )
            return result
        with open(file.path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        _parse_error(result, rules, display, f"cannot read file: {_reason(exc)}", 1, 1)
        return result
    module = frontend(file.language)
    if module is None:
        return result
    if not module.might_match(raw, file.role, config):
        return result
    try:
        source = decode(raw, python=file.language in ("python", "tiltfile"))
    except SourceError as exc:
        _parse_error(result, rules, display, exc.message, exc.line, exc.column)
        return result
    ctx = FileContext(file, source, config, project, display)
    try:
        analysis = module.analyze(ctx)
    except ParseFailure as exc:
        _parse_error(result, rules, display, exc.message, exc.line, exc.column)
        return result
    except RecursionError:
        _parse_error(result, rules, display, "nesting too deep to parse", 1, 1)
        return result
    result.parsed = True
    findings: list[Finding] = []
    for rule in rules.values():
        check = rule.checks.get(file.language)
        if check is not None:
            findings.extend(check(analysis, ctx))
    findings = one_per_construct(findings)
    suppressions = Suppressions.scan(source.text)
    for finding in findings:
        (result.suppressed if suppressions.covers(finding) else result.findings).append(finding)
    return result


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


def run(
    files: list[SourceFile], config: Config, selection: RuleSelection, notices: list[str]
) -> RunResult:
    """Check ``files`` in order (the process pool and the cache wrap this)."""
    project = ProjectIndex(config)
    results = [check_file(f, config, selection, project) for f in files]
    all_notices = list(notices)
    for r in results:
        all_notices.extend(r.notices)
    return RunResult(results, all_notices, len(files))
