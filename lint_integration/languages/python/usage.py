"""How other test modules use the names a module defines (for "used by N tests").

A marker, decorator factory or predicate is reported once, at its definition; the message
counts the tests that use it, here and in the modules that import it. Importers are found
below the nearest test root above the defining file (the highest ancestor that is still a
package, holds a conftest, or is named like a test directory). Candidate files are filtered
on their bytes and parsed with the ``ast`` module (an order of magnitude cheaper than a CST);
nothing is imported or executed. The scan is memoized per run.
"""

from __future__ import annotations

import ast
import os
import weakref
from dataclasses import dataclass, field

from lint_integration.languages.python import resolver as R

_TEST_DIRS = frozenset({"tests", "test", "testing", "integration", "e2e", "__tests__", "it"})
_PRUNE = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        "site-packages",
    }
)
MAX_FILES = 4000
MAX_BYTES = 1_000_000
_SKIP_CALLS = frozenset({"skip", "skipTest", "importorskip", "exit", "SkipTest"})
_MARK_CALLS = frozenset({"skipif", "skipIf", "skipUnless"})


@dataclass
class NameUse:
    tests: int = 0  # tests decorated / marked / gated by the name
    gate_uses: int = 0  # loads inside skip conditions
    negated_gate_uses: int = 0  # ... directly under ``not`` (``skipif(not has_creds())``)
    gate_tests: int = 0
    other_uses: int = 0  # loads anywhere else
    args: list[str] = field(default_factory=list)  # literal first arguments of calls


@dataclass
class ImporterUses:
    names: dict[str, NameUse] = field(default_factory=dict)
    fixtures: dict[str, int] = field(default_factory=dict)
    scanned: bool = False

    def get(self, name: str) -> NameUse | None:
        return self.names.get(name)

    def fixture(self, name: str) -> NameUse | None:
        count = self.fixtures.get(name)
        return NameUse(tests=count) if count else None


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def importer_uses(project, path: str, config, fixtures: bool = False) -> ImporterUses:
    """Uses of ``path``'s names in the modules below its test root (memoized per project).

    With ``fixtures``, count instead the tests below a conftest that request each fixture.
    """
    per_project = _CACHE.setdefault(project, {})
    key = (os.path.abspath(path), fixtures)
    found = per_project.get(key)
    if found is None:
        found = _scan(key[0], config, fixtures)
        per_project[key] = found
    return found


def search_root(path: str, limit: str | None) -> str:
    directory = os.path.dirname(path)
    root = directory
    current = directory
    for _ in range(8):
        name = os.path.basename(current)
        is_testish = (
            name in _TEST_DIRS
            or os.path.isfile(os.path.join(current, "__init__.py"))
            or os.path.isfile(os.path.join(current, "conftest.py"))
        )
        if not is_testish:
            break
        root = current
        if limit and os.path.abspath(current) == os.path.abspath(limit):
            break
        up = os.path.dirname(current)
        if up == current:
            break
        current = up
    return root


def _candidates(root: str, skip: str):
    count = 0
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _PRUNE and not d.startswith("."))
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            full = os.path.join(directory, name)
            if full == skip:
                continue
            count += 1
            if count > MAX_FILES:
                return
            yield full


def _module_stem(path: str) -> str:
    base = os.path.basename(path)
    if base == "__init__.py":
        return os.path.basename(os.path.dirname(path))
    return base[:-3]


def _scan(path: str, config, fixtures: bool) -> ImporterUses:
    result = ImporterUses(scanned=True)
    limit = str(config.root) if getattr(config, "root", None) else None
    is_conftest = fixtures and os.path.basename(path) == "conftest.py"
    root = os.path.dirname(path) if is_conftest else search_root(path, limit)
    stem = _module_stem(path).encode()
    for candidate in _candidates(root, path):
        try:
            if os.path.getsize(candidate) > MAX_BYTES:
                continue
            with open(candidate, "rb") as fh:
                raw = fh.read()
        except OSError:
            continue
        imports_it = stem in raw and not fixtures
        if not imports_it and not (is_conftest and b"def test" in raw):
            continue
        try:
            module = ast.parse(raw)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        try:
            _scan_module(module, candidate, path, result, is_conftest, imports_it)
        except RecursionError:
            continue
    return result


def _scan_module(module, candidate, path, result, is_conftest, imports_it) -> None:
    names: dict[str, str] = {}  # local alias -> exported name
    modules: set[str] = set()  # local aliases of the module itself
    if imports_it:
        for node in ast.walk(module):
            if isinstance(node, ast.ImportFrom):
                spec = "." * node.level + (node.module or "")
                for alias in node.names:
                    if alias.name == "*":
                        continue
                    qual = (
                        f"{spec}.{alias.name}"
                        if spec and not spec.endswith(".")
                        else (spec + alias.name)
                    )
                    found = R.resolve_symbol(candidate, qual)
                    if found is None or os.path.abspath(found[0]) != path:
                        continue
                    local = alias.asname or alias.name
                    if found[1] is None:
                        modules.add(local)
                    else:
                        names[local] = found[1]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    target = R.module_path(candidate, alias.name)
                    if target is not None and os.path.abspath(target) == path and alias.asname:
                        modules.add(alias.asname)
    if names or modules:
        _count(module, names, modules, result)
    if is_conftest:
        _count_fixtures(module, result)


def _use_name(node, names, modules) -> str | None:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        return names.get(node.id)
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules
    ):
        return node.attr
    return None


def _count(module: ast.Module, names, modules, result: ImporterUses) -> None:
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(module):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent
    gate_conditions = _gate_conditions(module, parents)
    for node in ast.walk(module):
        name = _use_name(node, names, modules)
        if name is None:
            continue
        use = result.names.setdefault(name, NameUse())
        call = parents.get(node)
        if isinstance(call, ast.Call) and call.func is node and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                use.args.append(first.value)
        in_gate = _inside(node, gate_conditions, parents)
        tests = _tests_covered(node, parents, module)
        if in_gate is not None:
            use.gate_uses += 1
            holder = call if isinstance(call, ast.Call) and call.func is node else node
            up = parents.get(holder)
            if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.Not):
                use.negated_gate_uses += 1
            use.gate_tests += tests
            use.tests += tests
        elif tests:
            use.tests += tests
        else:
            use.other_uses += 1


def _gate_conditions(module: ast.Module, parents) -> set[ast.AST]:
    out: set[ast.AST] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Call):
            func = node.func
            attr = (
                func.attr
                if isinstance(func, ast.Attribute)
                else (func.id if isinstance(func, ast.Name) else None)
            )
            if attr in _MARK_CALLS:
                out.update(node.args[:1] if attr != "skipif" else node.args)
        elif isinstance(node, ast.If) and _has_skip(node):
            out.add(node.test)
    return out


def _has_skip(node: ast.If) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            attr = (
                func.attr
                if isinstance(func, ast.Attribute)
                else (func.id if isinstance(func, ast.Name) else None)
            )
            if attr in _SKIP_CALLS:
                return True
        elif isinstance(sub, ast.Raise) and sub.exc is not None:
            exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
            if isinstance(exc, (ast.Name, ast.Attribute)) and (
                getattr(exc, "id", None) == "SkipTest" or getattr(exc, "attr", None) == "SkipTest"
            ):
                return True
    return False


def _inside(node, containers: set, parents) -> ast.AST | None:
    current = node
    while current is not None:
        if current in containers:
            return current
        current = parents.get(current)
    return None


def _tests_covered(node, parents, module) -> int:
    """Tests a use applies to: a decorated test (1) or class (its tests), a ``pytestmark``."""
    current = node
    while True:
        parent = parents.get(current)
        if parent is None:
            return 0
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if current in parent.decorator_list:
                if isinstance(parent, ast.ClassDef):
                    return max(1, _class_tests(parent))
                return 1
            if isinstance(parent, ast.ClassDef):
                return 0
            # A call inside a test body (a skip helper) covers that test.
            return 1 if parent.name.startswith("test") else 0
        if isinstance(parent, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in parent.targets
        ):
            owner = parents.get(parent)
            if isinstance(owner, ast.ClassDef):
                return max(1, _class_tests(owner))
            return max(1, _module_tests(module))
        current = parent


def _class_tests(cls: ast.ClassDef) -> int:
    return sum(
        1
        for s in cls.body
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name.startswith("test")
    )


def _module_tests(module: ast.Module) -> int:
    count = 0
    for s in module.body:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name.startswith("test"):
            count += 1
        elif isinstance(s, ast.ClassDef):
            count += _class_tests(s)
    return count


def _count_fixtures(module: ast.Module, result: ImporterUses) -> None:
    for node in ast.walk(module):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
            "test"
        ):
            for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs):
                result.fixtures[arg.arg] = result.fixtures.get(arg.arg, 0) + 1
