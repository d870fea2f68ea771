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

from pathlib import Path

from lint_integration.languages.envfacts import MarkedNeedles, needles_for
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
# Top-level names of imports that never lead to a local module (the first stage's view; the
# second resolves what is left).
FIRST_STAGE_LIBRARIES = frozenset(
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


def _toggle_fragments(config) -> tuple[bytes, ...] | None:
    from lint_integration.languages.facts import toggle_fragments

    return toggle_fragments(tuple(config.legacy_toggles))


def _own_tokens(config):
    """``raw -> bool``: whether a file holds one of the tokens below (``None``: a toggle
    pattern has no literal piece, so every file may)."""
    return needles_for(_ENV_TOKENS, config.legacy_toggles)


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
    own_tokens = _own_tokens(config)
    if own_tokens is None:
        return True
    if role not in CROSS_MODULE_ROLES:
        return own_tokens(raw)
    # One scan for the tokens and for where ``import`` is.
    hits = _tokens_or_imports(own_tokens)(raw)
    if hits is None:
        return True
    if not hits:
        return False
    # What the import statements may name (strings and comments only add candidates).
    second = _second_stage()
    lines = second.import_lines(raw, hits)
    if second.names_local(lines):
        _IMPORTS_ONLY[:] = [(raw, lines)]  # ``prescreen`` starts from these
        return True
    return False


def _tokens_or_imports(own_tokens) -> MarkedNeedles:
    """``raw -> None`` when ``raw`` holds one of ``own_tokens``, else where ``import`` is."""
    marked = _MARKED.get(own_tokens)
    if marked is None:
        marked = _MARKED[own_tokens] = MarkedNeedles(own_tokens, b"import")
    return marked


_MARKED: dict = {}  # by the ``Needles`` they extend (one per config's toggles)


# The last content ``might_match`` kept only for its imports (no token of its own), by
# identity, with the import statements it found.
_IMPORTS_ONLY: list[tuple[bytes, list]] = []


def kept_for_imports_only(raw: bytes) -> list | None:
    """The import statements (``importgraph.import_lines``) when ``might_match`` just kept
    ``raw`` for its imports alone (it has no own token), else ``None``."""
    if _IMPORTS_ONLY and _IMPORTS_ONLY[-1][0] is raw:
        return _IMPORTS_ONLY[-1][1]
    return None


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


def warm() -> None:
    """Import what checking a file may need (before worker processes are forked)."""
    from lint_integration.languages import envfacts  # noqa: F401
    from lint_integration.languages.python import (  # noqa: F401
        analysis,
        importgraph,
        report,
        summary,
        usage,
    )


def prescreen(raw: bytes, file, config, project) -> bool:
    """The prefilter's second stage: a suite whose imports reach no env code is not parsed."""
    return _second_stage().prescreen(raw, file, config, project)


def _second_stage():
    """The ``importgraph`` module, imported when a file first needs it (asked once per
    file: an import statement each time would cost more than the lookup)."""
    if not _SECOND_STAGE:
        from lint_integration.languages.python import importgraph

        _SECOND_STAGE.append(importgraph)
    return _SECOND_STAGE[0]


_SECOND_STAGE: list = []


def summarize(path, raw: bytes, project):
    """The per-module summary other files consult across imports."""
    from lint_integration.languages.python.summary import summarize as _summarize

    return _summarize(path, raw, project)
