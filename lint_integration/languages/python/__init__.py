"""The Python frontend: ``ast`` analysis of env reads, skip gates, mode and toggle use.

Public API (stable; codemods use it to locate their targets)::

    analysis = analyze_source(text, path, config, project=None, role="suite")
    analysis.module       # the ast.Module analysed; every fact's ``node`` belongs to it
    analysis.reads        # [EnvRead]      os.environ[...], .get, os.getenv, "X" in os.environ
    analysis.gates        # [SkipGate]     skipif / skip / skipTest / SkipTest / early return...
    analysis.mode_reads   # [ModeRead]     INTEGRATION_MODE read directly
    analysis.mode_values  # [ModeValue]    literals compared with / assigned to the mode
    analysis.toggles      # [ToggleUse]    legacy toggles read, set or gating
    analysis.heuristics   # [HeuristicUse] CI detection deciding the mode; mode aliases
    analysis.span(node)   # 1-based ((line, col), (end_line, end_col)), computed lazily

The frontend protocol for the engine: ``might_match``, ``analyze``, ``summarize``.
"""

from __future__ import annotations

import re
from pathlib import Path

from lint_integration.languages.python.facts import (
    EnvFunction,
    EnvRead,
    HeuristicUse,
    ModeRead,
    ModeValue,
    PythonAnalysis,
    SkipGate,
    ToggleUse,
)

__all__ = [
    "EnvFunction",
    "EnvRead",
    "HeuristicUse",
    "ModeRead",
    "ModeValue",
    "PythonAnalysis",
    "SkipGate",
    "ToggleUse",
    "analyze",
    "analyze_source",
    "might_match",
    "prescreen",
    "summarize",
]

# Roles in which facts may come from other modules' summaries. Elsewhere (application code,
# CI scripts) a file is analysed on its own, so its own bytes decide everything.
CROSS_MODULE_ROLES = frozenset({"suite", "runner"})

_ENV_TOKENS = (b"environ", b"getenv", b"INTEGRATION_MODE")
# An import that may name a local module: relative, or absolute and not an obvious library. A
# statement starts a line, follows a ``;`` or a compound statement's colon (``if x: import y``).
_IMPORT = re.compile(
    r"(?:^|[;:])[ \t]*(?:from[ \t]+(\.|[^\W\d][\w.]*)|import[ \t]+([^\W\d][\w.]*))", re.M
)
_LIBRARIES = frozenset(
    [
        "os",
        "sys",
        "re",
        "json",
        "typing",
        "pytest",
        "unittest",
        "collections",
        "functools",
        "itertools",
        "pathlib",
        "logging",
        "subprocess",
        "time",
        "datetime",
        "dataclasses",
        "contextlib",
        "asyncio",
        "abc",
        "enum",
        "tempfile",
        "shutil",
        "__future__",
        "socket",
        "uuid",
        "random",
        "string",
        "textwrap",
        "warnings",
        "copy",
        "io",
        "math",
    ]
)
_fragment_cache: dict[tuple[str, ...], list[bytes] | None] = {}


def _toggle_fragments(config) -> list[bytes] | None:
    key = tuple(config.legacy_toggles)
    if key not in _fragment_cache:
        from lint_integration.languages.envfacts import literal_fragments

        _fragment_cache[key] = literal_fragments(key)
    return _fragment_cache[key]


def might_match(raw: bytes, role: str, config) -> bool:
    """Cheap conservative prefilter: False only when no Python rule can report in this file.

    Why it is conservative, rule by rule:

    - The helper role is exempt from all six Python rules: always False.
    - Every fact about a file's *own* code starts at an env read (``os.environ`` /
      ``os.getenv`` / ``environ`` / ``getenv``, whatever alias they are bound to, is spelled
      with ``environ`` or ``getenv`` in this file), at a literal ``INTEGRATION_MODE`` (a mode
      value set or compared), or at a literal legacy toggle name (a toggle set with
      ``setenv``, a dict key, ``X=1``); the toggle patterns' literal fragments are searched, and
      a pattern without one (``*``) disables the prefilter.
    - In suite and runner files a gate may also get its env dependence from another module
      (an imported constant, predicate, flag parser or star import). That needs an import of a
      possibly-local module, so such a file is kept whenever it has one. In other roles files
      are analysed without following imports, so the tokens above decide alone.
    """
    if role == "helper":
        return False
    for token in _ENV_TOKENS:
        if token in raw:
            return True
    fragments = _toggle_fragments(config)
    if fragments is None:
        return True
    for fragment in fragments:
        if fragment in raw:
            return True
    if role not in CROSS_MODULE_ROLES:
        return False
    from lint_integration.languages.python.importgraph import statements

    # The import statements, continued lines joined: the regex reads a few lines, not the file.
    text = "\n".join(statements(raw.decode("utf-8", "replace")))
    for match in _IMPORT.finditer(text):
        name = match.group(1) or match.group(2)
        if name.startswith(".") or name.split(".", 1)[0] not in _LIBRARIES:
            _TOKENLESS.append(raw)  # ``prescreen`` need not look for them again
            del _TOKENLESS[:-1]
            return True
    return False


# The last content ``might_match`` kept only for its imports (no token of its own), by identity.
_TOKENLESS: list[bytes] = []


def kept_for_imports_only(raw: bytes) -> bool:
    """Whether ``might_match`` just kept ``raw`` for its imports alone (it has no own token)."""
    return bool(_TOKENLESS) and _TOKENLESS[-1] is raw


def analyze_source(
    text: str, path: Path | str, config, project=None, role: str = "suite"
) -> PythonAnalysis:
    """Analyse Python source ``text`` (the file at ``path``) under ``config``.

    ``project`` (the engine's ProjectIndex) lets the analysis follow imports of sibling modules
    and count uses in importers; without it each file stands alone. Raises ``ParseFailure``
    (with the parser's line and column) on a syntax error, ``NewerSyntax`` on code only a
    newer Python accepts.
    """
    from lint_integration.languages.python.analysis import build_analysis

    if role not in CROSS_MODULE_ROLES:
        project = None
    return build_analysis(text, Path(path), config, project, role).analysis


def analyze(ctx) -> PythonAnalysis:
    """The engine's entry point."""
    return analyze_source(ctx.text, ctx.file.path, ctx.config, ctx.project, ctx.role)


def prescreen(raw: bytes, file, config, project) -> bool:
    """The prefilter's second stage: a suite whose imports reach no env code is not parsed."""
    from lint_integration.languages.python.importgraph import prescreen as _prescreen

    return _prescreen(raw, file, config, project)


def summarize(path, raw: bytes, project):
    """The per-module summary other files consult across imports."""
    from lint_integration.languages.python.summary import summarize as _summarize

    return _summarize(path, raw, project)
