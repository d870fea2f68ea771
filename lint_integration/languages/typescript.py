"""TypeScript / JavaScript frontend (tree-sitter-typescript): Jest, Vitest, Mocha and Bun suites.

``.ts .mts .cts .js .mjs .cjs`` parse with the TypeScript grammar and ``.tsx .jsx`` with the TSX
grammar; a ``.js`` file that only parses as TSX (JSX in a ``.js`` file) is retried with TSX.

The analysis resolves names through lexical scopes: ``process`` (or ``node:process`` imports),
``process.env`` / ``import.meta.env`` / ``Bun.env`` and their aliases (``const env =
process.env``, ``const { env } = process``), destructuring of the environment, constants and
functions derived from env reads (also exported by relative imports, through the module
summary), and test-function factories (``const describeIf = (c) => c ? describe :
describe.skip``). It lists env reads and writes, skip gates and mode values as ``envfacts``.

Parse errors: tree-sitter always returns a tree. A tree that contains ERROR or MISSING nodes is
reported as one ``ParseFailure`` at the first of them, and the file is not analyzed: facts taken
from a tree the parser had to repair could invent or hide gates.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lint_integration.findings import Applicability, Edit, Fix
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

_PARSERS: dict[str, Any] = {}

TSX_SUFFIXES = (".tsx", ".jsx")
JS_SUFFIXES = (".js", ".mjs", ".cjs")
MODULE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")

DESCRIBE_FNS = frozenset({"describe", "suite", "context", "fdescribe", "xdescribe", "xcontext"})
TEST_FNS = frozenset({"it", "test", "specify", "fit", "xit", "xtest", "xspecify"})
ALL_TEST_FNS = DESCRIBE_FNS | TEST_FNS
SKIP_PREFIXED = frozenset({"xdescribe", "xcontext", "xit", "xtest", "xspecify"})
MODIFIERS = frozenset(
    {"skip", "only", "concurrent", "sequential", "todo", "fails", "failing", "serial", "shuffle"}
    | {"describe", "parallel", "fixme"}  # Playwright: test.describe.serial, test.fixme
)
SKIP_MODIFIERS = frozenset({"skip", "todo", "fixme"})
# Playwright's conditional forms: test.skip(condition, reason), test.fixme(condition).
CONDITIONAL_SKIPS = frozenset({"skip", "fixme"})
GATE_METHODS = {"skipIf": False, "todoIf": False, "runIf": True, "if": True}  # -> runs when true
HOOKS = frozenset({"beforeAll", "beforeEach", "afterAll", "afterEach", "before", "after"})
TEST_MODULES = ("vitest", "@jest/globals", "bun:test", "mocha", "node:test")
PROCESS_MODULES = ("process", "node:process")
MODE_FUNCS = frozenset({"parseIntegrationMode", "getIntegrationMode", "resolveIntegrationMode"})
MODE_WORDS = frozenset(
    {"mock", "mocks", "mocked", "live", "stub", "stubs", "stubbed", "fake", "fakes"}
    | {"cluster", "skip", "real", "mode", "integration"}
)
SCOPE_NODES = frozenset(
    {
        "program",
        "statement_block",
        "arrow_function",
        "function_expression",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
        "for_statement",
        "for_in_statement",
        "catch_clause",
    }
)
FUNCTION_NODES = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "function",
    }
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
# Nodes that declare names or open a scope (pass 1).
DECLARING = SCOPE_NODES | {
    "variable_declarator",
    "formal_parameters",
    "import_statement",
    "function_declaration",
    "generator_function_declaration",
}
# Nodes whose facts pass 2 collects.
FACT_NODES = frozenset(
    {
        "member_expression",
        "subscript_expression",
        "binary_expression",
        "ternary_expression",
        "call_expression",
        "if_statement",
        "switch_statement",
        "pair",
    }
)
# Named nodes without named children worth visiting.
LEAVES = frozenset(
    {
        "property_identifier",
        "shorthand_property_identifier",
        "string_fragment",
        "this",
        "true",
        "false",
        "null",
        "undefined",
        "type_identifier",
        "predefined_type",
        "statement_identifier",
        "private_property_identifier",
        "escape_sequence",
    }
)
# Subtrees that hold no env read, gate or binding: not walked (types are most of a TS file).
OPAQUE = frozenset(
    {
        "string",
        "comment",
        "number",
        "regex",
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "interface_declaration",
        "type_alias_declaration",
        "import_statement",
        "jsx_text",
    }
)
# Node types whose value carries their operands' env dependence.
FLOW_THROUGH = frozenset(
    {
        "parenthesized_expression",
        "unary_expression",
        "binary_expression",
        "ternary_expression",
        "await_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
        "template_string",
        "template_substitution",
    }
)
CONVERSIONS = frozenset({"Boolean", "String", "Number", "parseInt", "parseFloat"})
# Array methods whose result depends on their callback's (or argument's) env reads.
PREDICATES = frozenset({"filter", "every", "some", "find", "findIndex", "includes", "map"})


def _parser(kind: str):
    parser = _PARSERS.get(kind)
    if parser is None:
        import tree_sitter
        import tree_sitter_typescript

        raw = (
            tree_sitter_typescript.language_tsx()
            if kind == "tsx"
            else tree_sitter_typescript.language_typescript()
        )
        parser = _PARSERS[kind] = tree_sitter.Parser(tree_sitter.Language(raw))
    return parser


def _blank(group: int, fill: bytes = b" "):
    """A gap replacement: ``fill`` over one group of the match (spaces, or underscores to make
    it a name), the rest kept."""

    def replace(match: re.Match) -> bytes:
        start, end = match.span(group)
        text = match.group(0)
        offset = match.start()
        return text[: start - offset] + fill * (end - start) + text[end - offset :]

    return replace


# Syntax newer than the grammar, each made parseable by a same-length rewrite: type-only star
# re-exports (``export type * from``), ``import defer``, variance annotations on type
# parameters (``<in out T>``), escapes in template literal types (``\```), object types
# as type arguments of tagged templates, ``using`` as a plain name (the grammar takes it
# for the start of a ``using`` declaration even where none can follow), and import types after
# ``as`` or ``typeof`` (``[] as import("undici").Agent[]``), made a name of the same length.
_GRAMMAR_GAPS = (
    (
        re.compile(rb"\b(?:as|typeof)\s+(import\s*\(\s*(['\"])[^'\"\n]*\2\s*\))"),
        _blank(1, b"_"),
    ),
    (re.compile(rb"(?<![\w$.])using(?![\w$])(?!\s+[A-Za-z_$\[{])"), lambda m: b"usin_"),
    (re.compile(rb"\bexport\s+(type)\s+\*"), _blank(1)),
    (re.compile(rb"\bimport\s+(defer)\s+\*"), _blank(1)),
    (
        re.compile(rb"[<,]\s*(in\s+out|in|out)\s+[A-Za-z_$][\w$]*\s*(?=[,>=]|extends\b)"),
        _blank(1),
    ),
    (re.compile(rb"\\[\x20-\x7e]"), lambda m: b"__"),
    # An object type as the type argument of a tagged template (styled-components' ``styled.
    # span<{ on: boolean }>`...` ``): the type argument is blanked.
    (re.compile(rb"(?<=[\w$)\]])<\{[^`]*?\}>(?=`)"), lambda m: b" " * len(m.group(0))),
)


def parse(data: bytes, path: str):
    """Parse with the grammar the file's suffix calls for (TSX retried for JSX in ``.js``)."""
    suffix = os.path.splitext(path)[1].lower()
    parser = _parser("tsx" if suffix in TSX_SUFFIXES else "typescript")
    tree = parser.parse(data)
    if tree.root_node.has_error and suffix in JS_SUFFIXES:
        retry = _parser("tsx").parse(data)
        if not retry.root_node.has_error:
            return retry
    return reparse_gaps(parser, data, tree, _GRAMMAR_GAPS)


def _raise_parse_error(tree, data: bytes, text: str) -> None:
    raise parse_failure(tree.root_node, data, text)


# -- prefilter --------------------------------------------------------------------------------

_BASE_TOKENS = (b"process", b"import.meta", b"Bun.env", b"INTEGRATION_MODE", b"IntegrationMode")
_RELATIVE_IMPORTS = (b"'./", b'"./', b"'../", b'"../', b"`./", b"`../")
_SUITE_TOKENS = (*_BASE_TOKENS, *_RELATIVE_IMPORTS)


def might_match(raw: bytes, role: str, config) -> bool:
    """Conservative: every fact starts at an env read, a mode helper call or a toggle name.

    Env reads need ``process``/``import.meta``/``Bun.env``; mode comparisons need
    ``INTEGRATION_MODE`` or the helper's ``*IntegrationMode`` function; legacy toggles set in an
    object literal need the toggle's literal text. A suite can also gate on a constant or
    factory imported from a relative module, so suites with relative imports always pass.
    """
    tokens = _SUITE_TOKENS if role == "suite" else _BASE_TOKENS
    needles = needles_for(tokens, config.legacy_toggles)
    return needles is None or needles(raw)


# -- scopes and bindings ----------------------------------------------------------------------


@dataclass(eq=False)
class Binding:
    name: str
    kind: str  # var | pattern | param | import | function
    node: Any  # the name node (identifier / pattern element)
    scope: Scope
    value: Any = None  # initializer (var, pattern: the destructured object), function node
    decl: Any = None  # the declaration statement
    key: str | None = None  # pattern: the property destructured; import: the imported name
    source: str | None = None  # import: the module
    const: bool = False


@dataclass
class ModuleSummary:
    """What a module exports that other suites may gate on."""

    env: dict[str, EnvInfo] = field(default_factory=dict)
    factories: frozenset = frozenset()
    functions: dict[str, EnvInfo] = field(default_factory=dict)


# -- the analyzer -----------------------------------------------------------------------------


class _Analyzer(EnvFlow):
    def __init__(self, text: str, path: Path | None, tree, project=None) -> None:
        self.text = text
        self.pos = Positions(text)
        self.data = self.pos.data
        self.path = path
        self.tree = tree
        self.project = project
        self.nodes: list[tuple[Any, Scope]] = []
        self._identifiers: list = []
        self._refs: dict[int, list] | None = None
        self.scope_of: dict[int, Scope] = {}
        self.bindings: list[Binding] = []
        self.by_name_node: dict[int, Binding] = {}
        self._env_memo: dict[tuple[int, int], EnvInfo | None] = {}
        self._presence_memo: dict[int, Any] = {}
        self._busy: set[int] = set()
        self._summaries: dict[str, ModuleSummary | None] = {}
        self.root_scope = self._collect()

    # text helpers
    # pass 1: scopes, declarations, identifier uses
    def _collect(self) -> Scope:
        """Pass 1: scopes and declarations; the nodes pass 2 looks at; identifier scopes."""
        return collect_scopes(
            self.tree.root_node,
            (LEAVES, DECLARING, FACT_NODES, OPAQUE),
            lambda node, kind, scope, top: self._declaring(node, kind, scope, top.node),
            (self.nodes, self.scope_of, self._identifiers),
        )

    def _declaring(self, node, kind: str, scope: Scope, root) -> Scope:
        """Bind what ``node`` declares; returns the scope its children live in."""
        if kind in ("function_declaration", "generator_function_declaration"):
            name = node.child_by_field_name("name")
            if name is not None:
                self._bind(scope, name, "function", value=node, decl=node, const=True)
        if kind in SCOPE_NODES and node is not root:
            scope = Scope(node, scope)
        if kind == "variable_declarator":
            self._declare(node, scope)
        elif kind == "formal_parameters":
            self._params(node, scope)
        elif kind == "arrow_function":
            param = node.child_by_field_name("parameter")
            if param is not None and param.type == "identifier":
                self._bind(scope, param, "param")
        elif kind == "import_statement":
            self._imports(node, scope)
        elif kind in ("for_in_statement", "catch_clause"):
            param = node.child_by_field_name("left" if kind == "for_in_statement" else "parameter")
            if param is not None and param.type == "identifier":
                self._bind(scope, param, "param")
        return scope

    def _bind(self, scope: Scope, name_node, kind: str, **kw) -> Binding:
        binding = Binding(self.t(name_node), kind, name_node, scope, **kw)
        scope.names[binding.name] = binding
        self.bindings.append(binding)
        self.by_name_node[name_node.id] = binding
        return binding

    def _declare(self, node, scope: Scope) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        decl = node.parent
        const = (
            decl is not None
            and decl.type == "lexical_declaration"
            and (self.t(decl).startswith("const"))
        )
        if name is None:
            return
        if name.type == "identifier":
            self._bind(scope, name, "var", value=value, decl=decl, const=const)
        elif name.type == "object_pattern" and value is not None:
            for element in name.named_children:
                key, local = _pattern_element(element)
                if key is not None and local is not None:
                    b = self._bind(scope, local, "pattern", value=value, decl=decl, const=const)
                    b.key = self.t(key) if key.type != "string" else _string_value(key, self)
                    b.node = (
                        element
                        if element.type != "shorthand_property_identifier_pattern"
                        else local
                    )

    def _params(self, node, scope: Scope) -> None:
        for param in node.named_children:
            target = param
            if param.type in ("required_parameter", "optional_parameter"):
                target = param.child_by_field_name("pattern")
            if target is not None and target.type == "identifier":
                self._bind(scope, target, "param")

    def _imports(self, node, scope: Scope) -> None:
        source_node = node.child_by_field_name("source")
        if source_node is None:
            return
        source = _string_value(source_node, self)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self._bind(scope, part, "import", key="default", source=source, decl=node)
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self._bind(scope, ident, "import", key="*", source=source, decl=node)
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        if name is not None and alias is not None:
                            self._bind(
                                scope, alias, "import", key=self.t(name), source=source, decl=node
                            )

    # -- objects: process, env ---------------------------------------------------------------

    def is_process(self, node) -> bool:
        node = _unwrap(node)
        if node.type == "identifier":
            binding = self.binding_at(node)
            if binding is None:
                return self.t(node) == "process"
            if binding.kind == "import":
                return binding.source in PROCESS_MODULES and binding.key in ("default", "*")
            if binding.kind == "var" and binding.value is not None:
                return self._is_require(binding.value, PROCESS_MODULES)
            return False
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            return (
                obj is not None
                and prop is not None
                and self.t(obj) == "globalThis"
                and self.t(prop) == "process"
            )
        return False

    def _is_require(self, node, modules) -> bool:
        node = _unwrap(node)
        if node.type != "call_expression":
            return False
        fn = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if fn is None or args is None or self.t(fn) != "require" or not args.named_children:
            return False
        first = args.named_children[0]
        return first.type == "string" and _string_value(first, self) in modules

    def is_env(self, node) -> bool:
        node = _unwrap(node)
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None or self.t(prop) != "env":
                return False
            return obj.type == "meta_property" or self.t(obj) == "Bun" or self.is_process(obj)
        if node.type == "identifier":
            binding = self.binding_at(node)
            if binding is None:
                return False
            if binding.kind == "import":
                return binding.source in PROCESS_MODULES and binding.key == "env"
            if binding.kind == "var" and binding.value is not None and binding.const:
                return self.is_env(binding.value)
            if binding.kind == "pattern" and binding.key == "env":
                return self.is_process(binding.value) or self._is_require(
                    binding.value, PROCESS_MODULES
                )
        return False

    def env_read(self, node):
        """(is_read, name) for ``env.X`` / ``env['X']`` / ``env[`X`]`` (name None if dynamic)."""
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if (
                obj is not None
                and prop is not None
                and prop.type == "property_identifier"
                and self.is_env(obj)
            ):
                return True, self.t(prop)
        elif node.type == "subscript_expression":
            obj = node.child_by_field_name("object")
            index = node.child_by_field_name("index")
            if obj is not None and index is not None and self.is_env(obj):
                return True, _string_value(index, self)
        return False, None

    def in_read(self, node):
        """``'X' in process.env`` -> (True, 'X')."""
        if node.type != "binary_expression" or operator_of(node) != "in":
            return False, None
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None or not self.is_env(right):
            return False, None
        return True, _string_value(left, self)

    # -- env dependence ----------------------------------------------------------------------

    def flow(self, node, on_read, on_call=None) -> None:
        """Follow the value of ``node`` back to the env reads it carries.

        Values flow through bindings, operators, conversions (``Boolean(x)``, ``x.trim()``,
        ``x.length``), array predicates (``vars.filter(v => !process.env[v])``) and functions
        returning env-derived values; never through the arguments of other calls, so a client
        built from an env var is not itself an env value. ``on_call(call)`` may claim a call
        (returning True) instead of following it.
        """
        seen: set[int] = set()
        stack = [node]
        while stack:
            cur = stack.pop()
            if cur is None or cur.id in seen:
                continue
            seen.add(cur.id)
            is_read, name = self.env_read(cur)
            if not is_read:
                is_read, name = self.in_read(cur)
            if is_read:
                on_read(cur, name)
                continue
            kind = cur.type
            if kind == "identifier":
                stack.extend(self._binding_flow(cur, on_read))
            elif kind == "call_expression":
                if on_call is None or not on_call(cur):
                    stack.extend(self._call_flow(cur, into_functions=on_call is None))
            elif kind in FLOW_THROUGH:
                stack.extend(cur.named_children)
            elif kind in ("member_expression", "subscript_expression"):
                stack.append(cur.child_by_field_name("object"))

    def _binding_flow(self, ident, on_read) -> list:
        binding = self.binding_at(ident)
        if binding is None:
            return []
        if binding.kind == "pattern":
            if self.is_env(binding.value):
                on_read(binding.node, binding.key)
                return []
            return [binding.value]
        if binding.kind == "var" and binding.value is not None:
            return [] if binding.value.type in FUNCTION_NODES else [binding.value]
        if binding.kind == "import":
            summary = self.summary_for(binding.source)
            info = summary.env.get(binding.key) if summary is not None else None
            for name in info.names if info is not None else ():
                on_read(ident, name)
        return []

    def _call_flow(self, call, into_functions: bool) -> list:
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        arg_nodes = list(args.named_children) if args is not None else []
        if fn is None:
            return []
        if fn.type == "identifier":
            binding = self.binding_at(fn)
            if binding is None:
                return arg_nodes if self.t(fn) in CONVERSIONS else []
            value = binding.value
            if into_functions and value is not None and value.type in FUNCTION_NODES:
                return _returned(value, guards=True)
            return []
        if fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            out = [fn.child_by_field_name("object")]
            if prop is not None and self.t(prop) in PREDICATES:
                for arg in arg_nodes:
                    out.extend(_returned(arg, guards=True) if arg.type in FUNCTION_NODES else [arg])
            return out
        return []

    def binding_env(self, binding: Binding | None) -> EnvInfo | None:
        if binding is None:
            return None
        if binding.kind == "pattern":
            if self.is_env(binding.value):
                return EnvInfo(frozenset({binding.key}), (frozenset({binding.key}), True))
            info = self.expr_env(binding.value) if binding.value is not None else None
            return info
        if binding.kind == "var" and binding.value is not None:
            if binding.value.type in FUNCTION_NODES:
                return None
            return self.expr_env(binding.value)
        if binding.kind == "import":
            summary = self.summary_for(binding.source)
            if summary is not None:
                return summary.env.get(binding.key)
        return None

    def function_env(self, binding: Binding | None) -> EnvInfo | None:
        """Env dependence of what a local or imported function returns."""
        if binding is None:
            return None
        if binding.kind == "import":
            summary = self.summary_for(binding.source)
            return summary.functions.get(binding.key) if summary is not None else None
        fn = binding.value
        if binding.kind not in ("var", "function") or fn is None or fn.type not in FUNCTION_NODES:
            return None
        if fn.id in self._busy:
            return None
        self._busy.add(fn.id)
        try:
            names: set = set()
            found = False
            for expr in _returned(fn, guards=True):
                info = self.expr_env(expr)
                if info is not None:
                    names |= info.names
                    found = True
        finally:
            self._busy.discard(fn.id)
        if not found:
            return None
        return EnvInfo(frozenset(names), dynamic=None in names)

    def call_env(self, call) -> EnvInfo | None:
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "identifier":
            return None
        info = self.function_env(self.binding_at(fn))
        if info is None:
            return None
        names = set(info.names)
        if info.dynamic:
            names.discard(None)
            args = call.child_by_field_name("arguments")
            literals = [
                _string_value(a, self) for a in (args.named_children if args is not None else ())
            ]
            names |= {v for v in literals if v} or {None}
        return EnvInfo(frozenset(names))

    def presence(self, node):
        """(names, positive) when ``node`` only tests whether env vars are set."""
        if node.id in self._presence_memo:
            return self._presence_memo[node.id]
        self._presence_memo[node.id] = None
        result = self._presence(node)
        self._presence_memo[node.id] = result
        return result

    def _presence(self, node):
        node = _unwrap(node)
        is_read, name = self.env_read(node)
        if not is_read:
            is_read, name = self.in_read(node)
        if is_read:
            return (frozenset({name}), True) if name else None
        kind = node.type
        if kind == "unary_expression" and operator_of(node) == "!":
            inner = self.presence(node.child_by_field_name("argument"))
            return (inner[0], not inner[1]) if inner else None
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if (
                fn is not None
                and self.t(fn) == "Boolean"
                and args
                and len(args.named_children) == 1
            ):
                return self.presence(args.named_children[0])
            return None
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is not None and self.t(prop) == "length":
                return self.presence(node.child_by_field_name("object"))
            return None
        if kind == "binary_expression":
            return self._presence_binary(node)
        if kind == "identifier":
            binding = self.binding_at(node)
            if binding is None:
                return None
            if binding.kind == "pattern" and self.is_env(binding.value):
                return frozenset({binding.key}), True
            if binding.kind == "var" and binding.const and binding.value is not None:
                return self.presence(binding.value)
        return None

    def _presence_binary(self, node):
        op = operator_of(node)
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return None
        if op in ("&&", "||"):
            a, b = self.presence(left), self.presence(right)
            if op in ("||", "??") and a and _is_empty(right, self):
                return a
            want = op == "&&"
            if a and b and a[1] is want and b[1] is want:
                return a[0] | b[0], want
            return None
        if op == "??":
            return self.presence(left) if _is_empty(right, self) else None
        if op in ("===", "==", "!==", "!="):
            for side, other in ((left, right), (right, left)):
                if _is_nothing(other, self):
                    inner = self.presence(side)
                    if inner:
                        return inner[0], inner[1] is (op in ("!==", "!="))
        return None

    # -- imports across modules --------------------------------------------------------------

    def summary_for(self, source: str | None) -> ModuleSummary | None:
        if not source or not source.startswith(".") or self.path is None or self.project is None:
            return None
        if source in self._summaries:
            return self._summaries[source]
        target = _resolve_module(self.path.parent, source)
        summary = self.project.summary("typescript", target) if target is not None else None
        if not isinstance(summary, ModuleSummary):
            summary = None
        self._summaries[source] = summary
        return summary

    # -- test functions ----------------------------------------------------------------------

    def test_fn(self, node):
        """(base, skip) for ``describe``, ``it.skip``, ``xit``, ``test.concurrent.skip``..."""
        node = _unwrap(node)
        if node.type in ("arrow_function", "function_expression", "function"):
            body = node.child_by_field_name("body")
            if body is not None and body.type == "statement_block" and not body.named_children:
                return "noop", True
            return None
        props = []
        while node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None or self.t(prop) not in MODIFIERS:
                return None
            props.append(self.t(prop))
            node = node.child_by_field_name("object")
        if node.type != "identifier":
            return None
        base = self.t(node)
        if base not in ALL_TEST_FNS:
            return None
        binding = self.binding_at(node)
        if binding is not None and not (binding.kind == "import" and binding.key in ALL_TEST_FNS):
            return None
        skip = base in SKIP_PREFIXED or any(p in SKIP_MODIFIERS for p in props)
        return ("describe" if "describe" in props else base), skip

    def callee_kind(self, call) -> str | None:
        """'describe', 'test' or a hook name for the call a callback is passed to."""
        fn = call.child_by_field_name("function")
        if fn is None:
            return None
        if fn.type == "call_expression":  # it.each(table)(name, fn), describe.skipIf(c)(...)
            inner = fn.child_by_field_name("function")
            if inner is not None and inner.type == "member_expression":
                prop = inner.child_by_field_name("property")
                if prop is not None and self.t(prop) in ("each", *GATE_METHODS):
                    fn = inner.child_by_field_name("object")
        if fn is None:
            return None
        if fn.type == "identifier" and self.t(fn) in HOOKS:
            binding = self.binding_at(fn)
            if binding is None or (binding.kind == "import" and binding.key in HOOKS):
                return self.t(fn)
            return None
        found = self.test_fn(fn)
        if found is None:
            return None
        base = found[0]
        return "describe" if base in DESCRIBE_FNS else "test"

    def factory(self, binding: Binding | None) -> bool:
        """A function returning ``param ? describe : describe.skip`` (or imported one)."""
        if binding is None:
            return False
        if binding.kind == "import":
            summary = self.summary_for(binding.source)
            return summary is not None and binding.key in summary.factories
        fn = binding.value
        if binding.kind not in ("var", "function") or fn is None or fn.type not in FUNCTION_NODES:
            return False
        for expr in _returned(fn):
            expr = _unwrap(expr)
            if expr.type != "ternary_expression":
                continue
            cond = _unwrap(expr.child_by_field_name("condition"))
            if cond.type != "identifier":
                continue
            param = self.binding_at(cond)
            if param is None or param.kind != "param":
                continue
            if self._skip_pair(expr) is not None:
                return True
        return False

    def _registered(self, node):
        """``test_fn`` of the callee when ``node`` calls a test function."""
        node = _unwrap(node)
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        found = self.test_fn(fn) if fn is not None else None
        return found if found is not None and found[0] != "noop" else None

    def _skip_pair(self, ternary):
        """(skip branch, run branch, run-when-true) when a ternary picks a test fn or its skip."""
        cons = ternary.child_by_field_name("consequence")
        alt = ternary.child_by_field_name("alternative")
        if cons is None or alt is None:
            return None
        a, b = self.test_fn(cons), self.test_fn(alt)
        if a is None and b is None:  # cond ? describe(name, fn) : describe.skip(name, fn)
            a, b = self._registered(cons), self._registered(alt)
        if a is None or b is None or a[1] == b[1]:
            return None
        if a[0] == "noop" and b[0] == "noop":
            return None
        return (cons, alt, False) if a[1] else (alt, cons, True)


# -- small tree helpers -----------------------------------------------------------------------


def _unwrap(node):
    while node is not None and node.type in (
        "parenthesized_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
        "await_expression",
    ):
        inner = node.named_children[0] if node.named_children else None
        if inner is None:
            break
        node = inner
    return node


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\", "`": "`", "0": "\0"}


def _string_value(node, an) -> str | None:
    """The value of a string or substitution-free template literal; None otherwise."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(an.t(child))
        elif child.type == "escape_sequence":
            raw = an.t(child)
            if len(raw) != 2 or raw[1] not in _ESCAPES:
                return None
            parts.append(_ESCAPES[raw[1]])
        else:
            return None
    return "".join(parts)


def _is_empty(node, an) -> bool:
    return _string_value(_unwrap(node), an) == ""


def _is_nothing(node, an) -> bool:
    node = _unwrap(node)
    return node.type in ("undefined", "null") or an.t(node) == "undefined" or _is_empty(node, an)


def _pattern_element(element):
    """(key node, local name node) of one element of an object destructuring pattern."""
    if element.type == "shorthand_property_identifier_pattern":
        return element, element
    if element.type == "object_assignment_pattern":
        left = element.child_by_field_name("left")
        return (left, left) if left is not None else (None, None)
    if element.type == "pair_pattern":
        key = element.child_by_field_name("key")
        value = element.child_by_field_name("value")
        if value is not None and value.type == "assignment_pattern":
            value = value.child_by_field_name("left")
        if value is not None and value.type == "identifier":
            return key, value
    return None, None


def _returned(fn, guards: bool = False):
    """The expressions a function returns (its expression body, or its returns).

    With ``guards``, also the conditions of the ``if`` statements a return sits in: in
    ``if (!process.env.X) return false; return true;`` the result depends on X.
    """
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "statement_block":
        return [body]
    out = []
    stack = [(c, ()) for c in body.named_children]
    while stack:
        node, conds = stack.pop()
        if node.type == "return_statement":
            out.extend(node.named_children[:1])
            out.extend(conds)
        elif node.type not in FUNCTION_NODES and node.type != "class_declaration":
            if guards and node.type == "if_statement":
                cond = node.child_by_field_name("condition")
                conds = (*conds, cond) if cond is not None else conds
            stack.extend((c, conds) for c in node.named_children)
    return list(dict.fromkeys(out))


def _resolve_module(base: Path, source: str) -> Path | None:
    target = base / source
    stem, ext = os.path.splitext(str(target))
    candidates = []
    if ext in MODULE_SUFFIXES:
        candidates.append(Path(target))
        if ext in (".js", ".mjs", ".cjs", ".jsx"):
            candidates += [Path(stem + s) for s in (".ts", ".tsx", ".mts", ".cts")]
    candidates += [Path(str(target) + s) for s in MODULE_SUFFIXES]
    candidates += [target / f"index{s}" for s in MODULE_SUFFIXES]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


# -- facts ------------------------------------------------------------------------------------


class _Facts:
    """Second pass: env reads, gates and mode values of one analyzed file."""

    def __init__(self, an: _Analyzer, ctx) -> None:
        self.an = an
        self.ctx = ctx
        self.config = ctx.config
        self.suite = ctx.role == "suite"
        self.result = EnvAnalysis("typescript", is_helper=ctx.role == "helper")
        self.gate_conditions: list[Any] = []
        self.gated_reads: set[int] = set()
        self.platform_reads: set[int] = set()  # CI read by a gate limited to one platform
        self.fixer = _TsFixer(an, ctx)
        self.own_writes = OwnWrites(FUNCTION_NODES | {"method_definition"})

    def run(self) -> EnvAnalysis:
        an = self.an
        reads = []
        for node, _scope in an.nodes:
            kind = node.type
            if kind in ("member_expression", "subscript_expression"):
                is_read, name = an.env_read(node)
                if is_read:
                    reads.append((node, name))
            elif kind == "binary_expression":
                is_read, name = an.in_read(node)
                if is_read:
                    reads.append((node, name))
                self._comparison(node)
            elif kind == "ternary_expression":
                self._ternary(node)
            elif kind == "call_expression":
                self._call_gate(node)
            elif kind == "if_statement":
                self._if_gate(node)
            elif kind == "switch_statement":
                self._switch(node)
            elif kind == "pair":
                self._pair(node)
        self._mark_gated()
        writes = [_is_write(node) for node, _name in reads]
        for (node, name), write in zip(reads, writes, strict=True):
            if name and write:
                self.own_writes.add(name, node)
        for (node, name), write in zip(reads, writes, strict=True):
            self._read(node, name, write)
        for binding in an.bindings:
            if binding.kind == "pattern" and an.is_env(binding.value):
                self._pattern_read(binding)
        if self.suite and any(not r.write for r in self.result.reads):
            self.result.test_code = _is_test_code(self.ctx, self.an)
        return self.result

    # reads
    def _read(self, node, name, write: bool) -> None:
        """A read of ``name`` (``write``: the node is assigned or deleted)."""
        an = self.an
        parent = node.parent
        if write and name == MODE_VAR and parent.type == "assignment_expression":
            self._mode_set(parent, parent.child_by_field_name("right"))
        start, end = an.loc(node)
        gated = node.id in self.gated_reads
        decides = False
        fix = None
        hygiene = (
            bool(name)
            and not write
            and self.suite
            and (
                self.own_writes.before(name, node)
                or self._saved(node, name)
                or _asserted(node, self.an)
            )
        )
        if name and not write:
            if self.config.is_heuristic_var(name):
                decides = node.id not in self.platform_reads and self._decides(node, 0)
            elif (
                self.suite
                and not gated
                and not hygiene
                and self._probe_candidate(name)
                # ``'X' in process.env`` is a presence test: requireEnv is not a drop-in.
                and node.type != "binary_expression"
            ):
                fix = self.fixer.probe_fix(node, name)
        self.result.reads.append(
            EnvRead(name, start, end, write, gated, decides, fix, hygiene=hygiene)
        )

    def _saved(self, node, name: str) -> bool:
        """``const saved = process.env.X`` (or ``saved = process.env.X`` in a hook) where every
        later use of ``saved`` restores X: environment hygiene around a test, not a probe."""
        an = self.an
        cur, parent = node, node.parent
        while parent is not None and parent.type in _TS_WRAPPERS:
            cur, parent = parent, parent.parent
        if parent is None:
            return False
        target = skip = None
        if parent.type == "variable_declarator" and field_is(parent, "value", cur):
            target = parent.child_by_field_name("name")
        elif parent.type == "assignment_expression" and field_is(parent, "right", cur):
            target = parent.child_by_field_name("left")
            skip = target.id if target is not None else None
        if target is None or target.type != "identifier":
            return False
        binding = an.binding_at(target)
        if binding is None:
            return False
        uses = [ref for ref in an.refs(binding) if ref.id != skip]
        return bool(uses) and all(self._restores(ref, name) for ref in uses)

    def _restores(self, ref, name: str) -> bool:
        """Is ``ref`` part of a statement that writes ``process.env[name]`` back?"""
        cur = ref.parent
        while cur is not None and cur.type not in _TS_STATEMENTS:
            cur = cur.parent
        if cur is None or cur.type not in ("expression_statement", "if_statement"):
            return False
        stack = [cur]
        while stack:
            node = stack.pop()
            target = None
            if node.type == "assignment_expression":
                target = node.child_by_field_name("left")
            elif node.type == "unary_expression" and operator_of(node) == "delete":
                target = node.child_by_field_name("argument")
            if target is not None and self.an.env_read(target) == (True, name):
                return True
            stack.extend(node.named_children)
        return False

    def _probe_candidate(self, name: str) -> bool:
        return probe_name(name, self.config)

    def _pattern_read(self, binding: Binding) -> None:
        start, end = self.an.loc(binding.node)
        gated = binding.node.id in self.gated_reads
        decides = bool(binding.key) and self.config.is_heuristic_var(binding.key)
        decides = decides and any(self._decides(ref, 0) for ref in self.an.refs(binding))
        self.result.reads.append(EnvRead(binding.key, start, end, False, gated, decides))

    def _decides(self, node, depth: int) -> bool:
        """Does this value choose live vs mocked behaviour or a skip (CI detection)?"""
        an = self.an
        cur = node
        while True:
            parent = cur.parent
            if parent is None:
                return False
            ptype = parent.type
            if ptype in ("parenthesized_expression", "unary_expression", "binary_expression"):
                cur = parent
                continue
            if ptype == "arguments" and parent.parent is not None:
                call = parent.parent
                fn = call.child_by_field_name("function")
                if fn is not None and an.t(fn) in ("Boolean", "String"):
                    cur = call
                    continue
                if fn is not None and fn.type == "member_expression":
                    prop = fn.child_by_field_name("property")
                    if prop is not None and an.t(prop) in GATE_METHODS:
                        return True
                return False
            break
        if ptype == "ternary_expression" and field_is(parent, "condition", cur):
            branches = [parent.child_by_field_name(f) for f in ("consequence", "alternative")]
            return any(b is not None and self._modeish(b) for b in branches)
        if ptype == "if_statement" or (
            ptype == "parenthesized_expression" and parent.parent is not None
        ):
            stmt = parent if ptype == "if_statement" else parent.parent
            if stmt.type != "if_statement":
                return False
            branches = [stmt.child_by_field_name(f) for f in ("consequence", "alternative")]
            return any(b is not None and self._modeish(b) for b in branches)
        if ptype == "variable_declarator" and depth < 3:
            name = parent.child_by_field_name("name")
            if name is None or name.type != "identifier":
                return False
            if words(an.t(name)) & MODE_WORDS:
                return True
            binding = an.binding_at(name)
            return binding is not None and any(
                self._decides(r, depth + 1) for r in an.refs(binding)
            )
        if ptype == "return_statement":
            fn = parent.parent
            while fn is not None and fn.type not in FUNCTION_NODES:
                fn = fn.parent
            name = fn.child_by_field_name("name") if fn is not None else None
            return name is not None and bool(words(an.t(name)) & MODE_WORDS)
        return False

    def _modeish(self, node) -> bool:
        found = words(self.an.t(node))
        return bool(found & (MODE_WORDS - {"mode", "integration"})) or (
            self.an.test_fn(node) is not None
        )

    # gates
    def _gate(
        self, what: str, info: EnvInfo, node, cond, fix=None, end_node=None, skips_when=None
    ) -> None:
        """Record a gate; ``skips_when`` is the value of ``cond`` that skips (None: unknown)."""
        if skips_when is not None and self._fires_when_set(cond, skips_when):
            # Skipping because a variable is set (``SKIP_SLOW=1``) is an opt-out knob, not a
            # missing dependency: neither a gate nor a probe.
            self.gate_conditions.append(cond)
            return
        start = self.an.pos.loc(node.start_byte)
        end = self.an.pos.loc((end_node or node).end_byte)
        opt_in = self._opt_in(cond)
        names = tuple(sorted(info.names, key=str))
        self.result.gates.append(
            SkipGate(what, names, start, end, None if opt_in else fix, opt_in=opt_in)
        )
        self.gate_conditions.append(cond)

    def _fires_when_set(self, cond, skips_when: bool) -> bool:
        """Does the skip happen when the variables are set (or set to a value)?"""
        an = self.an
        presence = an.presence(cond)
        if presence is not None:
            return presence[1] is skips_when
        node, negated = _unwrap(cond), False
        for _ in range(8):
            if node.type == "unary_expression" and operator_of(node) == "!":
                node, negated = _unwrap(node.child_by_field_name("argument")), not negated
            elif node.type == "identifier":
                binding = an.binding_at(node)
                if binding is None or not binding.const or binding.value is None:
                    break
                node = _unwrap(binding.value)
            else:
                break
        if node.type != "binary_expression" or operator_of(node) not in ("==", "===", "!=", "!=="):
            return False
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        for value, other in ((left, right), (right, left)):
            if value is None or other is None or not _string_value(value, an):
                continue
            if an.expr_env(other) is not None:
                equal = operator_of(node) in ("==", "===")
                return (equal is not negated) is skips_when
        return False

    def _opt_in(self, cond) -> bool:
        an = self.an

        def binding_value(ident):
            binding = an.binding_at(ident)
            if binding is None or binding.kind != "var" or not binding.const:
                return None
            return binding.value

        return compares_with_value(
            cond,
            ("binary_expression",),
            ("==", "!=", "===", "!=="),
            lambda n: an.expr_env(n) is not None,
            lambda n: _string_value(n, an),
            binding_value,
        )

    def _ternary(self, node) -> None:
        an = self.an
        pair = an._skip_pair(node)
        if pair is None:
            return
        cond = node.child_by_field_name("condition")
        if cond is None:
            return
        cond_u = _unwrap(cond)
        if cond_u.type == "identifier":
            binding = an.binding_at(cond_u)
            if binding is not None and binding.kind == "param":
                return  # a factory: reported where it is called with an env condition
        info = an.expr_env(cond)
        if info is None:
            return
        skip = pair[0]
        found = an.test_fn(skip)
        if found is None:  # a call: name its callee
            skip = _unwrap(skip).child_by_field_name("function")
        skip_text = "an empty function" if found and found[0] == "noop" else f"`{an.t(skip)}`"
        fix = None
        if self.suite and found is not None:
            fix = self.fixer.ternary_fix(node, cond, pair, info)
        self._gate(f"{skip_text} chosen", info, node, cond, fix, skips_when=not pair[2])

    def _call_gate(self, call) -> None:
        an = self.an
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if fn is None or args is None or not args.named_children:
            return
        cond = args.named_children[0]
        if fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            obj = fn.child_by_field_name("object")
            if prop is None or obj is None:
                return
            if an.t(prop) in CONDITIONAL_SKIPS and _string_value(cond, an) is None:
                self._conditional_skip(call, fn, obj, cond)
                return
            if an.t(prop) not in GATE_METHODS:
                return
            found = an.test_fn(obj)
            if found is None:
                return
            info = an.expr_env(cond)
            if info is None:
                return
            method = an.t(prop)
            fix = (
                self.fixer.method_fix(call, obj, cond, GATE_METHODS[method], info)
                if (self.suite)
                else None
            )
            skips_when = not GATE_METHODS[method]
            self._gate(f"`{an.t(fn)}` skips", info, call, cond, fix, skips_when=skips_when)
        elif fn.type == "identifier" and an.factory(an.binding_at(fn)):
            info = an.expr_env(cond)
            if info is not None:
                self._gate(f"`{an.t(fn)}(...)` skips", info, call, cond)

    def _conditional_skip(self, call, fn, obj, cond) -> None:
        """Playwright ``test.skip(!process.env.X, 'reason')`` inside a test or describe."""
        if self.an.test_fn(obj) is None or cond.type in FUNCTION_NODES:
            return
        info = self.an.expr_env(cond)
        if info is not None:
            self._gate(f"`{self.an.t(fn)}(...)` skips", info, call, cond, skips_when=True)

    def _if_gate(self, node) -> None:
        an = self.an
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        if cond is None or cons is None:
            return
        alt = node.child_by_field_name("alternative")
        info = None
        callback = _callback_of(node)
        if callback is not None:
            kind = an.callee_kind(callback[1])
            early = _early_exit(cons, an) if kind is not None else None
            if early is not None:
                info = an.expr_env(cond)
                if info is None:
                    return
                what = _early_what(kind, early)
                end = node if alt is None else cond
                fix = None
                if self.suite and early == "return" and alt is None:
                    fix = self.fixer.early_return_fix(node, cond, callback[0], info)
                self._gate(what, info, node, cond, fix, end_node=end, skips_when=True)
                return
        branches = [b for b in (cons, alt) if b is not None]
        skipped = [s for b in branches for s in _registrations(b, an) if s[1]]
        registered = [s for s in _registrations(cons, an) if not s[1]]
        other = _registrations(alt, an) if alt is not None else []
        if skipped:
            what = f"`{skipped[0][0]}` chosen"
        elif registered and not other and callback is None and not _inside_test(node, an):
            what = "tests registered only"
        else:
            return
        info = info or an.expr_env(cond)
        if info is not None:
            self._gate(what, info, node, cond, end_node=cond)

    def _mark_gated(self) -> None:
        """Reads whose value flows into a gate's condition are the gate, not probes."""
        mark_gated(
            self.an,
            self.gate_conditions,
            "typescript",
            self.config.is_heuristic_var,
            self.gated_reads,
            self.platform_reads,
        )

    # mode values
    def _comparison(self, node) -> None:
        if operator_of(node) not in ("===", "==", "!==", "!="):
            return
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        for side, other in ((left, right), (right, left)):
            value = _string_value(_unwrap(other), self.an)
            if value is not None and self._is_mode(side, 0):
                self._mode_value(value, node, _unwrap(other), False)
                return

    def _switch(self, node) -> None:
        value = node.child_by_field_name("value")
        body = node.child_by_field_name("body")
        if value is None or body is None or not self._is_mode(value, 0):
            return
        for case in body.named_children:
            test = case.child_by_field_name("value") if case.type == "switch_case" else None
            literal = _string_value(test, self.an) if test is not None else None
            if literal is not None:
                self._mode_value(literal, test, test, False)

    def _pair(self, node) -> None:
        key = node.child_by_field_name("key")
        if key is None:
            return
        name = self.an.t(key) if key.type == "property_identifier" else _string_value(key, self.an)
        if not name or not _ENV_NAME.match(name):
            return  # only UPPER_CASE keys are taken for environment variables
        if name == MODE_VAR:
            self._mode_set(node, node.child_by_field_name("value"))
        elif self.config.is_legacy_toggle(name):
            start, end = self.an.loc(key)
            self.result.reads.append(EnvRead(name, start, end, write=True))

    def _mode_set(self, node, value_node) -> None:
        if value_node is None:
            return
        literal = _unwrap(value_node)
        value = _string_value(literal, self.an)
        if value is not None:
            self._mode_value(value, node, literal, True)

    def _mode_value(self, value: str, node, literal, is_set: bool) -> None:
        if not value.strip():
            return  # "" means unset: a presence check, not a mode value
        start, end = self.an.loc(node)
        fix = None
        if value not in VALID_MODES and value.strip().lower() in VALID_MODES:
            fixed = value.strip().lower()
            fix = self.fixer.literal_fix(literal, fixed, value)
        self.result.mode_values.append(ModeValue(value, start, end, is_set, fix))

    def _is_mode(self, node, depth: int) -> bool:
        an = self.an
        node = _unwrap(node)
        if depth > 4 or node is None:
            return False
        is_read, name = an.env_read(node)
        if is_read:
            return name == MODE_VAR
        kind = node.type
        if kind == "binary_expression" and operator_of(node) in ("??", "||"):
            return self._is_mode(node.child_by_field_name("left"), depth + 1)
        if kind == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is None:
                return False
            if fn.type == "member_expression":
                prop = fn.child_by_field_name("property")
                if prop is not None and an.t(prop) in ("toLowerCase", "trim", "toString"):
                    return self._is_mode(fn.child_by_field_name("object"), depth + 1)
                return prop is not None and an.t(prop) in MODE_FUNCS
            if fn.type == "identifier":
                binding = an.binding_at(fn)
                if binding is not None and binding.kind == "import":
                    return binding.key in MODE_FUNCS
                return an.t(fn) in MODE_FUNCS
            return False
        if kind == "identifier":
            binding = an.binding_at(node)
            if binding is not None and binding.kind == "var" and binding.value is not None:
                return self._is_mode(binding.value, depth + 1)
        return False


def _callback_of(stmt):
    """(function, call) when ``stmt`` is a top-level statement of a callback passed to a call."""
    block = stmt.parent
    if block is None or block.type != "statement_block":
        return None
    fn = block.parent
    if fn is None or fn.type not in ("arrow_function", "function_expression", "function"):
        return None
    args = fn.parent
    if args is None or args.type != "arguments" or args.parent is None:
        return None
    if args.parent.type != "call_expression":
        return None
    return fn, args.parent


_TS_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression"}
)
_TS_STATEMENTS = frozenset(
    {
        "expression_statement",
        "if_statement",
        "lexical_declaration",
        "variable_declaration",
        "return_statement",
        "statement_block",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "switch_statement",
        "try_statement",
        "throw_statement",
    }
)
_TEST_FILE = re.compile(r"[._-](test|spec)s?\.[cm]?[jt]sx?$", re.I)
# A test framework imported, required or referenced, or a test or hook registered at the
# start of a line (Jest and Vitest globals need no import).
_FRAMEWORK = re.compile(
    rb"""(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^import\s*)['"](?:vitest|@vitest/[\w./-]+|"""
    rb"""vitest/[\w./-]+|@jest/globals|jest|mocha|chai|ava|uvu|tap|node:test|bun:test|"""
    rb"""@playwright/test|@testing-library/[\w-]+)['"]"""
    rb"""|<reference\s+types=['"](?:jest|vitest[\w/]*|mocha)['"]"""
    rb"""|^\s*(?:describe|it|test|beforeAll|beforeEach|afterAll|afterEach)\b[\w.]*\s*\(""",
    re.M,
)
_SUITE_DIRS = frozenset({"test", "tests", "__tests__", "spec", "e2e"})


def _is_test_code(ctx, an) -> bool:
    """Test files, modules using a test framework, and the helpers next to them; not a package
    of its own kept under a test folder (a sample app the suites drive, with its own
    ``package.json``), whose reads configure the app."""
    path = Path(ctx.file.path)
    if _TEST_FILE.search(path.name) or _FRAMEWORK.search(an.data):
        return True
    project = ctx.project
    root = Path(ctx.config.root).resolve() if ctx.config is not None else None
    for directory in path.resolve().parents:
        if directory.name in _SUITE_DIRS or directory == root:
            return True
        manifest = directory / "package.json"
        try:
            raw = manifest.read_bytes()
        except OSError:
            raw = None
        if project is not None:
            project.note_read(manifest, raw)
        if raw is not None:
            return False
    return True


def _inside_test(node, an) -> bool:
    """Is ``node`` inside a test or hook callback (not a describe body or the module)?"""
    cur = node.parent
    while cur is not None:
        if cur.type in ("arrow_function", "function_expression", "function"):
            args = cur.parent
            if args is not None and args.type == "arguments" and args.parent is not None:
                kind = an.callee_kind(args.parent)
                if kind is not None and kind != "describe":
                    return True
        cur = cur.parent
    return False


def _early_exit(branch, an) -> str | None:
    """'return' or the skip call text when a branch only logs and then returns or skips."""
    stmts = branch.named_children if branch.type == "statement_block" else [branch]
    stmts = [s for s in stmts if s.type != "comment"]
    if not stmts:
        return None
    *before, last = stmts
    for stmt in before:
        if stmt.type != "expression_statement" or not _is_log(stmt, an):
            return None
    if last.type == "return_statement":
        value = last.named_children[0] if last.named_children else None
        if value is None or an.t(value) == "undefined":
            return "return"
        return _skip_call(value, an)
    if last.type == "expression_statement" and last.named_children:
        return _skip_call(last.named_children[0], an)
    return None


def _is_log(stmt, an) -> bool:
    call = stmt.named_children[0] if stmt.named_children else None
    if call is None or call.type != "call_expression":
        return False
    fn = call.child_by_field_name("function")
    return fn is not None and an.t(fn).split(".")[0] in ("console", "logger", "log")


def _skip_call(node, an) -> str | None:
    """``ctx.skip()`` / ``this.skip()`` (Vitest context, Mocha) -> its callee text."""
    node = _unwrap(node)
    if node.type != "call_expression":
        return None
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return None
    obj = fn.child_by_field_name("object")
    prop = fn.child_by_field_name("property")
    if obj is None or prop is None or an.t(prop) != "skip":
        return None
    if obj.type == "this" or (obj.type == "identifier" and an.test_fn(obj) is None):
        return an.t(fn) + "()"
    return None


def _early_what(kind: str, early: str) -> str:
    if early != "return":
        return f"`{early}` skips the test"
    if kind == "describe":
        return "`describe` callback returns early"
    if kind == "test":
        return "test returns early"
    return f"`{kind}` hook returns early"


def _registrations(branch, an) -> list[tuple[str, bool]]:
    """Test registrations (``describe(...)``, ``it.skip(...)``) directly in a branch."""
    if branch is None:
        return []
    if branch.type == "else_clause":
        branch = branch.named_children[0] if branch.named_children else None
        if branch is None or branch.type == "if_statement":
            return []
    stmts = branch.named_children if branch.type == "statement_block" else [branch]
    out = []
    for stmt in stmts:
        if stmt.type != "expression_statement" or not stmt.named_children:
            continue
        call = stmt.named_children[0]
        if call.type != "call_expression":
            continue
        fn = call.child_by_field_name("function")
        while fn is not None and fn.type == "call_expression":  # describe.each(t)(...)
            fn = fn.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression":
                fn = fn.child_by_field_name("object")
        found = an.test_fn(fn) if fn is not None else None
        if found is not None and found[0] != "noop":
            out.append((an.t(fn), found[1]))
    return out


# -- fixes ------------------------------------------------------------------------------------


class _TsFixer:
    """Span edits for TS fixes: ``requireEnv`` calls and the import they need."""

    def __init__(self, an: _Analyzer, ctx) -> None:
        self.an = an
        self.ctx = ctx
        self.module = ctx.config.helper.get("ts-module", "@platform/integration-mode")
        self._import = None
        self._import_done = False

    def _quote(self) -> str:
        for binding in self.an.root_scope.names.values():
            if binding.kind == "import" and binding.decl is not None:
                source = binding.decl.child_by_field_name("source")
                if source is not None:
                    return self.an.t(source)[0]
        return "'"

    def _semicolon(self) -> str:
        """``;`` unless the file's top-level statements are written without semicolons."""
        kinds = ("import_statement", "lexical_declaration", "expression_statement")
        statements = [c for c in self.an.tree.root_node.named_children if c.type in kinds]
        if statements and not any(self.an.t(c).rstrip().endswith(";") for c in statements):
            return ""
        return ";"

    def require_import(self):
        """(local name of requireEnv, edits adding its import) or None when it cannot be added."""
        if self._import_done:
            return self._import
        self._import_done = True
        an = self.an
        root = an.tree.root_node
        existing = an.root_scope.names.get("requireEnv")
        for binding in an.root_scope.names.values():
            imported = binding.kind == "import" and binding.source == self.module
            if imported and binding.key == "requireEnv":
                self._import = (binding.name, ())
                return self._import
        if existing is not None:
            return None  # a local requireEnv that is not the helper's
        quote = self._quote()
        imports = [c for c in root.named_children if c.type == "import_statement"]
        for stmt in imports:
            source = stmt.child_by_field_name("source")
            if source is None or _string_value(source, an) != self.module:
                continue
            named = _named_imports(stmt)
            if named is not None and named.named_children:
                last = named.named_children[-1]
                self._import = (
                    "requireEnv",
                    (byte_edit(self.an, last.end_byte, last.end_byte, ", requireEnv"),),
                )
                return self._import
        semi = self._semicolon()
        line = f"import {{ requireEnv }} from {quote}{self.module}{quote}{semi}"
        if imports:
            last = imports[-1]
            edit = byte_edit(self.an, last.end_byte, last.end_byte, "\n" + line)
        else:
            requires = [
                c
                for c in root.named_children
                if c.type in ("lexical_declaration", "variable_declaration")
                and "require(" in an.t(c)
            ]
            if requires:
                last = requires[-1]
                line = f"const {{ requireEnv }} = require({quote}{self.module}{quote}){semi}"
                edit = byte_edit(self.an, last.end_byte, last.end_byte, "\n" + line)
            else:
                first = next(
                    (
                        c
                        for c in root.named_children
                        if c.type not in ("comment", "hash_bang_line") and not _is_directive(c, an)
                    ),
                    None,
                )
                at = first.start_byte if first is not None else len(an.data)
                at = line_start(an.data, at)
                edit = byte_edit(self.an, at, at, line + "\n\n")
        self._import = ("requireEnv", (edit,))
        return self._import

    def _clean(self, info: EnvInfo, positive: bool) -> list[str] | None:
        """The var names when a condition only tests that dependency vars are set."""
        presence = info.presence
        if presence is None or presence[1] is not positive:
            return None
        names = sorted(presence[0])
        if not names or set(names) != set(info.names):
            return None
        c = self.ctx.config
        for name in names:
            if (
                name == MODE_VAR
                or c.is_allowed_env(name)
                or c.is_legacy_toggle(name)
                or c.is_mode_alias(name)
                or c.is_heuristic_var(name)
            ):
                return None
        return names

    def probe_fix(self, node, name: str) -> Fix | None:
        target = node
        applicability = Applicability.SAFE
        parent = node.parent
        while parent is not None and parent.type == "parenthesized_expression":
            target, parent = parent, parent.parent
        if parent is None:
            return None
        ptype = parent.type
        if ptype == "non_null_expression":
            target = parent
        elif ptype == "binary_expression" and operator_of(parent) in ("??", "||"):
            left = parent.child_by_field_name("left")
            if left is None or left.id != target.id:
                return None
            target = parent
            applicability = Applicability.UNSAFE
        elif ptype == "member_expression":
            obj = parent.child_by_field_name("object")
            if obj is None or obj.id != target.id:
                return None
        elif (
            ptype == "arguments"
            and parent.parent is not None
            and (self.an.t(parent.parent.child_by_field_name("function") or parent) == "Boolean")
        ):
            return None  # Boolean(process.env.X) tests presence
        elif ptype not in (
            "variable_declarator",
            "arguments",
            "pair",
            "template_substitution",
            "assignment_expression",
            "return_statement",
            "array",
            "as_expression",
            "satisfies_expression",
            "spread_element",
            "jsx_expression",
        ) and not (ptype == "binary_expression" and operator_of(parent) == "+"):
            return None
        if ptype == "assignment_expression":
            right = parent.child_by_field_name("right")
            if right is None or right.id != target.id:
                return None
        imported = self.require_import()
        if imported is None:
            return None
        local, import_edits = imported
        call = f"{local}({self._q(name)})"
        edits = (byte_edit(self.an, target.start_byte, target.end_byte, call), *import_edits)
        if applicability is Applicability.SAFE:
            message = f"Replace the read with `{call}`"
        else:
            message = f"Replace the read and its default with `{call}`"
        return fix_of(message, edits, applicability)

    def _q(self, name: str) -> str:
        q = self._quote()
        return f"{q}{name}{q}"

    def ternary_fix(self, ternary, cond, pair, info: EnvInfo) -> Fix | None:
        """``(cond ? describe : describe.skip)(name, fn)`` -> ``describe(name, fn)``, requireEnv."""
        paren = ternary.parent
        if paren is None or paren.type != "parenthesized_expression":
            return None
        call = paren.parent
        if call is None or call.type != "call_expression" or not field_is(call, "function", paren):
            return None
        _skip, run, run_when_true = pair
        names = self._clean(info, run_when_true)
        if names is None or self.an.test_fn(run)[0] == "noop":
            return None
        return self._replace_gate(call, paren, self.an.t(run), cond, names)

    def method_fix(self, gate_call, base, cond, runs_when_true: bool, info) -> Fix | None:
        """``describe.skipIf(!process.env.X)(name, fn)`` -> ``describe(name, fn)`` + requireEnv."""
        call = gate_call.parent
        if (
            call is None
            or call.type != "call_expression"
            or not field_is(call, "function", gate_call)
        ):
            return None
        names = self._clean(info, runs_when_true)
        found = self.an.test_fn(base)
        if names is None or found is None or found[1]:
            return None
        return self._replace_gate(call, gate_call, self.an.t(base), cond, names)

    def _replace_gate(self, call, callee, replacement: str, cond, names) -> Fix | None:
        an = self.an
        args = call.child_by_field_name("arguments")
        fn = args.named_children[-1] if args is not None and args.named_children else None
        if fn is None or fn.type not in ("arrow_function", "function_expression", "function"):
            return None
        body = fn.child_by_field_name("body")
        if body is None or body.type != "statement_block":
            return None
        imported = self.require_import()
        if imported is None:
            return None
        local, import_edits = imported
        base = replacement.split(".")[0]
        indent = _body_indent(body, an)
        calls = [f"{local}({self._q(n)});" for n in names]
        edits = [byte_edit(self.an, callee.start_byte, callee.end_byte, replacement), *import_edits]
        if base in DESCRIBE_FNS:
            hook = self._hook_name()
            if hook is None:
                return None
            hook_name, hook_edits = hook
            inner = "".join(f"\n{indent}  {c}" for c in calls)
            statement = f"{hook_name}(() => {{{inner}\n{indent}}});"
            edits += hook_edits
            what = f"require {', '.join(names)} in a `beforeAll`"
        else:
            statement = f"\n{indent}".join(calls)
            what = f"require {', '.join(names)} in the test"
        edits.append(_insert_first(body, statement, indent, an))
        edits += self._drop_constant(cond)
        return fix_of(f"Run `{replacement}` unconditionally and {what}", edits)

    def _hook_name(self):
        """``beforeAll`` and, when test functions are imported, the edit importing it."""
        an = self.an
        for binding in an.root_scope.names.values():
            if binding.kind == "import" and binding.key == "beforeAll":
                return binding.name, ()
        if "beforeAll" in an.root_scope.names:
            return None
        for binding in an.root_scope.names.values():
            if binding.kind == "import" and binding.source in TEST_MODULES:
                named = _named_imports(binding.decl)
                if named is not None and named.named_children:
                    last = named.named_children[-1]
                    return "beforeAll", (
                        byte_edit(self.an, last.end_byte, last.end_byte, ", beforeAll"),
                    )
        return "beforeAll", ()

    def _drop_constant(self, cond) -> list[Edit]:
        """Delete ``const RUN = !!process.env.X`` when the gate was its only use."""
        node = _unwrap(cond)
        while node.type == "unary_expression" and operator_of(node) == "!":
            node = _unwrap(node.child_by_field_name("argument"))
        if node.type != "identifier":
            return []
        binding = self.an.binding_at(node)
        if binding is None or binding.kind != "var" or not binding.const or binding.decl is None:
            return []
        decl = binding.decl
        if decl.parent is None or decl.parent.type not in ("program", "statement_block"):
            return []
        if len([c for c in decl.named_children if c.type == "variable_declarator"]) != 1:
            return []
        if any(
            ref.start_byte < cond.start_byte or ref.end_byte > cond.end_byte
            for ref in self.an.refs(binding)
        ):
            return []
        start, end = statement_lines(decl, self.an.data)
        return [byte_edit(self.an, start, end, "")]

    def early_return_fix(self, stmt, cond, fn, info: EnvInfo) -> Fix | None:
        """``if (!process.env.X) return;`` -> ``requireEnv('X');``."""
        names = self._clean(info, False)
        if names is None:
            return None
        imported = self.require_import()
        if imported is None:
            return None
        local, import_edits = imported
        an = self.an
        target = _unwrap(cond)
        while target.type == "unary_expression" and operator_of(target) == "!":
            target = _unwrap(target.child_by_field_name("argument"))
        binding = an.binding_at(target) if target.type == "identifier" else None
        value = binding.value if binding is not None and binding.kind == "var" else None
        if (
            value is not None
            and len(names) == 1
            and _declared_in(binding, fn)
            and (_direct_read(value, an, names[0]))
        ):
            start, end = statement_lines(stmt, an.data)
            edits = (
                byte_edit(
                    self.an, value.start_byte, value.end_byte, f"{local}({self._q(names[0])})"
                ),
                byte_edit(self.an, start, end, ""),
                *import_edits,
            )
            return fix_of(f"Read `{names[0]}` with `{local}` instead of returning early", edits)
        indent = line_indent(an.data, stmt.start_byte)
        content = f"\n{indent}".join(f"{local}({self._q(n)});" for n in names)
        edits = (byte_edit(self.an, stmt.start_byte, stmt.end_byte, content), *import_edits)
        return fix_of(f"Require {', '.join(names)} instead of returning early", edits)

    def literal_fix(self, literal, fixed: str, value: str) -> Fix | None:
        text = self.an.t(literal)
        quote = text[0] if text and text[0] in "'\"`" else ""
        return fix_of(
            f"Replace '{value}' with '{fixed}'",
            (byte_edit(self.an, literal.start_byte, literal.end_byte, f"{quote}{fixed}{quote}"),),
        )


def _named_imports(import_stmt):
    if import_stmt is None:
        return None
    for clause in import_stmt.named_children:
        if clause.type == "import_clause":
            for part in clause.named_children:
                if part.type == "named_imports":
                    return part
    return None


def _is_directive(node, an) -> bool:
    if node.type != "expression_statement" or not node.named_children:
        return False
    return node.named_children[0].type == "string"


def _body_indent(body, an) -> str:
    stmts = [c for c in body.named_children if c.type != "comment"]
    if stmts and an.data.count(b"\n", body.start_byte, stmts[0].start_byte):
        return line_indent(an.data, stmts[0].start_byte)
    return line_indent(an.data, body.start_byte) + "  "


def _insert_first(body, statement: str, indent: str, an) -> Edit:
    at = body.start_byte + 1  # after "{"
    rest = an.data[at : an.data.find(b"\n", at) if b"\n" in an.data[at:] else len(an.data)]
    content = f"\n{indent}{statement}"
    if rest.strip():
        closing = line_indent(an.data, body.start_byte)
        content += "\n" + (
            indent if rest.strip() != b"}" and not rest.strip().startswith(b"}") else closing
        )
    return byte_edit(an, at, at, content)


def _declared_in(binding: Binding, fn) -> bool:
    node = binding.decl
    while node is not None:
        if node.id == fn.id:
            return True
        node = node.parent
    return False


# Node's ``assert`` functions and Jest/Vitest matchers that check a value against another
# (a literal there makes it a check of the environment's state) or its absence alone.
_ASSERT_EQUALS = frozenset({"equal", "strictEqual", "deepEqual", "deepStrictEqual"})
_MATCH_EQUALS = frozenset({"toBe", "toEqual", "toStrictEqual"})


def _asserted(node, an) -> bool:
    """``expect(process.env.X).toBe('v')``, ``assert.equal(process.env.X, 'v')``,
    ``expect(process.env.X).toBeUndefined()``: the test checks what the code under test did to
    the environment, not a dependency's value. A negated check (``.not.toBe('')``,
    ``toBeDefined()``) is a precondition on a dependency, and stays a probe."""
    cur = node
    while cur.parent is not None and cur.parent.type in _TS_WRAPPERS:
        cur = cur.parent
    args = cur.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    fn = call.child_by_field_name("function") if call is not None else None
    if fn is None:
        return False
    values = args.named_children
    if fn.type == "member_expression":
        obj, prop = fn.child_by_field_name("object"), fn.child_by_field_name("property")
        if obj is None or prop is None or an.t(obj) != "assert" or an.t(prop) not in _ASSERT_EQUALS:
            return False
        if len(values) < 2 or cur.id not in (values[0].id, values[1].id):
            return False
        return _is_literal(values[1] if values[0].id == cur.id else values[0], an)
    if fn.type != "identifier" or an.t(fn) != "expect" or len(values) != 1:
        return False
    up = call.parent  # expect(x).toBe: the member expression naming the matcher
    prop = up.child_by_field_name("property") if up.type == "member_expression" else None
    matcher = an.t(prop) if prop is not None else None
    check = up.parent
    if check is None or check.type != "call_expression":
        return False
    arguments = check.child_by_field_name("arguments")
    given = arguments.named_children if arguments is not None else []
    if matcher == "toBeUndefined":
        return not given
    return matcher in _MATCH_EQUALS and len(given) == 1 and _is_literal(given[0], an)


def _is_literal(node, an) -> bool:
    node = _unwrap(node)
    return (
        _string_value(node, an) is not None
        or node.type in ("number", "true", "false", "null", "undefined")
        or (node.type == "identifier" and an.t(node) == "undefined")
    )


def _is_write(node) -> bool:
    """``process.env.X = v``, ``process.env.X += v``, ``process.env.X++``,
    ``delete process.env.X``."""
    parent = node.parent
    if parent is None:
        return False
    ptype = parent.type
    if ptype in ("assignment_expression", "augmented_assignment_expression"):
        left = parent.child_by_field_name("left")
        return left is not None and left.id == node.id
    return ptype == "update_expression" or (
        ptype == "unary_expression" and operator_of(parent) == "delete"
    )


def _direct_read(value, an, name: str) -> bool:
    """``process.env.X`` (optionally ``?? ''`` / ``|| ''``) reading ``name``."""
    value = _unwrap(value)
    if value.type == "binary_expression" and operator_of(value) in ("??", "||"):
        if not _is_empty(value.child_by_field_name("right"), an):
            return False
        value = _unwrap(value.child_by_field_name("left"))
    is_read, read_name = an.env_read(value)
    return is_read and read_name == name


# -- the frontend interface -------------------------------------------------------------------


def _analyzer(text: str, path, project):
    """Parse and index a module (the tree itself when it has errors)."""
    tree = parse(text.encode("utf-8", "surrogatepass"), str(path))
    if tree.root_node.has_error:
        return tree
    return _Analyzer(text, Path(path), tree, project)


def analyze(ctx) -> EnvAnalysis:
    """Parse one file and list its env facts (ParseFailure when the tree has errors)."""
    an = _analyzer(ctx.text, ctx.file.path, ctx.project)
    if not isinstance(an, _Analyzer):
        _raise_parse_error(an, ctx.text.encode("utf-8", "surrogatepass"), ctx.text)
    return _Facts(an, ctx).run()


def summarize(path, raw: bytes, project) -> ModuleSummary | None:
    """The env-derived constants, functions and test factories a module exports."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    an = _analyzer(text.removeprefix("\ufeff"), path, project)
    if not isinstance(an, _Analyzer):
        return None
    summary = ModuleSummary()
    factories = set()
    for name, binding in _exports(an).items():
        if an.factory(binding):
            factories.add(name)
            continue
        fn_info = an.function_env(binding)
        if fn_info is not None:
            summary.functions[name] = fn_info
            continue
        info = an.binding_env(binding)
        if info is not None:
            summary.env[name] = info
    summary.factories = frozenset(factories)
    return summary


def _exports(an: _Analyzer) -> dict[str, Binding]:
    out: dict[str, Binding] = {}
    for stmt in an.tree.root_node.named_children:
        if stmt.type != "export_statement":
            continue
        decl = stmt.child_by_field_name("declaration")
        if decl is not None:
            names = []
            if decl.type in ("function_declaration", "generator_function_declaration"):
                names = [decl.child_by_field_name("name")]
            elif decl.type in ("lexical_declaration", "variable_declaration"):
                names = [
                    d.child_by_field_name("name")
                    for d in decl.named_children
                    if d.type == "variable_declarator"
                ]
            for name in names:
                if name is not None and name.type == "identifier":
                    binding = an.root_scope.names.get(an.t(name))
                    if binding is not None:
                        out[binding.name] = binding
            continue
        for clause in stmt.named_children:
            if clause.type != "export_clause":
                continue
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias") or name
                if name is not None and alias is not None:
                    binding = an.root_scope.names.get(an.t(name))
                    if binding is not None:
                        out[an.t(alias)] = binding
    return out
