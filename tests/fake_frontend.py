"""A tiny frontend for engine tests: deterministic, instant, and it counts what it parses.

The "fake" language has three kinds of lines: ``ENV NAME`` (an env read, reported), ``use
OTHER`` (consult the summary of ``OTHER.fake`` next to this file: a finding when that module
reads the environment, directly or through its own ``use`` lines) and ``broken`` (a parse
error). ``summarize`` reports whether a module is env-derived.
"""

from __future__ import annotations

import os
from pathlib import Path

from lint_integration.languages import ParseFailure
from lint_integration.registry import PARSE_ERROR, Rule

LANGUAGE = "fake"
# What the test inspects: how often files were analysed / summarised, and by which process.
ANALYZED: list[str] = []
SUMMARIZED: list[str] = []
PID_LOG: Path | None = None
# A process other than this one that reads a ``crash`` line dies on the spot (a killed worker).
SURVIVOR_PID: int | None = None


def might_match(raw: bytes, role: str, config) -> bool:
    return any(word in raw for word in (b"ENV", b"use ", b"broken", b"crash"))


def _log(kind: str, path: str) -> None:
    if PID_LOG is not None:
        with open(PID_LOG, "a") as fh:
            fh.write(f"{kind} {os.getpid()} {os.path.basename(path)}\n")


def analyze(ctx):
    ANALYZED.append(ctx.relpath)
    _log("analyze", ctx.relpath)
    facts = []
    for lineno, line in enumerate(ctx.text.splitlines(), 1):
        words = line.split()
        if not words:
            continue
        if words[0] == "broken":
            raise ParseFailure("broken line", lineno, 1)
        if words[0] == "crash" and SURVIVOR_PID is not None and os.getpid() != SURVIVOR_PID:
            os._exit(1)
        if words[0] == "ENV" and len(words) > 1:
            facts.append((lineno, len(line) + 1, f"reads {words[1]}"))
        if words[0] == "use" and len(words) > 1:
            other = Path(os.path.dirname(ctx.file.path)) / f"{words[1]}.fake"
            summary = ctx.project.summary(LANGUAGE, other)
            if summary:
                facts.append((lineno, len(line) + 1, f"{words[1]} is env-derived: {summary}"))
    return facts


def summarize(path: Path, raw: bytes, project) -> str | None:
    SUMMARIZED.append(path.name)
    _log("summarize", str(path))
    text = raw.decode()
    names = []
    for line in text.splitlines():
        words = line.split()
        if len(words) > 1 and words[0] == "ENV":
            names.append(words[1])
        elif len(words) > 1 and words[0] == "use":
            inner = project.summary(LANGUAGE, path.parent / f"{words[1]}.fake")
            if inner:
                names.append(f"{words[1]}({inner})")
    return ",".join(names) or None


def check(analysis, ctx):
    for line, end_col, message in analysis:
        yield ctx.finding(RULE, (line, 1), (line, end_col), message)


RULE = Rule(
    name="fake-env",
    code="LI990",
    summary="Fake rule for engine tests.",
    doc="",
    checks={LANGUAGE: check},
)


def install(monkeypatch) -> None:
    """Register the fake language with the engine and classifier for one test."""
    from lint_integration import classify, engine, languages

    monkeypatch.setitem(languages._MODULES, LANGUAGE, __name__)
    monkeypatch.setitem(classify._BY_SUFFIX, ".fake", LANGUAGE)
    monkeypatch.setattr(engine, "_MISSING_FRONTENDS", set())
    ANALYZED.clear()
    SUMMARIZED.clear()


def selection(config):
    """A rule selection holding the fake rule and parse-error."""
    from lint_integration.engine import RuleSelection

    sel = RuleSelection(config, ["parse-error"])
    sel.rules = {RULE.name: RULE, PARSE_ERROR.name: PARSE_ERROR}
    return sel
