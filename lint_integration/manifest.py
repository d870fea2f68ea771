"""The warm run's shortcut: nothing changed, so answer without walking or reading the tree.

After a ``check``, the cache keeps a manifest of the run: the directories the walk scanned (with
their modification times: adding, removing or renaming an entry changes them), every file that
was found or read along the way (discovered files, ignore files, imported modules, summaries:
modification time, size and inode), the config file, and the result. The next ``check`` with
the same arguments, from the same directory, with the same tool, config and rules, stats those
paths; when every one is unchanged it reuses the file list and the result and reads nothing.
Any difference, a missing manifest or a corrupt one means an ordinary run (which may use the
per-file cache) and a new manifest.

A manifest is only written when everything it records is at least two seconds older than the
start of the run, so an edit made in the same timestamp tick as a read cannot go unnoticed.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint_integration.cache import Cache, tool_stamp
from lint_integration.fast import stamp as file_stamp
from lint_integration.fast import unchanged

# How much older than the run's start every recorded timestamp must be (file systems that
# round timestamps to seconds included).
RACY_NS = 2_000_000_000
# The manifest this process loaded or saved last (the entry point remembers its output).
LAST: Manifest | None = None


@dataclass
class Manifest:
    """One remembered run; ``files``/``notices``/``result`` are set on a valid hit."""

    cache: Cache
    key: str
    started_ns: int = field(default_factory=time.time_ns)
    files: list | None = None
    notices: list[str] | None = None
    result: Any = None
    dirs: list[str] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)
    # Where config discovery starts (the entry point checks no config appeared above them).
    starts: list[str] = field(default_factory=list)
    # ``(dirs, paths)`` with their stamps, once loaded valid or saved.
    recorded: tuple | None = None

    @classmethod
    def for_run(cls, cache: Cache, parts: tuple) -> Manifest:
        digest = hashlib.blake2b(repr((tool_stamp(), *parts)).encode(), digest_size=16)
        return cls(cache, digest.hexdigest())

    def load(self) -> bool:
        """Whether the stored manifest is still valid (then ``files``/``result`` are set)."""
        entry = self.cache.load_blob("manifests", self.key)
        try:
            key, dirs, paths, files, notices, result = entry  # type: ignore[misc]
        except (TypeError, ValueError):
            return False
        if key != self.key:
            return False
        if not unchanged(dirs, paths):
            return False
        self.files, self.notices, self.result = LazyFiles(files), notices, result
        self.recorded = (dirs, paths)
        global LAST
        LAST = self
        return True

    def take_result(self, files: list) -> Any:
        """The remembered result, once, for exactly the file list it came with."""
        if self.result is None or files is not self.files:
            return None
        result, self.result = self.result, None
        return result

    def save(self, files: list, notices: list[str], result: Any, extra: set[str]) -> bool:
        """Remember this run (False when something changed too recently to be trusted)."""
        limit = self.started_ns - RACY_NS
        dirs = []
        for path in sorted(set(self.dirs)):
            stamp = file_stamp(path, directory=True)
            if stamp is None or stamp[0] >= limit:
                return False
            dirs.append((path, stamp))
        paths = []
        wanted = {os.path.abspath(f.path) for f in files} | self.paths | extra
        for path in sorted(wanted):
            stamp = file_stamp(path)
            if stamp is not None and stamp[0] >= limit:
                return False
            paths.append((path, stamp))
        rows = tuple((str(f.path), f.relpath, f.language, f.role, f.explicit) for f in files)
        self.recorded = (dirs, paths)
        global LAST
        LAST = self
        self.cache.store_blob("manifests", self.key, (self.key, dirs, paths, rows, notices, result))
        return True


class LazyFiles(Sequence):
    """The remembered file list, as plain rows; a ``SourceFile`` is built when first asked for
    (a warm check that reuses the whole result never needs one)."""

    def __init__(self, rows: tuple) -> None:
        self._rows = rows
        self._files: list | None = None

    def _materialize(self) -> list:
        if self._files is None:
            from lint_integration.discovery import SourceFile

            self._files = [SourceFile(p, r, lang, role, x) for p, r, lang, role, x in self._rows]
        return self._files

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        return self._materialize()[index]

    def __iter__(self):
        return iter(self._materialize())


def manifest_parts(cwd: str, targets: list[Path], config, selection, force_exclude: bool) -> tuple:
    """Everything besides the tree that decides a run's files and results."""
    return (
        "check",
        cwd,
        tuple(str(t) for t in targets),
        str(config.source) if config.source else None,
        str(config.root),
        config.fingerprint(),
        config.exclude,
        config.extend_exclude,
        config.include,
        config.respect_gitignore,
        tuple(sorted(selection.rules)),
        force_exclude,
    )
