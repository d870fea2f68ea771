"""GitHub Actions workflow commands: one ``::error`` annotation per finding."""

from __future__ import annotations

from lint_integration.engine import RunResult


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(result: RunResult, options: dict) -> str:
    lines = []
    for f in result.findings:
        props = ",".join(
            [
                f"title={_escape_property(f'{f.code} {f.rule}')}",
                f"file={_escape_property(f.path)}",
                f"line={f.line}",
                f"col={f.column}",
                f"endLine={f.end_line}",
                f"endColumn={f.end_column}",
            ]
        )
        lines.append(f"::error {props}::{_escape_data(f'{f.code} [{f.rule}] {f.message}')}")
    return "\n".join(lines) + ("\n" if lines else "")
