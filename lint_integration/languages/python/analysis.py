"""From source text to ``PythonAnalysis``: parse, walk, evaluate, find gates, classify facts.

The facts are role-independent (the rule modules apply the roles), except that runner files
also look for ``main`` returning early. One construct yields one fact: a read inside a gate's
condition, or a constant / predicate whose only uses feed gates, is marked ``in_gate`` /
``gate_only`` and reported through the gate; a gate takes the category of its most specific
variable (legacy toggle, CI heuristic or mode alias, INTEGRATION_MODE, dependency).
"""

from __future__ import annotations

import ast
import re
import sys
import weakref
from collections import OrderedDict
from pathlib import Path

from lint_integration.languages import NewerSyntax, ParseFailure
from lint_integration.languages.python import formula as F
from lint_integration.languages.python import resolver as R
from lint_integration.languages.python.facts import (
    ALIAS,
    ALLOWED,
    DEPENDENCY,
    HEURISTIC,
    LEGACY,
    MODE,
    MODE_VAR,
    VALID_MODES,
    EnvFunction,
    EnvRead,
    HeuristicUse,
    ModeRead,
    ModeValue,
    PythonAnalysis,
    SkipGate,
    ToggleUse,
    var_category,
)
from lint_integration.languages.python.gates import BoolOpPart, GateFinder, _assigned_name
from lint_integration.languages.python.tree import (
    FUNCTION_DEFS,
    Binding,
    Tree,
    all_params,
    children,
    dotted,
    is_decorator,
    quiet_parse,
)
from lint_integration.languages.python.values import (
    ENV,
    FUNC,
    LIT,
    QUAL,
    STRS,
    Evaluator,
    arg_values,
    keyword,
    positional,
    string_value,
)

MODE_WORDS = frozenset(
    {
        "live",
        "mock",
        "mocks",
        "mocked",
        "mocking",
        "cluster",
        "stub",
        "stubs",
        "stubbed",
        "fake",
        "fakes",
        "integration",
        "e2e",
        "mode",
        "real",
        "remote",
        "sandbox",
    }
)
MODE_STRINGS = frozenset({"repo", "local", "cluster", "live", "mock", "mocked"})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# ``NAME=value`` where a shell would read an assignment: at the start of the string or of a
# command (after ``&&``, ``;``, ``|``, ``(``, ``env``, ``export``), not inside prose such as a
# skip reason ("set RUN_INTEGRATION_TESTS=1").
_ASSIGNMENT_RE = re.compile(
    r"(?:^|&&|;|\||\(|\benv\s|\bexport\s)\s*((?:[A-Za-z_][A-Za-z0-9_]*=[^\s;&|)]*\s+)*)"
    r"([A-Za-z_][A-Za-z0-9_]*)=([^\s;&|)]*)"
)
_PHASES_TRIGGERED = ("environ", "getenv")


def _assignments(text: str) -> list[tuple[str, str]]:
    """``(NAME, value)`` of each shell-style assignment in a command string."""
    out = []
    for match in _ASSIGNMENT_RE.finditer(text):
        for prefix in match.group(1).split():
            name, _, value = prefix.partition("=")
            out.append((name, value.strip("'\"")))
        out.append((match.group(2), match.group(3).strip("'\"")))
    return out


def words(name: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(name)}


def parse(text: str) -> ast.Module:
    """Parse with ``ast``. Code the running Python rejects but LibCST's grammar accepts uses
    newer syntax (``type X = ...``, PEP 701 f-strings): ``NewerSyntax``, not a parse error."""
    from lint_integration.languages.nesting import check_depth

    # Since 3.11 the parser guards itself: the nesting check is paid only for input it rejects
    # (and says where, in the words of every other nesting report), before LibCST (whose parser
    # does overflow) sees it. An older parser may overflow the C stack: checked first.
    checked = sys.version_info < (3, 11)
    if checked:
        check_depth(text)
    try:
        return quiet_parse(text)
    except SyntaxError as py:
        failure = ParseFailure(f"syntax error: {py.msg}", py.lineno or 1, py.offset or 1)
    except ValueError as exc:  # null bytes
        raise ParseFailure(f"syntax error: {exc}", 1, 1) from None
    except (MemoryError, RecursionError):  # the parser's own guards against deep nesting
        check_depth(text)
        raise RecursionError("nesting too deep to parse") from None
    if not checked:
        check_depth(text)
    if _newer_syntax(text):
        version = f"{sys.version_info[0]}.{sys.version_info[1]}"
        raise NewerSyntax(
            f"uses Python syntax newer than the running Python {version}; not analysed; "
            "run lint-integration under a newer Python",
            failure.line,
            failure.column,
        )
    raise failure


def _newer_syntax(text: str) -> bool:
    """LibCST (imported only now) parses what the running Python rejected."""
    try:
        import libcst
    except ImportError:  # pragma: no cover - a dependency
        return False
    try:
        libcst.parse_module(text)
    except Exception:  # its own syntax error, or a crash on odd input: not newer syntax
        return False
    return True


class Builder:
    """Builds one ``PythonAnalysis``; also the source of the module's summary."""

    def __init__(
        self, text: str, path: Path, config, project, role: str, keep_tree: bool = False
    ) -> None:
        self.text = text
        self.path = Path(path)
        self.config = config
        self.project = project
        self.role = role
        self.tree = walked_tree(text, self.path, project, keep_tree)
        module = self.tree.module
        self.ev = Evaluator(self.tree, config, str(self.path), project)
        self.analysis = PythonAnalysis(
            module=module, path=self.path, role=role, text=text, _parents=self.tree.parent.d
        )
        self._gate_only_memo: dict[int, bool] = {}
        self._busy: set[int] = set()
        self._sets: list | None = None
        self._restored: set[str] | None = None
        self._own_writes: dict[int, list] = {}
        self._reads_by_node: dict[int, EnvRead] | None = None
        self._relevant: dict[str, bool] = {}

    # -- the pipeline ----------------------------------------------------------------------

    def find_reads(self) -> None:
        """Every env read of the module, into ``ev.found`` (calls, subscripts, ``in`` tests)."""
        tree, ev = self.tree, self.ev
        for nodes in (tree.calls, tree.subscripts, tree.comparisons):
            for node in nodes:
                ev.read_at(node)

    def build(self) -> PythonAnalysis:
        ev = self.ev
        self.find_reads()
        reads = list(ev.found)
        self.finder = GateFinder(ev, self.role)
        gates = self.finder.run()
        self._mode_comparisons()
        self._classify_gates(gates)
        self._predicate_gates(gates)
        for read in reads:
            self._mark_read(read)
            if not (read.in_gate or read.gate_only):
                read.hygiene = self._hygiene(read) or self._written_earlier(read)
        a = self.analysis
        a.reads = reads
        a.gates = [g for g in gates if g.category != ALLOWED]
        a.test_code = is_test_code(self.path, self.text) or self._imported_by_tests(reads)
        self._env_functions()
        self._mode_facts()
        self._toggle_facts()
        self._heuristic_facts()
        return a

    # -- gates -----------------------------------------------------------------------------

    def _classify_gates(self, gates: list[SkipGate]) -> None:
        config = self.config
        invalid_cmp = {
            node
            for node, (_, lits) in self.ev.mode_comparisons.items()
            if any(string_value(n) not in VALID_MODES for n in lits)
        }
        for gate in gates:
            cats = {var_category(v, config) for v in gate.env_vars}
            if gate.dynamic:
                cats.add(DEPENDENCY)
            if gate.condition is not None and any(
                _contains(self.tree, gate.condition, c) for c in invalid_cmp
            ):
                gate.category = "invalid-mode"
            elif LEGACY in cats:
                gate.category = LEGACY
            elif ALIAS in cats or HEURISTIC in cats:
                gate.category = HEURISTIC
            elif MODE in cats:
                gate.category = MODE
            elif DEPENDENCY in cats:
                gate.category = DEPENDENCY
            else:
                gate.category = ALLOWED
            if gate.category == DEPENDENCY:
                # Name only the variables that matter in messages.
                gate.env_vars = tuple(
                    v for v in gate.env_vars if var_category(v, config) != ALLOWED
                )
            if gate.target in ("marker", "decorator", "helper", "fixture"):
                gate.uses, gate.use_vars = self._uses(gate)
            gate.fixable = self._gate_fixable(gate)

    def _gate_fixable(self, gate: SkipGate) -> bool:
        when = gate.when  # type: ignore[attr-defined]
        if gate.dynamic or not gate.pure or not gate.env_vars:
            return False
        if any(p.startswith("option ") for p in gate.predicates):
            return False  # the value may come from a command-line option as well
        if gate.category == LEGACY:
            return gate.polarity in ("missing", "falsy") and self._simple_construct(gate)
        if gate.category != DEPENDENCY or gate.polarity != "missing" or not F.missing_any(when):
            return False
        return self._simple_construct(gate)

    def _simple_construct(self, gate: SkipGate) -> bool:
        if gate.condition is not None and _has_walrus(gate.condition):
            return False  # the condition binds a name the test may use
        if gate.kind == "mark":
            return gate.target in ("test", "class", "module", "marker", "fixture")
        if gate.kind == "if":
            if gate.target not in ("test", "fixture", "class", "module"):
                return False
            if gate.action_kind not in ("skip", "skipTest", "SkipTest", "return"):
                return False
            if any(r.var is None for r in gate.reads):
                return False  # a name from a loop or a parameter: no literal to require
            branch = gate.node.body if gate.branch == "body" else None
            return branch is not None and _only_statement(branch, gate.action)
        return False

    def _predicate_gates(self, gates: list[SkipGate]) -> None:
        """Gates whose env vars come only through predicate helpers are uses of them; a local
        predicate is reported once, at its definition."""
        uses: dict[str, list[SkipGate]] = {}
        for gate in gates:
            if not gate.direct and gate.predicates:
                for name in gate.predicates:
                    uses.setdefault(name, []).append(gate)
        for b in self._module_functions():
            name = b.name
            info = self.ev.func_info(b.node)
            if info.returns is None or info.env_param is not None:
                continue
            local = uses.get(name, [])
            # Only a function returning a condition can be a predicate used by importers' gates.
            extra = self._importer_counts(name) if info.returns.boolean else None
            if not local and not (extra and extra.gate_uses):
                continue
            base = local[0] if local else None
            known = True
            if base is not None:
                when = base.when  # type: ignore[attr-defined]
            elif extra.negated_gate_uses == extra.gate_uses:
                when = F.neg(info.returns.truth)  # ``skipif(not has_creds())``
            elif not extra.negated_gate_uses:
                when = info.returns.truth
            else:
                when, known = info.returns.truth, False
            gate = SkipGate(
                node=b.node,
                kind="predicate",
                action=None,
                action_kind=base.action_kind if base else "skipif",
                condition=None,
                env_vars=tuple(sorted(F.variables(when))),
                dynamic=F.is_dynamic(when),
                polarity=F.polarity(when),
                pure=F.is_pure(when),
                target="predicate",
                direct=known,
                target_name=name,
                target_node=b.node,
                reads=list(info.returns.reads),
            )
            gate.when = when  # type: ignore[attr-defined]
            gate.uses = sum(self._gate_test_count(g) for g in local) + (
                extra.gate_tests if extra else 0
            )
            gates.append(gate)
            self._classify_gates([gate])
            gate.fixable = False
            gate.uses = sum(self._gate_test_count(g) for g in local) + (
                extra.gate_tests if extra else 0
            )
        # Uses of predicates (local or imported) are not reported again.
        gates[:] = [g for g in gates if g.direct or not g.predicates or g.kind == "predicate"]

    def _module_functions(self) -> list[Binding]:
        out = []
        for bindings in self.tree.module_scope.bindings.values():
            for b in bindings:
                if b.kind == "func":
                    out.append(b)
        return out

    # -- uses of markers, decorators, helpers ----------------------------------------------

    def _uses(self, gate: SkipGate) -> tuple[int, tuple[str, ...]]:
        name = gate.target_name
        if not name:
            return None, ()
        binding = self._module_binding(name, gate.target_node)
        if binding is None:
            return None, ()  # a method: its uses are not counted
        count = 0
        use_vars: list[str] = []
        owner = gate.target_node
        if gate.target == "fixture":
            return self._fixture_uses(name), ()
        for load in self.tree.loads_of(binding):
            if owner is not None and _contains(self.tree, owner, load):
                continue
            count += self._use_test_count(load)
            call = self.tree.parent.get(load)
            if isinstance(call, ast.Call) and call.func is load:
                use_vars.extend(self._literal_args(call))
        extra = self._importer_counts(name)
        if extra:
            count += extra.tests
            use_vars.extend(extra.args)
        return count, tuple(dict.fromkeys(use_vars))

    def _module_binding(self, name: str, node) -> Binding | None:
        for b in self.tree.module_scope.bindings.get(name, ()):
            if node is None or b.node is node:
                return b
        return None

    def _literal_args(self, call: ast.Call) -> list[str]:
        out = []
        for arg in call.args:
            value = string_value(arg)
            if value is not None:
                out.append(value)
        return out

    def _use_test_count(self, load: ast.AST) -> int:
        tree = self.tree
        node = load
        for up in tree.ancestors(load):
            if is_decorator(node, up):
                if isinstance(up, ast.ClassDef):
                    return max(1, _class_tests(up))
                return 1
            if isinstance(up, (ast.Assign, ast.AnnAssign)):
                if _assigned_name(up) == "pytestmark":
                    scope = tree.scope_of.get(up)
                    if scope is not None and scope.kind == "class":
                        return max(1, _class_tests(scope.node))
                    return max(1, _module_tests(tree.module))
                return 1
            if isinstance(up, (*FUNCTION_DEFS, ast.ClassDef)):
                return 1
            node = up
        return 1

    def _gate_test_count(self, gate: SkipGate) -> int:
        if gate.target == "class" and isinstance(gate.target_node, ast.ClassDef):
            return max(1, _class_tests(gate.target_node))
        if gate.target == "module" and gate.kind == "mark":
            return max(1, _module_tests(self.tree.module))
        return 1

    def _fixture_uses(self, name: str) -> int:
        count = 0
        for func in self.tree.functions:
            if not func.name.startswith("test"):
                continue
            if any(p.arg == name for p in all_params(func.args)):
                count += 1
        extra = self._importer_counts(name, fixture=True)
        if extra:
            count += extra.tests
        return count or None  # requested by other fixtures only: no count to give

    def _imported_by_tests(self, reads: list[EnvRead]) -> bool:
        """A suite module without a framework import (``settings.py``, ``config.py``) is still
        test code when the suite's tests import its names: its reads are the suite's reads."""
        if self.project is None or self.role != "suite" or not reads:
            return False
        from lint_integration.languages.python.usage import importer_uses

        uses = importer_uses(self.project, str(self.path), self.config)
        return any(use.tests or use.gate_uses or use.other_uses for use in uses.names.values())

    def _importer_counts(self, name: str, fixture: bool = False):
        if self.project is None:
            return None
        stem = self.path.name
        if not fixture and (stem.startswith("test_") or stem.endswith("_test.py")):
            return None  # test modules are collected, not imported: no importers to scan
        from lint_integration.languages.python.usage import importer_uses

        uses = importer_uses(self.project, str(self.path), self.config, fixtures=fixture)
        return uses.fixture(name) if fixture else uses.get(name)

    # -- reads: in a gate, or only feeding gates --------------------------------------------

    def _mark_read(self, read: EnvRead) -> None:
        conditions = self.finder.condition_nodes
        tree = self.tree
        node = read.node
        for up in tree.ancestors(node):
            if id(up) in conditions or id(node) in conditions:
                read.in_gate = True
                return
            if isinstance(up, (ast.Assign, ast.AnnAssign)) and up.value is not None:
                read.gate_only = self._assign_gate_only(up)
                return
            if isinstance(up, ast.NamedExpr):
                continue
            if isinstance(up, ast.Return):
                func = tree.enclosing_function(up)
                if func is not None:
                    read.gate_only = self._function_gate_only(func)
                return
            if isinstance(up, ast.stmt):
                return
            node = up

    def _assign_gate_only(self, stmt) -> bool:
        scope = self.tree.scope_of.get(stmt)
        if scope is None:
            return False
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if not names:
            return False
        for name in names:
            for b in scope.bindings.get(name, ()):
                if b.node is stmt and not self._binding_gate_only(b):
                    return False
        return True

    def _function_gate_only(self, func: ast.FunctionDef) -> bool:
        scope = self.tree.scope_of.get(func)
        if scope is None:
            return False
        for b in scope.bindings.get(func.name, ()):
            if b.node is func:
                return self._binding_gate_only(b)
        return False

    def _binding_gate_only(self, b: Binding) -> bool:
        key = id(b)
        if key in self._gate_only_memo:
            return self._gate_only_memo[key]
        if key in self._busy:
            return False
        self._busy.add(key)
        try:
            result = self._compute_gate_only(b)
        finally:
            self._busy.discard(key)
        self._gate_only_memo[key] = result
        return result

    def _compute_gate_only(self, b: Binding) -> bool:
        loads = self.tree.loads_of(b)
        conditions = self.finder.condition_nodes
        # Local uses first: one that is not a gate settles it without scanning importers.
        if not all(self._load_feeds_gate(load, conditions) for load in loads):
            return False
        string_uses = self._string_uses(b.name) if b.scope is self.tree.module_scope else 0
        importer = None
        if b.scope is self.tree.module_scope:
            importer = self._importer_counts(b.name)
            # A use in a test body counts towards ``tests`` without being a gate use.
            if importer is not None and (
                importer.other_uses or importer.tests > importer.gate_tests
            ):
                return False
        return bool(loads or string_uses or (importer and importer.gate_uses))

    def _load_feeds_gate(self, load, conditions) -> bool:
        tree = self.tree
        node = load
        for up in tree.ancestors(load):
            if id(up) in conditions or id(node) in conditions:
                return True
            if isinstance(up, (ast.Assign, ast.AnnAssign)) and up.value is not None:
                return self._assign_gate_only(up)
            if isinstance(up, ast.Return):
                func = tree.enclosing_function(up)
                return func is not None and self._function_gate_only(func)
            if isinstance(up, ast.stmt):
                return False
            node = up
        return False

    def _string_uses(self, name: str) -> int:
        count = 0
        for val in self.finder.string_uses:
            count += any(name in (r.var or "") for r in val.reads)
        return count

    # -- environment hygiene ------------------------------------------------------------------

    def _hygiene(self, read: EnvRead) -> bool:
        """The read only decides or saves a write of the environment: ``if "X" in os.environ:
        monkeypatch.delenv("X")``, or ``old = os.environ.get("X")`` restored later."""
        tree = self.tree
        node = read.node
        # Compared with a literal or negated on the way up (``"X" not in os.environ`` too).
        checked = read.kind == "contains" and isinstance(read.node.ops[0], ast.NotIn)
        for up in tree.ancestors(read.node):
            if isinstance(up, ast.If) and node is up.test:
                if node is read.node and not checked and _raises_only(up.body) and not up.orelse:
                    # ``if "X" in os.environ: raise ...``: the test refuses a variable it is
                    # about to set itself, as ``assert "X" not in os.environ`` does.
                    return True
                return self._only_env_writes(up.body) and (
                    not up.orelse or self._only_env_writes(up.orelse)
                )
            if isinstance(up, ast.Assert):
                # ``assert os.environ["X"] == "1"`` / ``assert not os.getenv("X")`` verify what
                # the code under test did to the environment; a bare ``assert os.getenv("X")``
                # is a precondition on a dependency.
                return checked
            if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
                checked = True
            elif isinstance(up, ast.Compare):
                # Compared with literals: checking the environment's state. Compared with other
                # values (``assert span.host == os.environ.get("DB_HOST")``): a dependency read.
                checked = self._state_check(up, node, read.var)
            elif isinstance(up, ast.Call) and node is read.node and _asserted_by_unittest(up, node):
                return True
            if isinstance(up, ast.Assign) and any(
                isinstance(t, (ast.Tuple, ast.List))
                and any(id(e) in tree.store_subscripts for e in t.elts)
                for t in up.targets
            ):
                return True  # ``prev, os.environ["X"] = os.environ.get("X"), "new"``
            if (
                isinstance(up, ast.Assign)
                and len(up.targets) == 1
                and isinstance(up.targets[0], ast.Attribute)
            ):
                # ``self.saved = os.environ.get("X")`` ... ``os.environ["X"] = self.saved``
                return dotted(up.targets[0]) in self._restored_values()
            if isinstance(up, (ast.Assign, ast.AnnAssign)) and up.value is not None:
                scope = tree.scope_of.get(up)
                name = _assigned_name(up)
                if scope is None or name is None:
                    return False
                bindings = [b for b in scope.bindings.get(name, ()) if b.node is up]
                loads = [load for b in bindings for load in tree.loads_of(b)]
                return bool(loads) and all(
                    self._load_in_write(load) or self._asserted_state(load, read.var)
                    for load in loads
                )
            if isinstance(up, ast.stmt):
                return False
            node = up
        return False

    def _state_check(self, comparison: ast.Compare, node, var: str | None) -> bool:
        """``node`` is compared only with literals or with the same variable's value (read
        again, or saved earlier): a check of the environment's state, not a use of it."""
        sides = [comparison.left, *comparison.comparators]
        return all(
            side is node
            or _is_literal(side)
            or self._literal_name(side)
            or (var is not None and self._value_of(side, var))
            for side in sides
        )

    def _literal_name(self, node) -> bool:
        """A name bound only to literals (``value = "localhost"``): compared with it, a read
        checks the environment's state as it would against the literal itself."""
        return self._bound_only_to(node, _is_literal)

    def _bound_only_to(self, node, accept) -> bool:
        """``node`` is a name every binding of which assigns a value ``accept`` takes."""
        if not isinstance(node, ast.Name) or id(node) not in self.tree.scope_of.d:
            return False
        bindings = self.tree.resolve_load(node)
        return bool(bindings) and all(
            b.kind == "assign" and b.value is not None and accept(b.value) for b in bindings
        )

    def _value_of(self, node, var: str) -> bool:
        """``node`` is a read of ``var`` or a name bound only to one."""
        if self._reads_by_node is None:
            self._reads_by_node = {id(r.node): r for r in self.ev.found}
        read = self._reads_by_node.get(id(node))
        if read is not None:
            return read.var == var
        reads = self._reads_by_node
        return self._bound_only_to(
            node, lambda value: getattr(reads.get(id(value)), "var", None) == var
        )

    def _asserted_state(self, load, var: str | None) -> bool:
        """A saved value used only in ``assert`` checks against literals or the variable's
        current value (``assert os.environ.get("X") == saved``)."""
        node = load
        checked = False
        for up in self.tree.ancestors(load):
            if isinstance(up, ast.Assert):
                return checked or node is up.msg  # the failure message only shows it
            if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
                checked = True
            elif isinstance(up, ast.Compare):
                # Equality or identity only: ``assert ":" in saved`` inspects a dependency's value.
                checked = self._state_check(up, node, var) and all(
                    isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)) for op in up.ops
                )
            elif isinstance(up, ast.stmt):
                return False
            node = up
        return False

    def _written_earlier(self, read: EnvRead) -> bool:
        """The same function set or removed the variable before reading it
        (``monkeypatch.setenv("X", v)`` ... ``os.environ["X"]``): it reads back its own value,
        not a dependency's."""
        if not read.var:
            return False
        func = next(
            (up for up in self.tree.ancestors(read.node) if isinstance(up, FUNCTION_DEFS)), None
        )
        if func is None:
            return False
        writes = self._own_writes.get(id(func))
        if writes is None:
            # The function's own writes, and those of ``@patch.dict(os.environ, ...)`` on the
            # classes around it (they apply to every method).
            classes = [up for up in self.tree.ancestors(func) if isinstance(up, ast.ClassDef)]
            writes = _env_writes(self, func)
            for cls in classes:
                writes += _env_writes(self, cls, body=False)
            self._own_writes[id(func)] = writes
        start = self.analysis.span(read.node)[0]
        return any(
            var in (read.var, "*") and self.analysis.span(node)[0] < start for var, node in writes
        )

    def _restored_values(self) -> set[str]:
        """Dotted names written back into the environment (``os.environ[X] = self.saved``)."""
        if self._restored is None:
            restored = set()
            for node in self.tree.assigns:
                if isinstance(node, ast.Assign) and self._is_env_write(node):
                    name = dotted(node.value)
                    if name:
                        restored.add(name)
            for call in self.tree.calls:
                func = call.func
                if isinstance(func, ast.Attribute) and func.attr in ("setenv", "putenv"):
                    for arg in arg_values(call)[1:2]:
                        name = dotted(arg)
                        if name:
                            restored.add(name)
            self._restored = restored
        return self._restored

    def _load_in_write(self, load) -> bool:
        tree = self.tree
        node = load
        for up in tree.ancestors(load):
            if isinstance(up, ast.If) and node is up.test:
                return self._only_env_writes(up.body)
            if isinstance(up, ast.stmt):
                return self._is_env_write(up)
            node = up
        return False

    def _only_env_writes(self, statements: list) -> bool:
        for stmt in statements:
            if isinstance(stmt, ast.If):
                if not (
                    self._only_env_writes(stmt.body)
                    and (not stmt.orelse or self._only_env_writes(stmt.orelse))
                ):
                    return False
            elif not self._is_env_write(stmt):
                return False
        return bool(statements)

    def _is_env_write(self, stmt) -> bool:
        if isinstance(stmt, ast.Pass):
            return True
        if isinstance(stmt, ast.Delete):
            targets = stmt.targets
            return (
                len(targets) == 1
                and isinstance(targets[0], ast.Subscript)
                and id(targets[0]) in self.tree.del_subscripts
            )
        if isinstance(stmt, ast.Assign):
            return any(
                isinstance(t, ast.Subscript)
                and id(t) in self.tree.store_subscripts
                and self.ev._is_environ(t.value, self.tree.scope_of[stmt])
                for t in stmt.targets
            )
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            return isinstance(func, ast.Attribute) and func.attr in _ENV_WRITE_METHODS
        return False

    # -- env functions (flag parsers) --------------------------------------------------------

    def _env_functions(self) -> None:
        for b in self._module_functions():
            info = self.ev.func_info(b.node)
            if info.env_param is None or all(r.hygiene for r in info.reads):
                continue
            param, index = info.env_param
            call_vars: list[str] = []
            for load in self.tree.loads_of(b):
                call = self.tree.parent.get(load)
                if isinstance(call, ast.Call) and call.func is load and index < len(call.args):
                    value = string_value(call.args[index])
                    if value is not None:
                        call_vars.append(value)
            extra = self._importer_counts(b.name)
            if extra:
                call_vars.extend(extra.args)
            fn = EnvFunction(
                node=b.node,
                name=b.name,
                param=param,
                index=index,
                flag=info.flag,
                reads=list(info.reads),
                call_vars=tuple(dict.fromkeys(call_vars)),
                gate_only=self._binding_gate_only(b),
            )
            self.analysis.env_functions.append(fn)

    # -- INTEGRATION_MODE --------------------------------------------------------------------

    def _mode_comparisons(self) -> None:
        """Evaluate comparisons with string literals so mode comparisons are recorded."""
        ev = self.ev
        for node in self.tree.comparisons:
            sides = [node.left, *node.comparators]
            if any(_is_string_side(s) for s in sides):
                follow = any(_mode_word_side(s) for s in sides)
                ev.eval(node, follow=follow)

    def _mode_facts(self) -> None:
        a = self.analysis
        comparisons = self.ev.mode_comparisons
        by_read: dict[EnvRead, tuple[ast.Compare, list]] = {}
        for node, (val, lits) in comparisons.items():
            for read in val.reads:
                by_read.setdefault(read, (node, lits))
            for lit in lits:
                value = string_value(lit) or ""
                a.mode_values.append(_mode_value(lit, value, "compare", node))
        for read in a.reads:
            if read.category != MODE:
                continue
            comparison, lits = by_read.get(read, (None, []))
            compared = tuple(string_value(n) or "" for n in lits)
            fixable = bool(compared) and all(v in VALID_MODES for v in compared)
            a.mode_reads.append(ModeRead(read, comparison, compared, fixable))
        for var, value_node, construct, literal in self._env_sets():
            if var == MODE_VAR and literal is not None and value_node is not None:
                a.mode_values.append(_mode_value(value_node, literal, "set", construct))

    def _env_sets(self):
        """(variable, value node, construct, literal value) for every environment write with a
        literal name: ``os.environ[X] = v``, ``setenv(X, v)``, ``setdefault`` / ``putenv``, dict
        literals and keyword arguments, and ``X=v`` strings (command lines)."""
        if self._sets is not None:
            return self._sets
        ev, tree = self.ev, self.tree
        relevant = self._relevant_var
        out = []
        for node in tree.assigns:
            if not isinstance(node, ast.Assign):
                continue
            for t in node.targets:
                if isinstance(t, ast.Subscript) and ev._is_environ(t.value, tree.scope_of[node]):
                    name = string_value(t.slice)
                    if name and relevant(name):
                        out.append((name, node.value, node, string_value(node.value)))
        for call in tree.calls:
            func = call.func
            args = positional(call)
            if isinstance(func, ast.Attribute) and func.attr in (
                "setenv",
                "setdefault",
                "putenv",
                "delenv",
                "unsetenv",
            ):
                method = func.attr
                is_env_method = (
                    method in ("setenv", "delenv")
                    or ev._is_environ(func.value, tree.scope_of[call])
                    or ev.eval(func, follow=False).kind == QUAL
                )
                if is_env_method and args:
                    name = string_value(args[0])
                    if name and relevant(name):
                        value = args[1] if len(args) > 1 else None
                        literal = string_value(value) if value is not None else None
                        out.append((name, value, call, literal))
            for arg in call.keywords:
                if arg.arg is not None and relevant(arg.arg):
                    out.append((arg.arg, arg.value, arg, string_value(arg.value)))
        for element in tree.dict_elements:
            name = string_value(element.key)
            if name and relevant(name):
                out.append((name, element.value, element, string_value(element.value)))
        for string in tree.eq_strings:
            value = string_value(string)
            if not value or "=" not in value:
                continue
            for name, literal in _assignments(value):
                if not relevant(name):
                    continue
                out.append((name, string, string, literal))
        self._sets = out
        return out

    def _relevant_var(self, name: str) -> bool:
        known = self._relevant.get(name)
        if known is None:
            config = self.config
            known = self._relevant[name] = (
                name == MODE_VAR or config.is_legacy_toggle(name) or config.is_mode_alias(name)
            )
        return known

    # -- legacy toggles ----------------------------------------------------------------------

    def _toggle_facts(self) -> None:
        a = self.analysis
        config = self.config
        for gate in a.gates:
            if gate.category == LEGACY:
                for var in gate.env_vars:
                    if config.is_legacy_toggle(var):
                        a.toggles.append(
                            ToggleUse(
                                gate.node,
                                var,
                                "gate",
                                gate=gate,
                                live_only=gate.polarity in ("missing", "falsy"),
                                fixable=gate.fixable,
                            )
                        )
                        break
        for read in a.reads:
            if read.in_gate or read.gate_only:
                continue
            toggles = [v for v in read.names if config.is_legacy_toggle(v)]
            if not toggles:
                continue
            test_node, live = self._truth_test(read)
            a.toggles.append(
                ToggleUse(
                    read.node,
                    toggles[0],
                    "read",
                    read=read,
                    live_only=live,
                    test_node=test_node,
                    fixable=live,
                )
            )
        for var, _, construct, _ in self._env_sets():
            if config.is_legacy_toggle(var):
                a.toggles.append(ToggleUse(construct, var, "write"))

    def _truth_test(self, read: EnvRead) -> tuple[ast.AST | None, bool]:
        """The smallest expression that tests the toggle for "enabled", when used as a
        condition (``if os.getenv("RUN_LIVE_TESTS") == "1":``)."""
        tree = self.tree
        node = read.node
        up = tree.parent.get(node)
        while (
            isinstance(up, ast.Attribute)
            and isinstance(tree.parent.get(up), ast.Call)
            and up.attr in ("lower", "strip", "casefold")
        ):
            node = tree.parent[up]
            up = tree.parent.get(node)
        if read.kind != "contains" and isinstance(up, ast.Compare):
            if up.left is not node:
                return None, False  # compared from the right: not a truthiness test
            if len(up.ops) != 1:
                return None, False
            op = up.ops[0]
            lits = _string_literals(up.comparators[0])
            if lits is None or not isinstance(op, (ast.Eq, ast.In)):
                return None, False
            if not {v.lower() for v in lits} <= {"1", "true", "yes", "on", "y"}:
                return None, False
            node = up
            up = tree.parent.get(node)
        elif read.kind == "contains" and isinstance(read.node.ops[0], ast.NotIn):
            return None, False
        boolean_context = (
            (isinstance(up, (ast.If, ast.While, ast.IfExp)) and up.test is node)
            or isinstance(up, ast.BoolOp)
            or (isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not))
            or (isinstance(node, ast.Compare) and isinstance(up, (ast.Assign, ast.Return)))
        )
        return (node, True) if boolean_context else (None, False)

    # -- heuristics ----------------------------------------------------------------------------

    def _heuristic_facts(self) -> None:
        a = self.analysis
        config = self.config
        for gate in a.gates:
            if gate.category == HEURISTIC and not _platform_limited(gate.condition):
                var = next(
                    (
                        v
                        for v in gate.env_vars
                        if config.is_mode_alias(v) or config.is_heuristic_var(v)
                    ),
                    None,
                )
                if var is not None:
                    a.heuristics.append(
                        HeuristicUse(gate.node, var, config.is_mode_alias(var), "gate", gate=gate)
                    )
        sets_mode = self._mode_set_values()
        for read in a.reads:
            if read.in_gate or read.gate_only:
                continue
            names = read.names
            alias = next((v for v in names if config.is_mode_alias(v)), None)
            if alias is not None:
                a.heuristics.append(
                    HeuristicUse(read.node, alias, True, "alias", read=read, fixable=True)
                )
                continue
            heuristic = next((v for v in names if config.is_heuristic_var(v)), None)
            if heuristic is None:
                continue
            reason = self._decides_mode(read, sets_mode)
            if reason is not None:
                read.decides_mode = True
                a.heuristics.append(HeuristicUse(read.node, heuristic, False, reason, read=read))

    def _mode_set_values(self) -> list[ast.AST]:
        return [
            value
            for var, value, _, _ in self._env_sets()
            if value is not None and (var == MODE_VAR or self.config.is_mode_alias(var))
        ]

    def _decides_mode(self, read: EnvRead, sets_mode: list[ast.AST]) -> str | None:
        tree = self.tree
        for value in sets_mode:
            if _contains(tree, value, read.node):
                return "sets-mode"
        node = read.node
        for up in tree.ancestors(read.node):
            if isinstance(up, (ast.If, ast.IfExp)) and node is up.test:
                if self._mode_branches(up):
                    return "branch"
                return None
            if isinstance(up, (ast.Assign, ast.AnnAssign)):
                name = _assigned_name(up)
                if name and words(name) & MODE_WORDS:
                    return "flag"
                if name:
                    return self._name_decides(up, name, sets_mode)
                return None
            if isinstance(up, ast.stmt):
                return None
            node = up
        return None

    def _name_decides(self, stmt, name: str, sets_mode) -> str | None:
        """A variable holding a CI heuristic that then picks live-vs-mock branches."""
        scope = self.tree.scope_of.get(stmt)
        if scope is None:
            return None
        for b in scope.bindings.get(name, ()):
            if b.node is not stmt:
                continue
            for load in self.tree.loads_of(b):
                for value in sets_mode:
                    if _contains(self.tree, value, load):
                        return "sets-mode"
                node = load
                for up in self.tree.ancestors(load):
                    if isinstance(up, (ast.If, ast.IfExp)) and node is up.test:
                        if self._mode_branches(up):
                            return "branch"
                        break
                    if isinstance(up, ast.stmt):
                        break
                    node = up
        return None

    def _mode_branches(self, node) -> bool:
        branches = [node.body, node.orelse]
        for branch in branches:
            if not branch:
                continue
            stack = list(reversed(branch)) if type(branch) is list else [branch]
            seen = 0
            while stack and seen < 400:
                n = stack.pop()
                seen += 1
                if isinstance(n, ast.Name) and words(n.id) & MODE_WORDS:
                    return True
                if isinstance(n, ast.Attribute):
                    if words(n.attr) & MODE_WORDS:
                        return True
                    stack.append(n.value)
                    continue
                if isinstance(n, ast.Constant):
                    value = string_value(n)
                    if value is not None and value.lower() in MODE_STRINGS:
                        return True
                    continue
                if isinstance(n, ast.JoinedStr):
                    stack.extend(v for v in n.values if isinstance(v, ast.FormattedValue))
                    continue
                stack.extend(reversed(children(n)))
        return False


# -- helpers ---------------------------------------------------------------------------------


_WRITE_METHODS = frozenset({"setenv", "delenv", "pop", "unsetenv", "putenv"})


def _env_writes(builder: Builder, func, body: bool = True) -> list[tuple[str, ast.AST]]:
    """Literal-named writes and removals of environment variables in one function body and its
    decorators (only the decorators with ``body=False``). ``"*"`` stands for every variable: a
    ``patch.dict(os.environ, ..., clear=True)`` leaves only what the test put there."""
    tree, ev = builder.tree, builder.ev
    found: list[tuple[str, ast.AST]] = []

    def subscript(target, stmt) -> None:
        if not isinstance(target, ast.Subscript):
            return
        scope = tree.scope_of.get(stmt)
        if scope is not None and not isinstance(target.slice, (ast.Slice, ast.Tuple)):
            name = string_value(target.slice)
            if name and ev._is_environ(target.value, scope):
                found.append((name, stmt))

    def environ(node, call) -> bool:
        scope = tree.scope_of.get(call)
        if string_value(node) == "os.environ":  # ``patch.dict("os.environ", ...)``
            return True
        return scope is not None and ev._is_environ(node, scope)

    for stmt in (*func.decorator_list, *(func.body if body else ())):
        for node in ast.walk(stmt):
            tp = type(node)
            if tp is ast.Assign:
                for target in node.targets:
                    subscript(target, node)
            elif tp is ast.Delete:
                for target in node.targets:
                    for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                        subscript(t, node)
            elif tp is ast.Call:
                f = node.func
                if not isinstance(f, ast.Attribute):
                    continue
                args = positional(node)
                if f.attr in _ITEM_METHODS or _is_patch_dict(f):
                    if not (args and environ(args[0], node)):
                        continue
                    if f.attr == "dict":
                        keys = _patched_keys(node, args, func)
                    else:  # ``setitem(os.environ, "X", v)``, ``delitem(os.environ, "X")``
                        keys = [string_value(args[1])] if len(args) > 1 else []
                    found.extend((key, node) for key in keys if key)
                    continue
                if f.attr not in _WRITE_METHODS:
                    continue
                name = string_value(args[0]) if args else None
                if not name:
                    continue
                scope = tree.scope_of.get(node)
                if f.attr in ("setenv", "delenv") or (
                    scope is not None and ev._is_environ(f.value, scope)
                ):
                    found.append((name, node))
    return found


# What says which platform the run is on: ``sys.platform``, ``os.name``, ``platform.system()``.
_PLATFORM_ATTRIBUTES = frozenset({("sys", "platform"), ("os", "name")})
_PLATFORM_CALLS = frozenset(
    {("platform", "system"), ("platform", "machine"), ("platform", "python_implementation")}
)


def _platform_limited(condition) -> bool:
    """``platform.system() == "Darwin" and os.environ.get("CI")``: a skip on CI for one
    platform works around a runner (no containers on macOS runners, a flaky toolchain); it
    does not choose between live and mocked dependencies."""
    if not (isinstance(condition, ast.BoolOp) and isinstance(condition.op, ast.And)):
        return False
    for value in condition.values:
        for node in ast.walk(value):
            if isinstance(node, ast.Call):
                node = node.func
                pairs = _PLATFORM_CALLS
            else:
                pairs = _PLATFORM_ATTRIBUTES
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in pairs
            ):
                return True
    return False


# ``monkeypatch.setitem(os.environ, "X", v)`` / ``delitem``.
_ITEM_METHODS = frozenset({"setitem", "delitem"})


def _is_patch_dict(func: ast.Attribute) -> bool:
    """``patch.dict``, ``mock.patch.dict``, ``mocker.patch.dict``."""
    target = func.value
    return func.attr == "dict" and (
        (isinstance(target, ast.Name) and target.id == "patch")
        or (isinstance(target, ast.Attribute) and target.attr == "patch")
    )


def _patched_keys(call: ast.Call, args: list, func) -> list[str]:
    """The variables ``patch.dict(os.environ, values, clear=..., **kw)`` sets: the literal
    keys of ``values`` (a dict literal, or a name the function binds to one and fills by
    literal keys) and of the keywords; ``"*"`` with ``clear=True``."""
    keys = [k.arg for k in call.keywords if k.arg not in (None, "values", "clear")]
    clear = keyword(call, "clear")
    if isinstance(clear, ast.Constant) and clear.value is True:
        keys.append("*")
    values = args[1] if len(args) > 1 else keyword(call, "values")
    if isinstance(values, ast.Dict):
        keys += [string_value(k) for k in values.keys if k is not None]
    elif isinstance(values, ast.Name):
        keys += _dict_keys_of(values.id, func)
    return [k for k in keys if k]


def _dict_keys_of(name: str, func) -> list[str]:
    """Literal keys a function gives the dict it names ``name``: ``name = {"K": v}`` and
    ``name["K"] = v``."""
    keys: list[str | None] = []
    for node in ast.walk(func) if isinstance(func, FUNCTION_DEFS) else ():
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                if isinstance(node.value, ast.Dict):
                    keys += [string_value(k) for k in node.value.keys if k is not None]
            elif (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == name
            ):
                keys.append(string_value(target.slice))
    return [k for k in keys if k]


_ENV_WRITE_METHODS = frozenset(
    {"setenv", "delenv", "pop", "unsetenv", "putenv", "update", "setdefault", "clear"}
)
_FRAMEWORK_IMPORT = re.compile(
    r"^[ \t]*(?:import|from)[ \t]+(?:pytest|_pytest|unittest|nose|nose2|hypothesis|testtools)\b",
    re.M,
)
# A module that defines tests is test code whatever it imports (pytest needs no import).
_TEST_DEFINITION = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+test_|^class[ \t]+Test", re.M)
_SUPPORT_WORDS = (
    "test",
    "helper",
    "fixture",
    "util",
    "support",
    "mock",
    "fake",
    "stub",
    "marker",
    "common",
    "factor",
    "conftest",
)


def is_test_code(path: Path, text: str) -> bool:
    """Test modules, conftest files, test helpers and anything importing a test framework; not
    the handlers, settings and sample apps that suites keep next to their tests."""
    stem = path.stem.lower()
    if any(word in stem for word in _SUPPORT_WORDS):
        return True
    if path.name == "__init__.py" and any(w in path.parent.name.lower() for w in _SUPPORT_WORDS):
        return True
    return bool(_FRAMEWORK_IMPORT.search(text) or _TEST_DEFINITION.search(text))


def _contains(tree: Tree, outer, inner) -> bool:
    if isinstance(outer, BoolOpPart):
        return any(_contains(tree, v, inner) for v in outer.values)
    return outer is inner or any(up is outer for up in tree.ancestors(inner))


# unittest's assertions that check a value against another (a literal there makes it a check
# of the environment's state) or its absence alone. ``assertTrue``/``assertIsNotNone``/
# ``assertNotEqual(x, "")`` check a dependency's presence: they stay probes.
_UNITTEST_EQUALS = frozenset({"assertEqual", "assertEquals", "assertIs", "assertMultiLineEqual"})
_UNITTEST_ABSENT = frozenset({"assertIsNone", "assertFalse"})


def _asserted_by_unittest(call: ast.Call, arg) -> bool:
    """``self.assertEqual(os.environ["X"], "v")``, ``self.assertIsNone(os.getenv("X"))``:
    the test checks what the code under test did to the environment."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not call.args:
        return False
    if func.attr in _UNITTEST_ABSENT:
        return call.args[0] is arg
    if func.attr not in _UNITTEST_EQUALS or len(call.args) < 2:
        return False
    first, second = call.args[:2]
    return (first is arg and _is_literal(second)) or (second is arg and _is_literal(first))


def _raises_only(body: list) -> bool:
    return bool(body) and all(isinstance(stmt, ast.Raise) for stmt in body)


def _is_literal(node) -> bool:
    if isinstance(node, ast.Constant):
        return not isinstance(node.value, (bytes, complex)) and node.value is not Ellipsis
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_literal(e) for e in node.elts)
    return False


def _has_walrus(node) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.NamedExpr):
            return True
        stack.extend(children(current))
    return False


def _only_statement(block: list, action) -> bool:
    """The block holds just the skip action (a docstring-free ``pytest.skip(...)`` etc.)."""
    if len(block) != 1:
        return False
    stmt = block[0]
    if stmt is action:
        return True
    return isinstance(stmt, ast.Expr) and stmt.value is action


def _class_tests(cls: ast.ClassDef) -> int:
    return sum(1 for s in cls.body if isinstance(s, FUNCTION_DEFS) and s.name.startswith("test"))


def _module_tests(module: ast.Module) -> int:
    count = 0
    for s in module.body:
        if isinstance(s, FUNCTION_DEFS) and s.name.startswith("test"):
            count += 1
        elif isinstance(s, ast.ClassDef):
            count += _class_tests(s)
    return count


def _is_string_side(node) -> bool:
    if string_value(node) is not None:
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(string_value(e) is not None for e in node.elts)
    return False


# String literals that make a comparison worth following imports for (is the other side a
# mode imported from a sibling module?).
_MODE_LIKE = frozenset(
    {"live", "mock", "mocked", "integration", "e2e", "staging", "real", "fake", "remote"}
    | {"offline", "online", "kube", "k8s", "cluster", "repo", "ci"}
)


def _mode_word_side(node) -> bool:
    values = _string_literals(node) or []
    return any(v.lower() in _MODE_LIKE for v in values)


def _string_literals(node) -> list[str] | None:
    value = string_value(node)
    if value is not None:
        return [value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        out = [string_value(e) for e in node.elts]
        if all(v is not None for v in out):
            return out  # type: ignore[return-value]
    return None


def _mode_value(node, value: str, context: str, construct) -> ModeValue:
    valid = value in VALID_MODES
    suggestion = None
    if not valid and value.strip().lower() in VALID_MODES:
        suggestion = value.strip().lower()
    return ModeValue(node, value, context, construct, valid, suggestion)


# Walked trees of the modules summarized in this run, so that a module imported by a suite and
# then checked itself is parsed once. Bounded per project; keyed by path and exact text.
_TREES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_TREES_PER_PROJECT = 64


def walked_tree(text: str, path: Path, project, keep: bool = False) -> Tree:
    """Parse and walk ``text``. A summary's tree is kept (``keep``) for the file's own check,
    which takes it back out: each kept tree is reused at most once."""
    if project is None:
        return Tree(parse(text))
    try:
        cache = _TREES.setdefault(project, OrderedDict())
    except TypeError:  # a project object that cannot be weakly referenced
        return Tree(parse(text))
    key = (str(path), text)
    tree = cache.pop(key, None)
    if tree is None:
        tree = Tree(parse(text))
        if keep:
            cache[key] = tree
            if len(cache) > _TREES_PER_PROJECT:
                cache.popitem(last=False)
    return tree


def build_analysis(text: str, path, config, project=None, role: str = "suite") -> Builder:
    builder = Builder(text, Path(path), config, project, role)
    builder.build()
    return builder


__all__ = ["ENV", "FUNC", "LIT", "QUAL", "STRS", "Builder", "R", "build_analysis", "parse"]
