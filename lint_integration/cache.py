"""The result cache: ``.lint-integration-cache/`` in the project root.

A file's results are reused when nothing that produced them has changed: the tool (version and
the installed code), the config fingerprint, the selected rules, the file's path and content, and
the content of every module whose summary was consulted while checking it. Cross-module summaries
are cached the same way. Entries are written atomically; an entry that cannot be read is a miss
and is rewritten, so a corrupt or foreign cache never breaks a run.

Entries are pickles read back by an unpickler that only builds plain data and lint-integration's
own classes, so a planted cache file cannot make the linter run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import pickle
from pathlib import Path
from typing import Any

from lint_integration import __version__

CACHE_DIR_NAME = ".lint-integration-cache"
_GITIGNORE = "# Created by lint-integration; safe to delete.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by lint-integration.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)
# Dependency signature of a file that could not be read.
MISSING = "-"

_SAFE_BUILTINS = frozenset(
    {"set", "frozenset", "list", "dict", "tuple", "int", "float", "complex", "str", "bytes"}
    | {"bool", "bytearray", "slice", "range"}
)
_SAFE_CLASSES = {
    ("pathlib", "PosixPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PureWindowsPath"),
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("collections", "Counter"),
    ("collections", "deque"),
}


class _SafeUnpickler(pickle.Unpickler):
    """Builds only plain data and lint-integration's own classes (never functions)."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        if (module, name) in _SAFE_CLASSES or (
            module == "lint_integration" or module.startswith("lint_integration.")
        ):
            obj = super().find_class(module, name)
            if isinstance(obj, type):
                return obj
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the cache")


def _loads(data: bytes) -> Any:
    return _SafeUnpickler(io.BytesIO(data)).load()


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def file_signature(path: str, max_size: int) -> str:
    """What a dependency's content looks like now: its hash, or a marker when unreadable."""
    try:
        size = os.path.getsize(path)
        if size > max_size:
            return f"big:{size}"
        with open(path, "rb") as fh:
            return content_hash(fh.read())
    except OSError:
        return MISSING


def raw_signature(raw: bytes | None, size: int | None, max_size: int) -> str:
    """The signature of content already read (``raw`` None: unreadable or over the limit)."""
    if raw is not None:
        return content_hash(raw)
    if size is not None and size > max_size:
        return f"big:{size}"
    return MISSING


def listing_signature(names) -> str:
    """The signature of a directory's entries (which names it holds, not their content)."""
    return content_hash("\0".join(sorted(names)).encode("utf-8", "surrogateescape"))


def current_signature(key: str, max_size: int) -> str:
    """What a dependency looks like now: a file's content, or (``ls:`` keys) a listing."""
    if key.startswith("ls:"):
        try:
            return listing_signature(os.listdir(key[3:]))
        except OSError:
            return MISSING
    return file_signature(key, max_size)


_STAMP: str | None = None


def tool_files() -> list[str]:
    """The tool's installed modules (lint_integration, its rules and codemods)."""
    import lint_integration

    roots = [Path(lint_integration.__file__).parent]
    for sub in ("rules", "codemods"):
        with contextlib.suppress(ImportError):
            spec = importlib.util.find_spec(f"lint_integration.{sub}")
            if spec is not None and spec.submodule_search_locations:
                roots.extend(Path(p) for p in spec.submodule_search_locations)
    found: list[str] = []
    seen: set[str] = set()
    for root in roots:
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                path = os.path.join(directory, name)
                if name.endswith(".py") and path not in seen:
                    seen.add(path)
                    found.append(path)
    return found


def tool_stamp() -> str:
    """The tool's version plus a digest of its installed code (name, size, mtime of each module).

    Editing a rule or frontend therefore invalidates results even without a version bump.
    """
    global _STAMP
    if _STAMP is None:
        digest = hashlib.blake2b(__version__.encode(), digest_size=8)
        for path in tool_files():
            with contextlib.suppress(OSError):
                st = os.stat(path)
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        _STAMP = f"{__version__}-{digest.hexdigest()}"
    return _STAMP


def default_cache_dir(root: Path) -> Path:
    return Path(root) / CACHE_DIR_NAME


class Cache:
    """Results and summaries for one tool build, config and rule selection."""

    def __init__(self, directory: Path, config_fingerprint: str, selection: tuple[str, ...]):
        self.directory = Path(directory)
        stamp = tool_stamp()
        base = hashlib.blake2b(f"{stamp}\0{config_fingerprint}".encode(), digest_size=8)
        self._summary_ns = f"s-{base.hexdigest()}"
        base.update("\0".join(sorted(selection)).encode())
        self._result_ns = f"r-{base.hexdigest()}"
        self._signatures: dict[str, str] = {}
        self._prepared = False
        self._disabled = False
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_run(cls, config, selection, directory: Path | None = None) -> Cache:
        return cls(
            directory or default_cache_dir(config.root),
            config.fingerprint(),
            tuple(sorted(selection.rules)),
        )

    # -- dependency signatures --------------------------------------------------------------

    def note_signature(self, path: str, signature: str) -> None:
        """Remember what a file looked like when this run read it."""
        self._signatures.setdefault(path, signature)

    def _current(self, path: str, max_size: int) -> str:
        sig = self._signatures.get(path)
        if sig is None:
            sig = self._signatures[path] = current_signature(path, max_size)
        return sig

    def _deps_valid(self, deps: tuple[tuple[str, str], ...], max_size: int) -> bool:
        return all(self._current(path, max_size) == sig for path, sig in deps)

    # -- results ----------------------------------------------------------------------------

    def _entry(self, namespace: str, *key: str) -> Path:
        # surrogateescape: a file name that is not UTF-8 is still a key
        data = "\0".join(key).encode("utf-8", "surrogateescape")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        return self.directory / namespace / digest[:2] / digest[2:]

    def load_result(self, key: tuple[str, ...], digest: str, max_size: int) -> Any | None:
        """The stored result for ``key`` if its content and dependencies still match."""
        entry = self._read(self._entry(self._result_ns, *key))
        if entry is None:
            self.misses += 1
            return None
        try:
            stored_key, stored_digest, deps, result = entry
        except (TypeError, ValueError):
            self.misses += 1
            return None
        if stored_key != key or stored_digest != digest or not self._deps_valid(deps, max_size):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def store_result(self, key: tuple[str, ...], digest: str, deps, result: Any) -> None:
        self._write(self._entry(self._result_ns, *key), (key, digest, tuple(sorted(deps)), result))

    # -- summaries --------------------------------------------------------------------------

    def load_summary(self, language: str, path: str, digest: str, max_size: int):
        """``(True, summary, deps)`` on a valid hit, else ``(False, None, ())``."""
        key = (language, path)
        entry = self._read(self._entry(self._summary_ns, *key))
        try:
            stored_key, stored_digest, deps, value = entry  # type: ignore[misc]
        except (TypeError, ValueError):
            return False, None, ()
        if stored_key != key or stored_digest != digest or not self._deps_valid(deps, max_size):
            return False, None, ()
        return True, value, deps

    def store_summary(self, language: str, path: str, digest: str, deps, value: Any) -> None:
        key = (language, path)
        self._write(self._entry(self._summary_ns, *key), (key, digest, tuple(sorted(deps)), value))

    # -- whole-run entries ------------------------------------------------------------------

    def load_blob(self, kind: str, name: str) -> Any | None:
        return self._read(self.directory / kind / name)

    def store_blob(self, kind: str, name: str, value: Any, raw: bool = False) -> None:
        """Store ``value`` (pickled; with ``raw``, bytes written as they are)."""
        self._write(self.directory / kind / name, value, raw)

    # -- storage ----------------------------------------------------------------------------

    def _read(self, path: Path) -> Any | None:
        if self._disabled:
            return None
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        try:
            return _loads(data)
        except Exception:  # corrupt, truncated or foreign: a miss, rewritten on store
            return None

    def _prepare(self) -> bool:
        if self._prepared:
            return not self._disabled
        self._prepared = True
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name, text in (("CACHEDIR.TAG", _CACHEDIR_TAG), (".gitignore", _GITIGNORE)):
                marker = self.directory / name
                if not marker.exists():
                    _atomic_write(marker, text.encode())
        except OSError:
            self._disabled = True  # a read-only checkout: run without a cache
        return not self._disabled

    def _write(self, path: Path, value: Any, raw: bool = False) -> None:
        if not self._prepare():
            return
        try:
            data = value if raw else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a value that cannot be stored is simply not cached
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, data)
        except OSError:
            pass


def _atomic_write(path: Path, data: bytes) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def clean(directory: Path) -> bool:
    """Remove a cache directory; True if there was one. Refuses anything that is not a cache."""
    directory = Path(directory)
    if not directory.is_dir():
        return False
    if directory.name != CACHE_DIR_NAME and not (directory / "CACHEDIR.TAG").is_file():
        raise ValueError(f"{directory}: not a lint-integration cache directory")
    import shutil

    shutil.rmtree(directory)
    return True
