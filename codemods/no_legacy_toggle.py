"""no-legacy-toggle: live-only gates become ``cluster_only``; toggle tests become mode checks.

- ``@pytest.mark.skipif(os.getenv("RUN_INTEGRATION_TESTS") != "1", ...)`` -> ``@cluster_only``;
  the same call as a shared marker or ``pytestmark`` value -> ``cluster_only``.
- ``if os.getenv("RUN_LIVE_TESTS") != "1": pytest.skip(...)`` at the top level of a test -> the
  if goes and the test gets ``@cluster_only`` (deselected and counted in repo/local mode).
- A truthiness test of a toggle (``os.getenv("ORDERS_USE_LIVE_DB") == "true"``) ->
  ``current_mode() is IntegrationMode.CLUSTER``.

Writes of toggles (``os.environ["RUN_INTEGRATION_TESTS"] = "1"``) and gates in fixtures or hooks
have no certain rewrite and stay findings.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from lint_integration.codemods._base import (
    FindingCodemod,
    Span,
    _is_docstring,
    keep_parens,
    mode_is,
    parenthesize,
)

# Parents under which a comparison needs parentheses to keep its meaning.
_TIGHT = (
    cst.Attribute,
    cst.Subscript,
    cst.BinaryOperation,
    cst.Comparison,
    cst.ComparisonTarget,
    cst.Await,
)


class NoLegacyToggleCommand(FindingCodemod):
    """Replace legacy live-only toggles with cluster_only and the mode."""

    RULE = "no-legacy-toggle"
    DESCRIPTION = "Replace legacy live toggles with cluster_only / current_mode()."

    def plan(self, analysis: Any, spans: set[Span]) -> None:
        for use in analysis.toggles:
            candidates = {analysis.span(use.node)}
            if use.test_node is not None:
                candidates.add(analysis.span(use.test_node))
            if use.gate is not None:
                candidates.add(analysis.gate_span(use.gate))
            if not use.fixable or not candidates & spans:
                continue
            if use.kind == "gate" and use.gate is not None and use.live_only:
                self._plan_gate(use.gate)
            elif use.kind == "read" and use.live_only and use.test_node is not None:
                self._plan_test(use.test_node)
            else:
                self.skip(f"a {use.kind} of `{use.var}` has no certain rewrite", use.node)

    def _plan_gate(self, gate: Any) -> None:
        if gate.kind == "mark":
            if gate.decorator is not None:
                self.rewrite(
                    gate.decorator,
                    lambda d: d.with_changes(decorator=cst.Name("cluster_only")),
                    "cluster_only",
                )
            else:
                self.replace(gate.node, cst.Name("cluster_only"), "cluster_only")
            return
        test = gate.target_node
        block = self.parent(gate.node)
        if (
            gate.kind == "if"
            and gate.target == "test"
            and isinstance(test, cst.FunctionDef)
            and isinstance(block, cst.IndentedBlock)
            and self.parent(block) is test
            and not isinstance(gate.node.orelse, cst.If)
        ):
            if not _opens(block, gate.node):
                self.skip("the live-only check is not at the start of the test", gate.node)
                return
            self.unwrap_if(gate.node, gate.branch or "body", [])
            self.rewrite(test, _add_cluster_only, "cluster_only")
            return
        self.skip(f"a live-only gate in a {gate.target} cannot become cluster_only", gate.node)

    def _plan_test(self, node: cst.CSTNode) -> None:
        parent = self.parent(node)
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            node, new = parent, mode_is("cluster", negate=True)
            parent = self.parent(parent)
        else:
            new = mode_is("cluster")
        if isinstance(parent, _TIGHT) or (
            isinstance(parent, cst.UnaryOperation) and not isinstance(parent.operator, cst.Not)
        ):
            new = parenthesize(new)
        self.rewrite(
            node, lambda updated: keep_parens(updated, new), "current_mode", "IntegrationMode"
        )


def _opens(block: cst.IndentedBlock, node: cst.CSTNode) -> bool:
    """True when ``node`` is the first statement of ``block`` (after a docstring)."""
    body = list(block.body)
    if body and body[0] is not node and _is_docstring(body[0]):
        body = body[1:]
    return bool(body) and body[0] is node


def _add_cluster_only(fn: cst.FunctionDef) -> cst.FunctionDef:
    names = [d.decorator for d in fn.decorators]
    if any(isinstance(n, cst.Name) and n.value == "cluster_only" for n in names):
        return fn
    return fn.with_changes(decorators=[*fn.decorators, cst.Decorator(cst.Name("cluster_only"))])
