"""no-skip-on-env: env skips become ``requires_env`` (a failure when missing, never a skip).

- ``@pytest.mark.skipif(not os.getenv("X"), ...)`` / ``@unittest.skipUnless(...)`` on a test or
  class -> ``@requires_env("X")``; the same call as a ``pytestmark`` value, a shared marker or a
  factory's return value -> ``requires_env("X")``.
- ``if not X: pytest.skip(...)`` / ``self.skipTest(...)`` / ``raise SkipTest(...)`` -> the if
  goes; the read that fed it becomes ``require_env("X")`` when it sits in the same function,
  otherwise a ``require_env("X")`` call takes the if's place. At module level the if becomes
  ``pytestmark = requires_env("X")``, so each test fails rather than the whole collection.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from lint_integration.codemods._base import (
    FindingCodemod,
    Span,
    require_env_call,
    requires_env_call,
    statement,
)

REWRITABLE_READS = ("get", "getenv", "subscript")


class NoSkipOnEnvCommand(FindingCodemod):
    """Replace env-var skips with the helper's requires_env / require_env."""

    RULE = "no-skip-on-env"
    DESCRIPTION = "Replace skips on missing env vars with requires_env / require_env."

    def plan(self, analysis: Any, spans: set[Span]) -> None:
        for gate in analysis.gates:
            if not gate.fixable or analysis.gate_span(gate) not in spans:
                continue
            names = list(gate.env_vars)
            if not names:
                continue
            quote = self.quote_of(r.key_node for r in gate.reads)
            if gate.kind == "mark":
                self._plan_mark(gate, names, quote)
            elif gate.kind == "if":
                self._plan_if(analysis, gate, names, quote)

    def _plan_mark(self, gate: Any, names: list[str], quote: str) -> None:
        new = requires_env_call(names, quote)
        if gate.decorator is not None:
            self.rewrite(gate.decorator, lambda d: d.with_changes(decorator=new), "requires_env")
        else:
            self.replace(gate.node, new, "requires_env")

    def _plan_if(self, analysis: Any, gate: Any, names: list[str], quote: str) -> None:
        node: cst.If = gate.node
        if isinstance(node.orelse, cst.If) or isinstance(self.parent(node), cst.If):
            self.skip("an `elif` gate cannot be unwrapped", node)
            return
        scope = self.enclosing(node, (cst.FunctionDef,))
        if scope is None and gate.target == "module":
            self._plan_module_if(analysis, node, names, quote)
            return
        covered: set[str] = set()
        for read in gate.reads:
            if (
                read.var in names
                and read.kind in REWRITABLE_READS
                and not read.in_gate
                and not read.in_string
                and _falsy_default(read)
                and self.enclosing(read.node, (cst.FunctionDef,)) is scope
                and scope is not None
            ):
                self.replace(read.node, require_env_call(read.key_node), "require_env")
                covered.add(read.var)
        calls = [statement(require_env_call(n, quote)) for n in names if n not in covered]
        if calls:
            self.needed.add("require_env")
        self.unwrap_if(node, gate.branch or "body", calls)

    def _plan_module_if(self, analysis: Any, node: cst.If, names: list[str], quote: str) -> None:
        for stmt in analysis.module.body:
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    targets = getattr(small, "targets", ()) or [getattr(small, "target", None)]
                    for target in targets:
                        t = getattr(target, "target", target)
                        if isinstance(t, cst.Name) and t.value == "pytestmark":
                            self.skip("the module already sets `pytestmark`", node)
                            return
        mark = cst.SimpleStatementLine(
            [
                cst.Assign(
                    targets=[cst.AssignTarget(cst.Name("pytestmark"))],
                    value=requires_env_call(names, quote),
                )
            ]
        )
        self.needed.add("requires_env")
        self.unwrap_if(node, "body", [mark])


def _falsy_default(read: Any) -> bool:
    """A read whose default (if any) makes "missing" behave like "empty": safe to require."""
    if not read.has_default:
        return True
    default = read.default_node
    if isinstance(default, cst.Name) and default.value == "None":
        return True
    return isinstance(default, cst.SimpleString) and default.evaluated_value == ""
