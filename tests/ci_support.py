"""Helpers for the runner and CI config tests: lint one text at a chosen path, apply fixes.

Fixture files mark each expected finding on its line with ``expect: LI001@5`` (code@column,
several per line allowed) inside a comment; ``expected(text)`` collects them.
"""

from __future__ import annotations

import re
from pathlib import Path

from lint_integration.classify import language_of, role_of
from lint_integration.config import Config
from lint_integration.discovery import SourceFile
from lint_integration.engine import ProjectIndex, RuleSelection, check_file
from lint_integration.findings import Applicability, Finding
from lint_integration.fixer import apply_edits

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_EXPECT = re.compile(r"expect:((?:\s+LI\d{3}@\d+)+)")


def lint(
    tmp_path: Path,
    relpath: str,
    text: str | bytes,
    select: tuple[str, ...] = (),
    config: Config | None = None,
) -> list[Finding]:
    """Findings for ``text`` written at ``relpath`` under ``tmp_path`` (role from the path)."""
    path = tmp_path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(raw)
    config = config or Config(root=tmp_path)
    language = language_of(relpath, raw[:256])
    assert language is not None, relpath
    source = SourceFile(path, relpath, language, role_of(relpath, config))
    result = check_file(source, config, RuleSelection(config, select), ProjectIndex(config))
    return result.findings


def fixture(area: str, name: str) -> str:
    return (FIXTURES / area / name).read_text(encoding="utf-8")


def expected(text: str) -> list[tuple[int, int, str]]:
    """The ``expect: CODE@COL`` marks of a fixture, as sorted (line, column, code)."""
    marks = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            for item in match.group(1).split():
                code, column = item.split("@")
                marks.append((number, int(column), code))
    return sorted(marks)


def found(findings: list[Finding]) -> list[tuple[int, int, str]]:
    return sorted((f.line, f.column, f.code) for f in findings)


def rows(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [(f.code, f.line, f.column, f.message) for f in findings]


def fixed(text: str, findings: list[Finding], unsafe: bool = False) -> str:
    """``text`` with the span edits of ``findings`` applied (safe ones unless ``unsafe``)."""
    chosen = [
        f
        for f in findings
        if f.fix is not None
        and f.fix.edits
        and (unsafe or f.fix.applicability is Applicability.SAFE)
    ]
    newline = "\r\n" if text.count("\r\n") > text.count("\n") - text.count("\r\n") else "\n"
    return apply_edits(text, chosen, newline)[0]


def untouched_outside(before: str, after: str, findings: list[Finding]) -> bool:
    """True when ``after`` equals ``before`` everywhere outside the edited spans."""
    edits = sorted(
        (e for f in findings if f.fix for e in f.fix.edits), key=lambda e: (e.start, e.end)
    )
    cursor_before = cursor_after = 0
    for edit in edits:
        same = before[cursor_before : edit.start]
        if after[cursor_after : cursor_after + len(same)] != same:
            return False
        cursor_after += len(same) + len(edit.content)
        cursor_before = edit.end
    return after[cursor_after:] == before[cursor_before:]
