"""Identities for findings that survive unrelated edits: what baselines, SARIF and GitLab key on.

A finding is identified by its rule, its file and the text of the offending code (whitespace
collapsed), never by its line number, so inserting lines above it changes nothing. Identical
constructs in one file are told apart by an occurrence counter in source order.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lint_integration.findings import Finding


@dataclass(frozen=True)
class Identity:
    """Where a finding lives and what it is about, independent of line numbers."""

    rule: str
    path: str  # posix, relative to the base the caller chose
    code_hash: str
    occurrence: int

    @property
    def local(self) -> str:
        """Rule + code + occurrence: the part that does not depend on the path."""
        return _digest(self.rule, self.code_hash, str(self.occurrence))[:20]

    def digest(self, algorithm: str = "sha256") -> str:
        """Everything, path included: for reports that key results on one string."""
        return _digest(self.rule, self.path, self.code_hash, str(self.occurrence), algo=algorithm)


def normalized_code(finding: Finding) -> str:
    """The offending code with whitespace collapsed (the message when no code was recorded)."""
    return " ".join((finding.snippet or finding.message).split())


def identities(
    findings: Iterable[Finding], relpath: Callable[[str], str]
) -> list[tuple[Finding, Identity]]:
    """Each finding with its identity; ``relpath`` maps a finding's path to the stored form."""
    ordered = sorted(findings, key=Finding.sort_key)
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for finding in ordered:
        path = relpath(finding.path)
        code_hash = _digest(normalized_code(finding))[:16]
        key = (finding.rule, path, code_hash)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        out.append((finding, Identity(finding.rule, path, code_hash, occurrence)))
    return out


def relative_to(base: Path | str) -> Callable[[str], str]:
    """A function turning a finding path (relative to the cwd, or absolute) into a posix path
    relative to ``base``; paths on another drive stay absolute."""
    base_abs = os.path.abspath(base)

    def convert(path: str) -> str:
        absolute = os.path.abspath(path)
        try:
            rel = os.path.relpath(absolute, base_abs)
        except ValueError:  # another drive on Windows
            return Path(absolute).as_posix()
        return Path(rel).as_posix()

    return convert


def _digest(*parts: str, algo: str = "sha256") -> str:
    h = hashlib.new(algo, usedforsecurity=False)
    h.update("\0".join(parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()
