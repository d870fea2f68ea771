"""What every codemod shares: finding the nodes to rewrite, and the helper's imports.

A codemod rewrites exactly the constructs its rule reports. It analyses the module with the
Python frontend (the facts that produce findings, seen through ``translate.to_cst``: their nodes
are the LibCST nodes of the same constructs), keeps the facts whose span is one of the
findings it was given (the fixer passes the findings it selected; under LibCST's own runner
the rule's check is run and its safe fixes are taken, plus unsafe ones with
``--unsafe-fixes``), and transforms the analysed module itself, matching nodes by identity.
Imports of the shared helper are added with ``AddImportsVisitor``; imports of ``os``,
``pytest`` and ``unittest`` that the rewrite left unused are dropped with
``RemoveImportsVisitor`` (an import that was unused before is left alone).
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from lint_integration.findings import Applicability, Finding

# Modules whose imports a rewrite can leave unused.
CLEANUP_MODULES = ("os", "pytest", "unittest")

Span = tuple[tuple[int, int], tuple[int, int]]
Rewrite = Callable[[cst.CSTNode], Any]


class CodemodError(Exception):
    """A codemod cannot rewrite this module with certainty; ``reasons`` say why, per line."""

    def __init__(self, reasons: Sequence[tuple[int | None, str]]) -> None:
        self.reasons = list(dict.fromkeys(reasons))
        super().__init__("; ".join(r for _, r in self.reasons))


class FindingCodemod(VisitorBasedCodemodCommand):
    """Base of the rule codemods: subclasses set ``RULE`` and implement ``plan``."""

    RULE = ""
    DESCRIPTION = ""

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--unsafe-fixes",
            dest="unsafe_fixes",
            action="store_true",
            help="Also apply fixes marked unsafe (they change behaviour beyond the contract).",
        )

    def __init__(
        self,
        context: CodemodContext,
        unsafe_fixes: bool = False,
        findings: Sequence[Finding] | None = None,
        file_context: Any = None,
        analysis: Any = None,
    ) -> None:
        super().__init__(context)
        self.unsafe_fixes = unsafe_fixes
        self.findings = findings
        self.file_context = file_context
        self.analysis: Any = analysis
        self.config: Any = None
        self.helper_module = "integration_mode"
        self.rewrites: dict[int, list[Rewrite]] = {}
        self.rewritten: list[cst.CSTNode] = []
        self.needed: set[str] = set()
        self.parents: dict[int, cst.CSTNode] = {}
        self.skipped: list[tuple[int | None, str]] = []

    # -- what subclasses provide ---------------------------------------------------------------

    def plan(self, analysis: Any, spans: set[Span]) -> None:
        """Schedule rewrites (``self.rewrite``) for the facts whose span is in ``spans``."""
        raise NotImplementedError

    # -- scheduling ------------------------------------------------------------------------------

    def rewrite(self, node: cst.CSTNode, fn: Rewrite, *imports: str) -> None:
        """Replace ``node`` (of the analysed module) by ``fn(updated_node)`` on the way out."""
        self.rewrites.setdefault(id(node), []).append(fn)
        self.rewritten.append(node)
        self.needed.update(imports)

    def replace(self, node: cst.CSTNode, new: cst.CSTNode, *imports: str) -> None:
        self.rewrite(node, lambda updated: keep_parens(updated, new), *imports)

    def unwrap_if(self, node: cst.If, branch: str, calls: list[cst.BaseStatement]) -> None:
        """Replace the if by ``calls`` and the statements of its branch that does not skip.

        Comments above the if stay: on the first new statement, or, when nothing replaces the
        if, on the statement after it (or at the end of its block).
        """
        kept = node.orelse.body if branch == "body" and node.orelse is not None else None
        if branch != "body":
            kept = node.body
        if calls or block_statements(kept):
            self.rewrite(node, lambda updated: unwrap(updated, branch, calls))
            return
        block = self.parent(node)
        body = list(getattr(block, "body", ()))
        index = next((i for i, stmt in enumerate(body) if stmt is node), None)
        if index is None or len(body) == 1:
            passed = cst.SimpleStatementLine([cst.Pass()], leading_lines=node.leading_lines)
            self.rewrite(node, lambda updated: passed)
            return
        self.rewrite(node, lambda updated: cst.RemovalSentinel.REMOVE)
        lines = list(node.leading_lines)
        if not lines:
            return
        if index + 1 < len(body):
            self.rewrite(
                body[index + 1],
                lambda updated: updated.with_changes(
                    leading_lines=[*lines, *updated.leading_lines]
                ),
            )
        elif any(line.comment is not None for line in lines):
            self.rewrite(
                block, lambda updated: updated.with_changes(footer=[*lines, *updated.footer])
            )

    def skip(self, reason: str, node: cst.CSTNode | None = None) -> None:
        """Record why a finding is left as it is (``node``: where, for the message)."""
        line = None
        if node is not None and self.analysis is not None:
            line = self.analysis.span(node)[0][0]
        self.skipped.append((line, reason))

    # -- the transform ---------------------------------------------------------------------------

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        ctx = self.file_context or standalone_context(self.context, tree.code)
        self.config = ctx.config
        self.helper_module = ctx.config.helper.get("python-module", "integration_mode")
        analysis = self.analysis
        if analysis is None or analysis.module.code != tree.code:
            analysis = analyze(ctx, tree.code)
        if analysis is None:
            return tree
        self.analysis = analysis
        findings = self.findings
        if findings is None:
            findings = rule_findings(self.RULE, analysis, ctx, self.unsafe_fixes)
        spans = {
            ((f.line, f.column), (f.end_line, f.end_column))
            for f in findings
            if f.rule == self.RULE
        }
        if not spans:
            return tree
        self.parents = parent_map(analysis.module)
        analysis = self.analysis = self._without_unlocated(analysis, spans)
        self.plan(analysis, spans)
        if not self.rewrites:
            if self.skipped:
                raise CodemodError(self.skipped)
            return tree
        conflicts = name_conflicts(analysis.module, self.needed, self.helper_module)
        if conflicts:
            names = ", ".join(f"`{n}`" for n in sorted(conflicts))
            raise CodemodError([(None, f"{names} already means something else in this module")])
        # Imports whose names the rewritten code used: dropped if nothing else uses them now.
        touched: set[str] = set()
        for node in self.rewritten:
            touched |= referenced_names(node)
        result = analysis.module.visit(self)
        for name in sorted(self.needed):
            AddImportsVisitor.add_needed_import(self.context, self.helper_module, name)
        for module, obj, asname in cleanup_candidates(analysis.module):
            if (asname or obj or module.split(".")[0]) in touched:
                RemoveImportsVisitor.remove_unused_import(self.context, module, obj, asname)
        return result

    def _without_unlocated(self, analysis: Any, spans: set[Span]) -> Any:
        """Facts whose code could not be matched in the LibCST tree are left as findings."""
        from lint_integration.languages.python.translate import FACT_LISTS, finding_spans

        if not any(
            getattr(fact, "unlocated", None)
            for name in FACT_LISTS
            for fact in getattr(analysis, name, ())
        ):
            return analysis
        view = copy.copy(analysis)
        for name in FACT_LISTS:
            kept = []
            for fact in getattr(analysis, name):
                reason = getattr(fact, "unlocated", None)
                found = finding_spans(analysis, fact) & spans if reason else set()
                if found:
                    line = min(found)[0][0]
                    self.skipped.append((line, reason))
                    continue
                kept.append(fact)
            setattr(view, name, kept)
        return view

    def transform_module(self, tree: cst.Module) -> cst.Module:
        new = super().transform_module(tree)
        if new is tree:
            return new
        new = tidy_function_heads(tree, tidy_header(tree, tidy_import_gaps(tree, new)))
        return tidy_helper_import(new, tree, self.helper_module)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        updated = super().on_leave(original_node, updated_node)
        for fn in self.rewrites.get(id(original_node), ()):
            updated = fn(updated)
        return updated

    # -- helpers for subclasses ------------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(id(node))

    def enclosing(self, node: cst.CSTNode, kinds: tuple[type, ...]) -> cst.CSTNode | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, kinds):
            current = self.parent(current)
        return current

    def quote_of(self, nodes: Iterable[cst.CSTNode | None]) -> str:
        """The quote character the module's own env-var strings use (double by default)."""
        for node in nodes:
            if isinstance(node, cst.SimpleString) and node.value[-1:] == "'":
                return "'"
            if isinstance(node, cst.SimpleString):
                return '"'
        return '"'


def block_statements(block: cst.BaseSuite | None) -> list[cst.BaseStatement]:
    """The statements of a suite (a one-line suite becomes one statement line)."""
    if isinstance(block, cst.IndentedBlock):
        return list(block.body)
    if isinstance(block, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=list(block.body))]
    return []


def unwrap(node: cst.If, branch: str, calls: list[cst.BaseStatement]) -> Any:
    """The if replaced by ``calls`` followed by the statements of its non-skipping branch."""
    if branch == "body":
        other = block_statements(node.orelse.body) if isinstance(node.orelse, cst.Else) else []
    else:
        other = block_statements(node.body)
    statements = [*calls, *other]
    first = statements[0]
    leading = [*node.leading_lines, *getattr(first, "leading_lines", ())]
    statements[0] = first.with_changes(leading_lines=leading)
    return cst.FlattenSentinel(statements)


# -- building nodes ------------------------------------------------------------------------------


def string(value: str, quote: str = '"') -> cst.SimpleString:
    return cst.SimpleString(f"{quote}{value}{quote}")


def call(name: str, *args: cst.BaseExpression) -> cst.Call:
    return cst.Call(func=cst.Name(name), args=[cst.Arg(a) for a in args])


def require_env_call(var: str | cst.BaseExpression, quote: str = '"') -> cst.Call:
    arg = string(var, quote) if isinstance(var, str) else var
    return call("require_env", arg)


def requires_env_call(names: Sequence[str], quote: str = '"') -> cst.Call:
    return call("requires_env", *(string(n, quote) for n in names))


def statement(expr: cst.BaseExpression) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Expr(expr)])


def mode_is(mode: str, negate: bool = False) -> cst.Comparison:
    """``current_mode() is IntegrationMode.<MODE>`` (``is not`` when ``negate``)."""
    op: cst.BaseCompOp = cst.IsNot() if negate else cst.Is()
    return cst.Comparison(
        left=call("current_mode"),
        comparisons=[
            cst.ComparisonTarget(
                operator=op,
                comparator=cst.Attribute(cst.Name("IntegrationMode"), cst.Name(mode.upper())),
            )
        ],
    )


def keep_parens(old: cst.CSTNode, new: cst.CSTNode) -> cst.CSTNode:
    """``new`` with the parentheses that wrapped ``old``."""
    lpar = getattr(old, "lpar", None)
    if lpar and hasattr(new, "lpar"):
        return new.with_changes(lpar=lpar, rpar=old.rpar)
    return new


def parenthesize(node: cst.BaseExpression) -> cst.BaseExpression:
    if getattr(node, "lpar", None):
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _is_import_line(stmt: cst.CSTNode) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(s, cst.Import | cst.ImportFrom) for s in stmt.body
    )


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def tidy_header(before: cst.Module, after: cst.Module) -> cst.Module:
    """Keep the blank lines that opened the import block when its first import was removed.

    Removing ``import os`` also removes the blank lines it carried (after the docstring, or
    none at the top of the file); the import that now opens the block gets them back.
    """
    old, new = list(before.body), list(after.body)
    start = 1 if old and _is_docstring(old[0]) else 0
    if len(old) <= start or len(new) <= start:
        return after
    if not (_is_import_line(old[start]) and _is_import_line(new[start])):
        return after
    if start and not _is_docstring(new[0]):
        return after
    wanted = old[start].leading_lines
    if new[start].leading_lines == wanted:
        return after
    if any(line.comment is not None for line in new[start].leading_lines):
        return after
    new[start] = new[start].with_changes(leading_lines=wanted)
    return after.with_changes(body=new)


def tidy_import_gaps(before: cst.Module, after: cst.Module) -> cst.Module:
    """Keep the blank line that separated import groups when the import below it was removed.

    ``from __future__ import annotations`` / blank / ``import os`` / ``import uuid``: dropping
    ``import os`` takes the blank line with it; ``import uuid`` gets it back.
    """
    old, new = list(before.body), list(after.body)

    def bare(stmt: cst.CSTNode) -> str:
        return before.code_for_node(stmt.with_changes(leading_lines=()))

    kept = {bare(stmt) for stmt in new if _is_import_line(stmt)}
    gap: Sequence[cst.EmptyLine] = ()
    owed: dict[str, Sequence[cst.EmptyLine]] = {}
    for stmt in old:
        if not _is_import_line(stmt):
            gap = ()
            continue
        code = bare(stmt)
        if code not in kept:
            gap = gap or stmt.leading_lines
        elif gap:
            if not stmt.leading_lines:
                owed[code] = gap
            gap = ()
    if not owed:
        return after
    for i, stmt in enumerate(new):
        if _is_import_line(stmt) and not stmt.leading_lines and bare(stmt) in owed:
            new[i] = stmt.with_changes(leading_lines=owed.pop(bare(stmt)))
    return after.with_changes(body=new)


class _Defs(cst.CSTVisitor):
    def __init__(self) -> None:
        self.defs: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.defs.append(node)


class _StripHeads(cst.CSTTransformer):
    """Drop the blank lines a removed local import left at the top of a function body."""

    def __init__(self, indexes: set[int]) -> None:
        super().__init__()
        self.indexes = indexes
        self.seen = 0
        self.open: list[int] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.open.append(self.seen)
        self.seen += 1

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        index = self.open.pop()
        body = updated_node.body
        if index not in self.indexes or not isinstance(body, cst.IndentedBlock) or not body.body:
            return updated_node
        first = body.body[0]
        if _is_import_line(first) or any(line.comment for line in first.leading_lines):
            return updated_node
        first = first.with_changes(leading_lines=[])
        return updated_node.with_changes(body=body.with_changes(body=[first, *body.body[1:]]))


def tidy_function_heads(before: cst.Module, after: cst.Module) -> cst.Module:
    """Functions that opened with a local import which is now gone start without a blank."""
    defs = _Defs()
    before.visit(defs)
    indexes = {
        i
        for i, fn in enumerate(defs.defs)
        if isinstance(fn.body, cst.IndentedBlock)
        and fn.body.body
        and _is_import_line(fn.body.body[0])
    }
    if not indexes:
        return after
    return after.visit(_StripHeads(indexes))


def _name_key(alias: cst.ImportAlias) -> tuple[int, str]:
    """isort/ruff "order by type": CONSTANTS, then Classes, then functions."""
    name = dotted(alias.name)
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, name


def _helper_import(module: cst.Module, helper: str) -> tuple[int, cst.ImportFrom] | None:
    for index, stmt in enumerate(module.body):
        if not _is_import_line(stmt) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        if (
            isinstance(small, cst.ImportFrom)
            and not small.relative
            and small.module is not None
            and dotted(small.module) == helper
            and not isinstance(small.names, cst.ImportStar)
        ):
            return index, small
    return None


def tidy_helper_import(after: cst.Module, before: cst.Module, helper: str) -> cst.Module:
    """Put the helper import where an import sorter would: names in order, before the
    module's relative imports. Only an import this codemod added or extended is touched."""
    found = _helper_import(after, helper)
    if found is None:
        return after
    index, node = found
    old = _helper_import(before, helper)
    old_names = [dotted(a.name) for a in old[1].names] if old else None
    names = list(node.names)
    if old_names == [dotted(a.name) for a in names]:
        return after
    body = list(after.body)
    line = body[index]
    if node.lpar is None and (old_names is None or old_names == sorted(old_names)):
        ordered = sorted(names, key=_name_key)
        if ordered != names:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            ordered = [
                a.with_changes(comma=comma if i < len(ordered) - 1 else cst.MaybeSentinel.DEFAULT)
                for i, a in enumerate(ordered)
            ]
            line = line.with_changes(body=[node.with_changes(names=ordered)])
            body[index] = line
    if old is None and index + 1 < len(body):
        following = body[index + 1]
        blank = sum(1 for line in following.leading_lines if line.comment is None)
        wanted = 2 if isinstance(following, cst.FunctionDef | cst.ClassDef) else 1
        if not _is_import_line(following) and blank < wanted:
            lines = [cst.EmptyLine()] * (wanted - blank) + list(following.leading_lines)
            body[index + 1] = following.with_changes(leading_lines=lines)
    if old is None:
        first_relative = next(
            (
                i
                for i, stmt in enumerate(body[:index])
                if _is_import_line(stmt)
                and all(isinstance(s, cst.ImportFrom) and s.relative for s in stmt.body)
            ),
            None,
        )
        if first_relative is not None and all(
            _is_import_line(stmt) for stmt in body[first_relative:index]
        ):
            relative = body[first_relative]
            moved = line.with_changes(leading_lines=relative.leading_lines)
            body[first_relative] = relative.with_changes(leading_lines=[cst.EmptyLine()])
            body.pop(index)
            body.insert(first_relative, moved)
    return after.with_changes(body=body)


# -- analysis ------------------------------------------------------------------------------------


def analyze(ctx: Any, code: str) -> Any:
    """The frontend's analysis of ``code`` (None when it cannot be parsed)."""
    from lint_integration.languages import ParseFailure
    from lint_integration.languages.python import analyze_source
    from lint_integration.languages.python.translate import to_cst

    try:
        analysis = analyze_source(
            code, Path(ctx.file.path), ctx.config, project=ctx.project, role=ctx.role
        )
        return to_cst(analysis)
    except (ParseFailure, RecursionError, cst.ParserSyntaxError):
        return None


def rule_findings(rule_name: str, analysis: Any, ctx: Any, unsafe: bool) -> list[Finding]:
    """The rule's own findings that a standalone run may fix (not suppressed, applicable)."""
    from lint_integration.registry import rule_by_name
    from lint_integration.suppressions import Suppressions

    rule = rule_by_name()[rule_name]
    check = rule.checks.get("python")
    if check is None:
        return []
    suppressions = Suppressions.scan(analysis.text)
    out = []
    for finding in check(analysis, ctx):
        fix = finding.fix
        if fix is None or fix.codemod != rule_name or suppressions.covers(finding):
            continue
        if fix.applicability == Applicability.SAFE or unsafe:
            out.append(finding)
    return out


def standalone_context(context: CodemodContext, code: str) -> Any:
    """A FileContext for a module handed to us by LibCST's codemod runner."""
    import os

    from lint_integration.classify import role_of
    from lint_integration.config import find_config, load_config
    from lint_integration.discovery import SourceFile, find_git_root
    from lint_integration.engine import FileContext, ProjectIndex
    from lint_integration.textio import SourceText

    path = Path(os.path.abspath(context.filename or "module.py"))
    source = find_config(path) if context.filename else None
    if source is not None:
        config = load_config(source)
    else:
        config = load_config(None, find_git_root(path.parent) or path.parent)
    try:
        relpath = path.relative_to(config.root).as_posix()
    except ValueError:
        relpath = path.name
    file = SourceFile(path, relpath, "python", role_of(relpath, config))
    text = SourceText(code, "utf-8", False, "\n", code.encode("utf-8", "surrogatepass"))
    return FileContext(file, text, config, ProjectIndex(config), str(path))


# -- module facts --------------------------------------------------------------------------------


class _Parents(cst.CSTVisitor):
    def __init__(self) -> None:
        self.parents: dict[int, cst.CSTNode] = {}
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.stack:
            self.parents[id(node)] = self.stack[-1]
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()


def parent_map(module: cst.Module) -> dict[int, cst.CSTNode]:
    visitor = _Parents()
    module.visit(visitor)
    return visitor.parents


class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def referenced_names(node: cst.CSTNode) -> set[str]:
    """Every name used in ``node`` outside import statements."""
    visitor = _Names()
    node.visit(visitor)
    return visitor.names


def dotted(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def _alias_name(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None:
        return None
    name = alias.asname.name
    return name.value if isinstance(name, cst.Name) else None


class _Imports(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[str, str | None, str | None]] = []

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            name = dotted(alias.name)
            if name in CLEANUP_MODULES:
                self.found.append((name, None, _alias_name(alias)))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        name = dotted(node.module) if node.module else ""
        if node.relative or name not in CLEANUP_MODULES or isinstance(node.names, cst.ImportStar):
            return False
        for alias in node.names:
            self.found.append((name, dotted(alias.name), _alias_name(alias)))
        return False


def cleanup_candidates(module: cst.Module) -> list[tuple[str, str | None, str | None]]:
    """Imports of os/pytest/unittest in any scope: (module, obj, asname) as LibCST wants them."""
    visitor = _Imports()
    module.visit(visitor)
    return list(dict.fromkeys(visitor.found))


def name_conflicts(module: cst.Module, names: set[str], helper_module: str) -> set[str]:
    """Names we would import that the module already binds to something else at top level."""
    bound: dict[str, bool] = {}  # name -> bound to the helper's own object

    def bind(name: str, from_helper: bool) -> None:
        bound[name] = bound.get(name, True) and from_helper

    for stmt in module.body:
        if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
            bind(stmt.name.value, False)
            continue
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                source = dotted(small.module) if small.module else ""
                for alias in small.names:
                    own = dotted(alias.name)
                    as_name = _alias_name(alias) or own
                    bind(as_name, source == helper_module and own == as_name)
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    bind(_alias_name(alias) or dotted(alias.name).split(".")[0], False)
            elif isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        bind(target.target.value, False)
            elif isinstance(small, cst.AnnAssign | cst.AugAssign) and isinstance(
                small.target, cst.Name
            ):
                bind(small.target.value, False)
    return {n for n in names if n in bound and not bound[n]}
