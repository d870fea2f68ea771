"""no-mode-heuristic: a read of an alias of the mode (``TEST_MODE``...) becomes ``current_mode()``.

The rule marks this fix unsafe (the alias may carry values that are not modes). CI-detection
heuristics (``CI``, ``KUBERNETES_SERVICE_HOST``...) have no fix: what they meant needs a human.
"""

from __future__ import annotations

from typing import Any

from lint_integration.codemods._base import FindingCodemod, Span
from lint_integration.codemods.mode_via_helper import direct_comparison, plan_mode_read


class NoModeHeuristicCommand(FindingCodemod):
    """Replace reads of mode aliases with current_mode()."""

    RULE = "no-mode-heuristic"
    DESCRIPTION = "Replace reads of INTEGRATION_MODE aliases with current_mode()."

    def plan(self, analysis: Any, spans: set[Span]) -> None:
        for use in analysis.heuristics:
            if not use.alias or use.read is None or use.reason == "gate":
                continue
            if not {analysis.span(use.node), analysis.span(use.read.node)} & spans:
                continue
            plan_mode_read(self, use.read, direct_comparison(self, use.read.node))
