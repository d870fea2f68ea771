"""Findings and fixes: plain data that rules produce and formatters only read."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum


class Applicability(str, Enum):
    """How safe it is to apply a fix without review (Ruff's vocabulary)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` (offsets into the decoded file text) with ``content``.

    The 1-based line/column positions are kept alongside for reports; build with ``Edit.at``.
    """

    start: int
    end: int
    content: str
    location: tuple[int, int] = (0, 0)
    end_location: tuple[int, int] = (0, 0)

    @classmethod
    def at(cls, text: str, start: int, end: int, content: str) -> Edit:
        return cls(
            start, end, content, offset_to_line_col(text, start), offset_to_line_col(text, end)
        )


@dataclass(frozen=True)
class Fix:
    """A proposed change for one finding.

    Span-edit languages (YAML, shell, TS, Go) carry ``edits``; Python fixes are LibCST codemods
    named by ``codemod`` (the rule name), whose edits are computed when the fix is applied.
    """

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...] = ()
    codemod: str | None = None


@dataclass(frozen=True)
class Finding:
    """One violation of the contract at one place in one file (1-based lines and columns)."""

    rule: str
    code: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fix: Fix | None = None
    # Stable text of the offending construct, used by baselines and SARIF fingerprints.
    snippet: str = ""
    suppressed: bool = field(default=False, compare=False)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code, self.message)

    def with_path(self, path: str) -> Finding:
        return replace(self, path=path)


def offset_to_line_col(text: str, offset: int) -> tuple[int, int]:
    """Convert a character offset into a 1-based (line, column) pair."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def line_col_to_offset(text: str, line: int, column: int) -> int:
    """Convert a 1-based (line, column) pair into a character offset."""
    offset = 0
    for _ in range(line - 1):
        nl = text.find("\n", offset)
        if nl < 0:
            return len(text)
        offset = nl + 1
    return min(offset + column - 1, len(text))
