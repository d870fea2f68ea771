"""``--since REF``: lint only what a change can affect.

That is the files changed since a git ref (committed, staged, unstaged or untracked), plus the
Python modules that import a changed module, directly or through other modules: their findings
can change because the imported module's summary did. Importers are found by a conservative text
test (the module's name appears in a file that imports something), so the set may be a little
larger than needed, never smaller. A change to the config file means every file is checked.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from lint_integration.discovery import SourceFile

_PYTHON_SUFFIXES = (".py", ".pyi")
_RELATIVE_IMPORT = re.compile(rb"\bfrom\s+\.+\s*import\b")


class SinceError(Exception):
    """``--since`` cannot be honoured: not a git repository, git missing, or an unknown ref."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=120,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:
        raise SinceError("--since needs git, and git was not found on PATH") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise SinceError(f"--since: cannot run git: {exc}") from None


def _lines(output: bytes) -> list[str]:
    return [os.fsdecode(p) for p in output.split(b"\0") if p]


def changed_paths(ref: str, start: Path) -> tuple[Path, set[str], list[str]]:
    """``(top level, changed absolute paths, every Python path in the work tree)``."""
    start = start if start.is_dir() else start.parent
    top = _git(["rev-parse", "--show-toplevel"], start)
    if top.returncode != 0:
        raise SinceError(f"--since needs a git repository, and {start} is not inside one")
    root = Path(os.fsdecode(top.stdout.strip()))
    commit = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root
    )
    if commit.returncode != 0 or not commit.stdout.strip():
        raise SinceError(f"--since: unknown git ref '{ref}'")
    sha = commit.stdout.strip().decode("ascii", "replace")
    diff = _git(["diff", "--name-only", "--no-renames", "-z", sha, "--"], root)
    if diff.returncode != 0:
        message = diff.stderr.decode(errors="replace").strip().splitlines()
        raise SinceError(f"--since: git diff failed: {message[-1] if message else diff.returncode}")
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    tracked_py = _git(["ls-files", "--cached", "-z", "--", "*.py", "*.pyi"], root)
    changed = {os.path.join(root, p) for p in _lines(diff.stdout) + _lines(untracked.stdout)}
    python = {
        os.path.join(root, p)
        for p in _lines(tracked_py.stdout) + _lines(untracked.stdout)
        if p.endswith(_PYTHON_SUFFIXES)
    }
    return root, changed, sorted(python)


def _module_names(paths: Iterable[str]) -> set[str]:
    """The names a module is imported by, last component only (``pkg/mod.py`` -> ``mod``)."""
    names = set()
    for path in paths:
        if not path.endswith(_PYTHON_SUFFIXES):
            continue
        stem = os.path.splitext(os.path.basename(path))[0]
        if stem == "__init__":
            stem = os.path.basename(os.path.dirname(path))
        if stem.isidentifier():
            names.add(stem)
    return names


def importers(changed: set[str], python_files: Iterable[str]) -> set[str]:
    """Python files that import a changed module, directly or through other modules."""
    affected: set[str] = set()
    frontier = {p for p in changed if p.endswith(_PYTHON_SUFFIXES)}
    candidates = [p for p in python_files if p not in changed]
    texts: dict[str, bytes] = {}
    while frontier:
        names = _module_names(frontier)
        packages = [os.path.dirname(p) + os.sep for p in frontier if p.endswith("__init__.py")]
        pattern = (
            re.compile(
                rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b"
            )
            if names
            else None
        )
        found = set()
        for path in candidates:
            if path in affected:
                continue
            raw = texts.get(path)
            if raw is None:
                try:
                    with open(path, "rb") as fh:
                        raw = fh.read()
                except OSError:
                    raw = b""
                texts[path] = raw
            if b"import" not in raw:
                continue
            if (pattern is not None and pattern.search(raw)) or (
                any(path.startswith(pkg) for pkg in packages) and _RELATIVE_IMPORT.search(raw)
            ):
                found.add(path)
        affected |= found
        frontier = found
    return affected


def select_since(
    files: list[SourceFile], ref: str, start: Path, config_source: Path | None
) -> list[SourceFile]:
    """The subset of ``files`` that a change since ``ref`` can affect."""
    _root, changed, python = changed_paths(ref, start)
    changed_real = {os.path.realpath(p) for p in changed}
    if config_source is not None and os.path.realpath(config_source) in changed_real:
        return files  # new settings can change any result
    wanted = changed_real | {os.path.realpath(p) for p in importers(changed, python)}
    return [f for f in files if os.path.realpath(f.path) in wanted]
