"""The shared integration-mode helper: the one place that reads ``INTEGRATION_MODE``.

Contract:

- ``INTEGRATION_MODE`` is ``repo`` (the default when unset or empty), ``local`` or ``cluster``;
  any other value is an error at startup, never a silent fallback.
- ``cluster``: live integration. ``require_env(name)`` returns the live value or fails fast
  naming the variable. Mocks are never used.
- ``repo`` / ``local``: mocked integration. ``require_env(name)`` returns the deterministic mock
  default from ``.env.integration`` (never the live environment), or fails loudly when the mock
  default or the file is missing.
- Tests never skip because a variable is missing: ``requires_env`` fails the test instead, and
  ``cluster_only`` tests are deselected (with a printed count) by ``integration_mode_plugin``.

Needs only the standard library; pytest is imported only by ``requires_env`` and
``cluster_only``, so runner scripts can import this module without it.
"""

from __future__ import annotations

import enum
import functools
import os
import sys
from pathlib import Path

__all__ = [
    "ENV_FILE_NAME",
    "ENV_FILE_VARIABLE",
    "MODE_VARIABLE",
    "IntegrationEnvError",
    "IntegrationMode",
    "IntegrationModeError",
    "cluster_only",  # noqa: F822 (created on first use by __getattr__)
    "current_mode",
    "env_file",
    "mock_defaults",
    "parse_integration_mode",
    "require_env",
    "requires_env",
    "reset",
]

MODE_VARIABLE = "INTEGRATION_MODE"
# Points at the mock defaults file explicitly (absolute, or relative to the working directory).
ENV_FILE_VARIABLE = "INTEGRATION_ENV_FILE"
# The mock defaults file, relative to the repository root (searched upwards from this module
# and from the working directory).
ENV_FILE_NAME = ".env.integration"


class IntegrationMode(str, enum.Enum):
    """The three modes of the contract."""

    REPO = "repo"
    LOCAL = "local"
    CLUSTER = "cluster"

    def __str__(self) -> str:
        return self.value

    @property
    def is_live(self) -> bool:
        """True in cluster mode, where dependencies are real and mocks are never used."""
        return self is IntegrationMode.CLUSTER


_ALLOWED = ", ".join(m.value for m in IntegrationMode)


class IntegrationModeError(ValueError):
    """``INTEGRATION_MODE`` holds a value that is not a mode."""


class IntegrationEnvError(RuntimeError):
    """A required variable has no live value (cluster) or no mock default (repo/local)."""


def parse_integration_mode(value: str | None) -> IntegrationMode:
    """Parse a mode strictly: unset or empty means repo; anything unknown raises."""
    if value is None or value == "":
        return IntegrationMode.REPO
    for mode in IntegrationMode:
        if value == mode.value:
            return mode
    hint = ""
    folded = value.strip().lower()
    if folded in {m.value for m in IntegrationMode}:
        hint = f" (did you mean {folded!r}?)"
    raise IntegrationModeError(
        f"invalid {MODE_VARIABLE} {value!r}: expected one of {_ALLOWED} "
        f"(unset or empty means repo){hint}"
    )


@functools.lru_cache(maxsize=1)
def current_mode() -> IntegrationMode:
    """The mode of this process, read from ``INTEGRATION_MODE`` once and cached."""
    return parse_integration_mode(os.environ.get(MODE_VARIABLE))


def require_env(name: str) -> str:
    """The value of dependency variable ``name`` for the current mode; never None, never skips.

    cluster: the live value, or IntegrationEnvError naming the variable.
    repo/local: the mock default from the mock defaults file, or IntegrationEnvError saying
    which fixture is missing.
    """
    _check_name(name)
    mode = current_mode()
    if mode is IntegrationMode.CLUSTER:
        value = os.environ.get(name)
        if not value:
            state = "is empty" if value == "" else "is not set"
            raise IntegrationEnvError(
                f"{name} {state}: {MODE_VARIABLE}=cluster requires its live value and never "
                f"falls back to mocks; set it in the job's environment"
            )
        return value
    path = env_file()
    defaults = mock_defaults(path)
    if name not in defaults:
        raise IntegrationEnvError(
            f"{name} has no mock default in {path}: {MODE_VARIABLE}={mode.value} uses "
            f"deterministic mocks; add a line {name}=<mock value>"
        )
    return defaults[name]


def requires_env(*names: str):
    """Mark a test, class or module (``pytestmark``) as needing ``names`` in the current mode.

    Replaces env skips: at test time each name is resolved with ``require_env``; a missing
    live value (cluster) or mock default (repo/local) fails the test, it never skips it.
    Enforced by ``integration_mode_plugin``.
    """
    if not names:
        raise TypeError("requires_env() needs at least one variable name")
    for name in names:
        _check_name(name)
    import pytest

    return pytest.mark.requires_env(*names)


def __getattr__(name: str):
    # ``cluster_only`` is a pytest mark, created on first use so that importing this module
    # does not need pytest.
    if name == "cluster_only":
        import pytest

        mark = pytest.mark.cluster_only
        globals()["cluster_only"] = mark
        return mark
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def env_file() -> Path:
    """The mock defaults file: ``$INTEGRATION_ENV_FILE``, or ``.env.integration`` found upwards.

    Raises IntegrationEnvError when there is none: repo/local mode cannot run without mocks.
    """
    explicit = os.environ.get(ENV_FILE_VARIABLE)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise IntegrationEnvError(
                f"{ENV_FILE_VARIABLE}={explicit} does not name a file; the mock defaults "
                f"fixture for {MODE_VARIABLE}={current_mode().value} is missing"
            )
        return path.resolve()
    searched: list[str] = []
    for start in (Path(__file__).resolve().parent, Path.cwd()):
        for directory in _upwards(start):
            candidate = directory / ENV_FILE_NAME
            if candidate.is_file():
                return candidate
            searched.append(str(directory))
    where = ", ".join(dict.fromkeys(searched))
    raise IntegrationEnvError(
        f"{MODE_VARIABLE}={current_mode().value} uses mocks, but the mock defaults fixture "
        f"{ENV_FILE_NAME} is missing (searched {where}); create it or set {ENV_FILE_VARIABLE}"
    )


def _upwards(start: Path):
    """``start`` and its parents, stopping at the repository root (a directory with .git)."""
    for directory in (start, *start.parents):
        yield directory
        if (directory / ".git").exists():
            return


def mock_defaults(path: Path | None = None) -> dict[str, str]:
    """The ``NAME=value`` pairs of the mock defaults file (parsed once per file)."""
    return dict(_parse_env_file(str(path if path is not None else env_file())))


@functools.lru_cache(maxsize=8)
def _parse_env_file(path: str) -> tuple[tuple[str, str], ...]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise IntegrationEnvError(f"cannot read the mock defaults file {path}: {exc}") from None
    pairs: dict[str, str] = {}
    for lineno, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("export "):
            stripped = stripped[len("export ") :].lstrip()
        name, sep, value = stripped.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise IntegrationEnvError(f"{path}:{lineno}: expected NAME=value, got {line!r}")
        pairs[name] = _unquote(value.strip(), path, lineno)
    return tuple(pairs.items())


def _unquote(value: str, path: str, lineno: int) -> str:
    """A dotenv value: 'single' (literal), "double" (\\n \\" \\\\ escapes) or bare."""
    if value[:1] not in ("'", '"'):
        comment = value.find(" #")
        return value[:comment].rstrip() if comment >= 0 else value
    quote, out, i = value[0], [], 1
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(value) and value[i] != quote:
        if quote == '"' and value[i] == "\\" and value[i + 1 : i + 2] in escapes:
            out.append(escapes[value[i + 1]])
            i += 2
            continue
        out.append(value[i])
        i += 1
    if i >= len(value):
        raise IntegrationEnvError(f"{path}:{lineno}: unterminated {quote} quote")
    rest = value[i + 1 :].strip()
    if rest and not rest.startswith("#"):
        raise IntegrationEnvError(f"{path}:{lineno}: unexpected text after the quoted value")
    return "".join(out)


def _check_name(name: object) -> None:
    if not isinstance(name, str) or not name:
        raise TypeError(f"an environment variable name must be a non-empty string, not {name!r}")


def reset() -> None:
    """Forget the cached mode and mock defaults (for tests that change the environment)."""
    current_mode.cache_clear()
    _parse_env_file.cache_clear()


if __name__ == "__main__":  # ``python integration_mode.py``: validate and print the mode
    try:
        print(current_mode().value)
    except IntegrationModeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
