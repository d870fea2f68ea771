"""Qualified names the analysis recognises, and imports resolved to files on disk.

Names are resolved by what they were bound to (``import os as o``, ``from os import getenv as
g``, ``env = os.environ``), never by spelling. A local import is resolved relative to the
importing file: relative imports from its package, absolute imports whose first segment is a
package or module found walking up from the file (the way pytest's rootdir insertion and
``src``-less layouts make them importable).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

ENVIRON = "os.environ"
GETENV_QUALS = frozenset({"os.getenv", "posix.getenv", "os.environ.get"})
ENVIRON_QUALS = frozenset({"os.environ", "posix.environ"})

SKIPIF_QUALS = frozenset({"pytest.mark.skipif", "_pytest.mark.skipif"})
SKIPIF_UNITTEST = frozenset({"unittest.skipIf", "unittest.case.skipIf"})
SKIPUNLESS_UNITTEST = frozenset({"unittest.skipUnless", "unittest.case.skipUnless"})
SKIP_MARK_QUALS = frozenset({"pytest.mark.skip", "_pytest.mark.skip"})
PYTEST_SKIP = frozenset({"pytest.skip", "_pytest.outcomes.skip"})
PYTEST_IMPORTORSKIP = frozenset({"pytest.importorskip", "_pytest.outcomes.importorskip"})
PYTEST_EXIT = frozenset({"pytest.exit", "_pytest.outcomes.exit"})
SKIPTEST_EXC = frozenset(
    {
        "unittest.SkipTest",
        "unittest.case.SkipTest",
        "pytest.skip.Exception",
        "_pytest.outcomes.Skipped",
        "nose.SkipTest",
        "nose.plugins.skip.SkipTest",
    }
)
EXIT_QUALS = frozenset({"sys.exit", "builtins.exit", "builtins.quit", "os._exit"})
SYSTEM_EXIT = frozenset({"builtins.SystemExit"})
FIXTURE_QUALS = frozenset({"pytest.fixture", "pytest.yield_fixture", "_pytest.fixtures.fixture"})
PARAM_QUALS = frozenset({"pytest.param"})
STRTOBOOL_SUFFIX = "strtobool"

# Top-level names that are libraries, never local modules.
_LIBRARY_ROOTS = frozenset(
    {
        "os",
        "sys",
        "posix",
        "pytest",
        "_pytest",
        "unittest",
        "typing",
        "collections",
        "functools",
        "itertools",
        "pathlib",
        "subprocess",
        "json",
        "re",
        "logging",
        "asyncio",
        "dataclasses",
        "contextlib",
        "builtins",
        "nose",
        "mock",
        "enum",
        "abc",
        "time",
        "datetime",
        "shutil",
        "tempfile",
        "socket",
        "platform",
        "warnings",
        "importlib",
    }
)

_MAX_UP = 12


def is_library(qual: str) -> bool:
    return not qual.startswith(".") and qual.split(".", 1)[0] in _LIBRARY_ROOTS


@lru_cache(maxsize=4096)
def _is_file(path: str) -> bool:
    return os.path.isfile(path)


@lru_cache(maxsize=4096)
def _is_dir(path: str) -> bool:
    return os.path.isdir(path)


def _module_file(directory: str, parts: list[str]) -> str | None:
    """The file of module ``parts`` below ``directory`` (a module file or package init)."""
    base = os.path.join(directory, *parts)
    if _is_file(base + ".py"):
        return base + ".py"
    init = os.path.join(base, "__init__.py")
    if _is_file(init):
        return init
    return None


@lru_cache(maxsize=8192)
def _find_root(start: str, first: str) -> str | None:
    """The nearest directory at or above ``start`` holding module or package ``first``."""
    directory = start
    for _ in range(_MAX_UP):
        if _is_file(os.path.join(directory, first + ".py")) or _is_dir(
            os.path.join(directory, first)
        ):
            return directory
        up = os.path.dirname(directory)
        if up == directory:
            return None
        directory = up
    return None


def module_path(importer: Path | str, spec: str) -> str | None:
    """The file of module ``spec`` (dotted, leading dots for relative) imported by ``importer``."""
    if not spec or (spec.strip(".") == "" and not spec.startswith(".")):
        return None
    importer = os.path.abspath(importer)
    level = len(spec) - len(spec.lstrip("."))
    rest = spec[level:]
    parts = [p for p in rest.split(".") if p]
    if level:
        directory = os.path.dirname(importer)
        for _ in range(level - 1):
            directory = os.path.dirname(directory)
        if not parts:
            init = os.path.join(directory, "__init__.py")
            return init if _is_file(init) else None
        return _module_file(directory, parts)
    if is_library(spec) or not parts:
        return None
    root = _find_root(os.path.dirname(importer), parts[0])
    if root is None:
        return None
    return _module_file(root, parts)


def resolve_symbol(importer: Path | str, qual: str) -> tuple[str, str | None] | None:
    """Where an imported name lives: ``(file, name)`` for a module attribute, or
    ``(file, None)`` when the qualified name is itself a module."""
    if is_library(qual):
        return None
    whole = module_path(importer, qual)
    if whole is not None:
        return whole, None
    level = len(qual) - len(qual.lstrip("."))
    rest = qual[level:]
    if "." not in rest:
        if level and rest:
            owner = module_path(importer, "." * level)
            return (owner, rest) if owner else None
        return None
    owner_spec, name = qual.rsplit(".", 1)
    owner = module_path(importer, owner_spec)
    if owner is None:
        return None
    return owner, name
