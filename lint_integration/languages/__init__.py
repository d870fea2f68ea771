"""Language frontends: each hides its parser behind a small, lazily imported interface.

A frontend module exposes:

- ``might_match(raw: bytes, role: str, config) -> bool``: the cheap prefilter. It must be
  conservative: when it returns False, no rule can report anything in that file.
- ``analyze(ctx: FileContext) -> object``: parse and compute the facts its rules ask about;
  raises ``ParseFailure`` for input it cannot parse.
- optionally ``summarize(path, text, project) -> object``: the per-module summary that other
  files consult across imports (Python).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from lint_integration.classify import (
    GO,
    PACKAGE_JSON,
    PYTHON,
    SHELL,
    TILTFILE,
    TYPESCRIPT,
    YAML,
)

_MODULES = {
    PYTHON: "lint_integration.languages.python",
    TILTFILE: "lint_integration.languages.tiltfile",
    SHELL: "lint_integration.languages.shell",
    TYPESCRIPT: "lint_integration.languages.typescript",
    GO: "lint_integration.languages.golang",
    YAML: "lint_integration.languages.yaml_config",
    PACKAGE_JSON: "lint_integration.languages.package_json",
}


class ParseFailure(Exception):
    """The frontend's parser rejected the file; line/column are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class NewerSyntax(ParseFailure):
    """The file is valid in a newer Python than the running one: not analysed, not an error.
    The engine reports it as a notice naming the file."""


def frontend(language: str) -> ModuleType | None:
    """The frontend module for ``language``, imported on first use; None if not available."""
    name = _MODULES.get(language)
    if name is None:
        return None
    module = sys.modules.get(name)  # asked for once per file: skip the import machinery
    if module is not None:
        return module
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise
