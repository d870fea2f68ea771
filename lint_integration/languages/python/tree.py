"""One fast pass over a LibCST module: parents, scopes, bindings and the nodes rules care about.

LibCST's own visitor dispatch and its scope / qualified-name providers cost two to three
times the parse; this walker reads the dataclass fields directly (skipping whitespace and
punctuation) and records just what the analysis needs, in a fraction of the parse time.
The walk is iterative, so deeply nested expressions never hit the recursion limit here.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

# Fields that only hold whitespace, punctuation or tokens: never walked.
_SKIP_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "semicolon",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "colon",
        "equal",
        "dot",
        "newline",
        "first_line",
        "empty_lines",
        "trailing_whitespace",
        "operator",
        "asynchronous",
        "lbrace",
        "rbrace",
        "lbracket",
        "rbracket",
        "arrow",
        "star_tok",
        "indent",
    }
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(tp: type) -> tuple[str, ...]:
    fields = _FIELDS.get(tp)
    if fields is None:
        fields = tuple(
            f.name
            for f in dataclasses.fields(tp)
            if f.name not in _SKIP_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS[tp] = fields
    return fields


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The semantic children of ``node`` in source order."""
    out: list[cst.CSTNode] = []
    for name in child_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            out.append(value)
        elif type(value) in (tuple, list):
            out.extend(c for c in value if isinstance(c, cst.CSTNode))
    return out


MODULE, FUNCTION, CLASS, COMPREHENSION, LAMBDA = "module", "function", "class", "comp", "lambda"


class NodeMap:
    """A mapping keyed by node identity. CST nodes hash through a Python-level ``__hash__``;
    keying by ``id`` keeps the walk cheap (the module keeps every node alive)."""

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
    (``node``: the Param, ``func``: its FunctionDef, ``index``), "unknown".
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
        self.loads: list[cst.Name] = []

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Binding({self.name!r}, {self.kind}, qual={self.qual!r})"


class Scope:
    __slots__ = ("bindings", "globals", "kind", "name", "node", "parent", "star_imports")

    def __init__(self, kind: str, node: cst.CSTNode, parent: Scope | None, name: str | None):
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


def dotted(node: cst.CSTNode) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


def _module_name(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    name = dotted(node.module) if node.module is not None else ""
    return dots + (name or "")


class Tree:
    """The walked module: parents, scopes and indexes of interesting nodes."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.parent = NodeMap()  # node -> parent node
        self.scope_of = NodeMap()  # node -> Scope
        self.module_scope = Scope(MODULE, module, None, None)
        self.function_scopes = NodeMap()  # def / lambda / comprehension -> its Scope
        self.loads: dict[str, list[cst.Name]] = {}
        self.calls: list[cst.Call] = []
        self.subscripts: list[cst.Subscript] = []
        self.store_subscripts: set[int] = set()  # ids
        self.del_subscripts: set[int] = set()  # ids
        self.comparisons: list[cst.Comparison] = []
        self.ifs: list[cst.If] = []
        self.functions: list[cst.FunctionDef] = []
        self.classes: list[cst.ClassDef] = []
        self.assigns: list[cst.CSTNode] = []
        self.returns: list[cst.Return] = []
        self.raises: list[cst.Raise] = []
        self.dict_elements: list[cst.DictElement] = []
        self.eq_strings: list[cst.SimpleString] = []
        self.trys: list[cst.Try] = []
        self.binding_of_load = NodeMap()
        self._walk()

    # -- walking ---------------------------------------------------------------------------

    def _walk(self) -> None:
        parent = self.parent.d
        scope_of = self.scope_of.d
        stack: list[tuple[cst.CSTNode, cst.CSTNode | None, Scope]] = [
            (self.module, None, self.module_scope)
        ]
        CST = cst.CSTNode
        while stack:
            node, up, scope = stack.pop()
            key = id(node)
            if up is not None:
                parent[key] = up
            scope_of[key] = scope
            tp = type(node)
            handler = _HANDLERS.get(tp)
            if handler is not None:
                pushed = handler(self, node, scope, stack)
                if pushed:
                    continue
            for name in child_fields(tp):
                value = getattr(node, name)
                if isinstance(value, CST):
                    stack.append((value, node, scope))
                elif type(value) in (tuple, list):
                    for child in reversed(value):
                        if isinstance(child, CST):
                            stack.append((child, node, scope))

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

    def resolve_load(self, node: cst.Name) -> list[Binding] | None:
        if node in self.binding_of_load:
            return self.binding_of_load[node]
        found = self.lookup(node.value, self.scope_of[node])
        self.binding_of_load[node] = found
        return found

    def loads_of(self, binding: Binding) -> list[cst.Name]:
        """Every Name load in the module that refers to ``binding``."""
        out = []
        for node in self.loads.get(binding.name, ()):
            found = self.resolve_load(node)
            if found and binding in found:
                out.append(node)
        return out

    def ancestors(self, node: cst.CSTNode):
        parent = self.parent.d
        node = parent.get(id(node))
        while node is not None:
            yield node
            node = parent.get(id(node))

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
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
    if isinstance(target, cst.Name):
        scope.add(Binding(target.value, "assign", scope, node=stmt, value=value))
    elif isinstance(target, (cst.Tuple, cst.List)):
        values = None
        if isinstance(value, (cst.Tuple, cst.List)) and len(value.elements) == len(target.elements):
            values = [e.value for e in value.elements]
        for i, element in enumerate(target.elements):
            inner = element.value
            if isinstance(element, cst.StarredElement):
                _bind_target(tree, inner, None, scope, stmt)
            else:
                _bind_target(tree, inner, values[i] if values else None, scope, stmt)
    elif isinstance(target, cst.StarredElement):
        _bind_target(tree, target.value, None, scope, stmt)
    elif isinstance(target, cst.Subscript):
        tree.store_subscripts.add(id(target))


def _target_loads(target) -> list[cst.CSTNode]:
    """The parts of a target that are evaluated (subscript bases and slices, attribute bases)."""
    if isinstance(target, cst.Name):
        return []
    if isinstance(target, (cst.Tuple, cst.List)):
        out = []
        for element in target.elements:
            out.extend(_target_loads(element.value))
        return out
    if isinstance(target, cst.StarredElement):
        return _target_loads(target.value)
    return [target]  # Subscript / Attribute: walked as expressions


def _unknown_target(tree: Tree, target, scope: Scope, stmt) -> None:
    if isinstance(target, cst.Name):
        # Bound here, not looked up after: ``global``/``nonlocal`` names bind in another scope.
        scope.add(Binding(target.value, "unknown", scope, node=stmt))
    else:
        _bind_target(tree, target, None, scope, stmt)


def _h_name(tree: Tree, node: cst.Name, scope, stack) -> bool:
    tree.loads.setdefault(node.value, []).append(node)
    return True


def _h_attribute(tree: Tree, node: cst.Attribute, scope, stack) -> bool:
    stack.append((node.value, node, scope))
    return True


def _h_arg(tree: Tree, node: cst.Arg, scope, stack) -> bool:
    stack.append((node.value, node, scope))
    return True


def _h_call(tree: Tree, node: cst.Call, scope, stack) -> bool:
    tree.calls.append(node)
    return False


def _h_subscript(tree: Tree, node: cst.Subscript, scope, stack) -> bool:
    tree.subscripts.append(node)
    return False


def _h_comparison(tree: Tree, node: cst.Comparison, scope, stack) -> bool:
    tree.comparisons.append(node)
    return False


def _h_if(tree: Tree, node: cst.If, scope, stack) -> bool:
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


def _h_dict_element(tree: Tree, node, scope, stack) -> bool:
    tree.dict_elements.append(node)
    return False


def _h_simple_string(tree: Tree, node: cst.SimpleString, scope, stack) -> bool:
    if "=" in node.value:
        tree.eq_strings.append(node)
    return True


def _h_assign(tree: Tree, node: cst.Assign, scope, stack) -> bool:
    tree.assigns.append(node)
    for target in node.targets:
        _bind_target(tree, target.target, node.value, scope, node)
    pushed = [node.value]
    for target in node.targets:
        pushed.extend(_target_loads(target.target))
    tree._push(stack, pushed, node, scope)
    return True


def _h_ann_assign(tree: Tree, node: cst.AnnAssign, scope, stack) -> bool:
    if node.value is not None:
        tree.assigns.append(node)
        _bind_target(tree, node.target, node.value, scope, node)
    else:
        _unknown_target(tree, node.target, scope, node)
    tree._push(stack, [node.annotation, node.value, *_target_loads(node.target)], node, scope)
    return True


def _h_aug_assign(tree: Tree, node: cst.AugAssign, scope, stack) -> bool:
    tree.assigns.append(node)
    if isinstance(node.target, cst.Name):
        scope.add(Binding(node.target.value, "augment", scope, node=node, value=node.value))
        tree.loads.setdefault(node.target.value, []).append(node.target)
        tree.scope_of[node.target] = scope
        tree.parent[node.target] = node
    tree._push(stack, [node.value, *_target_loads(node.target)], node, scope)
    return True


def _h_named_expr(tree: Tree, node: cst.NamedExpr, scope: Scope, stack) -> bool:
    target_scope = scope
    while target_scope.kind == COMPREHENSION and target_scope.parent is not None:
        target_scope = target_scope.parent
    if isinstance(node.target, cst.Name):
        target_scope.add(Binding(node.target.value, "assign", target_scope, node, node.value))
    stack.append((node.value, node, scope))
    return True


def _h_for(tree: Tree, node: cst.For, scope, stack) -> bool:
    _loop_target(tree, node.target, node.iter, scope, node)
    tree._push(stack, [node.iter, *_target_loads(node.target), node.body, node.orelse], node, scope)
    return True


def _loop_target(tree: Tree, target, iterable, scope: Scope, stmt) -> None:
    if isinstance(target, cst.Name):
        scope.add(Binding(target.value, "loop", scope, node=stmt, value=iterable))
    else:
        _unknown_target(tree, target, scope, stmt)


def _h_with_item(tree: Tree, node: cst.WithItem, scope, stack) -> bool:
    if node.asname is not None:
        _unknown_target(tree, node.asname.name, scope, node)
        pushed = [node.item, *_target_loads(node.asname.name)]
    else:
        pushed = [node.item]
    tree._push(stack, pushed, node, scope)
    return True


def _h_except(tree: Tree, node: cst.ExceptHandler, scope, stack) -> bool:
    if node.name is not None:
        _unknown_target(tree, node.name.name, scope, node)
    tree._push(stack, [node.type, node.body], node, scope)
    return True


def _h_del(tree: Tree, node: cst.Del, scope, stack) -> bool:
    target = node.target
    targets = [e.value for e in target.elements] if isinstance(target, cst.Tuple) else [target]
    for t in targets:
        if isinstance(t, cst.Subscript):
            tree.del_subscripts.add(id(t))
    tree._push(stack, [t for t in targets if not isinstance(t, cst.Name)], node, scope)
    return True


def _h_import(tree: Tree, node: cst.Import, scope: Scope, stack) -> bool:
    for alias in node.names:
        full = dotted(alias.name) or ""
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            scope.add(Binding(alias.asname.name.value, "import", scope, node=node, qual=full))
        else:
            first = full.split(".", 1)[0]
            scope.add(Binding(first, "import", scope, node=node, qual=first))
    return True


def _h_import_from(tree: Tree, node: cst.ImportFrom, scope: Scope, stack) -> bool:
    base = _module_name(node)
    if isinstance(node.names, cst.ImportStar):
        scope.star_imports.append(base)
        return True
    for alias in node.names:
        name = dotted(alias.name) or ""
        qual = f"{base}.{name}" if base and not base.endswith(".") else f"{base}{name}"
        local = name
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            local = alias.asname.name.value
        scope.add(Binding(local, "import", scope, node=node, qual=qual))
    return True


def _h_global(tree: Tree, node, scope: Scope, stack) -> bool:
    for item in node.names:
        scope.globals.add(item.name.value)
    return True


def _h_function(tree: Tree, node: cst.FunctionDef, scope: Scope, stack) -> bool:
    tree.functions.append(node)
    scope.add(Binding(node.name.value, "func", scope, node=node))
    inner = Scope(FUNCTION, node, scope, node.name.value)
    tree.function_scopes[node] = inner
    _bind_params(node.params, node, inner)
    outer_parts = [*node.decorators, *_param_outer_parts(node.params), node.returns]
    tree._push(stack, [node.body], node, inner)
    tree._push(stack, outer_parts, node, scope)
    return True


def _h_lambda(tree: Tree, node: cst.Lambda, scope: Scope, stack) -> bool:
    inner = Scope(LAMBDA, node, scope, None)
    tree.function_scopes[node] = inner
    _bind_params(node.params, node, inner)
    tree._push(stack, [node.body], node, inner)
    tree._push(stack, _param_outer_parts(node.params), node, scope)
    return True


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    out = [*params.posonly_params, *params.params]
    if isinstance(params.star_arg, cst.Param):
        out.append(params.star_arg)
    out.extend(params.kwonly_params)
    if params.star_kwarg is not None:
        out.append(params.star_kwarg)
    return out


def _bind_params(params: cst.Parameters, func, inner: Scope) -> None:
    for index, param in enumerate(_all_params(params)):
        inner.add(Binding(param.name.value, "param", inner, node=param, func=func, index=index))


def _param_outer_parts(params: cst.Parameters) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for param in _all_params(params):
        if param.default is not None:
            out.append(param.default)
        if param.annotation is not None:
            out.append(param.annotation)
    return out


def _h_class(tree: Tree, node: cst.ClassDef, scope: Scope, stack) -> bool:
    tree.classes.append(node)
    scope.add(Binding(node.name.value, "class", scope, node=node))
    inner = Scope(CLASS, node, scope, node.name.value)
    tree._push(stack, [node.body], node, inner)
    outer = [*node.decorators, *(a.value for a in node.bases), *(a.value for a in node.keywords)]
    tree._push(stack, outer, node, scope)
    return True


def _h_comprehension(tree: Tree, node, scope: Scope, stack) -> bool:
    inner = Scope(COMPREHENSION, node, scope, None)
    tree.function_scopes[node] = inner
    pushed = []
    for_in = node.for_in
    while for_in is not None:
        _loop_target(tree, for_in.target, for_in.iter, inner, for_in)
        pushed.append(for_in.iter)
        pushed.extend(_target_loads(for_in.target))
        pushed.extend(cond.test for cond in for_in.ifs)
        tree.parent[for_in] = node
        tree.scope_of[for_in] = inner
        for_in = for_in.inner_for_in
    if isinstance(node, cst.DictComp):
        pushed = [node.key, node.value, *pushed]
    else:
        pushed = [node.elt, *pushed]
    # Parents of the iterables and conditions are the comprehension itself (good enough for
    # the ancestor queries the analysis makes).
    tree._push(stack, pushed, node, inner)
    return True


def _h_match_name(tree: Tree, node, scope: Scope, stack) -> bool:
    name = getattr(node, "name", None)
    if isinstance(name, cst.Name):
        scope.add(Binding(name.value, "unknown", scope, node=node))
    pattern = getattr(node, "pattern", None)
    if pattern is not None:
        stack.append((pattern, node, scope))
    return True


_HANDLERS = {
    cst.Name: _h_name,
    cst.Attribute: _h_attribute,
    cst.Arg: _h_arg,
    cst.Call: _h_call,
    cst.Subscript: _h_subscript,
    cst.Comparison: _h_comparison,
    cst.If: _h_if,
    cst.Return: _h_return,
    cst.Raise: _h_raise,
    cst.Try: _h_try,
    cst.DictElement: _h_dict_element,
    cst.SimpleString: _h_simple_string,
    cst.Assign: _h_assign,
    cst.AnnAssign: _h_ann_assign,
    cst.AugAssign: _h_aug_assign,
    cst.NamedExpr: _h_named_expr,
    cst.For: _h_for,
    cst.WithItem: _h_with_item,
    cst.ExceptHandler: _h_except,
    cst.Del: _h_del,
    cst.Import: _h_import,
    cst.ImportFrom: _h_import_from,
    cst.Global: _h_global,
    cst.Nonlocal: _h_global,
    cst.FunctionDef: _h_function,
    cst.Lambda: _h_lambda,
    cst.ClassDef: _h_class,
    cst.ListComp: _h_comprehension,
    cst.SetComp: _h_comprehension,
    cst.GeneratorExp: _h_comprehension,
    cst.DictComp: _h_comprehension,
    cst.MatchAs: _h_match_name,
    cst.MatchStar: _h_match_name,
}
