"""The analysis seen from LibCST: the same facts, their nodes swapped for LibCST nodes.

``check`` analyses Python with ``ast``; the codemods rewrite LibCST trees and match the nodes
they were given by identity. ``to_cst`` parses the analysed text with LibCST and copies every
fact with each ``ast`` node replaced by the LibCST node of the same construct (one LibCST node
per ``ast`` node, and one copy per fact, so shared facts stay shared). Spans keep the ``ast``
analysis' numbers, so a codemod matches the findings ``check`` reported.

A node that cannot be located marks its fact ``unlocated`` (with the reason): codemods leave
such a finding as it is rather than guess. Nodes parsed from the text of a string ``skipif``
condition become nodes of that text's own LibCST tree (the facts say so: ``in_string``).
"""

from __future__ import annotations

import ast
import copy
import dataclasses
from typing import Any

import libcst as cst

from lint_integration.languages.python.cstmap import CstLocator
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
from lint_integration.languages.python.gates import BoolOpPart
from lint_integration.languages.python.positions import Decorator, DictItem

_FACTS = (EnvRead, SkipGate, ModeRead, ModeValue, ToggleUse, HeuristicUse, EnvFunction)
FACT_LISTS = (
    "reads",
    "gates",
    "mode_reads",
    "mode_values",
    "toggles",
    "heuristics",
    "env_functions",
)
_UNLOCATED = "its code could not be matched in the concrete syntax tree"


class CstAnalysis(PythonAnalysis):
    """A ``PythonAnalysis`` whose nodes are LibCST nodes of ``module`` (a ``libcst.Module``)."""

    source: PythonAnalysis
    locator: CstLocator
    origin: dict[int, ast.AST]

    def span(self, node):
        origin = self.origin.get(id(node))
        if origin is not None:
            return self.source.span(origin)
        found = self.locator.span(node)
        if found is None:
            raise KeyError(f"no position for {type(node).__name__}")
        return found

    def header_span(self, node):
        origin = self.origin.get(id(node))
        if origin is not None:
            return self.source.header_span(origin)
        return self.span(node)


class _Translator:
    def __init__(self, analysis: PythonAnalysis, module: cst.Module) -> None:
        self.analysis = analysis
        self.module = module
        self.locator = CstLocator(module, analysis.text)
        self.parents = analysis._parents or {}
        self.nodes: dict[int, Any] = {}  # id(ast node) -> LibCST node or None
        self.missing: set[int] = set()  # ids of ast nodes that could not be located
        self.facts: dict[int, Any] = {}  # id(fact) -> its copy
        self.origin: dict[int, ast.AST] = {}
        self._cst_parents: dict[int, cst.CSTNode] | None = None
        self._conditions: dict[str, CstLocator | bool] = {}

    # -- nodes -----------------------------------------------------------------------------

    def node(self, node: ast.AST) -> tuple[Any, bool]:
        """(the LibCST node or None, whether it was located or legitimately absent)."""
        key = id(node)
        if key in self.nodes:
            return self.nodes[key], key not in self.missing
        if node is not self.analysis.module and not self._in_module(node):
            # Parsed from a string literal (a string condition): found in that text's own tree.
            found = self._in_condition(node)
            self.nodes[key] = found
            return found, True
        found = self._locate(node)
        self.nodes[key] = found
        if found is None:
            self.missing.add(key)
            return None, False
        self.origin[id(found)] = node
        return found, True

    def _in_condition(self, node: ast.AST):
        text = getattr(node, "condition_text", None)
        if text is None:
            return None
        locator = self._conditions.get(text)
        if locator is None:
            try:
                locator = CstLocator(cst.parse_module(text), text)
            except Exception:  # LibCST rejects it: nothing to point at
                locator = False
            self._conditions[text] = locator
        return locator.find(node) if locator else None

    def _in_module(self, node: ast.AST) -> bool:
        if isinstance(node, (Decorator, DictItem)):
            inner = node.decorator if isinstance(node, Decorator) else node.owner
            return id(inner) in self.parents
        if isinstance(node, BoolOpPart):
            return id(node.owner) in self.parents
        return id(node) in self.parents

    def _locate(self, node: ast.AST):
        locator = self.locator
        if isinstance(node, Decorator):
            return locator.decorator(node.decorator)
        if isinstance(node, DictItem):
            key = locator.find(node.key)
            element = self.cst_parent(key) if key is not None else None
            return element if isinstance(element, cst.DictElement) else None
        if isinstance(node, BoolOpPart):
            found = locator.find(node.owner)
            for _ in range(len(node.owner.values) - len(node.values)):
                if not isinstance(found, cst.BooleanOperation):
                    return None
                found = found.left
            return found if isinstance(found, cst.BooleanOperation) else None
        return locator.find(node)

    def cst_parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if self._cst_parents is None:
            parents: dict[int, cst.CSTNode] = {}
            stack: list[cst.CSTNode] = [self.module]
            while stack:
                current = stack.pop()
                for child in current.children:
                    parents[id(child)] = current
                    stack.append(child)
            self._cst_parents = parents
        return self._cst_parents.get(id(node))

    # -- facts -----------------------------------------------------------------------------

    def fact(self, fact: Any) -> Any:
        key = id(fact)
        done = self.facts.get(key)
        if done is not None:
            return done
        new = copy.copy(fact)
        self.facts[key] = new
        unlocated = False
        for f in dataclasses.fields(fact):
            value = getattr(fact, f.name)
            translated, ok = self.value(value)
            if not ok:
                unlocated = True
            setattr(new, f.name, translated)
        new.unlocated = _UNLOCATED if unlocated else None
        return new

    def value(self, value: Any) -> tuple[Any, bool]:
        if isinstance(value, ast.AST):
            return self.node(value)
        if isinstance(value, _FACTS):
            new = self.fact(value)
            return new, not new.unlocated
        if type(value) is list:
            out, ok = [], True
            for item in value:
                translated, good = self.value(item)
                out.append(translated)
                ok = ok and good
            return out, ok
        return value, True


def to_cst(analysis: PythonAnalysis, module: cst.Module | None = None) -> CstAnalysis:
    """The LibCST view of ``analysis`` (``module``: its text parsed with LibCST)."""
    if module is None:
        from lint_integration.languages.nesting import check_depth

        check_depth(analysis.text)  # LibCST's parser overflows the C stack on very deep nesting
        module = cst.parse_module(analysis.text)
    translator = _Translator(analysis, module)
    view = CstAnalysis(
        module=module,
        path=analysis.path,
        role=analysis.role,
        text=analysis.text,
        test_code=analysis.test_code,
    )
    for name in FACT_LISTS:
        setattr(view, name, [translator.fact(f) for f in getattr(analysis, name)])
    view.source = analysis
    view.locator = translator.locator
    view.origin = translator.origin
    return view


def finding_spans(view: CstAnalysis, fact: Any) -> set:
    """Every span a finding about ``fact`` may carry (its nodes, heads and gate span)."""
    source = view.source
    original = next((k for k, v in _facts_of(view) if v is fact), None)
    spans = set()
    if original is None:
        return spans
    for f in dataclasses.fields(original):
        value = getattr(original, f.name)
        if isinstance(value, ast.AST) and _has_span(value):
            try:
                spans.add(source.span(value))
                spans.add(source.header_span(value))
            except (KeyError, AttributeError, TypeError):
                continue
    if isinstance(original, SkipGate):
        spans.add(source.gate_span(original))
    for attr in ("read", "gate"):
        nested = getattr(original, attr, None)
        if isinstance(nested, SkipGate):
            spans.add(source.gate_span(nested))
        elif isinstance(nested, EnvRead):
            spans.add(source.span(nested.node))
    return spans


def _has_span(node: ast.AST) -> bool:
    return isinstance(node, (Decorator, DictItem)) or hasattr(node, "lineno")


def _facts_of(view: CstAnalysis):
    for name in FACT_LISTS:
        yield from zip(getattr(view.source, name), getattr(view, name), strict=True)
