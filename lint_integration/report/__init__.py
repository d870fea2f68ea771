"""Formatters: each turns a run's findings into text; none of them changes a finding."""

from __future__ import annotations

from collections.abc import Callable

from lint_integration.engine import RunResult

# name -> formatter(result, options) -> str
Formatter = Callable[[RunResult, dict], str]


# name -> (module, function): a run imports only the formatter it prints with.
_FORMATTERS = {
    "text": ("text", "format_text"),
    "concise": ("text", "format_concise"),
    "json": ("json_format", "format_json"),
    "github": ("github", "format_github"),
    "sarif": ("sarif", "format_sarif"),
    "junit": ("junit", "format_junit"),
    "gitlab": ("gitlab", "format_gitlab"),
}


def formatter(name: str) -> Formatter:
    """The formatter called ``name``."""
    import importlib

    module, function = _FORMATTERS[name]
    return getattr(importlib.import_module(f"lint_integration.report.{module}"), function)


def formatters() -> dict[str, Formatter]:
    """Every formatter by name."""
    return {name: formatter(name) for name in _FORMATTERS}
