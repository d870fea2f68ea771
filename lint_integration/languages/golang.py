"""Go frontend (tree-sitter-go): ``*_test.go`` suites, TestMain and the integrationmode helper.

Env reads are ``os.Getenv`` / ``os.LookupEnv`` (and ``syscall.Getenv``) with the ``os`` import
resolved (``import myos "os"``, dot imports) and names given as literals or string constants.
Values flow through lexical scopes: ``v := os.Getenv("X")``, ``_, ok := os.LookupEnv("X")``,
``if`` initializers, package-level variables (also those of sibling files of the same package,
through the module summary), functions returning env-derived values, and table-driven test
fields (``skip: os.Getenv("X") == ""`` then ``if tc.skip { t.Skip() }``).

Skip gates are ``t.Skip`` / ``t.Skipf`` / ``t.SkipNow`` under an env condition (either branch),
``os.Exit(0)`` or ``return`` in ``TestMain``, and a bare ``return`` in a test. ``testing.Short()``
alone is not a gate; build tags are not findings; ``t.Setenv`` and ``os.Setenv`` are writes.

Parse errors: a tree with ERROR or MISSING nodes becomes one ``ParseFailure`` at the first of
them, and the file is not analyzed (facts from a repaired tree could invent or hide gates).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint_integration.findings import Edit, Fix
from lint_integration.languages import ParseFailure
from lint_integration.languages.envfacts import (
    MODE_VAR,
    VALID_MODES,
    EnvAnalysis,
    EnvFlow,
    EnvInfo,
    EnvRead,
    ModeValue,
    OwnWrites,
    Positions,
    Scope,
    SkipGate,
    byte_edit,
    collect_scopes,
    compares_with_value,
    field_is,
    fix_of,
    line_indent,
    line_start,
    mark_gated,
    needles_for,
    operator_of,
    parse_failure,
    probe_name,
    reparse_gaps,
    statement_lines,
    words,
)

_PARSER: list = []

SCOPE_NODES = frozenset(
    {
        "function_declaration",
        "method_declaration",
        "func_literal",
        "block",
        "if_statement",
        "for_statement",
        "expression_switch_statement",
        "type_switch_statement",
        "select_statement",
        "expression_case",
        "type_case",
        "default_case",
        "communication_case",
    }
)
FUNCTION_NODES = frozenset({"function_declaration", "method_declaration", "func_literal"})
ENV_FUNCS = frozenset({"Getenv", "LookupEnv"})
# testify's and gotest.tools' assertion packages, and the assertions that check a value's
# state: with one value (1: empty) or against another (2: a literal on the other side). A
# negated one (``NotEqual(t, v, "")``, ``NotEmpty``) is a precondition on a dependency.
ASSERT_PACKAGES = frozenset({"assert", "require"})
_STATE_ASSERTIONS = {
    **dict.fromkeys(("Empty", "Emptyf", "Zero", "Zerof"), 1),
    **dict.fromkeys(("Equal", "Equalf", "EqualValues", "EqualValuesf", "Exactly", "Exactlyf"), 2),
}
SKIP_METHODS = frozenset({"Skip", "Skipf", "SkipNow"})
MODE_FUNCS = frozenset({"Parse", "MustParse", "Current", "FromEnv", "Mode", "Get"})
PASS_THROUGH = frozenset({"TrimSpace", "ToLower", "ToUpper", "String"})
LOG_PACKAGES = frozenset({"fmt", "log", "println", "print"})
MODE_WORDS = frozenset(
    {"mock", "mocks", "mocked", "live", "stub", "stubs", "stubbed", "fake", "fakes"}
    | {"cluster", "skip", "real", "mode", "integration"}
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# Nodes that declare names or open a scope (pass 1).
DECLARING = SCOPE_NODES | {
    "package_clause",
    "import_declaration",
    "parameter_declaration",
    "short_var_declaration",
    "assignment_statement",
    "var_spec",
    "const_spec",
    "range_clause",
    "keyed_element",
}
# Nodes whose facts pass 2 collects (selectors and qualified types: uses of ``os``).
FACT_NODES = frozenset(
    {
        "call_expression",
        "if_statement",
        "binary_expression",
        "expression_switch_statement",
        "interpreted_string_literal",
        "raw_string_literal",
        "selector_expression",
        "qualified_type",
    }
)
LEAVES = frozenset(
    {
        "field_identifier",
        "package_identifier",
        "type_identifier",
        "int_literal",
        "float_literal",
        "rune_literal",
        "true",
        "false",
        "nil",
        "comment",
        "blank_identifier",
        "label_name",
    }
)
# Subtrees without facts: the text of string literals is read from the literal node itself.
OPAQUE = frozenset({"interpreted_string_literal", "raw_string_literal", "import_declaration"})
# Standard packages whose functions return a value computed from their arguments only.
PURE_PACKAGES = frozenset({"strings", "strconv", "bytes", "unicode", "filepath", "path"})
_ASSIGNMENT_LITERAL = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


def _parser():
    if not _PARSER:
        import tree_sitter
        import tree_sitter_go

        _PARSER.append(tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language())))
    return _PARSER[0]


# -- prefilter --------------------------------------------------------------------------------

_BASE_TOKENS = (b"Getenv", b"LookupEnv", b"Environ(", b"Setenv", b"INTEGRATION_MODE")
_SUITE_TOKENS = (b"Skip", b"Exit")


def might_match(raw: bytes, role: str, config) -> bool:
    """Conservative: every fact starts at an env call, a mode value or a toggle name.

    Reads need ``Getenv``/``LookupEnv`` (``Environ`` and ``Setenv`` for env slices and writes);
    mode comparisons need ``INTEGRATION_MODE`` or the helper package's name; legacy toggles set
    in ``"NAME=value"`` strings need the toggle's literal text. A suite may skip on a variable
    declared in a sibling file of its package, so suites calling ``Skip``/``Exit`` pass too.
    """
    package = config.helper.get("go-package", "integrationmode").encode()
    tokens = (*_BASE_TOKENS, package) if package else _BASE_TOKENS
    if role == "suite":
        tokens = (*tokens, *_SUITE_TOKENS)
    needles = needles_for(tokens, config.legacy_toggles)
    return needles is None or needles(raw)


# -- scopes -----------------------------------------------------------------------------------


@dataclass(eq=False)
class Binding:
    name: str
    kind: str  # var | const | param | function | import
    node: Any
    scope: Scope
    values: list = field(default_factory=list)  # (expression, index into a multi-value call)
    later: list = field(default_factory=list)  # reassignments: (expression, index, position)
    decl: Any = None
    type_text: str = ""
    source: str | None = None  # import path


@dataclass
class PackageSummary:
    """Package-level names of one Go file that other files of the package may test."""

    package: str = ""
    env: dict[str, EnvInfo] = field(default_factory=dict)
    functions: dict[str, EnvInfo] = field(default_factory=dict)


def _string_value(node, an) -> str | None:
    if node is None:
        return None
    if node.type == "raw_string_literal":
        text = an.t(node)
        return text[1:-1]
    if node.type != "interpreted_string_literal":
        return None
    parts = []
    for child in node.named_children:
        if child.type == "interpreted_string_literal_content":
            parts.append(an.t(child))
        else:
            return None  # escape sequences never appear in variable names
    return "".join(parts)


_STRING_TYPES = frozenset({"interpreted_string_literal", "raw_string_literal"})
# What a branch may only print or log through: ``LOG_PACKAGES`` and structured loggers.
_LOGGERS = LOG_PACKAGES | {"slog", "logrus", "klog", "zap", "logger", "glog"}


def _unwrap(node):
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _statements(block) -> list:
    if block is None:
        return []
    out = []
    for child in block.named_children:
        if child.type == "statement_list":
            out.extend(c for c in child.named_children if c.type != "comment")
        elif child.type != "comment":
            out.append(child)
    return out


class _Analyzer(EnvFlow):
    def __init__(self, text: str, path: Path | None, tree, config, project=None) -> None:
        self.text = text
        self.pos = Positions(text)
        self.data = self.pos.data
        self.path = path
        self.tree = tree
        self.config = config
        self.project = project
        self.package = ""
        self.os_names: set[str] = set()
        self.syscall_names: set[str] = set()
        self.os_alias: str | None = None  # the local name of the "os" import
        self.os_spec = None
        self.dot_os = False
        self.helper_names: set[str] = set()
        self.helper_path = (config.helper if config is not None else {}).get(
            "go-import", "example.com/platform/testsupport/integrationmode"
        )
        self.helper_pkg = (config.helper if config is not None else {}).get(
            "go-package", "integrationmode"
        )
        self.imports: list = []  # import_spec nodes
        self.import_decls: list = []
        self.nodes: list = []
        self._identifiers: list = []
        self._refs: dict[int, list] | None = None
        self.scope_of: dict[int, Scope] = {}
        self.bindings: list[Binding] = []
        self.by_name_node: dict[int, Binding] = {}
        self.env_field_values: dict[str, list] = {}
        self._env_memo: dict[tuple[int, int], EnvInfo | None] = {}
        self._presence_memo: dict[int, Any] = {}
        self._busy: set[int] = set()
        self._siblings: dict[str, Any] | None = None
        self.allow_siblings = True
        self.root_scope = self._collect()

    # pass 1
    def _collect(self) -> Scope:
        """Pass 1: scopes and declarations; the nodes pass 2 looks at; identifier scopes."""
        return collect_scopes(
            self.tree.root_node,
            (LEAVES, DECLARING, FACT_NODES, OPAQUE),
            self._declaring,
            (self.nodes, self.scope_of, self._identifiers),
        )

    def _declaring(self, node, kind: str, scope: Scope, root_scope: Scope) -> Scope:
        """Bind what ``node`` declares; returns the scope its children live in."""
        if kind == "function_declaration":
            name = node.child_by_field_name("name")
            if name is not None:
                self._bind(root_scope, name, "function", values=[(node, 0)], decl=node)
        if kind in SCOPE_NODES:
            scope = Scope(node, scope)
        if kind == "package_clause":
            ident = next(iter(node.named_children), None)
            if ident is not None:
                self.package = self.t(ident)
        elif kind == "import_declaration":
            self.import_decls.append(node)
            specs = [c for c in node.named_children if c.type == "import_spec"]
            for spec_list in (c for c in node.named_children if c.type == "import_spec_list"):
                specs += [c for c in spec_list.named_children if c.type == "import_spec"]
            for spec in specs:
                self._import(spec, scope)
        elif kind == "parameter_declaration":
            type_node = node.child_by_field_name("type")
            type_text = self.t(type_node) if type_node is not None else ""
            for name in node.children_by_field_name("name"):
                self._bind(scope, name, "param", type_text=type_text, decl=node)
        elif kind == "short_var_declaration":
            self._assign(node, scope, declare=True)
        elif kind == "assignment_statement":
            self._assign(node, scope, declare=False)
        elif kind in ("var_spec", "const_spec"):
            self._spec(node, scope, "var" if kind == "var_spec" else "const")
        elif kind == "range_clause":
            left = node.child_by_field_name("left")
            for ident in left.named_children if left is not None else ():
                if ident.type == "identifier":
                    self._bind(scope, ident, "param")
        elif kind == "keyed_element":
            self._keyed(node)
        return scope

    def _bind(self, scope: Scope, name_node, kind: str, **kw) -> Binding:
        binding = Binding(self.t(name_node), kind, name_node, scope, **kw)
        if binding.name != "_":
            scope.names[binding.name] = binding
        self.bindings.append(binding)
        self.by_name_node[name_node.id] = binding
        return binding

    def _import(self, spec, scope: Scope) -> None:
        self.imports.append(spec)
        path = _string_value(spec.child_by_field_name("path"), self)
        name_node = spec.child_by_field_name("name")
        name = self.t(name_node) if name_node is not None else None
        if path is None:
            return
        local = name or path.rsplit("/", 1)[-1]
        if path == "os":
            if name == ".":
                self.dot_os = True
            elif name != "_":
                self.os_names.add(local)
                self.os_alias = local
                self.os_spec = spec
        elif path == "syscall" and name not in (".", "_"):
            self.os_names.add(local)
            self.syscall_names.add(local)
        helper = path == self.helper_path or path.rsplit("/", 1)[-1] == self.helper_pkg
        if helper and name not in (".", "_"):
            self.helper_names.add(name or self.helper_pkg)

    def _assign(self, node, scope: Scope, declare: bool) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        lhs = left.named_children
        rhs = right.named_children
        for i, target in enumerate(lhs):
            if target.type != "identifier":
                continue
            value = (rhs[i], 0) if len(rhs) == len(lhs) else ((rhs[0], i) if rhs else None)
            if declare:
                self._bind(scope, target, "var", values=[value] if value else [], decl=node)
            else:
                binding = scope.lookup(self.t(target))
                if binding is not None and value is not None:
                    binding.later.append((*value, node.start_byte))

    def _spec(self, node, scope: Scope, kind: str) -> None:
        names = node.children_by_field_name("name")
        value = node.child_by_field_name("value")
        rhs = value.named_children if value is not None else []
        for i, name in enumerate(names):
            v = (rhs[i], 0) if len(rhs) == len(names) else ((rhs[0], i) if rhs else None)
            self._bind(scope, name, kind, values=[v] if v else [], decl=node)

    def _keyed(self, node) -> None:
        """Table-driven tests: remember struct fields that hold env-derived values."""
        key = node.child_by_field_name("key")
        value = node.child_by_field_name("value")
        if key is None or value is None:
            return
        inner = (
            key.named_children[0] if key.type == "literal_element" and key.named_children else key
        )
        if inner.type in ("identifier", "field_identifier"):
            expr = (
                value.named_children[0]
                if value.type == "literal_element" and value.named_children
                else value
            )
            self.env_field_values.setdefault(self.t(inner), []).append(expr)

    # env reads
    def env_call(self, node):
        """(func name, var name or None) when ``node`` is ``os.Getenv(...)``/``os.LookupEnv``."""
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        if fn is None:
            return None
        if fn.type == "selector_expression":
            operand = fn.child_by_field_name("operand")
            fld = fn.child_by_field_name("field")
            if operand is None or fld is None or operand.type != "identifier":
                return None
            if self.t(operand) not in self.os_names or self.binding_at(operand) is not None:
                return None
            func = self.t(fld)
            if self.t(operand) in self.syscall_names:  # (value, found), like os.LookupEnv
                func = "LookupEnv" if func == "Getenv" else ""
        elif fn.type == "identifier" and self.dot_os:
            func = self.t(fn)
            if self.binding_at(fn) is not None:
                return None
        else:
            return None
        if func not in ENV_FUNCS:
            return None
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return func, self.const_string(first)

    def os_call(self, node, names) -> bool:
        """``os.<name>(...)`` for one of ``names``."""
        if node.type != "call_expression":
            return False
        fn = node.child_by_field_name("function")
        if fn is None:
            return False
        if fn.type == "selector_expression":
            operand = fn.child_by_field_name("operand")
            fld = fn.child_by_field_name("field")
            return (
                operand is not None
                and fld is not None
                and self.t(operand) in self.os_names
                and self.t(fld) in names
            )
        return fn.type == "identifier" and self.dot_os and self.t(fn) in names

    def const_string(self, node) -> str | None:
        if node is None:
            return None
        value = _string_value(node, self)
        if value is not None:
            return value
        if node.type == "identifier":
            binding = self.binding_at(node)
            if binding is not None and binding.kind == "const" and len(binding.values) == 1:
                expr, _ = binding.values[0]
                return _string_value(expr, self)
        return None

    # dependence
    def flow(self, node, on_read, on_call=None) -> None:
        """Follow the value of ``node`` back to the env reads it carries.

        Values flow through variables, operators, ``len`` and the pure ``strings``/``strconv``
        helpers, table-test fields and functions returning env-derived values; never through
        other calls' arguments, so a connection opened from an env var is not an env value.
        ``on_call(call)`` may claim a call (returning True) instead of following it.
        """
        seen: set[int] = set()
        stack = [node]
        while stack:
            cur = stack.pop()
            if cur is None or cur.id in seen:
                continue
            seen.add(cur.id)
            call = self.env_call(cur)
            if call is not None:
                on_read(cur, call[1])
                continue
            kind = cur.type
            if kind == "identifier":
                binding = self.binding_at(cur)
                if binding is not None:
                    if binding.kind in ("var", "const"):
                        stack.extend(expr for expr, _index in binding.values)
                        # reassignments before this use (``dsn += ...`` after a gate is not it)
                        stack.extend(e for e, _i, at in binding.later if at < cur.start_byte)
                else:
                    info = self.binding_env(None, cur)
                    for name in info.names if info is not None else ():
                        on_read(cur, name)
            elif kind == "selector_expression":
                fld = cur.child_by_field_name("field")
                name = self.t(fld) if fld is not None else ""
                if name in self.env_field_values:
                    stack.extend(self.env_field_values[name])
            elif kind == "call_expression":
                if on_call is None or not on_call(cur):
                    stack.extend(self._call_flow(cur, into_functions=on_call is None))
            elif kind in ("parenthesized_expression", "unary_expression", "binary_expression"):
                stack.extend(cur.named_children)

    def _call_flow(self, call, into_functions: bool) -> list:
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        arg_nodes = list(args.named_children) if args is not None else []
        if fn is None:
            return []
        if fn.type == "identifier":
            binding = self.binding_at(fn)
            if binding is None:
                return arg_nodes if self.t(fn) in ("len", "string", "bool") else []
            if into_functions and binding.kind == "function" and binding.values:
                return _returned(binding.values[0][0])
            return []
        if fn.type == "selector_expression":
            operand = fn.child_by_field_name("operand")
            if operand is not None and self.t(operand) in PURE_PACKAGES:
                return arg_nodes
        return []

    def local_env(self, node) -> EnvInfo | None:
        """``expr_env`` without consulting sibling files."""
        memo, self._env_memo = self._env_memo, {}
        self.allow_siblings = False
        try:
            return self.expr_env(node)
        finally:
            self.allow_siblings = True
            self._env_memo = memo

    def binding_env(self, binding: Binding | None, ref=None) -> EnvInfo | None:
        if binding is None:
            parent = ref.parent if ref is not None else None
            if parent is not None and parent.type == "selector_expression":
                return None  # a package qualifier or a field access, not a package variable
            return self.sibling_env(self.t(ref)) if ref is not None else None
        if binding.kind not in ("var", "const"):
            return None
        names: set = set()
        found = False
        for expr, _index in binding.values:
            info = self.expr_env(expr)
            if info is not None:
                names |= info.names
                found = True
        return EnvInfo(frozenset(names), self.binding_presence(binding)) if found else None

    def binding_presence(self, binding: Binding):
        if len(binding.values) != 1:
            return None
        expr, index = binding.values[0]
        call = self.env_call(_unwrap(expr))
        if call is not None and call[1]:
            if call[0] == "LookupEnv" and index == 1:
                return frozenset({call[1]}), True
            return None
        if binding.kind in ("var", "const"):
            return self.presence(expr)
        return None

    def function_env(self, binding: Binding | None) -> EnvInfo | None:
        if binding is None or binding.kind != "function" or not binding.values:
            return None
        fn = binding.values[0][0]
        if fn.id in self._busy:
            return None
        self._busy.add(fn.id)
        try:
            names: set = set()
            found = False
            for expr in _returned(fn):
                info = self.expr_env(expr)
                if info is not None:
                    names |= info.names
                    found = True
        finally:
            self._busy.discard(fn.id)
        return EnvInfo(frozenset(names), dynamic=None in names) if found else None

    def call_env(self, call) -> EnvInfo | None:
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "identifier":
            return None
        binding = self.binding_at(fn)
        if binding is not None:
            info = self.function_env(binding)
        else:
            info = self.sibling_function(self.t(fn))
        if info is None:
            return None
        names = set(info.names)
        if info.dynamic:
            names.discard(None)
            args = call.child_by_field_name("arguments")
            literals = [self.const_string(a) for a in (args.named_children if args else ())]
            names |= {v for v in literals if v} or {None}
        return EnvInfo(frozenset(names))

    def presence(self, node):
        if node is None:
            return None
        if node.id in self._presence_memo:
            return self._presence_memo[node.id]
        self._presence_memo[node.id] = None
        result = self._presence(_unwrap(node))
        self._presence_memo[node.id] = result
        return result

    def _presence(self, node):
        kind = node.type
        if kind == "unary_expression" and operator_of(node) == "!":
            inner = self.presence(node.child_by_field_name("operand"))
            return (inner[0], not inner[1]) if inner else None
        if kind == "identifier":
            binding = self.binding_at(node)
            if binding is not None and binding.kind in ("var", "const"):
                return self.binding_presence_bool(binding)
            return None
        if kind != "binary_expression":
            return None
        op = operator_of(node)
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return None
        if op in ("&&", "||"):
            a, b = self.presence(left), self.presence(right)
            want = op == "&&"
            if a and b and a[1] is want and b[1] is want:
                return a[0] | b[0], want
            return None
        if op in ("==", "!="):
            for side, other in ((left, right), (right, left)):
                if _string_value(other, self) == "" or self.t(other) == "0":
                    names = self.string_var(side)
                    if names:
                        return names, op == "!="
        if op in (">", ">=", "<", "<=") and self.t(right) in ("0", "1"):
            names = self.string_var(left)
            if names:
                return names, op in (">", ">=")
        return None

    def binding_presence_bool(self, binding: Binding):
        if len(binding.values) != 1:
            return None
        expr, index = binding.values[0]
        call = self.env_call(_unwrap(expr))
        if call is not None:
            if call[0] == "LookupEnv" and index == 1 and call[1]:
                return frozenset({call[1]}), True
            return None
        if binding.kind == "var" and index == 0:
            return self.presence(expr)
        return None

    def string_var(self, node):
        """The env var names when ``node`` is the string value of env vars (or its len)."""
        node = _unwrap(node)
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            arg = args.named_children[0] if args is not None and args.named_children else None
            if fn is not None and arg is not None and len(args.named_children) == 1:
                last = self.t(fn).rsplit(".", 1)[-1]
                if last in ("len", "TrimSpace"):
                    return self.string_var(arg)
            call = self.env_call(node)
            if call is not None and call[0] == "Getenv" and call[1]:
                return frozenset({call[1]})
            return None
        if node.type == "identifier":
            binding = self.binding_at(node)
            if (
                binding is not None
                and binding.kind in ("var", "const")
                and len(binding.values) == 1
            ):
                expr, index = binding.values[0]
                call = self.env_call(_unwrap(expr))
                if call is not None and index == 0 and call[1]:
                    return frozenset({call[1]})
                if call is None and index == 0:
                    return self.string_var(expr)
        return None

    # siblings: package-level names declared in other files of the same package
    def _sibling_summaries(self):
        if not self.allow_siblings:
            return {}
        if self._siblings is not None:
            return self._siblings
        self._siblings = {}
        if self.path is None or self.project is None:
            return self._siblings
        directory = self.path.parent
        try:
            entries = sorted(os.listdir(directory))
        except OSError:
            return self._siblings
        for entry in entries:
            if not entry.endswith(".go") or entry == self.path.name:
                continue
            summary = self.project.summary("go", directory / entry)
            if isinstance(summary, PackageSummary) and summary.package == self.package:
                for name, info in summary.env.items():
                    self._siblings.setdefault(name, ("env", info))
                for name, info in summary.functions.items():
                    self._siblings.setdefault(name, ("func", info))
        return self._siblings

    def sibling_env(self, name: str) -> EnvInfo | None:
        found = self._sibling_summaries().get(name)
        return found[1] if found is not None and found[0] == "env" else None

    def sibling_function(self, name: str) -> EnvInfo | None:
        found = self._sibling_summaries().get(name)
        return found[1] if found is not None and found[0] == "func" else None

    # tests
    def testing_param(self, node):
        """(name, function) of the nearest enclosing ``*testing.T``/``B``/``TB`` parameter."""
        cur = node.parent
        while cur is not None:
            if cur.type in FUNCTION_NODES:
                params = cur.child_by_field_name("parameters")
                for decl in params.named_children if params is not None else ():
                    type_node = decl.child_by_field_name("type")
                    if type_node is None:
                        continue
                    text = self.t(type_node).replace(" ", "")
                    if text in ("*testing.T", "*testing.B", "testing.TB"):
                        names = decl.children_by_field_name("name")
                        if names and self.t(names[0]) != "_":
                            return self.t(names[0]), cur
            cur = cur.parent
        return None

    def enclosing_function(self, node):
        cur = node.parent
        while cur is not None and cur.type not in FUNCTION_NODES:
            cur = cur.parent
        return cur

    def is_test_main(self, fn) -> bool:
        if fn is None or fn.type != "function_declaration":
            return False
        name = fn.child_by_field_name("name")
        return name is not None and self.t(name) == "TestMain"

    def is_test_function(self, fn) -> bool:
        if fn is None:
            return False
        params = fn.child_by_field_name("parameters")
        for decl in params.named_children if params is not None else ():
            type_node = decl.child_by_field_name("type")
            if type_node is not None and self.t(type_node).replace(" ", "") in (
                "*testing.T",
                "*testing.B",
                "testing.TB",
            ):
                return True
        return False

    def is_test_body(self, fn) -> bool:
        """``func TestX(t *testing.T)`` (Benchmark, Fuzz too) or a subtest's ``t.Run`` closure."""
        if fn is None or not self.is_test_function(fn):
            return False
        if fn.type == "function_declaration":
            name = fn.child_by_field_name("name")
            return name is not None and re.match(r"(Test|Benchmark|Fuzz)", self.t(name)) is not None
        if (
            fn.type == "func_literal"
            and fn.parent is not None
            and fn.parent.type == "argument_list"
        ):
            call = fn.parent.parent
            callee = call.child_by_field_name("function") if call is not None else None
            if callee is not None and callee.type == "selector_expression":
                fld = callee.child_by_field_name("field")
                return fld is not None and self.t(fld) == "Run"
        return False


def _returned(fn, guards: bool = True):
    """The expressions a function returns, and the ``if`` conditions guarding those returns."""
    body = fn.child_by_field_name("body")
    out = []
    stack = [(c, ()) for c in body.named_children] if body is not None else []
    while stack:
        node, conds = stack.pop()
        if node.type == "return_statement":
            exprs = node.named_children[0] if node.named_children else None
            if exprs is not None:
                out.extend(exprs.named_children if exprs.type == "expression_list" else [exprs])
                out.extend(conds)
        elif node.type not in FUNCTION_NODES:
            if guards and node.type == "if_statement":
                cond = node.child_by_field_name("condition")
                conds = (*conds, cond) if cond is not None else conds
            stack.extend((c, conds) for c in node.named_children)
    return list(dict.fromkeys(out))


# -- facts ------------------------------------------------------------------------------------


@dataclass
class _Unit:
    """The edits of one fixable finding, and the ``os.`` uses they remove."""

    message: str
    edits: list
    removes: set


class _Facts:
    def __init__(self, an: _Analyzer, ctx) -> None:
        self.an = an
        self.ctx = ctx
        self.config = ctx.config
        self.suite = ctx.role == "suite"
        helper_pkg = an.helper_pkg
        self.result = EnvAnalysis(
            "go",
            is_helper=ctx.role == "helper" or an.package in (helper_pkg, f"{helper_pkg}_test"),
        )
        self.gate_conditions: list = []
        self.gated: set[int] = set()
        self.platform_reads: set[int] = set()  # CI read by a gate limited to one platform
        self.own_writes = OwnWrites(FUNCTION_NODES)
        self.pending_reads: list = []
        self.pending_gates: list = []
        self.units: dict[int, _Unit] = {}
        self._helper_processes: dict[int, bool] = {}

    def run(self) -> EnvAnalysis:
        an = self.an
        calls = []
        for node, _scope in an.nodes:
            kind = node.type
            if kind == "call_expression":
                call = an.env_call(node)
                if call is not None:
                    calls.append((node, call))
                else:
                    self._write(node)
            elif kind == "if_statement":
                self._if_gate(node)
            elif kind == "binary_expression":
                self._comparison(node)
            elif kind == "expression_switch_statement":
                self._switch(node)
            elif kind in ("interpreted_string_literal", "raw_string_literal"):
                self._assignment_literal(node)
        self._mark_gated()
        for node, (func, name) in calls:
            self._read(node, func, name)
        self._finish()
        # A program kept among the suites (``package main`` outside ``_test.go`` files: a fake
        # server, a test image's entrypoint) configures itself from the environment.
        path = an.path.name if an.path is not None else ""
        if an.package == "main" and not path.endswith("_test.go"):
            self.result.test_code = False
        return self.result

    # reads and writes
    def _read(self, node, func: str, name: str | None) -> None:
        gated = node.id in self.gated
        decides = hygiene = False
        if name and self.config.is_heuristic_var(name):
            decides = node.id not in self.platform_reads and self._decides(node, 0)
        elif name and self.suite and (self._hygiene(node, name) or self._in_example(node)):
            hygiene = True
        elif name and self.suite and not gated and func == "Getenv" and self._probe_candidate(name):
            unit = self._probe_unit(node, name)
            if unit is not None:
                self.units[node.id] = unit
        self.pending_reads.append((node, name, gated, decides, hygiene))

    def _probe_candidate(self, name: str) -> bool:
        return probe_name(name, self.config)

    def _branch_words(self, branch) -> set[str]:
        """The words of a branch, less what it only prints or logs (a message that mentions
        integration tests decides nothing)."""
        an = self.an
        found: set[str] = set()
        stack = [branch]
        while stack:
            node = stack.pop()
            if node.type == "call_expression" and _logs(node, an):
                continue
            if not node.named_children or node.type in _STRING_TYPES:
                found |= words(an.t(node))
                continue
            stack.extend(node.named_children)
        return found

    def _in_example(self, node) -> bool:
        """Inside an ``ExampleXxx`` function: documentation ``go test`` compiles (and runs only
        to compare its output), not a test reaching a dependency."""
        fn = self.an.enclosing_function(node)
        while fn is not None and fn.type != "function_declaration":
            fn = self.an.enclosing_function(fn)
        name = fn.child_by_field_name("name") if fn is not None else None
        return name is not None and self.an.t(name).startswith("Example")

    def _hygiene(self, node, name: str) -> bool:
        """The test reads back what it set, checks the environment's state, or saves a value
        to restore it."""
        return self.own_writes.before(name, node) or self._asserted(node) or self._saved(node, name)

    def _saved(self, node, name: str) -> bool:
        """``orig := os.Getenv("X")`` (or ``orig, ok := os.LookupEnv("X")``) where every later
        use of ``orig`` is in a statement that writes X back (``defer os.Setenv("X", orig)``,
        ``if orig != "" { os.Setenv(...) }``, ``_ = os.Setenv("X", orig)`` in a cleanup)."""
        an = self.an
        cur, parent = node, node.parent
        while parent is not None and parent.type == "parenthesized_expression":
            cur, parent = parent, parent.parent
        decl = parent.parent if parent is not None and parent.type == "expression_list" else None
        if decl is None or decl.type not in (
            "short_var_declaration",
            "assignment_statement",
            "var_spec",
        ):
            return False
        if decl.type == "var_spec":
            names = decl.children_by_field_name("name")
        else:
            left = decl.child_by_field_name("left")
            names = left.named_children if left is not None else []
        values = [value.id for value in parent.named_children]
        if len(names) == 2 and values == [cur.id]:
            # ``orig, ok := os.LookupEnv("X")``: the value is what is restored (``ok`` only
            # says whether there is one to restore).
            target = names[0]
        elif len(names) == len(values):
            target = names[values.index(cur.id)]
        else:
            return False
        if target.type != "identifier":
            return False
        binding = an.binding_at(target)
        if binding is None:
            return False
        uses = [ref for ref in an.refs(binding) if ref.id != target.id]
        return bool(uses) and all(self._restores(ref, name) for ref in uses)

    def _restores(self, ref, name: str) -> bool:
        """Is ``ref`` part of a statement that sets or unsets ``name``?"""
        cur = ref.parent
        while cur is not None and not cur.type.endswith(("_statement", "_declaration")):
            cur = cur.parent
        if cur is None or cur.type not in (
            "expression_statement",
            "assignment_statement",  # ``_ = os.Setenv("X", orig)``
            "if_statement",
            "defer_statement",
        ):
            return False
        stack = [cur]
        while stack:
            node = stack.pop()
            if node.type == "call_expression" and self._writes(node) == name:
                return True
            stack.extend(node.named_children)
        return False

    def _writes(self, call) -> str | None:
        """The variable ``os.Setenv``/``os.Unsetenv``/``t.Setenv`` call ``call`` writes."""
        fn = call.child_by_field_name("function")
        fld = (
            fn.child_by_field_name("field")
            if fn is not None and fn.type == "selector_expression"
            else None
        )
        if fld is None or self.an.t(fld) not in ("Setenv", "Unsetenv"):
            return None
        args = call.child_by_field_name("arguments")
        items = args.named_children if args is not None else []
        return self.an.const_string(items[0]) if items else None

    def _asserted(self, node) -> bool:
        """``assert.Equal(t, os.Getenv("X"), "v")``, ``require.Empty(t, os.Getenv("X"))``: the
        test checks what the code under test did to the environment (a literal on the other
        side), not a dependency's value."""
        an = self.an
        args = node.parent
        call = args.parent if args is not None and args.type == "argument_list" else None
        fn = call.child_by_field_name("function") if call is not None else None
        if fn is None or fn.type != "selector_expression":
            return False
        pkg, assertion = fn.child_by_field_name("operand"), fn.child_by_field_name("field")
        if pkg is None or assertion is None or an.t(pkg) not in ASSERT_PACKAGES:
            return False
        values = args.named_children[1:]  # after the testing.T
        kind = _STATE_ASSERTIONS.get(an.t(assertion))
        if kind == 1:
            return bool(values) and values[0].id == node.id
        if kind != 2 or len(values) < 2 or node.id not in (values[0].id, values[1].id):
            return False
        other = values[1] if values[0].id == node.id else values[0]
        return an.const_string(other) is not None

    def _write(self, node) -> None:
        """``os.Setenv("X", v)``, ``os.Unsetenv("X")``, ``t.Setenv("X", v)``."""
        an = self.an
        name = self._writes(node)
        if not name:
            return
        args = node.child_by_field_name("arguments")
        items = args.named_children
        start, end = an.loc(node)
        self.result.reads.append(EnvRead(name, start, end, write=True))
        self.own_writes.add(name, node)
        if name == MODE_VAR and len(items) > 1:
            value = _string_value(items[1], an)
            if value is not None:
                self._mode_value(value, node, items[1], True)

    def _assignment_literal(self, node) -> None:
        """``"RUN_INTEGRATION_TESTS=1"`` / ``"INTEGRATION_MODE=live"`` in env slices."""
        an = self.an
        value = _string_value(node, an)
        if not value or "=" not in value:
            return
        match = _ASSIGNMENT_LITERAL.match(value)
        if match is None:
            return
        name, assigned = match.groups()
        start, end = an.loc(node)
        if name == MODE_VAR:
            self._mode_value(assigned, node, None, True)
        elif self.config.is_legacy_toggle(name):
            self.result.reads.append(EnvRead(name, start, end, write=True))

    def _decides(self, node, depth: int) -> bool:
        an = self.an
        cur = node
        while True:
            parent = cur.parent
            if parent is None:
                return False
            if parent.type in ("parenthesized_expression", "unary_expression", "binary_expression"):
                cur = parent
                continue
            if parent.type == "argument_list" and parent.parent is not None:
                fn = parent.parent.child_by_field_name("function")
                last = an.t(fn).rsplit(".", 1)[-1] if fn is not None else ""
                if last in ("TrimSpace", "ToLower", "ParseBool", "len", "EqualFold"):
                    cur = parent.parent
                    continue
                return False
            if parent.type == "expression_list" and parent.parent is not None:
                cur, parent = parent, parent.parent
            break
        if parent.type == "if_statement":
            branches = [parent.child_by_field_name(f) for f in ("consequence", "alternative")]
            return any(
                b is not None and self._branch_words(b) & (MODE_WORDS - {"mode"}) for b in branches
            )
        if (
            parent.type in ("short_var_declaration", "assignment_statement", "var_spec")
            and depth < 3
        ):
            names = (
                parent.children_by_field_name("name")
                if parent.type == "var_spec"
                else (parent.child_by_field_name("left").named_children)
            )
            for name in names:
                if words(an.t(name)) & MODE_WORDS:
                    return True
                binding = an.by_name_node.get(name.id) or (
                    an.binding_at(name) if name.type == "identifier" else None
                )
                if binding is not None and any(
                    self._decides(r, depth + 1) for r in an.refs(binding)
                ):
                    return True
            return False
        if parent.type == "return_statement":
            fn = an.enclosing_function(parent)
            name = fn.child_by_field_name("name") if fn is not None else None
            return name is not None and bool(words(an.t(name)) & MODE_WORDS)
        if parent.type == "keyed_element":
            key = parent.child_by_field_name("key")
            return key is not None and bool(words(an.t(key)) & MODE_WORDS)
        return False

    # gates
    def _if_gate(self, node) -> None:
        an = self.an
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        if cond is None or cons is None:
            return
        alt = node.child_by_field_name("alternative")
        fn = an.enclosing_function(node)
        test_main = an.is_test_main(fn)
        found = None
        for branch in (cons, alt):
            if branch is None or branch.type != "block":
                continue
            found = self._exit_in(branch, fn, test_main)
            if found is not None:
                break
        if found is None or (
            not test_main and found[1] == "return" and self._helper_process(fn, cond)
        ):
            return
        # Skipping because a variable is set (``TEST_SKIP_GIT``) is an opt-out knob, not a
        # missing dependency: neither a gate nor a probe.
        if self._fires_when_set(cond, branch is cons):
            self.gate_conditions.append(node.child_by_field_name("initializer"))
            self.gate_conditions.append(cond)
            return
        what, kind = found[0], found[1]
        # A bare return gives the prefilter no token to see, so it only counts env reads
        # visible in this file (sibling files of the package are not consulted).
        info = an.local_env(cond) if kind in ("return", "exit-return") else an.expr_env(cond)
        if info is None:
            return
        start = an.pos.loc(node.start_byte)
        end_node = node if alt is None else cond
        end = an.pos.loc(end_node.end_byte)
        names = tuple(sorted(info.names, key=str))
        self.gate_conditions.append(node.child_by_field_name("initializer"))
        self.gate_conditions.append(cond)
        unit = None
        if self.suite and alt is None and kind in ("skip", "return") and found[2]:
            unit = self._gate_unit(node, cond, info)
        advice = None
        if test_main:
            advice = (
                f"run the tests in every mode and require variables in the tests that use them "
                f"with {an.helper_pkg}.RequireEnv(t, ...)"
            )
        opt_in = self._opt_in(cond)
        self.pending_gates.append((what, names, start, end, node.id, advice, opt_in))
        if unit is not None and not opt_in:
            self.units[node.id] = unit

    def _fires_when_set(self, cond, skips_when: bool) -> bool:
        """Does the skip happen when the variables are set (or set to a value)?"""
        an = self.an
        presence = an.presence(cond)
        if presence is not None:
            return presence[1] is skips_when
        node, negated = _unwrap(cond), False
        while node is not None and node.type == "unary_expression" and operator_of(node) == "!":
            node, negated = _unwrap(node.child_by_field_name("operand")), not negated
        if node is None or node.type != "binary_expression":
            return False
        if operator_of(node) not in ("==", "!="):
            return False
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        for value, other in ((left, right), (right, left)):
            if value is None or other is None or not _string_value(value, an):
                continue
            if an.expr_env(other) is not None:
                return ((operator_of(node) == "==") is not negated) is skips_when
        return False

    def _opt_in(self, cond) -> bool:
        an = self.an

        def binding_value(ident):
            binding = an.binding_at(ident)
            if binding is None or binding.kind not in ("var", "const") or binding.later:
                return None
            return binding.values[0][0] if len(binding.values) == 1 else None

        return compares_with_value(
            cond,
            ("binary_expression",),
            ("==", "!="),
            lambda n: an.expr_env(n) is not None,
            lambda n: _string_value(n, an),
            binding_value,
        )

    def _helper_process(self, fn, cond) -> bool:
        """The entry point of a subprocess the real tests start (``GO_WANT_HELPER_PROCESS``):
        a test that ends the process itself (``defer os.Exit(0)``) or blocks for good
        (``select {}``), or whose variable a test of the file sets for the child
        (``cmd.Env = append(os.Environ(), "TEST_FAKE=1")``). Its env check, a bare ``return``,
        picks the role, it does not skip a test (a ``t.Skip`` still does)."""
        if fn is None or fn.type != "function_declaration":
            return False
        if fn.id not in self._helper_processes:
            body = fn.child_by_field_name("body")
            stack = [body] if body is not None else []
            found = False
            while stack and not found:
                node = stack.pop()
                if node.type == "func_literal":
                    continue
                found = self.an.os_call(node, {"Exit"}) or (
                    node.type == "select_statement" and not node.named_children
                )
                stack.extend(node.named_children)
            self._helper_processes[fn.id] = found
        if self._helper_processes[fn.id]:
            return True
        names: list[str] = []
        self.an.flow(cond, lambda _node, name: names.append(name))
        data = self.an.data
        return any(name and f'"{name}='.encode() in data for name in names)

    def _exit_in(self, block, fn, test_main: bool):
        """(description, kind, only-logs-before) when a block skips, exits 0 or returns."""
        an = self.an
        stmts = _statements(block)
        if not stmts:
            return None
        clean = True
        for stmt in stmts:
            call = stmt.named_children[0] if stmt.type == "expression_statement" else None
            if call is not None and call.type == "call_expression":
                callee = call.child_by_field_name("function")
                if callee is not None and callee.type == "selector_expression":
                    fld = callee.child_by_field_name("field")
                    if fld is not None and an.t(fld) in SKIP_METHODS:
                        return (
                            f"`{an.t(callee)}` skips the test",
                            "skip",
                            clean and stmt is stmts[-1],
                        )
                if test_main and an.os_call(call, {"Exit"}):
                    args = call.child_by_field_name("arguments")
                    if args is not None and an.t(args).replace(" ", "") == "(0)":
                        return "`os.Exit(0)` ends TestMain early", "exit", False
                if _is_log(call, an):
                    continue
            if stmt.type == "return_statement" and stmt is stmts[-1] and not stmt.named_children:
                if test_main:
                    return "TestMain returns before running the tests", "exit-return", False
                # Only a test (or subtest) body that returns before its work skips a test: a
                # helper's return hands control back to the test, and a branch that does work
                # first (a teardown left out on request) is not a skip.
                if clean and an.is_test_body(fn):
                    return "test returns early", "return", clean
            clean = False
        return None

    def _mark_gated(self) -> None:
        """Reads whose value flows into a gate's condition are the gate, not probes."""
        mark_gated(
            self.an,
            self.gate_conditions,
            "go",
            self.config.is_heuristic_var,
            self.gated,
            self.platform_reads,
        )

    # mode values
    def _is_mode(self, node, depth: int = 0) -> bool:
        an = self.an
        node = _unwrap(node)
        if node is None or depth > 4:
            return False
        call = an.env_call(node)
        if call is not None:
            return call[1] == MODE_VAR
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is None or fn.type != "selector_expression":
                return False
            operand = fn.child_by_field_name("operand")
            fld = fn.child_by_field_name("field")
            if operand is None or fld is None:
                return False
            if an.t(operand) in an.helper_names and an.t(fld) in MODE_FUNCS:
                return True
            args = node.child_by_field_name("arguments")
            if an.t(fld) in PASS_THROUGH:
                if an.t(fld) == "String":
                    return self._is_mode(operand, depth + 1)
                if args is not None and len(args.named_children) == 1:
                    return self._is_mode(args.named_children[0], depth + 1)
            return False
        if node.type == "identifier":
            binding = an.binding_at(node)
            if binding is not None and binding.kind == "var" and binding.values:
                return all(
                    index == 0 and self._is_mode(expr, depth + 1) for expr, index in binding.values
                )
        return False

    def _comparison(self, node) -> None:
        if operator_of(node) not in ("==", "!="):
            return
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        for side, other in ((left, right), (right, left)):
            value = _string_value(other, self.an)
            if value and self._is_mode(side):
                self._mode_value(value, node, other, False)
                return

    def _switch(self, node) -> None:
        value = node.child_by_field_name("value")
        if value is None or not self._is_mode(value):
            return
        for case in node.named_children:
            if case.type != "expression_case":
                continue
            values = case.child_by_field_name("value")
            for literal in values.named_children if values is not None else ():
                text = _string_value(literal, self.an)
                if text:
                    self._mode_value(text, literal, literal, False)

    def _mode_value(self, value: str, node, literal, is_set: bool) -> None:
        if not value.strip():
            return  # "" means unset: a presence check, not a mode value
        start, end = self.an.loc(node)
        fix = None
        fixed = value.strip().lower()
        if value not in VALID_MODES and fixed in VALID_MODES:
            if literal is not None:
                quote = self.an.t(literal)[0]
                fix = fix_of(
                    f"Replace '{value}' with '{fixed}'",
                    [
                        byte_edit(
                            self.an, literal.start_byte, literal.end_byte, f"{quote}{fixed}{quote}"
                        )
                    ],
                )
            else:
                text = self.an.t(node)
                quote, body = text[0], text[1:-1]
                new = body.replace(f"{MODE_VAR}={value}", f"{MODE_VAR}={fixed}", 1)
                fix = fix_of(
                    f"Replace '{value}' with '{fixed}'",
                    [byte_edit(self.an, node.start_byte, node.end_byte, f"{quote}{new}{quote}")],
                )
        self.result.mode_values.append(ModeValue(value, start, end, is_set, fix))

    # fixes
    def _helper_name(self) -> str | None:
        an = self.an
        for spec in an.imports:
            path = _string_value(spec.child_by_field_name("path"), an)
            if path == an.helper_path:
                name_node = spec.child_by_field_name("name")
                if name_node is None:
                    return an.helper_pkg
                name = an.t(name_node)
                return None if name in (".", "_") else name
        if an.root_scope.names.get(an.helper_pkg) is not None:
            return None
        return an.helper_pkg

    def _value_context(self, node) -> bool:
        parent = node.parent
        if parent is None:
            return False
        ptype = parent.type
        if ptype == "expression_list":
            holder = parent.parent
            return (
                holder is not None
                and holder.type
                in (
                    "short_var_declaration",
                    "assignment_statement",
                    "var_spec",
                    "return_statement",
                )
                and (holder.type != "assignment_statement" or field_is(holder, "right", parent))
            )
        if ptype in ("argument_list", "literal_element", "keyed_element"):
            return True
        return ptype == "binary_expression" and operator_of(parent) == "+"

    def _probe_unit(self, node, name: str) -> _Unit | None:
        an = self.an
        found = an.testing_param(node)
        helper = self._helper_name()
        if found is None or helper is None or not self._value_context(node):
            return None
        t_name, _fn = found
        args = node.child_by_field_name("arguments")
        arg = an.t(args.named_children[0])
        call = f"{helper}.RequireEnv({t_name}, {arg})"
        return _Unit(
            f"Replace with `{call}`",
            [byte_edit(self.an, node.start_byte, node.end_byte, call)],
            self._os_uses_within(node.start_byte, node.end_byte),
        )

    def _gate_unit(self, stmt, cond, info: EnvInfo) -> _Unit | None:
        """``if os.Getenv("X") == "" { t.Skip() }`` -> ``integrationmode.RequireEnv(t, "X")``."""
        an = self.an
        presence = info.presence
        if presence is None or presence[1] or set(presence[0]) != set(info.names):
            return None
        names = sorted(presence[0])
        if not names or not all(self._probe_candidate(n) for n in names):
            return None
        found = an.testing_param(stmt)
        helper = self._helper_name()
        if found is None or helper is None:
            return None
        t_name, fn = found
        if fn.id != (an.enclosing_function(stmt) or fn).id:
            return None
        calls = [f'{helper}.RequireEnv({t_name}, "{n}")' for n in names]
        init = stmt.child_by_field_name("initializer")
        target = _unwrap(cond)
        while target.type == "unary_expression" and operator_of(target) == "!":
            target = _unwrap(target.child_by_field_name("operand"))
        if target.type == "binary_expression":
            left = _unwrap(target.child_by_field_name("left"))
            right = _unwrap(target.child_by_field_name("right"))
            target = left if left.type == "identifier" else right
        binding = an.binding_at(target) if target.type == "identifier" else None
        if init is None and binding is not None and len(names) == 1 and binding.kind == "var":
            declared = self._declared_getenv(binding, fn, names[0], stmt.start_byte)
            if declared is not None:
                start, end = statement_lines(stmt, an.data)
                edits = [
                    byte_edit(self.an, declared.start_byte, declared.end_byte, calls[0]),
                    byte_edit(self.an, start, end, ""),
                ]
                removes = self._os_uses_within(start, end) | self._os_uses_within(
                    declared.start_byte, declared.end_byte
                )
                return _Unit(f"Read `{names[0]}` with `{helper}.RequireEnv`", edits, removes)
            if binding.scope.node.id != stmt.id:
                return None
        indent = line_indent(an.data, stmt.start_byte)
        content = f"\n{indent}".join(calls)
        return _Unit(
            f"Require {', '.join(names)} instead of skipping",
            [byte_edit(self.an, stmt.start_byte, stmt.end_byte, content)],
            self._os_uses_within(stmt.start_byte, stmt.end_byte),
        )

    def _declared_getenv(self, binding: Binding, fn, name: str, before: int):
        """The ``os.Getenv(name)`` of ``v := os.Getenv(name)`` in ``fn``, not reassigned before
        ``before``."""
        if len(binding.values) != 1 or binding.decl is None:
            return None
        if any(at < before for _e, _i, at in binding.later):
            return None
        if binding.decl.type != "short_var_declaration":
            return None
        left = binding.decl.child_by_field_name("left")
        if left is None or len(left.named_children) != 1:
            return None
        expr, index = binding.values[0]
        call = self.an.env_call(expr)
        if call is None or index != 0 or call[0] != "Getenv" or call[1] != name:
            return None
        node = binding.decl
        while node is not None and node.id != fn.id:
            node = node.parent
        return expr if node is not None else None

    def _os_uses_within(self, start: int, end: int) -> set:
        return {b for b in self._os_uses() if start <= b < end}

    def _os_uses(self) -> list[int]:
        if not hasattr(self, "_os_use_list"):
            an = self.an
            uses = []
            for node, _scope in an.nodes:
                if node.type == "selector_expression":
                    operand = node.child_by_field_name("operand")
                    if operand is not None and an.t(operand) == an.os_alias:
                        uses.append(node.start_byte)
                elif node.type == "qualified_type":
                    package = node.child_by_field_name("package")
                    if package is not None and an.t(package) == an.os_alias:
                        uses.append(node.start_byte)
            self._os_use_list = uses
        return self._os_use_list

    def _import_edits(self, remove_os: bool) -> list[Edit] | None:
        """Edits importing the helper (replacing the ``"os"`` spec when it becomes unused)."""
        an = self.an
        present = any(
            _string_value(s.child_by_field_name("path"), an) == an.helper_path for s in an.imports
        )
        last_segment = an.helper_path.rsplit("/", 1)[-1]
        alias = "" if last_segment == an.helper_pkg else f"{an.helper_pkg} "
        spec = f'{alias}"{an.helper_path}"'
        if remove_os:
            os_spec = an.os_spec
            if os_spec is None:
                return None
            if not present:
                return [byte_edit(self.an, os_spec.start_byte, os_spec.end_byte, spec)]
            target = os_spec
            if os_spec.parent is not None and os_spec.parent.type == "import_declaration":
                target = os_spec.parent
            start, end = statement_lines(target, an.data)
            return [byte_edit(self.an, start, end, "")]
        if present:
            return []
        if an.import_decls:
            decl = an.import_decls[-1]
            lists = [c for c in decl.named_children if c.type == "import_spec_list"]
            if lists:
                close = lists[0].children[-1]
                if close.type != ")":
                    return None
                for other in lists[0].named_children:  # keep the block sorted, as gofmt would
                    path = _string_value(other.child_by_field_name("path"), an)
                    if other.type == "import_spec" and path is not None and path > an.helper_path:
                        at = line_start(an.data, other.start_byte)
                        if not an.data[at : other.start_byte].strip():
                            indent = line_indent(an.data, other.start_byte)
                            return [byte_edit(self.an, at, at, f"{indent}{spec}\n")]
                at = close.start_byte
                if an.data[line_start(an.data, at) : at].strip():
                    return [byte_edit(self.an, at, at, f"\n\t{spec}\n")]
                return [byte_edit(self.an, at, at, f"\t{spec}\n")]
            return [byte_edit(self.an, decl.end_byte, decl.end_byte, f"\nimport {spec}")]
        package = next(
            (c for c in an.tree.root_node.named_children if c.type == "package_clause"), None
        )
        if package is None:
            return None
        return [byte_edit(self.an, package.end_byte, package.end_byte, f"\n\nimport {spec}")]

    def _finish(self) -> None:
        """Build the fixes: when they remove every ``os.`` use together, each fix does all."""
        an = self.an
        units = self.units
        removed = set().union(*(u.removes for u in units.values())) if units else set()
        uses = set(self._os_uses())
        together = bool(units) and not an.dot_os and an.os_alias is not None and removed == uses
        fixes: dict[int, Fix | None] = {}
        if together:
            imports = self._import_edits(remove_os=True)
            edits = [e for u in units.values() for e in u.edits]
            message = f"Use `{an.helper_pkg}.RequireEnv` for every env read (the `os` import goes)"
            for key in units:
                fixes[key] = None if imports is None else fix_of(message, [*edits, *imports])
        else:
            imports = self._import_edits(remove_os=False)
            for key, unit in units.items():
                fixes[key] = (
                    None if imports is None else fix_of(unit.message, [*unit.edits, *imports])
                )
        for node, name, gated, decides, hygiene in self.pending_reads:
            start, end = an.loc(node)
            self.result.reads.append(
                EnvRead(name, start, end, False, gated, decides, fixes.get(node.id), hygiene)
            )
        for what, names, start, end, key, advice, opt_in in self.pending_gates:
            self.result.gates.append(
                SkipGate(what, names, start, end, fixes.get(key), advice, opt_in)
            )


def _logs(call, an) -> bool:
    """A call that only prints or logs, for the words of a branch: a logging package's
    (``fmt.Println``, ``slog.Info``) or a ``Log``/``Print`` method (``t.Logf``,
    ``logger.Printf``). Wider than ``_is_log``, which decides whether a skip is clean."""
    fn = call.child_by_field_name("function")
    callee = an.t(fn) if fn is not None else ""
    head, _, last = callee.rpartition(".")
    return callee.split(".")[0] in _LOGGERS or (bool(head) and last.startswith(("Log", "Print")))


def _is_log(call, an) -> bool:
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    text = an.t(fn)
    head, _, last = text.rpartition(".")
    if head in LOG_PACKAGES or text in LOG_PACKAGES:
        return True
    return last in ("Log", "Logf") and "." not in head


# -- the frontend interface -------------------------------------------------------------------


# Syntax newer than the grammar: Go 1.26 ``new(expr)`` (the grammar wants a type). The call
# is parsed as an ordinary call of a same-length name.
_GRAMMAR_GAPS = ((re.compile(rb"\bnew(?=\s*\()"), lambda m: b"neW"),)


def _parse(data: bytes, text: str):
    parser = _parser()
    tree = reparse_gaps(parser, data, parser.parse(data), _GRAMMAR_GAPS)
    if tree.root_node.has_error:
        raise parse_failure(tree.root_node, data, text)
    return tree


def analyze(ctx) -> EnvAnalysis:
    """Parse one Go file and list its env facts (ParseFailure when the tree has errors)."""
    data = ctx.text.encode("utf-8", "surrogatepass")
    tree = _parse(data, ctx.text)
    an = _Analyzer(ctx.text, Path(ctx.file.path), tree, ctx.config, ctx.project)
    return _Facts(an, ctx).run()


def summarize(path, raw: bytes, project) -> PackageSummary | None:
    """Package-level env-derived variables and functions of one Go file."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    data = text.encode("utf-8", "surrogatepass")
    try:
        tree = _parse(data, text)
    except ParseFailure:
        return None
    an = _Analyzer(text, Path(path), tree, project.config if project is not None else None)
    an.project = None  # no transitive sibling lookups from a summary
    summary = PackageSummary(an.package)
    for name, binding in an.root_scope.names.items():
        if binding.kind == "function":
            info = an.function_env(binding)
            if info is not None:
                summary.functions[name] = info
        elif binding.kind in ("var", "const"):
            info = an.binding_env(binding)
            if info is not None:
                summary.env[name] = info
    return summary
