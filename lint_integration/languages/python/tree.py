"""One fast pass over an ``ast`` module: parents, scopes, bindings and the nodes rules care about.

The walk reads each node type's child fields once (operators and expression contexts, which
``ast`` shares between nodes, are skipped) and records just what the analysis needs. It is
iterative, so deeply nested expressions never hit the recursion limit here.
"""

from __future__ import annotations

import ast
import warnings

from lint_integration.languages.python.positions import Decorator, DictItem

# Fields that never hold nodes worth walking: shared operator / context singletons, comments.
_SKIP_FIELDS = frozenset({"ctx", "op", "ops", "type_comment", "type_ignores", "kind"})
_FIELDS: dict[type, tuple[str, ...]] = {}
_BACKWARDS: dict[type, tuple[str, ...]] = {}  # child fields, last first (for the walk's stack)


def child_fields(tp: type) -> tuple[str, ...]:
    fields = _FIELDS.get(tp)
    if fields is None:
        fields = tuple(f for f in tp._fields if f not in _SKIP_FIELDS)
        _FIELDS[tp] = fields
    return fields


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes of ``node`` in source order (operators and contexts left out)."""
    out: list[ast.AST] = []
    AST = ast.AST
    for name in child_fields(type(node)):
        value = getattr(node, name, None)
        if isinstance(value, AST):
            out.append(value)
        elif type(value) is list:
            out.extend(c for c in value if isinstance(c, AST))
    return out


def quiet_parse(source: str | bytes, mode: str = "exec"):
    """``ast.parse`` without the warnings the compiler prints about the code (invalid escape
    sequences, ``is`` with a literal): the tool reports on its own terms."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, mode=mode)


MODULE, FUNCTION, CLASS, COMPREHENSION, LAMBDA = "module", "function", "class", "comp", "lambda"
FUNCTION_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


class NodeMap:
    """A mapping keyed by node identity (the module keeps every node alive)."""

    __slots__ = ("d",)

    def __init__(self) -> None:
        self.d: dict[int, object] = {}

    def get(self, node, default=None):
        return self.d.get(id(node), default)

    def __getitem__(self, node):
        return self.d[id(node)]

    def __setitem__(self, node, value) -> None:
        self.d[id(node)] = value

    def __contains__(self, node) -> bool:
        return id(node) in self.d


class Binding:
    """What a name is bound to in one scope.

    kind: "import" (``qual``: dotted name, leading dots for relative imports), "assign"
    (``value``: the expression), "loop" (``value``: the iterable), "func", "class", "param"
    (``node``: the ``ast.arg``, ``func``: its def or lambda, ``index``), "unknown".
    """

    __slots__ = ("func", "index", "kind", "loads", "name", "node", "qual", "scope", "value")

    def __init__(self, name, kind, scope, node=None, value=None, qual=None, func=None, index=-1):
        self.name = name
        self.kind = kind
        self.scope = scope
        self.node = node  # the binding statement / def / param
        self.value = value
        self.qual = qual
        self.func = func
        self.index = index
        self.loads: list[ast.Name] = []

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Binding({self.name!r}, {self.kind}, qual={self.qual!r})"


class Scope:
    __slots__ = ("bindings", "globals", "kind", "name", "node", "parent", "star_imports")

    def __init__(self, kind: str, node: ast.AST, parent: Scope | None, name: str | None):
        self.kind = kind
        self.node = node
        self.parent = parent
        self.name = name
        self.bindings: dict[str, list[Binding]] = {}
        self.globals: set[str] = set()
        self.star_imports: list[str] = []

    def add(self, binding: Binding) -> None:
        target: Scope = self
        if binding.name in self.globals:  # ``global X`` then ``X = ...`` binds the module's X
            while target.parent is not None:
                target = target.parent
            binding.scope = target
        target.bindings.setdefault(binding.name, []).append(binding)

    def function(self) -> Scope | None:
        """The innermost enclosing function scope (itself included)."""
        scope: Scope | None = self
        while scope is not None and scope.kind not in (FUNCTION, LAMBDA):
            scope = scope.parent
        return scope


def dotted(node: ast.AST | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def is_decorator(node: ast.AST, parent: ast.AST | None) -> bool:
    """``node`` is one of ``parent``'s decorator expressions."""
    decorators = getattr(parent, "decorator_list", None)
    return bool(decorators) and any(d is node for d in decorators)


def all_params(args: ast.arguments) -> list[ast.arg]:
    out = [*args.posonlyargs, *args.args]
    if args.vararg is not None:
        out.append(args.vararg)
    out.extend(args.kwonlyargs)
    if args.kwarg is not None:
        out.append(args.kwarg)
    return out


class Tree:
    """The walked module: parents, scopes and indexes of interesting nodes."""

    def __init__(self, module: ast.Module) -> None:
        self.module = module
        self.parent = NodeMap()  # node -> parent node
        self.scope_of = NodeMap()  # node -> Scope
        self.module_scope = Scope(MODULE, module, None, None)
        self.function_scopes = NodeMap()  # def / lambda / comprehension -> its Scope
        self.loads: dict[str, list[ast.Name]] = {}
        self.calls: list[ast.Call] = []
        self.subscripts: list[ast.Subscript] = []
        self.store_subscripts: set[int] = set()  # ids
        self.del_subscripts: set[int] = set()  # ids
        self.comparisons: list[ast.Compare] = []
        self.ifs: list[ast.If] = []
        self.functions: list[ast.FunctionDef] = []
        self.classes: list[ast.ClassDef] = []
        self.assigns: list[ast.stmt] = []
        self.returns: list[ast.Return] = []
        self.raises: list[ast.Raise] = []
        self.dict_elements: list[DictItem] = []
        self.eq_strings: list[ast.Constant] = []
        self.trys: list[ast.Try] = []
        self.binding_of_load = NodeMap()
        self._decorators: dict[int, Decorator] = {}
        self._walk()

    def decorator(self, expr: ast.expr) -> Decorator:
        """The decorator line of decorator expression ``expr`` (one object per expression)."""
        found = self._decorators.get(id(expr))
        if found is None:
            found = self._decorators[id(expr)] = Decorator(expr)
            self.parent[found] = self.parent.get(expr)
        return found

    # -- walking ---------------------------------------------------------------------------

    def _walk(self) -> None:
        parent = self.parent.d
        scope_of = self.scope_of.d
        stack: list[tuple[ast.AST, ast.AST | None, Scope]] = [
            (self.module, None, self.module_scope)
        ]
        AST = ast.AST
        Name, Load, Constant = ast.Name, ast.Load, ast.Constant
        loads = self.loads
        eq_strings = self.eq_strings
        handlers = _HANDLERS
        backwards = _BACKWARDS
        pop = stack.pop
        push = stack.append
        while stack:
            node, up, scope = pop()
            key = id(node)
            if up is not None:
                parent[key] = up
            scope_of[key] = scope
            tp = type(node)
            # The two most common nodes, handled inline.
            if tp is Name:
                if type(node.ctx) is Load:
                    found = loads.get(node.id)
                    if found is None:
                        loads[node.id] = [node]
                    else:
                        found.append(node)
                continue
            if tp is Constant:
                value = node.value
                if type(value) is str and "=" in value:
                    eq_strings.append(node)
                continue
            handler = handlers.get(tp)
            if handler is not None and handler(self, node, scope, stack):
                continue
            fields = backwards.get(tp)
            if fields is None:
                fields = backwards[tp] = tuple(reversed(child_fields(tp)))
            for name in fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    for child in reversed(value):
                        if isinstance(child, AST):
                            push((child, node, scope))
                elif isinstance(value, AST):
                    push((value, node, scope))

    def _push(self, stack, nodes, up, scope) -> None:
        for child in reversed(nodes):
            if child is not None:
                stack.append((child, up, scope))

    # -- queries ---------------------------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> list[Binding] | None:
        """The bindings ``name`` refers to from ``scope`` (None: a builtin or undefined)."""
        start = scope
        current: Scope | None = scope
        while current is not None:
            if name in current.globals and current is not self.module_scope:
                current = self.module_scope
                continue
            if current.kind != CLASS or current is start:
                found = current.bindings.get(name)
                if found:
                    return found
            current = current.parent
        return None

    def resolve_load(self, node: ast.Name) -> list[Binding] | None:
        if node in self.binding_of_load:
            return self.binding_of_load[node]
        found = self.lookup(node.id, self.scope_of[node])
        self.binding_of_load[node] = found
        return found

    def loads_of(self, binding: Binding) -> list[ast.Name]:
        """Every Name load in the module that refers to ``binding``."""
        out = []
        for node in self.loads.get(binding.name, ()):
            found = self.resolve_load(node)
            if found and binding in found:
                out.append(node)
        return out

    def ancestors(self, node: ast.AST):
        parent = self.parent.d
        node = parent.get(id(node))
        while node is not None:
            yield node
            node = parent.get(id(node))

    def enclosing_function(self, node: ast.AST) -> ast.FunctionDef | None:
        """The def whose body holds ``node`` (None at module level or inside a lambda)."""
        scope = self.scope_of.d.get(id(node))
        while scope is not None:
            if scope.kind == FUNCTION:
                return scope.node
            if scope.kind == LAMBDA:
                return None
            scope = scope.parent
        return None


# -- handlers: nodes with bindings or their own scope ----------------------------------------


def _bind_target(tree: Tree, target, value, scope: Scope, stmt) -> None:
    """Bind the names in an assignment target; element-wise for tuple = tuple."""
    if isinstance(target, ast.Name):
        scope.add(Binding(target.id, "assign", scope, node=stmt, value=value))
    elif isinstance(target, (ast.Tuple, ast.List)):
        values = None
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            values = [e.value if isinstance(e, ast.Starred) else e for e in value.elts]
        for i, element in enumerate(target.elts):
            if isinstance(element, ast.Starred):
                _bind_target(tree, element.value, None, scope, stmt)
            else:
                _bind_target(tree, element, values[i] if values else None, scope, stmt)
    elif isinstance(target, ast.Starred):
        _bind_target(tree, target.value, None, scope, stmt)
    elif isinstance(target, ast.Subscript):
        tree.store_subscripts.add(id(target))


def _target_loads(target) -> list[ast.AST]:
    """The parts of a target that are evaluated (subscript bases and slices, attribute bases)."""
    if isinstance(target, ast.Name):
        return []
    if isinstance(target, (ast.Tuple, ast.List)):
        out = []
        for element in target.elts:
            out.extend(_target_loads(element))
        return out
    if isinstance(target, ast.Starred):
        return _target_loads(target.value)
    return [target]  # Subscript / Attribute: walked as expressions


def _unknown_target(tree: Tree, target, scope: Scope, stmt) -> None:
    if isinstance(target, ast.Name):
        # Bound here, not looked up after: ``global``/``nonlocal`` names bind in another scope.
        scope.add(Binding(target.id, "unknown", scope, node=stmt))
    else:
        _bind_target(tree, target, None, scope, stmt)


def _h_call(tree: Tree, node: ast.Call, scope, stack) -> bool:
    tree.calls.append(node)
    return False


def _h_subscript(tree: Tree, node: ast.Subscript, scope, stack) -> bool:
    tree.subscripts.append(node)
    return False


def _h_compare(tree: Tree, node: ast.Compare, scope, stack) -> bool:
    tree.comparisons.append(node)
    return False


def _h_if(tree: Tree, node: ast.If, scope, stack) -> bool:
    tree.ifs.append(node)
    return False


def _h_return(tree: Tree, node, scope, stack) -> bool:
    tree.returns.append(node)
    return False


def _h_raise(tree: Tree, node, scope, stack) -> bool:
    tree.raises.append(node)
    return False


def _h_try(tree: Tree, node, scope, stack) -> bool:
    tree.trys.append(node)
    return False


def _h_dict(tree: Tree, node: ast.Dict, scope, stack) -> bool:
    for key, value in zip(node.keys, node.values, strict=True):
        if key is not None:
            item = DictItem(node, key, value)
            tree.parent[item] = node
            tree.dict_elements.append(item)
    return False


def _h_joined_str(tree: Tree, node: ast.JoinedStr, scope, stack) -> bool:
    # Only the interpolated expressions: the literal parts are not string literals of their own.
    tree._push(stack, [v for v in node.values if isinstance(v, ast.FormattedValue)], node, scope)
    return True


def _h_assign(tree: Tree, node: ast.Assign, scope, stack) -> bool:
    tree.assigns.append(node)
    for target in node.targets:
        _bind_target(tree, target, node.value, scope, node)
    pushed = [node.value]
    for target in node.targets:
        pushed.extend(_target_loads(target))
    tree._push(stack, pushed, node, scope)
    return True


def _h_ann_assign(tree: Tree, node: ast.AnnAssign, scope, stack) -> bool:
    if node.value is not None:
        tree.assigns.append(node)
        _bind_target(tree, node.target, node.value, scope, node)
    else:
        _unknown_target(tree, node.target, scope, node)
    tree._push(stack, [node.annotation, node.value, *_target_loads(node.target)], node, scope)
    return True


def _h_aug_assign(tree: Tree, node: ast.AugAssign, scope, stack) -> bool:
    tree.assigns.append(node)
    if isinstance(node.target, ast.Name):
        scope.add(Binding(node.target.id, "augment", scope, node=node, value=node.value))
        tree.loads.setdefault(node.target.id, []).append(node.target)
        tree.scope_of[node.target] = scope
        tree.parent[node.target] = node
    tree._push(stack, [node.value, *_target_loads(node.target)], node, scope)
    return True


def _h_named_expr(tree: Tree, node: ast.NamedExpr, scope: Scope, stack) -> bool:
    target_scope = scope
    while target_scope.kind == COMPREHENSION and target_scope.parent is not None:
        target_scope = target_scope.parent
    if isinstance(node.target, ast.Name):
        target_scope.add(Binding(node.target.id, "assign", target_scope, node, node.value))
    stack.append((node.value, node, scope))
    return True


def _h_for(tree: Tree, node, scope, stack) -> bool:
    _loop_target(tree, node.target, node.iter, scope, node)
    tree._push(
        stack, [node.iter, *_target_loads(node.target), *node.body, *node.orelse], node, scope
    )
    return True


def _loop_target(tree: Tree, target, iterable, scope: Scope, stmt) -> None:
    if isinstance(target, ast.Name):
        scope.add(Binding(target.id, "loop", scope, node=stmt, value=iterable))
    else:
        _unknown_target(tree, target, scope, stmt)


def _h_with_item(tree: Tree, node: ast.withitem, scope, stack) -> bool:
    if node.optional_vars is not None:
        _unknown_target(tree, node.optional_vars, scope, node)
        pushed = [node.context_expr, *_target_loads(node.optional_vars)]
    else:
        pushed = [node.context_expr]
    tree._push(stack, pushed, node, scope)
    return True


def _h_except(tree: Tree, node: ast.ExceptHandler, scope, stack) -> bool:
    if node.name is not None:
        scope.add(Binding(node.name, "unknown", scope, node=node))
    tree._push(stack, [node.type, *node.body], node, scope)
    return True


def _h_del(tree: Tree, node: ast.Delete, scope, stack) -> bool:
    targets = []
    for target in node.targets:
        targets.extend(target.elts if isinstance(target, ast.Tuple) else [target])
    for t in targets:
        if isinstance(t, ast.Subscript):
            tree.del_subscripts.add(id(t))
    tree._push(stack, [t for t in targets if not isinstance(t, ast.Name)], node, scope)
    return True


def _h_import(tree: Tree, node: ast.Import, scope: Scope, stack) -> bool:
    for alias in node.names:
        full = alias.name
        if alias.asname is not None:
            scope.add(Binding(alias.asname, "import", scope, node=node, qual=full))
        else:
            first = full.split(".", 1)[0]
            scope.add(Binding(first, "import", scope, node=node, qual=first))
    return True


def _h_import_from(tree: Tree, node: ast.ImportFrom, scope: Scope, stack) -> bool:
    base = "." * (node.level or 0) + (node.module or "")
    for alias in node.names:
        name = alias.name
        if name == "*":
            scope.star_imports.append(base)
            continue
        qual = f"{base}.{name}" if base and not base.endswith(".") else f"{base}{name}"
        scope.add(Binding(alias.asname or name, "import", scope, node=node, qual=qual))
    return True


def _h_global(tree: Tree, node, scope: Scope, stack) -> bool:
    scope.globals.update(node.names)
    return True


def _h_function(tree: Tree, node, scope: Scope, stack) -> bool:
    tree.functions.append(node)
    scope.add(Binding(node.name, "func", scope, node=node))
    inner = Scope(FUNCTION, node, scope, node.name)
    tree.function_scopes[node] = inner
    _bind_params(node.args, node, inner)
    outer_parts = [*node.decorator_list, *_param_outer_parts(node.args), node.returns]
    tree._push(stack, node.body, node, inner)
    tree._push(stack, outer_parts, node, scope)
    return True


def _h_lambda(tree: Tree, node: ast.Lambda, scope: Scope, stack) -> bool:
    inner = Scope(LAMBDA, node, scope, None)
    tree.function_scopes[node] = inner
    _bind_params(node.args, node, inner)
    tree._push(stack, [node.body], node, inner)
    tree._push(stack, _param_outer_parts(node.args), node, scope)
    return True


def _bind_params(args: ast.arguments, func, inner: Scope) -> None:
    for index, param in enumerate(all_params(args)):
        inner.add(Binding(param.arg, "param", inner, node=param, func=func, index=index))


def _param_outer_parts(args: ast.arguments) -> list[ast.AST]:
    """Defaults and annotations, in source order, evaluated in the enclosing scope."""
    out: list[ast.AST] = []
    positional = args.posonlyargs + args.args if args.posonlyargs else args.args
    first_default = len(positional) - len(args.defaults)
    for i, param in enumerate(positional):
        if param.annotation is not None:
            out.append(param.annotation)
        if i >= first_default:
            out.append(args.defaults[i - first_default])
    if args.vararg is not None and args.vararg.annotation is not None:
        out.append(args.vararg.annotation)
    for param, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if param.annotation is not None:
            out.append(param.annotation)
        if default is not None:
            out.append(default)
    if args.kwarg is not None and args.kwarg.annotation is not None:
        out.append(args.kwarg.annotation)
    return out


def _h_class(tree: Tree, node: ast.ClassDef, scope: Scope, stack) -> bool:
    tree.classes.append(node)
    scope.add(Binding(node.name, "class", scope, node=node))
    inner = Scope(CLASS, node, scope, node.name)
    tree._push(stack, node.body, node, inner)
    outer = [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    tree._push(stack, outer, node, scope)
    return True


def _h_comprehension(tree: Tree, node, scope: Scope, stack) -> bool:
    inner = Scope(COMPREHENSION, node, scope, None)
    tree.function_scopes[node] = inner
    pushed = []
    for gen in node.generators:
        _loop_target(tree, gen.target, gen.iter, inner, gen)
        pushed.append(gen.iter)
        pushed.extend(_target_loads(gen.target))
        pushed.extend(gen.ifs)
        tree.parent[gen] = node
        tree.scope_of[gen] = inner
    if isinstance(node, ast.DictComp):
        pushed = [node.key, node.value, *pushed]
    else:
        pushed = [node.elt, *pushed]
    # Parents of the iterables and conditions are the comprehension itself (good enough for
    # the ancestor queries the analysis makes).
    tree._push(stack, pushed, node, inner)
    return True


def _h_match_name(tree: Tree, node, scope: Scope, stack) -> bool:
    name = getattr(node, "name", None)
    if isinstance(name, str):
        scope.add(Binding(name, "unknown", scope, node=node))
    pattern = getattr(node, "pattern", None)
    if pattern is not None:
        stack.append((pattern, node, scope))
    return True


def _h_match_mapping(tree: Tree, node, scope: Scope, stack) -> bool:
    if node.rest is not None:
        scope.add(Binding(node.rest, "unknown", scope, node=node))
    return False


_HANDLERS: dict[type, object] = {
    ast.Call: _h_call,
    ast.Subscript: _h_subscript,
    ast.Compare: _h_compare,
    ast.If: _h_if,
    ast.Return: _h_return,
    ast.Raise: _h_raise,
    ast.Try: _h_try,
    ast.Dict: _h_dict,
    ast.JoinedStr: _h_joined_str,
    ast.Assign: _h_assign,
    ast.AnnAssign: _h_ann_assign,
    ast.AugAssign: _h_aug_assign,
    ast.NamedExpr: _h_named_expr,
    ast.For: _h_for,
    ast.AsyncFor: _h_for,
    ast.withitem: _h_with_item,
    ast.ExceptHandler: _h_except,
    ast.Delete: _h_del,
    ast.Import: _h_import,
    ast.ImportFrom: _h_import_from,
    ast.Global: _h_global,
    ast.Nonlocal: _h_global,
    ast.FunctionDef: _h_function,
    ast.AsyncFunctionDef: _h_function,
    ast.Lambda: _h_lambda,
    ast.ClassDef: _h_class,
    ast.ListComp: _h_comprehension,
    ast.SetComp: _h_comprehension,
    ast.GeneratorExp: _h_comprehension,
    ast.DictComp: _h_comprehension,
    ast.MatchAs: _h_match_name,
    ast.MatchStar: _h_match_name,
    ast.MatchMapping: _h_match_mapping,
}
