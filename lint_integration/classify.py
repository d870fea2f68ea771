"""Classify a file by language (from its name or shebang) and role (from the role globs)."""

from __future__ import annotations

import os

from lint_integration.config import ROLE_ORDER, Config

PYTHON = "python"
TILTFILE = "tiltfile"
SHELL = "shell"
TYPESCRIPT = "typescript"
GO = "go"
YAML = "yaml"
PACKAGE_JSON = "package-json"

LANGUAGES = (PYTHON, TILTFILE, SHELL, TYPESCRIPT, GO, YAML, PACKAGE_JSON)

_BY_SUFFIX = {
    ".py": PYTHON,
    ".pyi": PYTHON,
    ".sh": SHELL,
    ".bash": SHELL,
    ".ts": TYPESCRIPT,
    ".tsx": TYPESCRIPT,
    ".mts": TYPESCRIPT,
    ".cts": TYPESCRIPT,
    ".js": TYPESCRIPT,
    ".jsx": TYPESCRIPT,
    ".mjs": TYPESCRIPT,
    ".cjs": TYPESCRIPT,
    ".go": GO,
    ".yml": YAML,
    ".yaml": YAML,
}

_SHELLS = (b"sh", b"bash", b"dash", b"ksh", b"zsh")
_PYTHONS = (b"python", b"python3")

SUITE, RUNNER, CI, HELPER, OTHER = "suite", "runner", "ci", "helper", "other"


def language_of(path: str, head: bytes | None = None) -> str | None:
    """The language of a file, or None when lint-integration does not read it.

    ``head`` is the first bytes of an extension-less file, for its shebang.
    """
    name = os.path.basename(path)
    if name == "Tiltfile" or name.endswith(".tiltfile") or name.endswith(".star"):
        return TILTFILE
    if name == "package.json":
        return PACKAGE_JSON
    if name.endswith(".d.ts"):
        return None  # type declarations hold no runtime code
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if not suffix and head and head.startswith(b"#!"):
        return _shebang_language(head)
    return None


def _shebang_language(head: bytes) -> str | None:
    line = head.split(b"\n", 1)[0][2:].strip()
    parts = line.split()
    if not parts:
        return None
    prog = parts[0].rsplit(b"/", 1)[-1]
    if prog == b"env":
        args = [p for p in parts[1:] if not p.startswith(b"-")]
        prog = args[0] if args else b""
    if prog in _SHELLS:
        return SHELL
    if prog in _PYTHONS or prog.startswith(b"python3."):
        return PYTHON
    return None


# ``name_language`` of a name only a shebang can tell.
NEEDS_HEAD = "needs-head"


def name_language(name: str) -> str | None:
    """``language_of`` a file name alone: ``NEEDS_HEAD`` when only its shebang can tell."""
    if name.endswith(".py") and name.lstrip(".") != "py":  # most names a walk meets
        return PYTHON
    if name == "Tiltfile" or name.endswith(".tiltfile") or name.endswith(".star"):
        return TILTFILE
    if name == "package.json":
        return PACKAGE_JSON
    if name.endswith(".d.ts"):
        return None
    stem = name.lstrip(".")  # as ``os.path.splitext``: leading dots start no suffix
    dot = stem.rfind(".")
    if dot <= 0:
        return NEEDS_HEAD if needs_head(name) else None
    return _BY_SUFFIX.get(stem[dot:].lower())


def needs_head(path: str) -> bool:
    """True when only the shebang can tell this file's language."""
    name = os.path.basename(path)
    return "." not in name and name not in ("Tiltfile", "Makefile", "Dockerfile")


def role_of(relpath: str, config: Config) -> str:
    """The first role (helper, runner, ci, suite) whose globs match ``relpath``, else other."""
    return role_matcher(config)(relpath)


def role_matcher(config: Config):
    """``relpath -> role`` for ``config``: one regex match when every role's globs are plain
    (anchored) patterns, each role's matcher in turn otherwise."""
    return config.derived("roles", lambda: _role_matcher(config))


def split_role_matcher(config: Config):
    """The role globs split for a walk (``globsplit.SplitRoles``: asked per directory), or
    ``None`` when a role's globs have negations."""
    return config.derived("split-roles", lambda: _split_roles(config))


def _split_roles(config: Config):
    from lint_integration.globsplit import SplitRoles

    splits = []
    for role in ROLE_ORDER:
        split = config.split(role)
        if split is None:
            return None
        splits.append((role, split))
    return SplitRoles(splits, OTHER)


def _role_matcher(config: Config):
    combined = config.combined_regex(ROLE_ORDER)
    if combined is not None:
        match = combined.match

        def role(relpath: str) -> str:
            found = match(relpath)
            return OTHER if found is None else found.lastgroup

        return role
    matchers = [(role, config.matcher(role)) for role in ROLE_ORDER]

    def role(relpath: str) -> str:
        for name, matches in matchers:
            if matches(relpath):
                return name
        return OTHER

    return role
