"""Formatters: each turns a run's findings into text; none of them changes a finding."""

from __future__ import annotations

from collections.abc import Callable

from lint_integration.engine import RunResult

# name -> formatter(result, options) -> str
Formatter = Callable[[RunResult, dict], str]


def formatters() -> dict[str, Formatter]:
    from lint_integration.report import github, gitlab, json_format, junit, sarif, text

    return {
        "text": text.format_text,
        "concise": text.format_concise,
        "json": json_format.format_json,
        "github": github.format_github,
        "sarif": sarif.format_sarif,
        "junit": junit.format_junit,
        "gitlab": gitlab.format_gitlab,
    }
