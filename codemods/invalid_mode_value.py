"""invalid-mode-value: only a wrong case is fixed (``"Cluster"`` -> ``"cluster"``).

Anything else (``"live"``, ``"mock"``, ``"ci"``) needs a human and stays a finding. The string
keeps its prefix and quotes; in a ``NAME=value`` string only the value changes.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from lint_integration.codemods._base import FindingCodemod, Span


class InvalidModeValueCommand(FindingCodemod):
    """Correct the case of mode values that are valid modes spelled differently."""

    RULE = "invalid-mode-value"
    DESCRIPTION = "Fix the case of INTEGRATION_MODE values (Cluster -> cluster)."

    def plan(self, analysis: Any, spans: set[Span]) -> None:
        for value in analysis.mode_values:
            if value.valid or not value.suggestion:
                continue
            if not {analysis.span(value.node), analysis.span(value.construct)} & spans:
                continue
            node = value.node
            new = _respell(node, value.value, value.suggestion)
            if new is None:
                self.skip(f"cannot respell {value.value!r} in place", node)
                continue
            self.rewrite(node, lambda updated, new=new: updated.with_changes(value=new))


def _respell(node: cst.CSTNode, old: str, new: str) -> str | None:
    if not isinstance(node, cst.SimpleString):
        return None
    literal = node.value
    prefix_len = len(node.prefix)
    quote = node.quote
    body = literal[prefix_len + len(quote) : len(literal) - len(quote)]
    if body == old:
        body = new
    elif body.endswith(f"={old}"):
        body = body[: len(body) - len(old)] + new
    else:
        return None
    return f"{literal[:prefix_len]}{quote}{body}{quote}"
