"""Baselines: adopt the contract on a legacy monorepo without fixing everything on day one.

``check --write-baseline FILE`` records today's findings; ``check --baseline FILE`` then reports
only findings that are not recorded, so CI blocks new violations while old ones are paid down.
Entries match by rule, path (relative to the baseline file, so any cwd works) and a fingerprint
of the offending code with an occurrence counter, never by line number: edits elsewhere in a
file keep its entries matching, and a second copy of a recorded violation is still reported.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from lint_integration.config import ConfigError
from lint_integration.engine import RunResult
from lint_integration.findings import Finding
from lint_integration.fingerprints import identities, relative_to

BASELINE_VERSION = 1

# (baseline-relative path, rule name) -> whether this run looked for that rule in that file.
Scope = Callable[[str, str], bool]


@dataclass(frozen=True)
class Entry:
    """One recorded finding. ``message`` is for the humans reviewing the file; it never matches."""

    path: str
    rule: str
    code: str
    fingerprint: str
    message: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.rule, self.fingerprint)

    def to_json(self) -> dict[str, str]:
        return {
            "path": self.path,
            "rule": self.rule,
            "code": self.code,
            "fingerprint": self.fingerprint,
            "message": self.message,
        }


@dataclass
class Baseline:
    file: Path
    entries: list[Entry]

    @property
    def base(self) -> Path:
        """The directory entry paths are relative to."""
        return Path(os.path.abspath(self.file)).parent


@dataclass(frozen=True)
class Outcome:
    """What applying a baseline did: findings hidden, and recorded entries nothing matched."""

    hidden: int
    stale: int

    def notices(self, file: Path) -> list[str]:
        out = []
        if self.hidden:
            out.append(
                f"baseline {file}: {self.hidden} known finding{_s(self.hidden)} not reported"
            )
        if self.stale:
            verb = "entry no longer matches" if self.stale == 1 else "entries no longer match"
            out.append(
                f"baseline {file}: {self.stale} {verb} a finding (fixed or changed); "
                "refresh it with --write-baseline"
            )
        return out


def load_baseline(file: Path) -> Baseline:
    """Read and validate a baseline file; problems are one-line ``ConfigError``s."""
    try:
        raw = Path(file).read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            file, "baseline file not found (create it with --write-baseline)"
        ) from None
    except OSError as exc:
        raise ConfigError(
            file, f"cannot read baseline: {(exc.strerror or str(exc)).lower()}"
        ) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(file, f"baseline is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or "entries" not in data:
        raise ConfigError(file, "not a lint-integration baseline (expected an object with entries)")
    version = data.get("version")
    if version != BASELINE_VERSION:
        raise ConfigError(
            file,
            f"unsupported baseline version {version!r} (this lint-integration reads "
            f"version {BASELINE_VERSION}; regenerate it with --write-baseline)",
        )
    items = data["entries"]
    if not isinstance(items, list):
        raise ConfigError(file, "baseline 'entries' must be a list")
    entries = []
    for i, item in enumerate(items):
        fields = ("path", "rule", "fingerprint")
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in fields):
            raise ConfigError(file, f"baseline entry {i} needs string path, rule and fingerprint")
        entries.append(
            Entry(
                item["path"],
                item["rule"],
                str(item.get("code", "")),
                item["fingerprint"],
                str(item.get("message", "")),
            )
        )
    return Baseline(Path(file), entries)


def entries_for(findings: Iterable[Finding], base: Path) -> list[Entry]:
    """The baseline entries recording ``findings``, with paths relative to ``base``."""
    return [
        Entry(ident.path, f.rule, f.code, ident.local, f.message)
        for f, ident in identities(findings, relative_to(base))
    ]


def write_baseline(file: Path, findings: Iterable[Finding], scope: Scope | None = None) -> int:
    """Record ``findings`` in ``file``; return the number of entries written.

    When the file exists, its entries for files or rules this run did not look at are kept, so
    writing a baseline for one directory does not forget the rest of the repository.
    """
    from lint_integration.report.output import write_atomic

    file = Path(file)
    base = Path(os.path.abspath(file)).parent
    entries = entries_for(findings, base)
    if scope is not None and file.exists():
        previous = load_baseline(file)
        entries += [e for e in previous.entries if not scope(e.path, e.rule)]
    entries = sorted(set(entries), key=lambda e: (e.path, e.rule, e.code, e.fingerprint))
    document = {
        "version": BASELINE_VERSION,
        "tool": "lint-integration",
        "entries": [e.to_json() for e in entries],
    }
    write_atomic(file, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return len(entries)


def apply_baseline(
    result: RunResult, baseline: Baseline, scope: Scope | None = None
) -> tuple[RunResult, Outcome]:
    """``result`` without the findings ``baseline`` records, and how many it hid or missed."""
    remaining = Counter(e.key for e in baseline.entries)
    convert = relative_to(baseline.base)
    files = []
    hidden = 0
    for file_result in result.files:
        kept = []
        for finding, ident in identities(file_result.findings, convert):
            key = (ident.path, finding.rule, ident.local)
            if remaining[key] > 0:
                remaining[key] -= 1
                hidden += 1
            else:
                kept.append(finding)
        # A result without findings (a ``PlainResult``, most files) stays as it is.
        files.append(replace(file_result, findings=kept) if file_result.findings else file_result)
    stale = 0
    for (path, rule, _), count in remaining.items():
        if count > 0 and (scope is None or scope(path, rule)):
            stale += count
    outcome = Outcome(hidden, stale)
    notices = [*result.notices, *outcome.notices(baseline.file)]
    return RunResult(files, notices, result.checked), outcome


def run_scope(files: Iterable, selection, base: Path) -> Scope:
    """Which (path, rule) pairs a run covered: the files it checked, with the rules selected
    for each (so a run over one directory, or with --select, never calls other entries stale)."""
    convert = relative_to(base)
    by_path = {convert(str(f.path)): f.relpath for f in files}

    def in_scope(path: str, rule: str) -> bool:
        relpath = by_path.get(path)
        return relpath is not None and rule in selection.for_file(relpath)

    return in_scope


def _s(n: int) -> str:
    return "" if n == 1 else "s"
