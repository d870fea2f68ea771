"""Abstract values of expressions: what an expression knows about the environment.

The evaluator answers, for any expression of the module, "is this an env read, an
env-derived value or condition, a known library object (``os.environ``, ``pytest.mark.skipif``),
a skip mark, a local function or module?". It follows names through their bindings
(module constants, locals, loop variables over literal tuples, walrus targets), local functions
(predicates, flag parsers) and, when allowed, imports of sibling modules through their
summaries. It never executes anything.
"""

from __future__ import annotations

import ast

from lint_integration.languages.nesting import check_depth
from lint_integration.languages.python import formula as F
from lint_integration.languages.python import resolver as R
from lint_integration.languages.python.facts import EnvRead, var_category
from lint_integration.languages.python.tree import (
    COMPREHENSION,
    FUNCTION,
    MODULE,
    Binding,
    NodeMap,
    Scope,
    Tree,
)

# Value kinds.
QUAL = "qual"  # a library object: ``qual`` is its dotted name
ENV = "env"  # derived from the environment
LIT = "lit"  # a Python literal: ``lit``
STRS = "strs"  # a tuple/list of string literals: ``strs``
FUNC = "func"  # a local function: ``node`` (FunctionDef)
EXPORT = "export"  # a name imported from a sibling module: ``info`` (summary.Export)
MARK = "mark"  # a skip mark / skip decorator object
MODREF = "module"  # a local module: ``path``
PARAM = "param"  # a function parameter: ``name``
METHOD = "method"  # ``base.attr`` waiting to be called: ``base``, ``attr``
UNKNOWN = "unknown"

TRUTHY = frozenset({"1", "true", "yes", "on", "y", "t", "enabled", "enable"})
FALSY = frozenset({"0", "false", "no", "off", "n", "f", "disabled", "disable", ""})
_CASE_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title"})


# Defaults that make an env variable a switch rather than a value.
_SWITCH_WORDS = frozenset({"0", "1", "true", "false", "yes", "no", "on", "off", "y", "n", "t", "f"})


def _literal_default(lit) -> str:
    """The kind of a literal default that is not ``None`` or ``""``: ``falsy`` (``False``,
    ``0``: as falsy as an unset variable), ``switch`` (``"0"``, ``"false"``, ``True``: the
    variable is an on/off switch) or ``value``."""
    if not lit:
        return "falsy"
    if not isinstance(lit, str) or lit.strip().lower() in _SWITCH_WORDS:
        return "switch"
    return "value"


class Val:
    """An abstract value. Only the fields of its kind are meaningful."""

    __slots__ = (
        "attr",
        "base",
        "boolean",
        "default",
        "direct",
        "dyn",
        "flag",
        "info",
        "kind",
        "lit",
        "mark",
        "name",
        "node",
        "path",
        "qual",
        "raw",
        "reads",
        "strs",
        "truth",
        "vars",
        "via",
    )

    def __init__(self, kind: str, **kw) -> None:
        self.kind = kind
        self.qual = kw.get("qual")
        self.lit = kw.get("lit")
        self.strs = kw.get("strs", ())
        self.node = kw.get("node")
        self.info = kw.get("info")
        self.path = kw.get("path")
        self.name = kw.get("name")
        self.base = kw.get("base")
        self.attr = kw.get("attr")
        self.mark = kw.get("mark")
        # ENV fields
        self.vars: frozenset[str] = kw.get("vars", frozenset())
        self.dyn: frozenset[str] = kw.get("dyn", frozenset())  # parameter names as keys
        self.raw: str | None = kw.get("raw")  # the single variable whose raw value this is
        self.default: str = kw.get("default", "none")
        self.flag: bool = kw.get("flag", False)
        self.boolean: bool = kw.get("boolean", False)
        self.truth: tuple = kw.get("truth", F.OPAQUE)
        self.reads: tuple[EnvRead, ...] = kw.get("reads", ())
        self.direct: bool = kw.get("direct", True)
        self.via: tuple[str, ...] = kw.get("via", ())

    @property
    def is_env(self) -> bool:
        return self.kind == ENV

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        if self.kind == ENV:
            return f"Val(env vars={sorted(self.vars)} raw={self.raw} truth={self.truth})"
        return f"Val({self.kind} {self.qual or self.lit or self.strs or ''})"


UNKNOWN_VAL = Val(UNKNOWN)


def env_val(
    reads=(),
    vars=(),
    dyn=(),
    raw=None,
    default="none",
    flag=False,
    boolean=False,
    truth=None,
    direct=True,
    via=(),
) -> Val:
    vs = frozenset(vars)
    ds = frozenset(dyn)
    if truth is None:
        truth = (
            F.conj(
                [F.atom(v, F.CMP) for v in sorted(vs)]
                + [F.atom(None, F.CMP, p) for p in sorted(ds)]
            )
            if (vs or ds)
            else F.OPAQUE
        )
    return Val(
        ENV,
        reads=tuple(reads),
        vars=vs,
        dyn=ds,
        raw=raw,
        default=default,
        flag=flag,
        boolean=boolean,
        truth=truth,
        direct=direct,
        via=tuple(via),
    )


def merge_env(vals: list[Val], truth: tuple, boolean: bool = False) -> Val:
    """An env value derived from several values (their reads, variables and indirections);
    when every variable it derives from always has a value, so does it."""
    envs = [v for v in vals if v.kind == ENV]
    reads: list[EnvRead] = []
    via: list[str] = []
    for v in envs:
        reads.extend(v.reads)
        via.extend(v.via)
    return env_val(
        reads=reads,
        vars=set().union(*(v.vars for v in envs)) if envs else (),
        dyn=set().union(*(v.dyn for v in envs)) if envs else (),
        default="value" if envs and all(v.default == "value" for v in envs) else "none",
        boolean=boolean,
        truth=truth,
        direct=any(v.direct for v in envs),
        via=via,
    )


def truth_of(val: Val) -> tuple:
    """The truthiness of a value as a condition."""
    if val.kind == ENV:
        return val.truth
    if val.kind == LIT:
        return F.TRUE if val.lit else F.FALSE
    if val.kind == STRS:
        return F.TRUE if val.strs else F.FALSE
    return F.OPAQUE


def raw_truth(var: str | None, default: str, flag: bool, param: str | None = None) -> tuple:
    if flag:
        return F.atom(var, F.FLAG, param)
    if default in ("none", "empty", "falsy"):  # true exactly when set and non-empty
        return F.atom(var, F.SET, param)
    return F.atom(var, F.CMP, param)


def _presence(node: ast.AST, parents) -> str | None:
    """``EnvRead.presence`` of a ``.get`` / ``getenv`` read ``node``."""
    up = parents.get(node)
    if isinstance(up, (ast.If, ast.While, ast.IfExp)) and up.test is node:
        return "test"  # (``assert os.getenv("X")`` demands the variable: require_env does too)
    if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
        return "test"
    if isinstance(up, ast.comprehension) and any(test is node for test in up.ifs):
        return "test"
    if (
        isinstance(up, ast.Compare)
        and len(up.ops) == 1
        and isinstance(up.ops[0], (ast.Is, ast.IsNot))
        and any(isinstance(c, ast.Constant) and c.value is None for c in (up.left, *up.comparators))
    ):
        return "test"
    if (
        isinstance(up, ast.Call)
        and isinstance(up.func, ast.Name)
        and up.func.id == "bool"
        and len(up.args) == 1
        and up.args[0] is node
    ):
        return "test"
    if isinstance(up, ast.BoolOp):
        return "fallback"
    return None


def string_value(node) -> str | None:
    """The value of a plain string literal (no f-strings), else None."""
    if type(node) is ast.Constant:
        value = node.value
        if type(value) is str:
            return value
    return None


def positional(call: ast.Call) -> list[ast.expr]:
    """The positional arguments of ``call`` that are not unpacked (``*args``)."""
    return [a for a in call.args if type(a) is not ast.Starred]


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def arg_values(call: ast.Call) -> list[ast.expr]:
    """Every argument that is not unpacked, positional ones first, in source order."""
    return [*positional(call), *(k.value for k in call.keywords if k.arg is not None)]


class FuncInfo:
    """What a local function does with the environment (computed on first use)."""

    __slots__ = ("env_param", "flag", "node", "reads", "returns")

    def __init__(self, node: ast.FunctionDef) -> None:
        self.node = node
        self.env_param: tuple[str, int] | None = None  # reads the variable named by a param
        self.flag = True  # returns a parsed flag rather than the raw value
        self.returns: Val | None = None  # env-derived value it returns (a predicate)
        self.reads: list[EnvRead] = []


class Evaluator:
    """Evaluates expressions of one module to ``Val``s, with memoized bindings."""

    def __init__(self, tree: Tree, config, path, project=None) -> None:
        self.tree = tree
        self.config = config
        self.path = path
        self.project = project
        self.reads = NodeMap()  # node -> EnvRead | None (every candidate examined)
        self.found: list[EnvRead] = []  # the reads, in discovery order
        self._by_function: dict[int, list[EnvRead]] | None = None
        self._binding_memo: dict[tuple[int, bool], Val] = {}
        self._busy: set[tuple[int, bool]] = set()
        self._funcs: dict[ast.AST, FuncInfo] = {}
        self._funcs_busy: set[ast.AST] = set()
        self.subst: dict[Binding, Val] = {}
        self._options: dict[str, ast.expr] | None = None  # pytest option -> its default
        self._categories: dict[str | None, str] = {}
        # Comparisons of a mode-derived value with string literals: node -> (val, literals).
        self.mode_comparisons: dict[ast.Compare, tuple[Val, list[ast.expr]]] = {}
        self.string_scope = Scope(FUNCTION, tree.module, tree.module_scope, "<condition>")
        for name in ("os", "sys", "platform"):
            self.string_scope.add(Binding(name, "import", self.string_scope, qual=name))

    # -- entry points ----------------------------------------------------------------------

    def scope(self, node: ast.AST, default: Scope | None = None) -> Scope:
        return self.tree.scope_of.get(node) or default or self.tree.module_scope

    def eval(self, node: ast.AST, scope: Scope | None = None, follow: bool = True) -> Val:
        try:
            return self._eval(node, self.scope(node, scope), follow)
        except RecursionError:
            return UNKNOWN_VAL

    def condition(self, node: ast.AST, scope: Scope | None = None) -> Val:
        """Evaluate a condition; string conditions (``skipif("...")``) are parsed, not run."""
        text = string_value(node)
        if text is not None:
            try:
                check_depth(text)  # the parser overflows the C stack on very deep nesting
                source = text.strip()
                from lint_integration.languages.python.tree import quiet_parse

                expr = quiet_parse(source, mode="eval").body
            except Exception:  # an unparsable condition is just unknown
                return UNKNOWN_VAL
            for sub in ast.walk(expr):  # where its nodes come from (for codemods)
                sub.condition_text = source
            val = self.eval(expr, self.string_scope, True)
            if val.kind == ENV:
                for read in val.reads:
                    read.in_string = True
            return val
        return self.eval(node, scope, True)

    # -- dispatch --------------------------------------------------------------------------

    def _eval(self, node: ast.AST, scope: Scope, follow: bool) -> Val:
        tp = type(node)
        if tp is ast.Name:
            return self._name(node, scope, follow)
        if tp is ast.Attribute:
            return self._attribute(node, scope, follow)
        if tp is ast.Call:
            return self._call(node, scope, follow)
        if tp is ast.Subscript:
            return self._subscript(node, scope, follow)
        if tp is ast.Compare:
            return self._comparison(node, scope, follow)
        if tp is ast.Constant:
            value = node.value
            if value is None or isinstance(value, (str, int)):  # bool is an int
                return Val(LIT, lit=value)
            return UNKNOWN_VAL
        if tp is ast.UnaryOp:
            inner = self._sub(node.operand, scope, follow)
            if isinstance(node.op, ast.Not):
                if inner.kind == ENV:
                    return merge_env([inner], F.neg(truth_of(inner)), boolean=True)
                if inner.kind == LIT:
                    return Val(LIT, lit=not inner.lit)
                return UNKNOWN_VAL
            return inner if inner.kind == ENV else UNKNOWN_VAL
        if tp is ast.BoolOp:
            return self._boolop(node, scope, follow)
        if tp in (ast.Tuple, ast.List, ast.Set):
            return self._sequence(node, scope, follow)
        if tp is ast.NamedExpr:
            return self._sub(node.value, scope, follow)
        if tp is ast.IfExp:
            return self._ifexp(node, scope, follow)
        if tp is ast.JoinedStr:
            parts = [
                self._sub(p.value, scope, follow)
                for p in node.values
                if isinstance(p, ast.FormattedValue)
            ]
            if any(p.kind == ENV for p in parts):
                return merge_env(parts, F.TRUE)
            return UNKNOWN_VAL
        if tp is ast.BinOp:
            parts = [self._sub(node.left, scope, follow), self._sub(node.right, scope, follow)]
            if any(p.kind == ENV for p in parts):
                return merge_env(parts, self._opaque_env_truth(parts))
            return UNKNOWN_VAL
        return UNKNOWN_VAL

    def _sub(self, node: ast.AST, scope: Scope, follow: bool) -> Val:
        return self._eval(node, self.tree.scope_of.get(node) or scope, follow)

    @staticmethod
    def _opaque_env_truth(parts: list[Val]) -> tuple:
        atoms = []
        for p in parts:
            if p.kind == ENV:
                atoms.extend(F.atom(v, F.CMP) for v in sorted(p.vars))
                atoms.extend(F.atom(None, F.CMP, d) for d in sorted(p.dyn))
        return F.conj(atoms) if atoms else F.OPAQUE

    # -- names -----------------------------------------------------------------------------

    def _name(self, node: ast.Name, scope: Scope, follow: bool) -> Val:
        name = node.id
        if node in self.tree.scope_of:
            bindings = self.tree.resolve_load(node)
        else:
            bindings = self.tree.lookup(name, scope)
        if not bindings:
            star = self._star_import(name, scope, follow)
            if star is not None:
                return star
            return Val(QUAL, qual=f"builtins.{name}")
        return self.bindings_val(bindings, follow)

    def bindings_val(self, bindings: list[Binding], follow: bool) -> Val:
        """The value of a name bound by ``bindings`` (an env value if any binding is one)."""
        vals = [self.binding(b, follow) for b in bindings if b.kind != "augment"]
        if not vals:
            return UNKNOWN_VAL
        if len(vals) == 1:
            return vals[0]
        envs = [v for v in vals if v.kind == ENV]
        if envs:
            if len(envs) == 1:
                return envs[0]
            return merge_env(envs, F.disj([truth_of(v) for v in envs]))
        for kind in (MARK, QUAL, FUNC, EXPORT, MODREF, STRS):
            for v in vals:
                if v.kind == kind:
                    return v
        return vals[-1]

    def binding(self, b: Binding, follow: bool = True) -> Val:
        if b in self.subst:
            return self.subst[b]
        key = (id(b), follow)
        memo = self._binding_memo.get(key)
        if memo is not None:
            return memo
        if key in self._busy:
            return UNKNOWN_VAL
        self._busy.add(key)
        try:
            val = self._binding(b, follow)
        finally:
            self._busy.discard(key)
        self._binding_memo[key] = val
        return val

    def _binding(self, b: Binding, follow: bool) -> Val:
        kind = b.kind
        if kind == "import":
            return self._import(b.qual or "", follow)
        if kind == "assign" and b.value is not None:
            return self._eval(b.value, self.tree.scope_of.get(b.value) or b.scope, follow)
        if kind == "loop" and b.value is not None:
            it = self._eval(b.value, self.tree.scope_of.get(b.value) or b.scope, follow)
            if it.kind == STRS:
                return it
            if it.kind == QUAL and it.qual in R.ENVIRON_QUALS:
                return UNKNOWN_VAL
            return UNKNOWN_VAL
        if kind == "func":
            return Val(FUNC, node=b.node)
        if kind == "param":
            return Val(PARAM, name=b.name, node=b.func)
        return UNKNOWN_VAL

    def _import(self, qual: str, follow: bool) -> Val:
        if R.is_library(qual):
            return Val(QUAL, qual=qual)
        if not follow or self.project is None:
            return Val(QUAL, qual=qual)
        from lint_integration.languages.python.summary import export_val

        found = R.resolve_symbol(self.path, qual)
        if found is None:
            return Val(QUAL, qual=qual)
        target, name = found
        if name is None:
            return Val(MODREF, path=target)
        val = export_val(self.project, target, name)
        return val if val is not None else Val(QUAL, qual=qual)

    def _star_import(self, name: str, scope: Scope, follow: bool) -> Val | None:
        if not follow or self.project is None:
            return None
        from lint_integration.languages.python.summary import export_val

        current: Scope | None = scope
        while current is not None:
            for spec in current.star_imports:
                if R.is_library(spec):
                    continue
                target = R.module_path(self.path, spec)
                if target is not None:
                    val = export_val(self.project, target, name)
                    if val is not None:
                        return val
            current = current.parent
        return None

    def _attribute(self, node: ast.Attribute, scope: Scope, follow: bool) -> Val:
        base = self._sub(node.value, scope, follow)
        attr = node.attr
        if base.kind == QUAL:
            return Val(QUAL, qual=f"{base.qual}.{attr}")
        if base.kind == MODREF and follow and self.project is not None:
            from lint_integration.languages.python.summary import export_val

            val = export_val(self.project, base.path, attr)
            return val if val is not None else UNKNOWN_VAL
        if base.kind in (ENV, MARK):
            return Val(METHOD, base=base, attr=attr)
        return UNKNOWN_VAL

    def _sequence(self, node, scope: Scope, follow: bool) -> Val:
        values = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                return UNKNOWN_VAL
            values.append(self._sub(element, scope, follow))
        if values and all(v.kind == LIT and isinstance(v.lit, str) for v in values):
            return Val(STRS, strs=tuple(v.lit for v in values))
        if not values:
            return Val(STRS, strs=())
        if any(v.kind == ENV for v in values):
            return merge_env(values, F.TRUE)
        return UNKNOWN_VAL

    def _ifexp(self, node: ast.IfExp, scope: Scope, follow: bool) -> Val:
        test = self._sub(node.test, scope, follow)
        body = self._sub(node.body, scope, follow)
        orelse = self._sub(node.orelse, scope, follow)
        if test.kind != ENV:
            if body.kind == ENV or orelse.kind == ENV:
                return merge_env([body, orelse], F.disj([truth_of(body), truth_of(orelse)]))
            return UNKNOWN_VAL
        cond = test.truth
        if body.kind == LIT and orelse.kind == LIT:
            if bool(body.lit) and not orelse.lit:
                return merge_env([test], cond, boolean=True)
            if not body.lit and bool(orelse.lit):
                return merge_env([test], F.neg(cond), boolean=True)
        truth = F.disj([F.conj([cond, truth_of(body)]), F.conj([F.neg(cond), truth_of(orelse)])])
        return merge_env([test, body, orelse], truth)

    def _boolop(self, node: ast.BoolOp, scope: Scope, follow: bool) -> Val:
        """``a or b or c`` as ``(a or b) or c``."""
        values = node.values
        return self.fold_boolop(node.op, values, scope, follow)

    def fold_boolop(self, op, values, scope: Scope, follow: bool) -> Val:
        is_and = isinstance(op, ast.And)
        left = self._sub(values[0], scope, follow)
        for value in values[1:]:
            left = self._boolop2(left, self._sub(value, scope, follow), is_and)
        return left

    def _boolop2(self, left: Val, right: Val, is_and: bool) -> Val:
        if left.kind != ENV and right.kind != ENV:
            if left.kind == LIT and right.kind == LIT:
                return Val(LIT, lit=(left.lit and right.lit) if is_and else (left.lit or right.lit))
            return UNKNOWN_VAL
        lt, rt = truth_of(left), truth_of(right)
        truth = F.conj([lt, rt]) if is_and else F.disj([lt, rt])
        # ``os.getenv("X") or ""`` is the raw value of X with an empty default.
        if not is_and and left.kind == ENV and left.raw is not None and right.kind == LIT:
            default = "empty" if right.lit in ("", None) else _literal_default(right.lit)
            return env_val(
                reads=left.reads,
                vars=left.vars,
                raw=left.raw,
                default=default,
                flag=left.flag,
                truth=truth if default in ("empty", "falsy") else F.atom(left.raw, F.CMP),
                direct=left.direct,
                via=left.via,
            )
        return merge_env([left, right], truth, boolean=left.boolean and right.boolean)

    # -- env reads -------------------------------------------------------------------------

    def read_at(self, node: ast.AST, scope: Scope | None = None) -> EnvRead | None:
        """The env read ``node`` is (Call, Subscript or ``in`` Comparison), or None."""
        key = id(node)
        cache = self.reads.d
        if key in cache:
            return cache[key]
        cache[key] = None  # guards recursion through the key expression
        scope = self.scope(node, scope)
        read = None
        try:
            if isinstance(node, ast.Call):
                read = self._call_read(node, scope)
            elif isinstance(node, ast.Subscript):
                read = self._subscript_read(node, scope)
            elif isinstance(node, ast.Compare):
                read = self._contains_read(node, scope)
        except RecursionError:
            read = None
        cache[key] = read
        if read is not None:
            self.found.append(read)
            self._by_function = None
        return read

    def category(self, name: str | None) -> str:
        """``var_category`` of ``name`` under this module's config (memoized)."""
        known = self._categories.get(name)
        if known is None:
            known = self._categories[name] = var_category(name, self.config)
        return known

    def _is_environ(self, node: ast.AST, scope: Scope) -> bool:
        val = self._sub(node, scope, False)
        return val.kind == QUAL and val.qual in R.ENVIRON_QUALS

    def _make_read(self, node, kind, key_node, scope, default_node=None) -> EnvRead:
        var, vars_, param = None, (), None
        if key_node is not None:
            key = self._sub(key_node, scope, False)
            if key.kind == LIT and isinstance(key.lit, str):
                var = key.lit
            elif key.kind == STRS and key.strs:
                vars_ = tuple(dict.fromkeys(key.strs))
                var = vars_[0] if len(vars_) == 1 else None
                if len(vars_) == 1:
                    vars_ = ()
            else:
                param = self._param_of(key_node, scope)
        has_default = default_node is not None
        names = vars_ or ((var,) if var else ())
        category = _strictest([self.category(n) for n in names]) if names else self.category(None)
        func = self.tree.enclosing_function(node) if node in self.tree.parent else None
        return EnvRead(
            node=node,
            var=var,
            kind=kind,
            key_node=key_node,
            has_default=has_default,
            default_node=default_node,
            vars=vars_,
            category=category,
            param=param,
            function=func.name if func is not None else None,
            presence=_presence(node, self.tree.parent) if kind in ("get", "getenv") else None,
        )

    def _param_of(self, key_node, scope: Scope) -> str | None:
        """The parameter a computed key is derived from (``name``, ``name.upper()``, f"..")."""
        for sub in _names_in(key_node):
            bindings = (
                self.tree.resolve_load(sub)
                if sub in self.tree.scope_of
                else self.tree.lookup(sub.id, scope)
            )
            if bindings and any(b.kind == "param" for b in bindings):
                return sub.id
        return None

    def _call_read(self, node: ast.Call, scope: Scope) -> EnvRead | None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("get", "pop"):
            if not self._is_environ(func.value, scope):
                return None
            kind = func.attr
        else:
            if isinstance(func, ast.Attribute):
                if func.attr != "getenv":
                    return None
            elif not isinstance(func, ast.Name):
                return None
            val = self._sub(func, scope, False)
            if not (val.kind == QUAL and val.qual in R.GETENV_QUALS):
                return None
            kind = "get" if val.qual.endswith("environ.get") else "getenv"
        args = positional(node)
        key = args[0] if args else keyword(node, "key")
        default = args[1] if len(args) > 1 else keyword(node, "default")
        if kind == "pop":
            return None  # clearing a variable in test setup is not a probe
        return self._make_read(node, kind, key, scope, default)

    def _subscript_read(self, node: ast.Subscript, scope: Scope) -> EnvRead | None:
        if id(node) in self.tree.store_subscripts or id(node) in self.tree.del_subscripts:
            return None
        parent = self.tree.parent.get(node)
        if isinstance(parent, ast.AugAssign) and parent.target is node:
            return None
        base = node.value
        if isinstance(base, ast.Attribute) and base.attr != "environ":
            return None
        if not isinstance(base, (ast.Name, ast.Attribute)) or not self._is_environ(base, scope):
            return None
        if isinstance(node.slice, (ast.Slice, ast.Tuple)):
            return None
        return self._make_read(node, "subscript", node.slice, scope)

    def _contains_read(self, node: ast.Compare, scope: Scope) -> EnvRead | None:
        if len(node.ops) != 1:
            return None
        if not isinstance(node.ops[0], (ast.In, ast.NotIn)):
            return None
        right = node.comparators[0]
        if isinstance(right, ast.Call) and isinstance(right.func, ast.Attribute):
            if right.func.attr != "keys" or right.args or right.keywords:
                return None
            right = right.func.value
        if not self._is_environ(right, scope):
            return None
        return self._make_read(node, "contains", node.left, scope)

    def _read_val(self, read: EnvRead, scope: Scope, negate: bool = False) -> Val:
        """The value of an env read: raw string (get/getenv/subscript) or a set-test (in)."""
        default = "none"
        if read.has_default:
            dv = self._sub(read.default_node, scope, False)
            if dv.kind == LIT and dv.lit in (None, ""):
                default = "none" if dv.lit is None else "empty"
            elif dv.kind == LIT:
                default = _literal_default(dv.lit)
            else:
                default = "unknown"
        names = self._read_names(read, scope)
        if read.kind == "contains":
            truth = self._names_truth(names, read.param, F.SET)
            if negate:
                truth = F.neg(truth)
            return env_val(
                reads=[read],
                vars=[n for n in names if n],
                dyn=[read.param] if read.param else (),
                boolean=True,
                truth=truth,
            )
        raw = names[0] if len(names) == 1 and names[0] else None
        if len(names) == 1:
            truth = raw_truth(names[0], default, False, read.param)
        else:
            truth = self._names_truth(
                names, read.param, F.SET if default in ("none", "empty", "falsy") else F.CMP
            )
        return env_val(
            reads=[read],
            vars=[n for n in names if n],
            dyn=[read.param] if read.param else (),
            raw=raw,
            default=default,
            truth=truth,
        )

    def _read_names(self, read: EnvRead, scope: Scope) -> tuple[str | None, ...]:
        """The variable(s) a read names under the current loop substitution."""
        if read.key_node is not None and self.subst:
            key = self._sub(read.key_node, scope, False)
            if key.kind == LIT and isinstance(key.lit, str):
                return (key.lit,)
        if read.vars:
            return read.vars
        return (read.var,)

    @staticmethod
    def _names_truth(names, param, test) -> tuple:
        if len(names) == 1:
            return F.atom(names[0], test, param)
        return F.conj([F.atom(n, test) for n in names])

    # -- calls -----------------------------------------------------------------------------

    def _call(self, node: ast.Call, scope: Scope, follow: bool) -> Val:
        read = (
            self.read_at(node, scope)
            if node in self.tree.scope_of
            else self._call_read(node, scope)
        )
        if read is not None:
            return self._read_val(read, scope)
        option = self._pytest_option(node, scope, follow)
        if option is not None:
            return option
        func = self._sub(node.func, scope, follow)
        args = arg_values(node)
        kind = func.kind
        if kind == QUAL:
            return self._library_call(node, func.qual, args, scope, follow)
        if kind == METHOD:
            return self._method_call(node, func, args, scope, follow)
        if kind == FUNC:
            return self._local_call(node, func.node, scope, follow)
        if kind == EXPORT:
            from lint_integration.languages.python.summary import call_export

            val = call_export(func.info, [self._sub(a, scope, False) for a in args])
            if val is not None:
                return val
        if kind == MARK:
            # Applying a skip decorator (``skipUnless(cond, why)(test)``) yields the same skip.
            return Val(MARK, mark=func.mark, node=func.node)
        return self._answer([self._sub(a, scope, follow) for a in args])

    def _pytest_option(self, node: ast.Call, scope: Scope, follow: bool) -> Val | None:
        """``config.getoption("--dsn")`` whose ``parser.addoption("--dsn", default=...)`` in this
        module defaults to an env read: the option carries the env value."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in ("getoption", "getvalue")):
            return None
        first = node.args[0] if node.args else (node.keywords[0].value if node.keywords else None)
        if first is None:
            return None
        name = string_value(first)
        if name is None:
            return None
        if self._options is None:
            self._options = {}
            for call in self.tree.calls:
                f = call.func
                if not (isinstance(f, ast.Attribute) and f.attr == "addoption"):
                    continue
                default = keyword(call, "default")
                if default is None:
                    continue
                for arg in call.args:
                    flag = string_value(arg)
                    if flag:
                        self._options[flag] = default
                        self._options[flag.lstrip("-").replace("-", "_")] = default
        default = self._options.get(name)
        if default is None:
            return None
        val = self._sub(default, self.scope(default, scope), follow)
        if val.kind != ENV:
            return None
        # Marked as coming through an option: a command-line flag can also set it.
        return merge_env([val, env_val(via=(f"option {name}",))], val.truth, val.boolean)

    def _answer(self, vals: list[Val]) -> Val:
        """What a call given ``vals`` returns, when nothing more is known about it.

        When every env value among them always has a value (a default that is not a switch's
        ``"0"`` or ``"false"``), ``model_is_deployed(client, os.getenv("MODEL_ID", "minilm"))``,
        ``psycopg2.connect(os.getenv("DSN", "dbname=test"))``: the answer comes from the
        service, not from a missing variable."""
        if any(v.kind == ENV for v in vals) and all(
            v.default == "value" for v in vals if v.kind == ENV
        ):
            return UNKNOWN_VAL
        return self._derived(vals)

    def _derived(self, vals: list[Val]) -> Val:
        if any(v.kind == ENV for v in vals):
            return merge_env(vals, self._opaque_env_truth(vals))
        return UNKNOWN_VAL

    def _library_call(self, node, qual: str, args, scope: Scope, follow: bool) -> Val:
        if qual in R.SKIPIF_QUALS | R.SKIPIF_UNITTEST | R.SKIPUNLESS_UNITTEST:
            return Val(MARK, mark="conditional", node=node)
        if qual in R.SKIP_MARK_QUALS or qual == "unittest.skip":
            return Val(MARK, mark="skip", node=node)
        if qual.startswith("builtins."):
            name = qual[len("builtins.") :]
            if name in ("any", "all") and len(args) == 1:
                return self._any_all(args[0], name == "all", scope, follow)
            vals = [self._sub(a, scope, follow) for a in args]
            env = [v for v in vals if v.kind == ENV]
            if not env:
                return UNKNOWN_VAL
            first = vals[0]
            if name == "bool" and first.kind == ENV:
                return merge_env([first], truth_of(first), boolean=True)
            if name in ("int", "float") and first.kind == ENV:
                vs = sorted(first.vars)
                truth = F.conj([F.atom(v, F.FLAG) for v in vs]) if vs else F.OPAQUE
                return merge_env([first], truth)
            if name == "str" and first.kind == ENV:
                return first
            if name == "len" and first.kind == ENV:
                return merge_env([first], truth_of(first))
            return merge_env(vals, self._opaque_env_truth(vals))
        if qual.endswith(R.STRTOBOOL_SUFFIX) and args:
            first = self._sub(args[0], scope, follow)
            if first.kind == ENV:
                vs = sorted(first.vars)
                return merge_env([first], F.conj([F.atom(v, F.FLAG) for v in vs]), boolean=True)
        return self._answer([self._sub(a, scope, follow) for a in args])

    def _method_call(self, node, func: Val, args, scope: Scope, follow: bool) -> Val:
        base: Val = func.base
        if base.kind == MARK:
            # ``unittest.skipUnless(cond, reason)(test_case)``: applying the decorator.
            return Val(MARK, mark=base.mark, node=base.node)
        if base.kind != ENV:
            return UNKNOWN_VAL
        if func.attr in _CASE_METHODS and not args:
            return base
        vals = [base] + [self._sub(a, scope, follow) for a in args]
        return merge_env(vals, self._opaque_env_truth([base]))

    def _any_all(self, arg, is_all: bool, scope: Scope, follow: bool) -> Val:
        if not isinstance(arg, (ast.GeneratorExp, ast.ListComp, ast.SetComp)):
            inner = self._sub(arg, scope, follow)
            return inner if inner.kind == ENV else UNKNOWN_VAL
        comp = arg
        for_in = comp.generators[0]
        inner_scope = self.tree.function_scopes.get(comp)
        loop_binding = None
        if (
            len(comp.generators) == 1
            and not for_in.ifs
            and isinstance(for_in.target, ast.Name)
            and inner_scope is not None
        ):
            found = inner_scope.bindings.get(for_in.target.id)
            loop_binding = found[0] if found else None
        it = self._sub(for_in.iter, inner_scope or scope, follow)
        if loop_binding is not None and it.kind == STRS and it.strs:
            parts = []
            for value in it.strs:
                self.subst[loop_binding] = Val(LIT, lit=value)
                try:
                    parts.append(self._sub(comp.elt, inner_scope, follow))
                finally:
                    del self.subst[loop_binding]
            if not any(p.kind == ENV for p in parts):
                return UNKNOWN_VAL
            truths = [truth_of(p) for p in parts]
            truth = F.conj(truths) if is_all else F.disj(truths)
            return merge_env(parts, truth, boolean=True)
        elt = self._sub(comp.elt, inner_scope or scope, follow)
        if elt.kind == ENV:
            return merge_env([elt, it], elt.truth, boolean=True)
        return UNKNOWN_VAL

    # -- local functions -------------------------------------------------------------------

    def func_info(self, node: ast.FunctionDef) -> FuncInfo:
        info = self._funcs.get(node)
        if info is not None:
            return info
        info = FuncInfo(node)
        if node in self._funcs_busy:
            return info
        self._funcs_busy.add(node)
        try:
            self._analyse_function(info)
        finally:
            self._funcs_busy.discard(node)
        self._funcs[node] = info
        return info

    def _analyse_function(self, info: FuncInfo) -> None:
        node = info.node
        inner = self.tree.function_scopes.get(node)
        if inner is None:
            return
        returns = [
            r
            for r in self.tree.returns
            if r.value is not None and self.tree.enclosing_function(r) is node
        ]
        for read in self._reads_in(node):
            if read.param is not None:
                names = [b.name for b in inner.bindings.get(read.param, ()) if b.kind == "param"]
                if names:
                    index = inner.bindings[read.param][0].index
                    info.env_param = (read.param, index)
                    info.reads.append(read)
                    if any(r.value is read.node for r in returns):
                        info.flag = False
        if info.env_param is not None:
            return
        # Return values are evaluated within the module only: following imports here would
        # summarize every module any local function touches.
        vals = [self._sub(r.value, inner, False) for r in returns]
        envs = [v for v in vals if v.kind == ENV and not v.dyn]
        if envs:
            info.returns = merge_env(envs, F.disj([v.truth for v in envs]), boolean=True)
            if len(envs) == 1:
                info.returns.raw = envs[0].raw
                info.returns.default = envs[0].default
                info.returns.boolean = envs[0].boolean

    def _reads_in(self, func: ast.FunctionDef) -> list[EnvRead]:
        if self._by_function is None:
            grouped: dict[int, list[EnvRead]] = {}
            for read in self.found:
                owner = self.tree.enclosing_function(read.node)
                if owner is not None:
                    grouped.setdefault(id(owner), []).append(read)
            self._by_function = grouped
        return self._by_function.get(id(func), [])

    def _local_call(self, node: ast.Call, func: ast.FunctionDef, scope: Scope, follow: bool) -> Val:
        info = self.func_info(func)
        args = arg_values(node)
        if info.env_param is not None:
            param, index = info.env_param
            key = _arg_at(node, index, param)
            if key is not None:
                kv = self._sub(key, scope, False)
                if kv.kind == LIT and isinstance(kv.lit, str):
                    var = kv.lit
                    return env_val(
                        reads=info.reads,
                        vars=[var],
                        raw=None if info.flag else var,
                        flag=info.flag,
                        truth=raw_truth(var, "none", info.flag),
                    )
            return self._derived([self._sub(a, scope, follow) for a in args])
        if info.returns is not None:
            ret = info.returns
            return env_val(
                reads=ret.reads,
                vars=ret.vars,
                raw=ret.raw,
                default=ret.default,
                boolean=ret.boolean,
                truth=ret.truth,
                direct=False,
                via=(*ret.via, func.name),
            )
        return self._answer([self._sub(a, scope, follow) for a in args])

    # -- subscripts and comparisons ----------------------------------------------------------

    def _subscript(self, node: ast.Subscript, scope: Scope, follow: bool) -> Val:
        read = (
            self.read_at(node, scope)
            if node in self.tree.scope_of
            else self._subscript_read(node, scope)
        )
        if read is not None:
            return self._read_val(read, scope)
        base = self._sub(node.value, scope, follow)
        if base.kind == ENV:
            return merge_env([base], self._opaque_env_truth([base]))
        return UNKNOWN_VAL

    def _comparison(self, node: ast.Compare, scope: Scope, follow: bool) -> Val:
        read = (
            self.read_at(node, scope)
            if node in self.tree.scope_of
            else self._contains_read(node, scope)
        )
        if read is not None:
            negate = isinstance(node.ops[0], ast.NotIn)
            return self._read_val(read, scope, negate=negate)
        left = self._sub(node.left, scope, follow)
        parts = [left]
        truths = []
        previous, previous_node = left, node.left
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self._sub(comparator, scope, follow)
            parts.append(right)
            truths.append(self._compare(node, previous, previous_node, op, right, comparator))
            previous, previous_node = right, comparator
        if not any(p.kind == ENV for p in parts):
            return UNKNOWN_VAL
        return merge_env(parts, F.conj(truths), boolean=True)

    def _compare(self, node, left: Val, left_node, op, right: Val, right_node) -> tuple:
        if left.kind != ENV and right.kind == ENV and not isinstance(op, (ast.In, ast.NotIn)):
            left, right, left_node, right_node = right, left, right_node, left_node
        if left.kind != ENV:
            return F.OPAQUE if right.kind != ENV else self._opaque_env_truth([right])
        literals = self._literals(right)
        if left.raw is not None and left.raw == "INTEGRATION_MODE" and literals is not None:
            nodes = _literal_nodes(right_node)
            self.mode_comparisons[node] = (left, nodes)
        var = left.raw
        if var is None or literals is None:
            if isinstance(op, (ast.Is, ast.IsNot)) and right.kind == LIT and right.lit is None:
                truth = truth_of(left)
                return truth if isinstance(op, ast.IsNot) else F.neg(truth)
            return self._opaque_env_truth([left])
        positive = isinstance(op, (ast.Eq, ast.In, ast.Is))
        if isinstance(op, (ast.Is, ast.IsNot)):
            if right.kind == LIT and right.lit is None and left.default == "none":
                t = F.atom(var, F.SET)
                return F.neg(t) if positive else t
            return F.atom(var, F.CMP)
        if not isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
            return F.atom(var, F.CMP)
        folded = {str(v).lower() for v in literals}
        if folded <= TRUTHY and folded:
            t = F.atom(var, F.FLAG)
        elif folded == {""} and left.default in ("none", "empty"):
            t = F.neg(F.atom(var, F.SET))
        elif folded <= FALSY and folded:
            t = F.neg(F.atom(var, F.FLAG))
        elif "" not in folded and left.default in ("none", "empty"):
            t = F.atom(var, F.EQ)  # an unset variable never equals these
        else:
            t = F.atom(var, F.CMP)
        return t if positive else F.neg(t)

    @staticmethod
    def _literals(val: Val) -> list | None:
        if val.kind == LIT and isinstance(val.lit, (str, int)) and not isinstance(val.lit, bool):
            return [val.lit]
        if val.kind == STRS:
            return list(val.strs)
        return None


def _literal_nodes(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [e for e in node.elts if string_value(e) is not None]
    return [node] if string_value(node) is not None else []


def _arg_at(call: ast.Call, index: int, name: str):
    args = positional(call)
    if index < len(args):
        return args[index]
    return keyword(call, name)


def _names_in(node: ast.AST) -> list[ast.Name]:
    """Name loads inside a small key expression (``name``, ``name.upper()``, f-strings)."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name):
            out.append(n)
        elif isinstance(n, ast.Attribute):
            stack.append(n.value)
        elif isinstance(n, ast.Call):
            stack.append(n.func)
            stack.extend(arg_values(n))
        elif isinstance(n, ast.JoinedStr):
            stack.extend(p.value for p in n.values if isinstance(p, ast.FormattedValue))
        elif isinstance(n, ast.BinOp):
            stack.extend((n.left, n.right))
    return out


_STRICTNESS = ("mode", "legacy", "alias", "heuristic", "dependency", "allowed")


def _strictest(categories: list[str]) -> str:
    return min(categories, key=_STRICTNESS.index)


__all__ = ["COMPREHENSION", "MODULE", "Evaluator", "Val"]
