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

import libcst as cst

from lint_integration.languages.python import formula as F
from lint_integration.languages.python import resolver as R
from lint_integration.languages.python.facts import SkipGate
from lint_integration.languages.python.values import ENV, LIT, MARK, QUAL, Evaluator, Val

_SETUP_CLASS = frozenset(
    {"setUp", "setUpClass", "setup_method", "setup_class", "setup", "asyncSetUp", "setup_function"}
)
_SETUP_MODULE = frozenset({"setUpModule", "setup_module"})
_COLLECT_IGNORE = frozenset({"collect_ignore", "collect_ignore_glob"})


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

    def _call(self, call: cst.Call) -> None:
        ev = self.ev
        func = call.func
        if isinstance(func, cst.Attribute):
            attr = func.attr.value
            if attr == "skipTest":
                self._action(call, "skipTest")
                return
            if attr in ("add_marker", "applymarker") and call.args:
                mark = ev.eval(call.args[0].value, follow=False)
                if mark.kind == MARK or (mark.kind == QUAL and mark.qual in R.SKIP_MARK_QUALS):
                    self._action(call, "add_marker")
                return
            if (
                attr in ("append", "extend", "insert", "__iadd__")
                and isinstance(func.value, cst.Name)
                and func.value.value in _COLLECT_IGNORE
            ):
                self._action(call, "collect_ignore")
                return
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

    def _raise(self, node: cst.Raise) -> None:
        exc = node.exc
        if exc is None:
            return
        target = exc.func if isinstance(exc, cst.Call) else exc
        val = self.ev.eval(target, follow=False)
        if val.kind != QUAL:
            return
        if val.qual in R.SKIPTEST_EXC:
            self._action(node, "SkipTest")
        elif val.qual in R.SYSTEM_EXIT and (
            not isinstance(exc, cst.Call) or _exit_code_zero(exc, keyword="code")
        ):
            self._action(node, "exit")

    def _return(self, node: cst.Return) -> None:
        func = self.tree.enclosing_function(node)
        if func is None:
            return
        name = func.name.value
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
        target = node.target if isinstance(node, (cst.AugAssign, cst.AnnAssign)) else None
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
        if not (isinstance(target, cst.Name) and target.value in _COLLECT_IGNORE):
            return
        if self.tree.enclosing_function(node) is not None:
            return
        value = node.value
        if isinstance(value, cst.IfExp):
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

    def _mark(self, call: cst.Call, kind: str) -> None:
        args = [a for a in call.args if a.star == ""]
        if kind == "skipif":
            conditions = [a.value for a in args if a.keyword is None]
            conditions += [a.value for a in args if a.keyword and a.keyword.value == "condition"]
        else:
            positional = [a.value for a in args if a.keyword is None]
            conditions = positional[:1] or [
                a.value for a in args if a.keyword and a.keyword.value == "condition"
            ]
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
            if v.kind == ENV and not isinstance(c, (cst.SimpleString, cst.ConcatenatedString)):
                self.condition_nodes.add(id(c))
            elif v.kind == ENV:
                self.string_uses.append(v)
        merged = _merge(envs)
        target = self._mark_target(call)
        decorator = None
        parent = self.tree.parent.get(call)
        if isinstance(parent, cst.Decorator):
            decorator = parent
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

    def _mark_target(self, call: cst.Call):
        tree = self.tree
        node: cst.CSTNode = call
        up = tree.parent.get(node)
        # ``skipUnless(cond, why)(func)``: the applied decorator.
        while isinstance(up, cst.Call) and up.func is node:
            node, up = up, tree.parent.get(up)
        while isinstance(up, (cst.Element, cst.List, cst.Tuple)):
            node, up = up, tree.parent.get(up)
        if isinstance(up, cst.Decorator):
            owner = tree.parent.get(up)
            if isinstance(owner, cst.ClassDef):
                return ("class", owner.name.value, owner)
            if isinstance(owner, cst.FunctionDef):
                return (self._function_role(owner), owner.name.value, owner)
        if isinstance(up, cst.Arg) and up.keyword is not None and up.keyword.value == "marks":
            return ("param", None, tree.parent.get(up))
        if isinstance(up, (cst.Assign, cst.AnnAssign)):
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
                return ("decorator", func.name.value, func)
            return (role, func.name.value, func)
        return ("test", None, None)

    def _function_role(self, func: cst.FunctionDef) -> str:
        name = func.name.value
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

    def _action(self, action: cst.CSTNode, action_kind: str) -> None:
        tree = self.tree
        ev = self.ev
        conds: list[tuple] = []
        env_nodes: list[tuple] = []  # (gate node, kind, branch, condition, val)
        node = action
        for up in tree.ancestors(action):
            if isinstance(up, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                break
            if isinstance(up, cst.If):
                if node is up.test:
                    node = up
                    continue
                val = ev.eval(up.test)
                t = _truth(val)
                branch = "body" if node is up.body else "orelse"
                conds.append(t if branch == "body" else F.neg(t))
                if val.kind == ENV and F.has_env(val.truth):
                    env_nodes.append((up, "if", branch, up.test, val))
            elif isinstance(up, cst.IfExp) and node is not up.test:
                val = ev.eval(up.test)
                t = _truth(val)
                branch = "body" if node is up.body else "orelse"
                conds.append(t if branch == "body" else F.neg(t))
                if val.kind == ENV and F.has_env(val.truth):
                    env_nodes.append((up, "ifexp", branch, up.test, val))
            elif isinstance(up, cst.BooleanOperation) and node is up.right:
                val = ev.eval(up.left)
                t = _truth(val)
                conds.append(F.neg(t) if isinstance(up.operator, cst.Or) else t)
                if val.kind == ENV and F.has_env(val.truth):
                    env_nodes.append((up, "boolop", None, up.left, val))
            elif isinstance(up, cst.ExceptHandler):
                missing = self._except_reads(up)
                if missing is not None:
                    val, when = missing
                    conds.append(when)
                    env_nodes.append((up, "except", None, None, val))
            elif isinstance(up, (cst.IndentedBlock, cst.Module)):
                guard = self._guards(up, node)
                for gnode, gval in guard:
                    conds.append(F.neg(_truth(gval)))
                    env_nodes.append((gnode, "guard", None, gnode.test, gval))
            node = up
        if not env_nodes:
            return
        when = F.conj(conds)
        gate_node, kind, branch, condition, _ = env_nodes[0]
        merged = _merge([e[4] for e in env_nodes])
        for _, entry_kind, _, cond, val in env_nodes:
            if cond is not None:
                self.condition_nodes.add(id(cond))
            elif entry_kind == "except":
                # The ``os.environ[...]`` reads whose KeyError the handler turns into a skip.
                self.condition_nodes.update(id(read.node) for read in val.reads)
        func = tree.enclosing_function(gate_node)
        if func is None:
            target = ("runner" if self.role == "runner" else "module", None, None)
        else:
            role = self._function_role(func)
            target = (role, func.name.value, func)
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

    def _guards(self, block, stmt) -> list[tuple[cst.If, Val]]:
        body = block.body
        out = []
        for sibling in body:
            if sibling is stmt:
                break
            if isinstance(sibling, cst.If) and sibling.orelse is None and _ends_early(sibling.body):
                val = self.ev.eval(sibling.test)
                if val.kind == ENV and F.has_env(val.truth):
                    out.append((sibling, val))
        return out

    def _except_reads(self, handler: cst.ExceptHandler):
        if not _catches_key_error(self.ev, handler):
            return None
        try_node = self.tree.parent.get(handler)
        if not isinstance(try_node, cst.Try):
            return None
        names = []
        reads = []
        for sub in self.tree.subscripts:
            read = self.ev.reads.get(sub)
            if read is None or read.kind != "subscript":
                continue
            if _within(self.tree, sub, try_node.body):
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


def _exit_code_zero(call: cst.Call, keyword: str, position: int = 0) -> bool:
    args = [a for a in call.args if a.star == ""]
    positional = [a.value for a in args if a.keyword is None]
    value = positional[position] if len(positional) > position else None
    if value is None:
        for a in args:
            if a.keyword is not None and a.keyword.value == keyword:
                value = a.value
    if value is None:
        return position == 0  # sys.exit() exits 0; pytest.exit(msg) defaults to an error
    if isinstance(value, cst.Integer):
        return value.value == "0"
    return isinstance(value, cst.Name) and value.value in ("None", "False")


def _is_test_function(tree, func: cst.FunctionDef) -> bool:
    """A module-level ``test*`` function or a ``test*`` method."""
    if not func.name.value.startswith("test"):
        return False
    parent = tree.parent.get(func)
    if isinstance(parent, cst.Module):
        return True
    return isinstance(parent, cst.IndentedBlock) and isinstance(
        tree.parent.get(parent), cst.ClassDef
    )


def _is_fixture(ev: Evaluator, func: cst.FunctionDef) -> bool:
    for deco in func.decorators:
        expr = deco.decorator
        if isinstance(expr, cst.Call):
            expr = expr.func
        val = ev.eval(expr, follow=False)
        if val.kind == QUAL and (val.qual in R.FIXTURE_QUALS or val.qual.endswith(".fixture")):
            return True
        if isinstance(expr, cst.Name) and expr.value == "fixture":
            return True
    return False


def _assigned_name(node) -> str | None:
    if isinstance(node, cst.Assign) and len(node.targets) == 1:
        target = node.targets[0].target
    elif isinstance(node, cst.AnnAssign):
        target = node.target
    else:
        return None
    return target.value if isinstance(target, cst.Name) else None


def _ends_early(body) -> bool:
    """An ``if`` body that only returns or continues (a guard before later code)."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    if not statements:
        return False
    last = statements[-1]
    small = (
        last.body
        if isinstance(last, cst.SimpleStatementLine)
        else (last.body if isinstance(last, cst.SimpleStatementSuite) else [])
    )
    if isinstance(body, cst.SimpleStatementSuite):
        small = body.body
    return bool(small) and isinstance(small[-1], (cst.Return, cst.Continue))


def _empty_sequence(node) -> bool:
    return isinstance(node, (cst.List, cst.Tuple)) and not node.elements


def _catches_key_error(ev: Evaluator, handler: cst.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = (
        [e.value for e in handler.type.elements]
        if isinstance(handler.type, cst.Tuple)
        else [handler.type]
    )
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


def _within(tree, node, container) -> bool:
    return any(up is container for up in tree.ancestors(node))
