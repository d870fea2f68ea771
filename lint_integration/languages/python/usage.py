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
from lint_integration.languages.python.tree import quiet_parse

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
    """Uses of ``path``'s names in the modules below its test root (once per run).

    With ``fixtures``, count instead the tests below a conftest that request each fixture.
    Every file read and directory listed is recorded with the project, so a cached result that
    depends on these counts is reused only while the importers are unchanged.
    """
    key = (os.path.abspath(path), fixtures)
    derive = getattr(project, "derive", None)
    if derive is None:
        per_project = _CACHE.setdefault(project, {})
        found = per_project.get(key)
        if found is None:
            found = per_project[key] = _scan(key[0], config, fixtures, None)
        return found
    return derive(("python-importer-uses", *key), lambda: _scan(key[0], config, fixtures, project))


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


def _candidates(root: str, skip: str, project=None):
    count = 0
    for directory, dirs, files in os.walk(root):
        if project is not None:
            project.note_listing(directory, [*dirs, *files])
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


def _scan(path: str, config, fixtures: bool, project) -> ImporterUses:
    result = ImporterUses(scanned=True)
    limit = str(config.root) if getattr(config, "root", None) else None
    is_conftest = fixtures and os.path.basename(path) == "conftest.py"
    root = os.path.dirname(path) if is_conftest else search_root(path, limit)
    stem = _module_stem(path).encode()
    for candidate in _candidates(root, path, project):
        try:
            if os.path.getsize(candidate) > MAX_BYTES:
                continue
            with open(candidate, "rb") as fh:
                raw = fh.read()
        except OSError:
            continue
        if project is not None:
            project.note_read(candidate, raw)
        imports_it = stem in raw and not fixtures
        if not imports_it and not (is_conftest and b"def test" in raw):
            continue
        try:
            module = quiet_parse(raw)
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
        for node in _import_statements(module):
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


def _import_statements(module: ast.Module):
    """Imports at module level and one block down (``try`` / ``if TYPE_CHECKING`` / defs)."""
    blocks = [module.body]
    for stmt in module.body:
        for attr in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(stmt, attr, None)
            if isinstance(inner, list):
                blocks.append(inner)
    for block in blocks:
        for stmt in block:
            if isinstance(stmt, ast.ExceptHandler):
                yield from (s for s in stmt.body if isinstance(s, (ast.Import, ast.ImportFrom)))
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                yield stmt


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
    """One descent with context (what a use decorates, whether it sits in a skip condition)."""
    module_tests = None

    def tests_in_module() -> int:
        nonlocal module_tests
        if module_tests is None:
            module_tests = _module_tests(module)
        return module_tests

    def record(name: str, node, call, tests: int, gate: bool, negated: bool) -> None:
        use = result.names.setdefault(name, NameUse())
        if call is not None and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                use.args.append(first.value)
        if gate:
            use.gate_uses += 1
            use.gate_tests += tests or 1
            use.tests += tests or 1
            use.negated_gate_uses += negated
        elif tests:
            use.tests += tests
        else:
            use.other_uses += 1

    # stack items: (node, tests covered by a use here, in a skip condition, directly negated)
    stack: list[tuple[ast.AST, int, bool, bool]] = [(module, 0, False, False)]
    while stack:
        node, tests, gate, negated = stack.pop()
        name = _use_name(node, names, modules)
        if name is not None:
            record(name, node, None, tests, gate, negated)
            continue
        if isinstance(node, ast.Call):
            name = _use_name(node.func, names, modules)
            if name is not None:
                record(name, node.func, node, tests, gate, negated)
                stack.extend((a, tests, gate, False) for a in node.args)
                stack.extend((k.value, tests, gate, False) for k in node.keywords)
                continue
            attr = _call_name(node.func)
            if attr in _MARK_CALLS:
                conditions = node.args if attr == "skipif" else node.args[:1]
                stack.extend((a, tests, True, False) for a in conditions)
                rest = node.args[len(conditions) :]
                stack.extend((a, tests, gate, False) for a in rest)
                stack.extend((k.value, tests, gate, False) for k in node.keywords)
                stack.append((node.func, tests, gate, False))
                continue
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            covered = max(1, _class_tests(node)) if isinstance(node, ast.ClassDef) else 1
            stack.extend((d, covered, gate, False) for d in node.decorator_list)
            inner = 1 if not isinstance(node, ast.ClassDef) and node.name.startswith("test") else 0
            stack.extend((b, inner, False, False) for b in node.body)
            continue
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            stack.append((node.value, tests or tests_in_module(), gate, False))
            continue
        elif isinstance(node, ast.If) and _has_skip(node):
            stack.append((node.test, tests, True, False))
            stack.extend((b, tests, gate, False) for b in (*node.body, *node.orelse))
            continue
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            stack.append((node.operand, tests, gate, gate))
            continue
        stack.extend((child, tests, gate, False) for child in ast.iter_child_nodes(node))


def _call_name(func) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _has_skip(node: ast.If) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            if _call_name(sub.func) in _SKIP_CALLS:
                return True
        elif isinstance(sub, ast.Raise) and sub.exc is not None:
            exc = sub.exc.func if isinstance(sub.exc, ast.Call) else sub.exc
            if _call_name(exc) == "SkipTest":
                return True
    return False


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
