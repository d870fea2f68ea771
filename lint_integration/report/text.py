"""Human output: ``path:line:col: CODE [name] message``, optional source excerpt, summary."""

from __future__ import annotations

from collections import Counter

from lint_integration.engine import RunResult
from lint_integration.findings import Applicability, Finding


def _header(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.code} [{f.rule}] {f.message}"


def format_concise(result: RunResult, options: dict) -> str:
    lines = [_header(f) for f in result.findings]
    if options.get("show_suppressed"):
        lines += [_header(f) + " (suppressed)" for f in result.suppressed]
    return "\n".join(lines) + ("\n" if lines else "")


def format_text(result: RunResult, options: dict) -> str:
    findings = result.findings
    out: list[str] = []
    sources: dict[str, list[str]] = {}
    for f in findings:
        out.append(_header(f))
        if options.get("show_source"):
            out.extend(_excerpt(f, sources))
        if f.fix is not None and options.get("show_fixes"):
            out.append(f"  help: {f.fix.message}")
    if options.get("show_suppressed"):
        for f in result.suppressed:
            out.append(_header(f) + " (suppressed)")
    if not options.get("quiet"):
        out.append(summary_line(result))
    if options.get("statistics"):
        out.extend(statistics_lines(result))
    return "\n".join(out) + ("\n" if out else "")


def summary_line(result: RunResult) -> str:
    findings = result.findings
    n_files = len({f.path for f in findings})
    suppressed = len(result.suppressed)
    tail = f", {suppressed} suppressed" if suppressed else ""
    if not findings:
        return f"All clear: {result.checked} file{_s(result.checked)} checked{tail}."
    safe = sum(1 for f in findings if f.fix and f.fix.applicability == Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.fix and f.fix.applicability == Applicability.UNSAFE)
    fixable = ""
    if safe or unsafe:
        fixable = f" ({safe} fixable with `lint-integration fix`"
        fixable += f", {unsafe} more with --unsafe-fixes)" if unsafe else ")"
    return (
        f"Found {len(findings)} finding{_s(len(findings))} in {n_files} file{_s(n_files)}"
        f"{fixable}; {result.checked} file{_s(result.checked)} checked{tail}."
    )


def statistics_lines(result: RunResult) -> list[str]:
    counts = Counter((f.code, f.rule) for f in result.findings)
    suppressed = Counter((f.code, f.rule) for f in result.suppressed)
    fixable = Counter((f.code, f.rule) for f in result.findings if f.fix)
    keys = sorted(set(counts) | set(suppressed))
    lines = []
    for key in keys:
        extra = f"  ({suppressed[key]} suppressed)" if suppressed[key] else ""
        mark = "[*]" if fixable[key] else "   "
        lines.append(f"{counts[key]:>5}  {key[0]}  {mark} {key[1]}{extra}")
    return lines


def _excerpt(f: Finding, cache: dict[str, list[str]]) -> list[str]:
    if f.path not in cache:
        try:
            with open(f.path, encoding="utf-8", errors="replace") as fh:
                cache[f.path] = fh.read().split("\n")  # newlines are universal here
        except OSError:
            cache[f.path] = []
    lines = cache[f.path]
    if not 1 <= f.line <= len(lines):
        return []
    text = lines[f.line - 1].expandtabs(1)
    width = max(1, (f.end_column - f.column) if f.end_line == f.line else len(text) - f.column + 1)
    gutter = f"{f.line:>4} | "
    return [
        gutter + text,
        " " * (len(gutter) - 2) + "| " + " " * (f.column - 1) + "^" * width,
    ]


def _s(n: int) -> str:
    return "" if n == 1 else "s"
