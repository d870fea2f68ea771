"""Configuration: ``[tool.lint-integration]`` in pyproject.toml or a lint-integration.toml.

Config is data only: it is parsed as TOML and validated key by key; nothing in it is executed.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    import pathspec

CONFIG_FILENAMES = ("lint-integration.toml", ".lint-integration.toml", "pyproject.toml")

DEFAULT_LEGACY_TOGGLES = (
    "RUN_INTEGRATION_TESTS",
    "RUN_LIVE_TESTS",
    "*_INTEGRATION_USE_LIVE_DB",
    "*_USE_LIVE_*",
    "USE_MOCK_*",
    "*_USE_MOCK_*",
    # controller-runtime's envtest: a real cluster instead of a local control plane.
    "USE_EXISTING_CLUSTER",
)
DEFAULT_MODE_ALIASES = (
    "TEST_MODE",
    "INTEGRATION_ENV",
    "INTEGRATION_TEST_MODE",
    "INTEGRATION_TESTS_MODE",
    "E2E_MODE",
    "LIVE_MODE",
)
DEFAULT_HEURISTIC_VARS = (
    "CI",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "BUILDKITE",
    "JENKINS_URL",
    "CIRCLECI",
    "TRAVIS",
    "TF_BUILD",
    "TEKTON_PIPELINE_RUN",
    "KUBERNETES_SERVICE_HOST",
    "KUBERNETES_PORT",
)
DEFAULT_ALLOWED_ENV = (
    "HOME",
    "TMPDIR",
    "TEMP",
    "TMP",
    "PATH",
    "PWD",
    "USER",
    "LANG",
    "LC_*",
    "TZ",
    "SHELL",
    "TERM",
    "PYTHONPATH",
    "PYTEST_*",
    "LD_LIBRARY_PATH",
    "VIRTUAL_ENV",
    "XDG_*",
    "NODE_ENV",
    "GOPATH",
    "GOFLAGS",
    # The process's trust store and proxies: plumbing every client honours, not a dependency.
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
)
DEFAULT_EXCLUDE = (
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
    ".lint-integration-cache",
    "build",
    "dist",
    "site-packages",
    "*.egg-info",
    "vendor",
    "third_party",
    # Fixture inputs (Go's tools skip this directory too): often broken or bad on purpose.
    "testdata",
)
DEFAULT_ROLES: dict[str, tuple[str, ...]] = {
    "helper": (
        "integration_mode.py",
        "**/integrationmode/**",
        "integration-mode.ts",
        "integrationMode.ts",
    ),
    "runner": (
        "**/run_integration_tests.sh",
        "**/run_*integration*.sh",
        "**/run_*integration*.py",
        "tools/integration-runner/**",
    ),
    "ci": (
        ".github/workflows/*.yml",
        ".github/workflows/*.yaml",
        ".tekton/**",
        "Tiltfile",
        "**/values*.yaml",
        "**/values*.yml",
    ),
    "suite": (
        "**/tests/**",
        "**/test/**",
        "**/__tests__/**",
        "test_*.py",
        "*_test.py",
        "conftest.py",
        "*.test.ts",
        "*.test.tsx",
        "*.test.js",
        "*.test.jsx",
        "*.test.mjs",
        "*.test.cjs",
        "*.spec.ts",
        "*.spec.tsx",
        "*.spec.js",
        "*.spec.jsx",
        "*_test.go",
    ),
}
# Order in which roles are tried: the first role whose globs match wins.
ROLE_ORDER = ("helper", "runner", "ci", "suite")

DEFAULT_HELPER = {
    "python-module": "integration_mode",
    "path": "tools/integration-runner/integration_mode.py",
    "env-file": ".env.integration",
    "ts-module": "@platform/integration-mode",
    "go-package": "integrationmode",
    "go-import": "example.com/platform/testsupport/integrationmode",
}

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class ConfigError(Exception):
    """A configuration problem, reported as one line naming the file and the key."""

    def __init__(self, path: Path | str | None, message: str) -> None:
        self.path = str(path) if path else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


@dataclass
class Config:
    """Validated settings, with defaults applied."""

    root: Path
    source: Path | None = None
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    legacy_toggles: tuple[str, ...] = DEFAULT_LEGACY_TOGGLES
    mode_aliases: tuple[str, ...] = DEFAULT_MODE_ALIASES
    heuristic_vars: tuple[str, ...] = DEFAULT_HEURISTIC_VARS
    allowed_env: tuple[str, ...] = DEFAULT_ALLOWED_ENV
    roles: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_ROLES))
    helper: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_HELPER))
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    respect_gitignore: bool = True

    # Derived matchers, built lazily.
    _specs: dict[str, pathspec.PathSpec] = field(default_factory=dict, repr=False)
    _matchers: dict[str, Callable[[str], bool]] = field(default_factory=dict, repr=False)

    def spec(self, key: str) -> pathspec.PathSpec:
        """A gitignore-style matcher for an exclude/include/role glob list."""
        if key not in self._specs:
            if key == "exclude":
                patterns: Iterable[str] = (*self.exclude, *self.extend_exclude)
            elif key == "include":
                patterns = self.include
            else:
                patterns = self.roles.get(key, ())
            self._specs[key] = gitignore_spec(list(patterns))
        return self._specs[key]

    def matcher(self, key: str) -> Callable[[str], bool]:
        """``spec(key).match_file`` for normalized relative posix paths: one regex search when
        the globs are all positive (the usual case; discovery asks for every file)."""
        if key not in self._matchers:
            self._matchers[key] = _fast_matcher(self.spec(key))
        return self._matchers[key]

    def derived(self, key: str, build: Callable[[], Callable]) -> Callable:
        """A matcher built from this config once (kept with the glob matchers)."""
        key = "\0" + key
        if key not in self._matchers:
            self._matchers[key] = build()
        return self._matchers[key]

    def split(self, key: str):
        """``spec(key)`` split for a walk (``globsplit.SplitGlobs``), or ``None`` when the list
        has negations (then pathspec's ordering decides, path by path)."""
        return self.derived("split:" + key, lambda: split_globs(self.spec(key)))

    def combined_regex(self, keys: Iterable[str]) -> re.Pattern | None:
        """One regex whose ``match`` names (``lastgroup``) the first of ``keys`` whose globs
        match a path; ``None`` when a glob list has negations (pathspec's ordering decides)."""
        groups = []
        for key in keys:
            regexes = _plain_regexes(self.spec(key))
            if regexes is None or not all(r.startswith("^") for r in regexes):
                return None
            if regexes:
                groups.append(f"(?P<{key}>{any_of(regexes)})")
        try:
            return re.compile("|".join(groups) or "(?!)")
        except re.error:
            return None

    def is_legacy_toggle(self, name: str) -> bool:
        return _matches_any(name, self.legacy_toggles)

    def is_mode_alias(self, name: str) -> bool:
        return _matches_any(name, self.mode_aliases)

    def is_heuristic_var(self, name: str) -> bool:
        return _matches_any(name, self.heuristic_vars)

    def is_allowed_env(self, name: str) -> bool:
        return _matches_any(name, self.allowed_env)

    def fingerprint(self) -> str:
        """A stable digest of everything that changes results (for the cache)."""
        import hashlib

        parts = [
            self.select,
            self.ignore,
            sorted(self.per_file_ignores.items()),
            self.legacy_toggles,
            self.mode_aliases,
            self.heuristic_vars,
            self.allowed_env,
            sorted(self.roles.items()),
            sorted(self.helper.items()),
            self.max_file_size,
        ]
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


# pathspec matches with the "best" backend it finds installed (re2, Hyperscan) unless told
# otherwise. Those compile every spec up front: measured with Hyperscan, 25 ms for each ignore
# file of a walk, which matches a handful of paths with it (and mostly through our own regex
# of its patterns). Its own backend costs nothing to build.
PATHSPEC_BACKEND = "simple"


def gitignore_spec(lines: list[str]) -> pathspec.PathSpec:
    """A ``GitIgnoreSpec`` of ``lines`` (pathspec is imported on first use: a warm run may
    never need it)."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines, backend=PATHSPEC_BACKEND)


def _plain_regexes(spec: pathspec.PathSpec) -> list[str] | None:
    """The regexes of ``spec``'s patterns with their named groups dropped, when every pattern
    includes (no negation to order against); else ``None``."""
    active = [p for p in getattr(spec, "patterns", ()) if getattr(p, "include", None) is not None]
    if not all(p.include is True and getattr(p, "regex", None) is not None for p in active):
        return None
    return [re.sub(r"[(][?]P<[^>]*>", "(?:", p.regex.pattern) for p in active]


def plain_regex(spec: pathspec.PathSpec) -> re.Pattern | None:
    """One regex that matches where any of ``spec``'s patterns does, when none is a negation
    (then a match is all there is to know); else ``None``."""
    regexes = _plain_regexes(spec)
    if regexes is None:
        return None
    try:
        return re.compile(any_of(regexes) or "(?!)")
    except re.error:
        return None


# How gitignore-style patterns without a slash start: "at any depth".
ANY_DEPTH = "^(?:.+/)?"


def any_of(regexes: list[str]) -> str:
    """One regex matching where any of ``regexes`` does. Those that start "at any depth" share
    that start: the regex engine then tries each directory depth once for all of them, not
    once per pattern (half the time of a plain alternation on real trees)."""
    tails = [r[len(ANY_DEPTH) :] for r in regexes if r.startswith(ANY_DEPTH)]
    rest = [r for r in regexes if not r.startswith(ANY_DEPTH)]
    parts = [f"(?:{r})" for r in rest]
    if tails:
        parts.insert(0, f"{ANY_DEPTH}(?:{'|'.join(f'(?:{t})' for t in tails)})")
    return "|".join(parts)


def split_globs(spec: pathspec.PathSpec):
    """``globsplit.SplitGlobs`` of a positive spec, else ``None``."""
    regexes = _plain_regexes(spec)
    if regexes is None:
        return None
    from lint_integration.globsplit import SplitGlobs

    return SplitGlobs(regexes)


def _fast_matcher(spec: pathspec.PathSpec) -> Callable[[str], bool]:
    combined = plain_regex(spec)
    if combined is None:
        return spec.match_file  # negations: keep pathspec's ordering rules
    search = combined.search
    return lambda path: search(path) is not None


def _close_match(word: str, choices: list[str]) -> list[str]:
    """The nearest of ``choices`` to a misspelt ``word`` (a list of one or none)."""
    import difflib

    return difflib.get_close_matches(word, choices, n=1)


def _matches_any(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


# key -> (kind, attribute). Kinds: list, table-of-lists, str-table, int, bool, roles.
_KEYS: dict[str, str] = {
    "select": "list",
    "ignore": "list",
    "extend-select": "list",
    "exclude": "globs",
    "extend-exclude": "globs",
    "include": "globs",
    "per-file-ignores": "per-file-ignores",
    "legacy-toggles": "names",
    "extend-legacy-toggles": "names",
    "mode-aliases": "names",
    "extend-mode-aliases": "names",
    "heuristic-vars": "names",
    "extend-heuristic-vars": "names",
    "allowed-env": "names",
    "extend-allowed-env": "names",
    "roles": "roles",
    "helper": "helper",
    "max-file-size": "int",
    "respect-gitignore": "bool",
}


def find_config(start: Path) -> Path | None:
    """Walk up from ``start`` to the nearest file that configures lint-integration."""
    start = start.resolve()
    if start.is_file() or not start.exists():
        start = start.parent
    for directory in (start, *start.parents):
        for name in CONFIG_FILENAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml":
                return candidate
            try:
                data = _read_toml(candidate)
            except ConfigError:
                # A broken pyproject.toml that may not even be ours: mention it only if it is.
                if b"[tool.lint-integration" in candidate.read_bytes():
                    raise
                continue
            if "lint-integration" in _tool_table(data):
                return candidate
    return None


def _tool_table(data: dict[str, Any]) -> dict[str, Any]:
    """The ``[tool]`` table, or nothing when a file has none (or something else by that name)."""
    tool = data.get("tool")
    return tool if isinstance(tool, dict) else {}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(path, f"cannot read config: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))  # an editor's BOM is no reason to fail
    except UnicodeDecodeError:
        raise ConfigError(path, "config is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML: {exc}") from None


def load_config(path: Path | None, root: Path | None = None) -> Config:
    """Load and validate a config file; ``None`` gives the defaults rooted at ``root``."""
    if path is None:
        return Config(root=(root or Path.cwd()).resolve())
    path = path.resolve()
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = _tool_table(data).get("lint-integration")
        if table is None:
            return Config(root=path.parent, source=path)
        prefix = "tool.lint-integration."
    else:
        table = _tool_table(data).get("lint-integration", data)
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(path, f"{prefix.rstrip('.') or 'config'}: expected a table")
    return _from_table(table, path, prefix)


def _from_table(table: dict[str, Any], path: Path, prefix: str) -> Config:
    cfg = Config(root=path.parent, source=path)
    extend: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        kind = _KEYS.get(key)
        where = f"{prefix}{key}"
        if kind is None:
            hint = _close_match(key, list(_KEYS))
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(path, f"unknown key '{where}'{suggestion}")
        if kind in ("list", "names", "globs"):
            items = _str_list(value, path, where)
            if kind == "globs":
                _check_globs(items, path, where)
            if key.startswith("extend-"):
                extend[key[len("extend-") :]] = items
            else:
                setattr(cfg, key.replace("-", "_"), items)
        elif kind == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(path, f"'{where}' expects a table of glob = [rules]")
            pfi = {}
            for glob, rules in value.items():
                _check_globs([glob], path, f"{where}.{glob}")
                pfi[glob] = _str_list(rules, path, f"{where}.{glob}")
            cfg.per_file_ignores = pfi
        elif kind == "roles":
            cfg.roles = _roles(value, path, where)
        elif kind == "helper":
            cfg.helper = _helper(value, path, where)
        elif kind == "int":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(path, f"'{where}' expects a positive integer (bytes)")
            cfg.max_file_size = value
        elif kind == "bool":
            if not isinstance(value, bool):
                raise ConfigError(path, f"'{where}' expects true or false")
            cfg.respect_gitignore = value
    for base, items in extend.items():
        attr = base.replace("-", "_")
        if attr == "exclude":
            cfg.extend_exclude = items
        else:
            setattr(cfg, attr, (*getattr(cfg, attr), *items))
    return cfg


def _str_list(value: Any, path: Path, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        raise ConfigError(
            path, f"'{where}' expects a list of strings, got a string (use [\"...\"])"
        )
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(path, f"'{where}' expects a list of strings")
    return tuple(value)


def _check_globs(globs: Iterable[str], path: Path, where: str) -> None:
    for glob in globs:
        if not glob.strip():
            raise ConfigError(path, f"'{where}': empty glob")
        try:
            gitignore_spec([glob])
        except Exception as exc:  # pathspec raises several types for bad patterns
            raise ConfigError(path, f"'{where}': bad glob {glob!r}: {exc}") from None
        if glob.count("[") != glob.count("]"):
            raise ConfigError(path, f"'{where}': bad glob {glob!r}: unbalanced brackets")


def _roles(value: Any, path: Path, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(path, f"'{where}' expects a table of role = [globs]")
    roles = dict(DEFAULT_ROLES)
    for name, globs in value.items():
        base = name[len("extend-") :] if name.startswith("extend-") else name
        if base not in DEFAULT_ROLES:
            hint = _close_match(base, list(DEFAULT_ROLES))
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            allowed = ", ".join(DEFAULT_ROLES)
            raise ConfigError(
                path, f"unknown role '{where}.{name}'{suggestion}; roles are {allowed}"
            )
        items = _str_list(globs, path, f"{where}.{name}")
        _check_globs(items, path, f"{where}.{name}")
        roles[base] = (*roles[base], *items) if name.startswith("extend-") else items
    return roles


def _helper(value: Any, path: Path, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(path, f"'{where}' expects a table")
    helper = dict(DEFAULT_HELPER)
    for key, item in value.items():
        if key not in DEFAULT_HELPER:
            hint = _close_match(key, list(DEFAULT_HELPER))
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(path, f"unknown key '{where}.{key}'{suggestion}")
        if not isinstance(item, str) or not item:
            raise ConfigError(path, f"'{where}.{key}' expects a non-empty string")
        helper[key] = item
    return helper
