"""mode-via-helper: direct reads of ``INTEGRATION_MODE`` become ``current_mode()``.

A read compared with a mode literal becomes the enum comparison (``os.environ.get(
"INTEGRATION_MODE") == "cluster"`` -> ``current_mode() is IntegrationMode.CLUSTER``); any other
fixable read becomes ``current_mode()``, which is a ``str`` enum, so comparisons with the
literals, ``.lower()`` and formatting keep working. A read whose default is not ``repo`` (or
empty) would change meaning and is left as a finding.
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from lint_integration.codemods._base import FindingCodemod, Span, call, mode_is

VALID = ("repo", "local", "cluster")


class ModeViaHelperCommand(FindingCodemod):
    """Route INTEGRATION_MODE reads through the helper's current_mode()."""

    RULE = "mode-via-helper"
    DESCRIPTION = "Replace direct INTEGRATION_MODE reads with current_mode()."

    def plan(self, analysis: Any, spans: set[Span]) -> None:
        for mode_read in analysis.mode_reads:
            read = mode_read.read
            if not mode_read.fixable or analysis.span(read.node) not in spans:
                continue
            plan_mode_read(self, read, mode_read.comparison)


def plan_mode_read(cmd: FindingCodemod, read: Any, comparison: cst.Comparison | None) -> None:
    """Schedule the rewrite of one read of the mode (shared with no-mode-heuristic)."""
    if read.kind not in ("get", "getenv", "subscript") or read.in_string:
        cmd.skip(f"a `{read.kind}` read of the mode has no current_mode() form", read.node)
        return
    if read.has_default and _literal(read.default_node) not in ("repo", ""):
        cmd.skip("its default is not repo, so current_mode() would change its meaning", read.node)
        return
    if comparison is not None:
        new = _enum_comparison(comparison, read.node)
        if new is not None:
            cmd.replace(comparison, new, "current_mode", "IntegrationMode")
            return
    cmd.replace(read.node, call("current_mode"), "current_mode")


def direct_comparison(cmd: FindingCodemod, node: cst.CSTNode) -> cst.Comparison | None:
    """The comparison ``node`` is a direct operand of, if any."""
    parent = cmd.parent(node)
    if isinstance(parent, cst.Comparison) and parent.left is node:
        return parent
    if isinstance(parent, cst.ComparisonTarget):
        outer = cmd.parent(parent)
        if isinstance(outer, cst.Comparison):
            return outer
    return None


def _literal(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _member(node: cst.CSTNode) -> cst.Attribute | None:
    value = _literal(node)
    if value not in VALID:
        return None
    return cst.Attribute(cst.Name("IntegrationMode"), cst.Name(value.upper()))


def _enum_comparison(cmp: cst.Comparison, read_node: cst.CSTNode) -> cst.Comparison | None:
    """``read == "x"`` / ``"x" != read`` / ``read in ("x", "y")`` as enum comparisons."""
    if len(cmp.comparisons) != 1:
        return None
    target = cmp.comparisons[0]
    op = target.operator
    if cmp.left is read_node:
        other = target.comparator
    elif target.comparator is read_node and isinstance(op, cst.Equal | cst.NotEqual):
        other = cmp.left
    else:
        return None
    if isinstance(op, cst.Equal | cst.NotEqual):
        member = _member(other)
        if member is None:
            return None
        return mode_is(_literal(other), negate=isinstance(op, cst.NotEqual))
    if isinstance(op, cst.In | cst.NotIn) and isinstance(other, cst.Tuple | cst.List | cst.Set):
        members = [_member(el.value) for el in other.elements]
        if not members or any(m is None for m in members):
            return None
        elements = [el.with_changes(value=m) for el, m in zip(other.elements, members, strict=True)]
        return cst.Comparison(
            left=call("current_mode"),
            comparisons=[target.with_changes(comparator=other.with_changes(elements=elements))],
        )
    return None
