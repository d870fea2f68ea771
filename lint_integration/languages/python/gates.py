"""Skip gates: where a test, class, module, fixture, hook or runner skips because of env vars.

Two families:

- *conditional marks*: ``pytest.mark.skipif(cond)``, ``unittest.skipIf(cond)`` /
  ``skipUnless(cond)`` wherever they appear (decorators, ``pytestmark``, marker assignments,
  factories, ``pytest.param(marks=...)``, ``item.add_marker(...)``); string conditions are
  parsed, never evaluated;
- *skip actions* governed by an env condition: ``pytest.skip`` / ``importorskip`` / ``exit``,
  ``self.skipTest``, ``raise SkipTest``, an unconditional skip mark applied or added, an early
  ``return`` in a test, ``sys.exit(0)``, ``collect_ignore`` edits, ``pytest_ignore_collect``
  returning True. The governing condition is every ``if`` / ``else`` branch, ``x or skip()``,
  ``a if c else b`` and earlier ``if c: return`` guard on the way up to the enclosing def, and
  an ``except KeyError`` around an ``os.environ[...]`` read.
"""

from __future__ import annotations

import ast

from lint_integration.languages.python import formula as F
from lint_integration.languages.python import resolver as R
from lint_integration.languages.python.facts import SkipGate
from lint_integration.languages.python.tree import FUNCTION_DEFS, is_decorator
from lint_integration.languages.python.values import (
    ENV,
    LIT,
    MARK,
    QUAL,
    Evaluator,
    Val,
    keyword,
    positional,
)

_SETUP_CLASS = frozenset(
    {"setUp", "setUpClass", "setup_method", "setup_class", "setup", "asyncSetUp", "setup_function"}
)
_SETUP_MODULE = frozenset({"setUpModule", "setup_module"})
_COLLECT_IGNORE = frozenset({"collect_ignore", "collect_ignore_glob"})
# The last names of the calls ``_call`` recognises by their qualified name.
_CALL_ATTRS = frozenset(
    qual.rsplit(".", 1)[-1]
    for qual in (
        R.SKIPIF_QUALS
        | R.SKIPIF_UNITTEST
        | R.SKIPUNLESS_UNITTEST
        | R.SKIP_MARK_QUALS
        | R.PYTEST_SKIP
        | R.PYTEST_IMPORTORSKIP
        | R.PYTEST_EXIT
        | R.EXIT_QUALS
        | {"unittest.skip"}
    )
)


class GateFinder:
    def __init__(self, ev: Evaluator, role: str) -> None:
        self.ev = ev
        self.tree = ev.tree
        self.role = role
        self.gates: list[SkipGate] = []
        self._by_node: dict[int, SkipGate] = {}
        # Condition expressions of gates (for the "only feeds gates" question).
        self.condition_nodes: set[int] = set()  # ids
        self.string_uses: list[Val] = []

    # -- driver ----------------------------------------------------------------------------

    def run(self) -> list[SkipGate]:
        tree = self.tree
        for call in tree.calls:
            self._call(call)
        for node in tree.raises:
            self._raise(node)
        for node in tree.returns:
            self._return(node)
        for node in tree.assigns:
            self._collect_ignore_assign(node)
        return self.gates

    def _call(self, call: ast.Call) -> None:
        ev = self.ev
        func = call.func
        if isinstance(func, ast.Attribute):
            attr = func.attr
            if attr == "skipTest":
                self._action(call, "skipTest")
                return
            if attr in ("add_marker", "applymarker") and (call.args or call.keywords):
                first = call.args[0] if call.args else call.keywords[0].value
                mark = ev.eval(first, follow=False)
                if mark.kind == MARK or (mark.kind == QUAL and mark.qual in R.SKIP_MARK_QUALS):
                    self._action(call, "add_marker")
                return
            if (
                attr in ("append", "extend", "insert", "__iadd__")
                and isinstance(func.value, ast.Name)
                and func.value.id in _COLLECT_IGNORE
            ):
                self._action(call, "collect_ignore")
                return
            if attr not in _CALL_ATTRS:
                return  # ``x.attr(...)`` evaluates to ``<qual>.attr``: none of the quals below
        val = ev.eval(func, follow=False)
        if val.kind != QUAL:
            return
        qual = val.qual
        if qual in R.SKIPIF_QUALS:
            self._mark(call, "skipif")
        elif qual in R.SKIPIF_UNITTEST:
            self._mark(call, "skipIf")
        elif qual in R.SKIPUNLESS_UNITTEST:
            self._mark(call, "skipUnless")
        elif qual in R.SKIP_MARK_QUALS or qual == "unittest.skip":
            self._action(call, "skip-mark")
        elif qual in R.PYTEST_SKIP:
            self._action(call, "skip")
        elif qual in R.PYTEST_IMPORTORSKIP:
            self._action(call, "importorskip")
        elif qual in R.PYTEST_EXIT and _exit_code_zero(call, "returncode", position=1):
            self._action(call, "pytest.exit")
        elif qual in R.EXIT_QUALS and _exit_code_zero(
            call, "status" if qual == "os._exit" else "code"
        ):
            self._action(call, "exit")

    def _raise(self, node: ast.Raise) -> None:
        exc = node.exc
        if exc is None:
            return
        target = exc.func if isinstance(exc, ast.Call) else exc
        val = self.ev.eval(target, follow=False)
        if val.kind != QUAL:
            return
        if val.qual in R.SKIPTEST_EXC:
            self._action(node, "SkipTest")
        elif val.qual in R.SYSTEM_EXIT and (
            not isinstance(exc, ast.Call) or _exit_code_zero(exc, keyword_name="code")
        ):
            self._action(node, "exit")

    def _return(self, node: ast.Return) -> None:
        func = self.tree.enclosing_function(node)
        if func is None:
            return
        name = func.name
        if name == "pytest_ignore_collect":
            if node.value is None:
                return
            val = self.ev.eval(node.value)
            if val.kind == LIT and val.lit is True:
                self._action(node, "ignore_collect")
            elif val.kind == ENV and F.has_env(val.truth):
                self._add(
                    node,
                    "return-value",
                    node,
                    "ignore_collect",
                    node.value,
                    val.truth,
                    val,
                    target=("hook", name, func),
                )
            return
        value = node.value
        if value is not None:
            lit = self.ev.eval(value, follow=False)
            if not (lit.kind == LIT and lit.lit in (None, 0) and lit.lit is not False):
                return
        if (_is_test_function(self.tree, func) and value is None) or name == "main":
            self._action(node, "return")

    def _collect_ignore_assign(self, node) -> None:
        target = node.target if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if not (isinstance(target, ast.Name) and target.id in _COLLECT_IGNORE):
            return
        if self.tree.enclosing_function(node) is not None:
            return
        value = node.value
        if isinstance(value, ast.IfExp):
            test = self.ev.eval(value.test)
            if test.kind == ENV and F.has_env(test.truth):
                body_empty = _empty_sequence(value.body)
                else_empty = _empty_sequence(value.orelse)
                if else_empty and not body_empty:
                    when = test.truth
                elif body_empty and not else_empty:
                    when = F.neg(test.truth)
                else:
                    when = F.conj([test.truth, F.OPAQUE])
                self._add(
                    value,
                    "ifexp",
                    node,
                    "collect_ignore",
                    value.test,
                    when,
                    test,
                    target=("module", None, None),
                )
            return
        self._action(node, "collect_ignore")

    # -- conditional marks -----------------------------------------------------------------

    def _mark(self, call: ast.Call, kind: str) -> None:
        by_keyword = [k.value for k in call.keywords if k.arg == "condition"]
        if kind == "skipif":
            conditions = positional(call) + by_keyword
        else:
            conditions = positional(call)[:1] or by_keyword
        if not conditions:
            return
        vals = [self.ev.condition(c) for c in conditions]
        envs = [v for v in vals if v.kind == ENV and F.has_env(v.truth)]
        if not envs:
            return
        truth = F.disj([_truth(v) for v in vals])
        if kind == "skipUnless":
            truth = F.neg(truth)
        for c, v in zip(conditions, vals, strict=True):
            if v.kind == ENV and not isinstance(c, ast.Constant):
                self.condition_nodes.add(id(c))
            elif v.kind == ENV:
                self.string_uses.append(v)
        merged = _merge(envs)
        target = self._mark_target(call)
        decorator = None
        parent = self.tree.parent.get(call)
        if is_decorator(call, parent):
            decorator = self.tree.decorator(call)
        gate = self._add(
            call,
            "mark",
            None,
            kind,
            conditions[0],
            truth,
            merged,
            target=target,
            decorator=decorator,
        )
        if gate is not None and len(conditions) > 1:
            gate.condition = conditions[0]

    def _mark_target(self, call: ast.Call):
        tree = self.tree
        node: ast.AST = call
        up = tree.parent.get(node)
        # ``skipUnless(cond, why)(func)``: the applied decorator.
        while isinstance(up, ast.Call) and up.func is node:
            node, up = up, tree.parent.get(up)
        while isinstance(up, (ast.List, ast.Tuple)):
            node, up = up, tree.parent.get(up)
        if is_decorator(node, up):
            owner = up
            if isinstance(owner, ast.ClassDef):
                return ("class", owner.name, owner)
            if isinstance(owner, FUNCTION_DEFS):
                return (self._function_role(owner), owner.name, owner)
        if isinstance(up, ast.keyword) and up.arg == "marks":
            return ("param", None, tree.parent.get(up))
        if isinstance(up, (ast.Assign, ast.AnnAssign)):
            name = _assigned_name(up)
            scope = tree.scope_of.get(up)
            if name == "pytestmark":
                in_class = scope is not None and scope.kind == "class"
                return ("class" if in_class else "module", None, up)
            func = tree.enclosing_function(up)
            if name and func is None:
                return ("marker", name, up)
        func = tree.enclosing_function(call)
        if func is not None:
            role = self._function_role(func)
            if role == "helper":
                return ("decorator", func.name, func)
            return (role, func.name, func)
        return ("test", None, None)

    def _function_role(self, func: ast.FunctionDef) -> str:
        name = func.name
        if name.startswith("pytest_"):
            return "hook"
        if _is_fixture(self.ev, func):
            return "fixture"
        if name in _SETUP_CLASS:
            return "class"
        if name in _SETUP_MODULE:
            return "module"
        if _is_test_function(self.tree, func):
            return "test"
        if name == "main" or self.role == "runner":
            return "runner"
        return "helper"

    # -- skip actions under env conditions -------------------------------------------------

    def _action(self, action: ast.AST, action_kind: str) -> None:
        tree = self.tree
        ev = self.ev
        conds: list[tuple] = []
        env_nodes: list[tuple] = []  # (gate node, kind, branch, condition, val)
        node = action
        for up in tree.ancestors(action):
            if isinstance(node, ast.stmt):
                block = _block_of(up, node)
                if block is not None:
                    for gnode, gval in self._guards(block, node):
                        conds.append(F.neg(_truth(gval)))
                        env_nodes.append((gnode, "guard", None, gnode.test, gval))
            if isinstance(up, (*FUNCTION_DEFS, ast.ClassDef, ast.Lambda)):
                break
            if isinstance(up, ast.If):
                if node is up.test:
                    node = up
                    continue
                val = ev.eval(up.test)
                t = _truth(val)
                branch = "body" if any(s is node for s in up.body) else "orelse"
                conds.append(t if branch == "body" else F.neg(t))
                if val.kind == ENV and F.has_env(val.truth):
                    env_nodes.append((up, "if", branch, up.test, val))
            elif isinstance(up, ast.IfExp) and node is not up.test:
                val = ev.eval(up.test)
                t = _truth(val)
                branch = "body" if node is up.body else "orelse"
                conds.append(t if branch == "body" else F.neg(t))
                if val.kind == ENV and F.has_env(val.truth):
                    env_nodes.append((up, "ifexp", branch, up.test, val))
            elif isinstance(up, ast.BoolOp) and node is not up.values[0]:
                index = next((i for i, v in enumerate(up.values) if v is node), 0)
                left, val = self._boolop_left(up, index)
                t = _truth(val)
                conds.append(F.neg(t) if isinstance(up.op, ast.Or) else t)
                if val.kind == ENV and F.has_env(val.truth):
                    env_nodes.append((up, "boolop", None, left, val))
            elif isinstance(up, ast.ExceptHandler):
                missing = self._except_reads(up)
                if missing is not None:
                    val, when = missing
                    conds.append(when)
                    env_nodes.append((up, "except", None, None, val))
            node = up
        if not env_nodes:
            return
        when = F.conj(conds)
        gate_node, kind, branch, condition, _ = env_nodes[0]
        merged = _merge([e[4] for e in env_nodes])
        for _, entry_kind, _, cond, val in env_nodes:
            if isinstance(cond, BoolOpPart):
                self.condition_nodes.update(id(v) for v in cond.values)
            elif cond is not None:
                self.condition_nodes.add(id(cond))
            elif entry_kind == "except":
                # The ``os.environ[...]`` reads whose KeyError the handler turns into a skip.
                self.condition_nodes.update(id(read.node) for read in val.reads)
        func = tree.enclosing_function(gate_node)
        if func is None:
            target = ("runner" if self.role == "runner" else "module", None, None)
        else:
            role = self._function_role(func)
            target = (role, func.name, func)
        self._add(
            gate_node,
            kind,
            action,
            action_kind,
            condition,
            when,
            merged,
            target=target,
            branch=branch,
        )

    def _boolop_left(self, node: ast.BoolOp, index: int):
        """What decides whether ``node.values[index]`` runs: the operands before it."""
        if index == 1:
            left = node.values[0]
            return left, self.ev.eval(left)
        part = BoolOpPart(node, index)
        scope = self.ev.scope(node)
        try:
            val = self.ev.fold_boolop(node.op, part.values, scope, True)
        except RecursionError:
            from lint_integration.languages.python.values import UNKNOWN_VAL

            val = UNKNOWN_VAL
        return part, val

    def _guards(self, body, stmt) -> list[tuple[ast.If, Val]]:
        out = []
        for sibling in body:
            if sibling is stmt:
                break
            if isinstance(sibling, ast.If) and not sibling.orelse and _ends_early(sibling.body):
                val = self.ev.eval(sibling.test)
                if val.kind == ENV and F.has_env(val.truth):
                    out.append((sibling, val))
        return out

    def _except_reads(self, handler: ast.ExceptHandler):
        if not _catches_key_error(self.ev, handler):
            return None
        try_node = self.tree.parent.get(handler)
        if not isinstance(try_node, ast.Try):
            return None
        names = []
        reads = []
        for sub in self.tree.subscripts:
            read = self.ev.reads.get(sub)
            if read is None or read.kind != "subscript":
                continue
            if _within(self.tree, sub, try_node, try_node.body):
                reads.append(read)
                names.extend(read.names)
        if not reads:
            return None
        from lint_integration.languages.python.values import env_val

        when = F.disj([F.neg(F.atom(n, F.SET)) for n in dict.fromkeys(names)])
        return env_val(reads=reads, vars=names, truth=F.neg(when), boolean=True), when

    # -- recording -------------------------------------------------------------------------

    def _add(
        self,
        node,
        kind,
        action,
        action_kind,
        condition,
        when,
        val: Val,
        target,
        decorator=None,
        branch=None,
    ) -> SkipGate | None:
        existing = self._by_node.get(id(node))
        if existing is not None:
            return None
        lits = F.literals(when)
        env_vars = tuple(sorted(F.variables(when)))
        dynamic = F.is_dynamic(when)
        if not lits:
            return None
        gate = SkipGate(
            node=node,
            kind=kind,
            action=action,
            action_kind=action_kind,
            condition=condition,
            env_vars=env_vars,
            dynamic=dynamic,
            polarity=F.polarity(when),
            pure=F.is_pure(when),
            target=target[0],
            target_name=target[1],
            target_node=target[2],
            decorator=decorator,
            branch=branch,
            reads=list(dict.fromkeys(val.reads)),
            predicates=tuple(dict.fromkeys(val.via)),
            direct=val.direct,
        )
        gate.when = when  # type: ignore[attr-defined]
        self._by_node[id(node)] = gate
        self.gates.append(gate)
        return gate


# -- helpers ---------------------------------------------------------------------------------


def _truth(val: Val) -> tuple:
    from lint_integration.languages.python.values import truth_of

    return truth_of(val)


def _merge(vals: list[Val]) -> Val:
    from lint_integration.languages.python.values import merge_env

    return merge_env(vals, F.disj([v.truth for v in vals]))


def _exit_code_zero(call: ast.Call, keyword_name: str, position: int = 0) -> bool:
    args = positional(call)
    value = args[position] if len(args) > position else None
    if value is None:
        value = keyword(call, keyword_name)
    if value is None:
        return position == 0  # sys.exit() exits 0; pytest.exit(msg) defaults to an error
    if not isinstance(value, ast.Constant):
        return False
    lit = value.value
    return lit is None or lit is False or (type(lit) is int and lit == 0)


def _is_test_function(tree, func: ast.FunctionDef) -> bool:
    """A module-level ``test*`` function or a ``test*`` method."""
    if not func.name.startswith("test"):
        return False
    return isinstance(tree.parent.get(func), (ast.Module, ast.ClassDef))


def _is_fixture(ev: Evaluator, func: ast.FunctionDef) -> bool:
    for expr in func.decorator_list:
        if isinstance(expr, ast.Call):
            expr = expr.func
        val = ev.eval(expr, follow=False)
        if val.kind == QUAL and (val.qual in R.FIXTURE_QUALS or val.qual.endswith(".fixture")):
            return True
        if isinstance(expr, ast.Name) and expr.id == "fixture":
            return True
    return False


def _assigned_name(node) -> str | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign):
        target = node.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _ends_early(body: list) -> bool:
    """An ``if`` body that only returns or continues (a guard before later code)."""
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Continue))


def _empty_sequence(node) -> bool:
    return isinstance(node, (ast.List, ast.Tuple)) and not node.elts


def _catches_key_error(ev: Evaluator, handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for t in types:
        val = ev.eval(t, follow=False)
        if val.kind == QUAL and val.qual in (
            "builtins.KeyError",
            "builtins.LookupError",
            "builtins.Exception",
            "builtins.BaseException",
        ):
            return True
    return False


def _within(tree, node, owner, statements: list) -> bool:
    """``node`` is inside one of ``statements``, a statement list of ``owner``."""
    child = node
    for up in tree.ancestors(node):
        if up is owner:
            return any(s is child for s in statements)
        child = up
    return False


_BLOCK_FIELDS = ("body", "orelse", "finalbody")


def _block_of(owner, stmt) -> list | None:
    """The statement list of ``owner`` that holds ``stmt``."""
    for name in _BLOCK_FIELDS:
        block = getattr(owner, name, None)
        if type(block) is list and any(s is stmt for s in block):
            return block
    return None


class BoolOpPart(ast.BoolOp):
    """The operands of ``a or b or skip()`` before the one that skips (``a or b``); ``ast``
    keeps one flat ``BoolOp`` where a concrete tree nests them."""

    def __init__(self, node: ast.BoolOp, index: int) -> None:
        values = node.values[:index]
        super().__init__(op=node.op, values=values)
        self.owner = node
        first, last = values[0], values[-1]
        self.lineno, self.col_offset = first.lineno, first.col_offset
        self.end_lineno, self.end_col_offset = last.end_lineno, last.end_col_offset
