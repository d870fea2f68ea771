"""The codemods, one per rule (installed as ``lint_integration.codemods``).

Each is a ``libcst.codemod.VisitorBasedCodemodCommand``, so it also runs under LibCST's own
runner (``python -m libcst.tool codemod``). ``apply`` is how ``lint-integration fix`` runs one.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from lint_integration.findings import Finding

# rule name -> "module:Class" (imported on first use: libcst is heavy).
COMMANDS = {
    "no-skip-on-env": "no_skip_on_env:NoSkipOnEnvCommand",
    "no-direct-env-probe": "no_direct_env_probe:NoDirectEnvProbeCommand",
    "no-legacy-toggle": "no_legacy_toggle:NoLegacyToggleCommand",
    "mode-via-helper": "mode_via_helper:ModeViaHelperCommand",
    "no-mode-heuristic": "no_mode_heuristic:NoModeHeuristicCommand",
    "invalid-mode-value": "invalid_mode_value:InvalidModeValueCommand",
}


class CodemodError(Exception):
    """A codemod could not rewrite a module; ``reasons`` are (line or None, why) pairs."""

    def __init__(self, reasons: list[tuple[int | None, str]]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(r for _, r in reasons))


def command_class(rule: str) -> type:
    """The codemod command class of ``rule`` (KeyError when the rule has none)."""
    module, _, name = COMMANDS[rule].partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def apply(rule: str, text: str, findings: Sequence[Finding], ctx: Any) -> str:
    """Rewrite ``text`` (the file of ``ctx``) to fix exactly ``findings`` of ``rule``."""
    import libcst as cst
    from libcst.codemod import CodemodContext
    from lint_integration.codemods import _base

    if rule not in COMMANDS:
        raise CodemodError([(None, f"there is no codemod for {rule}")])
    analysis = _base.analyze(ctx, text)
    if analysis is None:
        raise CodemodError([(None, "the module cannot be parsed")])
    if not analysis.locator.exact:
        # LibCST drops a few characters it cannot represent (a form feed starting a statement,
        # spaces before an ``except`` clause's colon); a rewrite would lose them elsewhere too.
        raise CodemodError([(None, "LibCST cannot reproduce this file exactly; fix it by hand")])
    context = CodemodContext(filename=str(ctx.file.path))
    command = command_class(rule)(
        context, findings=list(findings), file_context=ctx, analysis=analysis
    )
    try:
        return command.transform_module(analysis.module).code
    except _base.CodemodError as exc:
        raise CodemodError(exc.reasons) from None
    except (cst.ParserSyntaxError, RecursionError) as exc:
        raise CodemodError([(None, f"the module cannot be parsed: {exc}")]) from None
