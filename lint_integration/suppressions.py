"""Inline suppressions: ``lint-integration: ignore[...]``, ``noqa: LI001`` and ignore-file.

Comments are found by text on the finding's line (or the line before), so one syntax works in
Python, shell, YAML, TypeScript and Go alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lint_integration.findings import Finding
from lint_integration.textio import split_lines

_IGNORE = re.compile(r"lint-integration:\s*ignore(?!-file)(?:\[([^\]]*)\])?", re.IGNORECASE)
_IGNORE_FILE = re.compile(r"lint-integration:\s*ignore-file(?:\[([^\]]*)\])?", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_SLASH_NOQA = re.compile(r"//\s*noqa(?::\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def _names(group: str | None) -> set[str] | None:
    """None means "every rule"; otherwise the lower-cased names and codes listed."""
    if group is None:
        return None
    items = {part.strip().lower() for part in re.split(r"[\s,]+", group) if part.strip()}
    return items or None


@dataclass
class Suppressions:
    """The suppression comments of one file."""

    lines: list[str]
    file_level: list[set[str] | None]

    @classmethod
    def scan(cls, text: str) -> Suppressions:
        file_level = []
        if "lint-integration" in text:
            file_level = [_names(m.group(1)) for m in _IGNORE_FILE.finditer(text)]
        return cls(split_lines(text), file_level)

    def covers(self, finding: Finding) -> bool:
        for names in self.file_level:
            if names is None or _match(names, finding):
                return True
        for lineno in (finding.line, finding.line - 1):
            if 1 <= lineno <= len(self.lines):
                own_line = lineno == finding.line
                if self._line_covers(self.lines[lineno - 1], finding, own_line):
                    return True
        return False

    @staticmethod
    def _line_covers(line: str, finding: Finding, own_line: bool) -> bool:
        for match in _IGNORE.finditer(line):
            names = _names(match.group(1))
            if names is None or _match(names, finding):
                return True
        if not own_line:
            return False
        for pattern in (_NOQA, _SLASH_NOQA):
            for match in pattern.finditer(line):
                codes = _names(match.group(1))
                if codes is None or finding.code.lower() in codes:
                    return True
        return False


def _match(names: set[str], finding: Finding) -> bool:
    return finding.rule in names or finding.code.lower() in names
