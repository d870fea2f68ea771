"""Apply fixes: check, rewrite, verify, re-lint, repeat; then write atomically or print diffs.

Per file, up to ``max_passes`` times: check the current text, pick the findings whose fix may be
applied (safe ones, plus unsafe ones with ``--unsafe-fixes``), rewrite (Python: one rule's LibCST
codemod per pass; other languages: the findings' non-overlapping span edits), and make sure the
result still parses with the file's own frontend. A result that does not parse is never kept:
the rule and file are reported instead. The final text is encoded like the original (encoding,
BOM; line endings survive the rewrite) and written through ``textio.atomic_write``, which
refuses when the file changed on disk since it was read. Files whose fixes change other files'
findings (cross-module summaries) are picked up by a further round, a bounded number of times.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint_integration import registry
from lint_integration.config import Config
from lint_integration.discovery import SourceFile
from lint_integration.engine import (
    FileContext,
    FileResult,
    ProjectIndex,
    RuleSelection,
    RunOptions,
    RunResult,
    check_source,
    display_path,
    run,
)
from lint_integration.findings import Applicability, Edit, Finding
from lint_integration.parallel import reap
from lint_integration.textio import (
    ChangedOnDisk,
    SourceError,
    SourceText,
    atomic_write,
    encode,
    read_source,
)

MAX_PASSES = 10
MAX_ROUNDS = 3

# Why a finding was left, in the order the summary lists them.
LEFT_UNSAFE = "unsafe"
LEFT_NO_FIX = "no-fix"
LEFT_FAILED = "failed"


@dataclass
class FixOptions:
    """How ``fix`` runs."""

    unsafe: bool = False
    diff: bool = False
    max_passes: int = MAX_PASSES
    run_options: RunOptions | None = None


@dataclass
class FileFix:
    """What fixing one file did."""

    file: SourceFile
    display: str
    original: SourceText | None = None
    text: str | None = None  # the fixed text (None: unchanged)
    fixed: Counter = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)  # left after fixing, in memory
    problems: list[str] = field(default_factory=list)  # a fix that was not applied, and why
    error: str | None = None  # the file could not be read or written
    written: bool = False
    unsettled: bool = False  # still had fixes to apply when the pass bound was reached

    @property
    def changed(self) -> bool:
        return (
            self.text is not None and self.original is not None and self.text != self.original.text
        )


@dataclass
class FixReport:
    """A whole ``fix`` run: the findings left, what was fixed, diffs and problems."""

    result: RunResult
    files: list[FileFix]
    options: FixOptions

    @property
    def fixed(self) -> Counter:
        """Findings fixed per rule (in files that were written, or would be with --diff)."""
        total: Counter = Counter()
        for f in self.files:
            if f.error is None:
                total.update(f.fixed)
        return total

    @property
    def changed_files(self) -> list[FileFix]:
        seen: dict[str, FileFix] = {}
        for f in self.files:
            if f.error is None and (f.fixed or f.changed):
                seen[f.display] = f
        return list(seen.values())

    @property
    def errors(self) -> list[str]:
        return list(dict.fromkeys(f"{f.display}: {f.error}" for f in self.files if f.error))

    @property
    def problems(self) -> list[str]:
        return list(dict.fromkeys(p for f in self.files for p in f.problems))

    @property
    def remaining(self) -> list[Finding]:
        return self.result.findings

    def left_reason(self, finding: Finding) -> str:
        return left_reason(finding, self.options.unsafe)

    def diffs(self) -> list[str]:
        return [unified_diff(f) for f in self.files if f.changed]


def applicable(finding: Finding, unsafe: bool) -> bool:
    """True when ``finding`` has a fix that this run may apply."""
    fix = finding.fix
    if fix is None or not (fix.codemod or fix.edits):
        return False
    return fix.applicability == Applicability.SAFE or unsafe


def left_reason(finding: Finding, unsafe: bool) -> str:
    fix = finding.fix
    if fix is None or not (fix.codemod or fix.edits):
        return LEFT_NO_FIX
    if fix.applicability == Applicability.UNSAFE and not unsafe:
        return LEFT_UNSAFE
    return LEFT_FAILED


# -- the run ---------------------------------------------------------------------------------


def fix_run(
    files: list[SourceFile],
    config: Config,
    selection: RuleSelection,
    notices: list[str],
    options: FixOptions | None = None,
) -> FixReport:
    """Fix ``files``; in diff mode nothing is written and one round is made."""
    options = options or FixOptions()
    run_options = options.run_options or RunOptions()
    if run_options.cache:
        return _fix_rounds(files, config, selection, notices, options, run_options)
    # Without the project's cache, the rounds still share one of their own: a re-check after a
    # round then parses only the files that changed and the files whose imports did.
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lint-integration-fix-") as private:
        run_options = dataclasses.replace(run_options, cache=True, cache_dir=Path(private))
        return _fix_rounds(files, config, selection, notices, options, run_options)


def _fix_rounds(files, config, selection, notices, options: FixOptions, run_options) -> FixReport:
    result = run(files, config, selection, notices, run_options)
    outcomes: list[FileFix] = []
    unsettled: set[str] = set()
    for _ in range(MAX_ROUNDS):
        todo = [
            (file, res)
            for file, res in zip(files, result.files, strict=True)
            if any(applicable(f, options.unsafe) for f in res.findings)
            and os.path.abspath(file.location) not in unsettled
        ]
        if not todo:
            break
        reap()
        todo.sort(key=lambda item: _importers_first(item[0]))
        project = ProjectIndex(config)
        round_outcomes = [fix_file(file, config, selection, project, options) for file, _ in todo]
        outcomes.extend(round_outcomes)
        unsettled.update(os.path.abspath(o.file.location) for o in round_outcomes if o.unsettled)
        if options.diff:
            result = _overlay(result, files, round_outcomes)
            break
        if not any(o.written for o in round_outcomes):
            result = _overlay(result, files, round_outcomes)
            break
        result = run(files, config, selection, notices, run_options)
    return FixReport(result, outcomes, options)


def _importers_first(file: SourceFile) -> int:
    """Fix test modules, then conftests, then the modules they import (markers, settings).

    A gate in a test module is recognised through the summary of the module it imports; fixing
    that module first (``GRPC_URL = require_env(...)``) would hide the gate before its own fix.
    """
    name = os.path.basename(file.path)
    if name.startswith("test_") or name.endswith("_test.py"):
        return 0
    return 1 if name == "conftest.py" else 2


def _overlay(result: RunResult, files: list[SourceFile], outcomes: list[FileFix]) -> RunResult:
    """``result`` with the in-memory findings of fixed (or diffed) files swapped in."""
    by_path = {os.path.abspath(o.file.location): o for o in outcomes if o.error is None}
    merged: list[FileResult] = []
    for file, res in zip(files, result.files, strict=True):
        outcome = by_path.get(os.path.abspath(file.location))
        if outcome is not None and outcome.changed:
            res = FileResult(
                res.path, list(outcome.findings), list(res.suppressed), list(res.notices), True
            )
        merged.append(res)
    return RunResult(merged, result.notices, result.checked)


# -- one file --------------------------------------------------------------------------------


def fix_file(
    file: SourceFile,
    config: Config,
    selection: RuleSelection,
    project: ProjectIndex,
    options: FixOptions,
) -> FileFix:
    """Fix one file in memory, then write it (unless in diff mode)."""
    display = display_path(file.path)
    outcome = FileFix(file, display)
    python = file.language in ("python", "tiltfile")
    try:
        if os.path.getsize(file.path) > config.max_file_size:
            outcome.error = "over max-file-size; not fixed"
            return outcome
        src = read_source(file.path, python=python)
    except OSError as exc:
        outcome.error = f"cannot read: {(exc.strerror or str(exc)).lower()}"
        return outcome
    except SourceError as exc:
        outcome.error = f"cannot decode: {exc.message}"
        return outcome
    outcome.original = src
    text = src.text
    result = _check(file, text, src, config, selection, project)
    # The Python frontends analyse with ``ast``: a file they parsed must stay parseable.
    checks_ast = python and result.parsed
    excluded: set[tuple] = set()  # findings whose own fix would break the file

    def attempt(findings: list[Finding]) -> tuple[str | None, set[str], str | None, Any]:
        """Apply ``findings`` to the current text: (new text, rules, failure, new result)."""
        new_text, rules, problems = _apply(file, text, findings, src, config, project)
        outcome.problems.extend(problems)
        if new_text is None or new_text == text:
            return None, rules, None, None
        failure = _verify(file, new_text, src, checks_ast)
        if failure is not None:
            return new_text, rules, failure, None
        new_result = _check(file, new_text, src, config, selection, project)
        if not new_result.parsed:
            return new_text, rules, _parse_message(new_result), None
        return new_text, rules, None, new_result

    for n in range(options.max_passes + 1):
        todo = [
            f for f in result.findings if applicable(f, options.unsafe) and _key(f) not in excluded
        ]
        if not todo:
            break
        if n == options.max_passes:
            outcome.unsettled = True
            outcome.problems.append(
                f"{display}: fixes did not settle after {options.max_passes} passes; stopped there"
            )
            break
        new_text, rules, failure, new_result = attempt(todo)
        if new_text is None:
            break
        if failure is not None:
            # Find the fixes that break the file on their own; keep going without them.
            bad = []
            for finding in todo:
                solo_text, _, solo_failure, _ = attempt([finding])
                if solo_text is not None and solo_failure is not None:
                    bad.append((finding, solo_failure))
            if not bad:
                names = ", ".join(sorted(rules))
                outcome.problems.append(
                    f"{display}: the fixes for {names} together would produce code that does "
                    f"not parse ({failure}); left unchanged"
                )
                break
            for finding, why in bad:
                excluded.add(_key(finding))
                outcome.problems.append(
                    f"{display}:{finding.line}:{finding.column}: the fix for {finding.rule} would "
                    f"produce code that does not parse ({why}); left as a finding"
                )
            continue
        before = Counter(f.rule for f in result.findings)
        after = Counter(f.rule for f in new_result.findings)
        for rule in rules:
            gone = before[rule] - after[rule]
            if gone > 0:
                outcome.fixed[rule] += gone
        text, result = new_text, new_result
    outcome.findings = list(result.findings)
    if text == src.text:
        return outcome
    outcome.text = text
    if options.diff:
        return outcome
    _write(outcome, src, text, config)
    return outcome


def _key(finding: Finding) -> tuple:
    """Identifies a finding across passes (its position moves as other fixes go in)."""
    return (finding.rule, finding.message, finding.snippet)


def _parse_message(result: FileResult) -> str:
    for finding in result.findings:
        if finding.rule == registry.PARSE_ERROR.name:
            return f"line {finding.line}: {finding.message}"
    for notice in result.notices:
        return notice.split(": ", 1)[-1]
    return "the file's parser rejects it"


def _write(outcome: FileFix, src: SourceText, text: str, config: Config) -> None:
    path = outcome.file.path
    real = os.path.realpath(path)
    root = os.path.realpath(config.root)
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        outcome.error = "links outside the project root; not written"
        return
    try:
        data = encode(text, src)
    except UnicodeEncodeError as exc:
        outcome.error = (
            f"the fixed text cannot be encoded as {src.encoding} ({exc.reason}); not written"
        )
        return
    try:
        atomic_write(Path(path), data, expected=src.raw)
    except ChangedOnDisk:
        outcome.error = "changed on disk while it was being fixed; not written (run fix again)"
        return
    except OSError as exc:
        outcome.error = f"cannot write: {(exc.strerror or str(exc)).lower()}; left unchanged"
        return
    outcome.written = True


def _check(
    file: SourceFile,
    text: str,
    src: SourceText,
    config: Config,
    selection: RuleSelection,
    project: ProjectIndex,
) -> FileResult:
    try:
        raw = encode(text, src)
    except UnicodeEncodeError:
        raw = text.encode("utf-8")
    return check_source(file, raw, config, selection, project)


def _verify(file: SourceFile, text: str, src: SourceText, checks_ast: bool) -> str | None:
    """None when ``text`` can be written: encodable, and parsed by Python's own parser when the
    original was (the frontend's re-parse happens when the result is re-linted), else why."""
    from lint_integration.languages.python.tree import quiet_parse

    try:
        encode(text, src)
    except UnicodeEncodeError as exc:
        return f"not encodable as {src.encoding}: {exc.reason}"
    if checks_ast:
        try:
            quiet_parse(text)
        except SyntaxError as exc:
            return f"line {exc.lineno}: {exc.msg}"
        except (ValueError, RecursionError, MemoryError) as exc:
            return str(exc) or type(exc).__name__
    return None


def _apply(
    file: SourceFile,
    text: str,
    todo: list[Finding],
    src: SourceText,
    config: Config,
    project: ProjectIndex,
) -> tuple[str | None, set[str], list[str]]:
    """One rewrite step: the new text, the rules whose fixes went in, and problems."""
    codemod_findings = [f for f in todo if f.fix.codemod]
    if codemod_findings:
        if file.language != "python":
            return None, set(), []
        return _apply_codemods(file, text, codemod_findings, src, config, project)
    edits = [f for f in todo if f.fix.edits]
    new_text, rules = apply_edits(text, edits, src.newline)
    return new_text, rules, []


def _apply_codemods(
    file: SourceFile,
    text: str,
    findings: list[Finding],
    src: SourceText,
    config: Config,
    project: ProjectIndex,
) -> tuple[str | None, set[str], list[str]]:
    """Run one rule's codemod (the most specific rule first) on ``text``."""
    from lint_integration import codemods

    problems: list[str] = []
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.fix.codemod, []).append(f)
    display = display_path(file.path)
    ctx = FileContext(file, _replace_text(src, text), config, project, display)
    for name in sorted(by_rule, key=registry.priority):
        try:
            new_text = codemods.apply(name, text, by_rule[name], ctx)
        except codemods.CodemodError as exc:
            for line, reason in exc.reasons:
                where = f"{display}:{line}" if line else display
                problems.append(f"{where}: the fix for {name} was not applied: {reason}")
            continue
        if new_text != text:
            return new_text, {name}, problems
    return text, set(), problems


def _replace_text(src: SourceText, text: str) -> SourceText:
    return SourceText(text, src.encoding, src.bom, src.newline, src.raw, src.mode)


def apply_edits(
    text: str, findings: Iterable[Finding], newline: str = "\n"
) -> tuple[str, set[str]]:
    """Apply the span edits of ``findings`` that do not overlap (earlier findings win).

    A finding's edits go in together or not at all; the ones left out are retried on the next
    pass, against the re-linted text. New text uses the file's dominant line ending.
    """
    accepted: list[Edit] = []
    rules: set[str] = set()
    for finding in sorted(findings, key=lambda f: min(e.start for e in f.fix.edits)):
        edits = sorted(finding.fix.edits, key=lambda e: (e.start, e.end))
        if any(e.start < 0 or e.end > len(text) or e.start > e.end for e in edits):
            continue
        if _overlaps(edits, edits) or any(_overlaps([e], accepted) for e in edits):
            continue
        accepted.extend(edits)
        rules.add(finding.rule)
    out = text
    for edit in sorted(accepted, key=lambda e: (e.start, e.end), reverse=True):
        content = edit.content
        if newline == "\r\n":
            content = content.replace("\r\n", "\n").replace("\n", "\r\n")
        out = out[: edit.start] + content + out[edit.end :]
    return out, rules


def _overlaps(edits: list[Edit], others: list[Edit]) -> bool:
    for a in edits:
        for b in others:
            if a is b:
                continue
            if a.start < b.end and b.start < a.end:
                return True
            if a.start == a.end == b.start == b.end:  # two insertions at one point
                return True
    return False


# -- output ----------------------------------------------------------------------------------


def unified_diff(outcome: FileFix) -> str:
    """The change to one file as a unified diff (``a/`` and ``b/`` prefixes, like git)."""
    assert outcome.original is not None and outcome.text is not None
    name = outcome.display.replace(os.sep, "/")
    before = outcome.original.text.splitlines(keepends=True)
    after = outcome.text.splitlines(keepends=True)
    lines = list(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))
    out = []
    for line in lines:
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def summary(report: FixReport) -> str:
    """E.g. ``Fixed 5 findings (no-skip-on-env: 3, ...) in 2 files; 2 left: 1 unsafe fix ...``."""
    fixed = report.fixed
    n_fixed = sum(fixed.values())
    left = report.remaining
    verb = "Would fix" if report.options.diff else "Fixed"
    parts = []
    if n_fixed:
        per_rule = ", ".join(
            f"{rule}: {n}" for rule, n in sorted(fixed.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        files = len(report.changed_files)
        parts.append(
            f"{verb} {n_fixed} finding{_s(n_fixed)} ({per_rule}) in {files} file{_s(files)}"
        )
    elif not left:
        return f"No findings: {report.result.checked} file{_s(report.result.checked)} checked."
    else:
        attempted = any(report.left_reason(f) == LEFT_FAILED for f in left)
        parts.append("No fixes applied" if attempted else "Nothing to fix")
    if left:
        reasons = Counter(report.left_reason(f) for f in left)
        wording = {
            LEFT_UNSAFE: lambda n: f"{n} unsafe fix{'es' if n != 1 else ''} (use --unsafe-fixes)",
            LEFT_NO_FIX: lambda n: f"{n} without a fix",
            LEFT_FAILED: lambda n: f"{n} whose fix could not be applied (see above)",
        }
        detail = ", ".join(
            wording[key](reasons[key])
            for key in (LEFT_UNSAFE, LEFT_NO_FIX, LEFT_FAILED)
            if reasons[key]
        )
        parts.append(f"{len(left)} left: {detail}")
    else:
        parts.append("no findings left")
    return "; ".join(parts) + "."


def _s(n: int) -> str:
    return "" if n == 1 else "s"
