"""A Fixit rule equivalent to lint-integration's Python env checks, for the benchmark."""

from .env_access import NoEnvSkipOrProbe

__all__ = ["NoEnvSkipOrProbe"]
