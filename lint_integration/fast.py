"""The command-line entry point, with a shortcut for a repeated ``check`` of an unchanged tree.

Pre-commit and editors run the same ``lint-integration check`` again and again on a tree that
mostly has not changed. When a check used the warm-run manifest (see manifest.py), its output is
remembered next to the manifest together with everything that decides it: the arguments, the
working directory, whether stdout and stderr are terminals, the interpreter, the tool's own
files, the config files that config discovery would find, and every directory and file the run
depended on. An identical command then stats those paths and, when nothing changed, prints the
remembered output and exits with the remembered status without importing the rest of the tool.

Only commands whose options are all known to be pure (formatting, rule selection) take the
shortcut; anything that writes files, reads a baseline or a named config, or asks for
``--since``/``--no-cache``/``--cache-dir`` always runs in full.
"""

from __future__ import annotations

import os
import stat
import sys

CACHE_DIR_NAME = ".lint-integration-cache"
CONFIG_FILENAMES = ("lint-integration.toml", ".lint-integration.toml", "pyproject.toml")
_FLAGS = frozenset(
    {
        "-q",
        "--quiet",
        "--exit-zero",
        "--statistics",
        "--show-fixes",
        "--show-suppressed",
        "--show-source",
        "--no-show-source",
        "--force-exclude",
        "-v",
        "--verbose",
    }
)
_VALUED = frozenset({"--output-format", "--select", "--ignore", "--rule", "--jobs", "-j"})


def main() -> None:
    """``lint-integration``: replay an unchanged check, else run the command line; then exit
    without tearing the interpreter down (``_leave``)."""
    try:
        _main()
    except SystemExit as exc:
        _leave(exc.code)
    _leave(0)


def _leave(code) -> None:
    """Exit as ``sys.exit(code)`` would, but for the interpreter's teardown.

    After a big run this process holds the summaries, import graph and results of thousands
    of files, and freeing them object by object at exit cost 20 ms on Django's tests/ (a tenth
    of a pre-commit run). Nothing needs it: every file written is closed, every worker joined.
    What would run at exit still runs (``atexit``), and output is flushed first.
    """
    import atexit

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # ``sys.exit("message")`` prints the message and exits 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: what Python reports too
            status = status or 120
    os._exit(status)


def _main() -> None:
    key = _key(sys.argv[1:])
    if key is not None:
        entry = _find(key)
        if entry is not None and _valid(entry):
            _replay(entry)
    from lint_integration.cli import main as cli_main

    if key is None:
        cli_main()
        return
    _run_and_remember(cli_main, key)


def _key(argv: list[str]) -> str | None:
    """The digest of a shortcut-eligible ``check`` command line (None: not eligible)."""
    if not argv or argv[0] != "check":
        return None
    i = 1
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if name in _VALUED:
            if "=" not in arg:
                i += 1  # the value
        elif arg.startswith("-") and arg not in _FLAGS and arg != "--":
            return None
        i += 1
    parts = (
        tuple(argv),
        os.getcwd(),
        sys.stdout.isatty(),
        sys.stderr.isatty(),
        sys.executable,
        sys.version,
    )
    return _blake2b(repr(parts).encode())


def _blake2b(data: bytes) -> str:
    """BLAKE2b-128 of ``data``, without loading OpenSSL (``hashlib`` does at import)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # an interpreter without CPython's builtin module
        from hashlib import blake2b
    return blake2b(data, digest_size=16).hexdigest()


def _find(key: str) -> dict | None:
    """The remembered entry for ``key`` in the nearest cache at or above the cwd."""
    directory = os.getcwd()
    while True:
        path = os.path.join(directory, CACHE_DIR_NAME, "fast", key)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            up = os.path.dirname(directory)
            if up == directory:
                return None
            directory = up
            continue
        import marshal  # a cache of this interpreter's own (its version is in the key)

        try:
            entry = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None
        return entry if isinstance(entry, dict) and entry.get("key") == key else None


def stamp(path: str, directory: bool = False) -> tuple[int, int, int] | None:
    """What tells that a file (or, with ``directory``, a directory's list of names) changed:
    ``(mtime_ns, size, inode)``, size 0 for a directory; ``None`` when it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if directory:
        return (st.st_mtime_ns, 0, st.st_ino) if stat.S_ISDIR(st.st_mode) else None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def unchanged(dirs, paths) -> bool:
    """Whether every ``(directory, stamp)`` and ``(path, stamp)`` recorded still holds. A path
    recorded as absent is not looked at again while its directory is unchanged: adding it would
    have changed the directory."""
    same = set()
    for path, recorded in dirs:
        if stamp(path, True) != recorded:
            return False
        same.add(path)
    for path, recorded in paths:
        if recorded is None and os.path.dirname(path) in same:
            continue
        if stamp(path) != recorded:
            return False
    return True


def _valid(entry: dict) -> bool:
    try:
        if not unchanged(entry["dirs"], entry["paths"]):
            return False
        for path, exists in entry["exist"]:
            if os.path.lexists(path) != exists:
                return False
        return isinstance(entry["stdout"], str) and entry["status"] in (0, 1)
    except (KeyError, TypeError, ValueError):
        return False


def _replay(entry: dict) -> None:
    for stream, text in ((sys.stderr, entry["stderr"]), (sys.stdout, entry["stdout"])):
        try:
            stream.buffer.write(text.encode("utf-8", "surrogateescape"))
            stream.flush()
        except BrokenPipeError:
            sys.exit(1)
    sys.exit(entry["status"])


def _run_and_remember(cli_main, key: str) -> None:
    import contextlib
    import io

    outputs = []
    originals = (sys.stdout, sys.stderr)
    if not all(hasattr(stream, "buffer") for stream in originals):
        cli_main()
        return
    for original in originals:
        capture = io.BytesIO()
        outputs.append(capture)
        tee = io.TextIOWrapper(
            _Tee(original.buffer, capture),
            encoding=original.encoding,
            errors=original.errors,
            line_buffering=original.line_buffering,
        )
        outputs.append(tee)
    sys.stdout, sys.stderr = outputs[1], outputs[3]
    status = 2
    try:
        cli_main()
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        raise
    finally:
        for tee in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                tee.flush()
        sys.stdout, sys.stderr = originals
        if status in (0, 1):
            _remember(key, status, outputs[0].getvalue(), outputs[2].getvalue())


class _Tee:
    """A binary stream writing to the real one and to a capture."""

    def __init__(self, target, capture) -> None:
        self._target = target
        self._capture = capture

    def write(self, data) -> int:
        self._capture.write(data)
        return self._target.write(data)

    def flush(self) -> None:
        self._target.flush()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def fileno(self) -> int:
        return self._target.fileno()

    def isatty(self) -> bool:
        return self._target.isatty()


def _remember(key: str, status: int, stdout: bytes, stderr: bytes) -> None:
    """Store the entry when this check ran on (or produced) a manifest."""
    from lint_integration import manifest as manifest_module

    manifest = manifest_module.LAST
    if manifest is None or manifest.recorded is None:
        return
    dirs, paths = manifest.recorded
    configs, gits = _config_candidates(manifest)
    config_stamps = [(p, stamp(p)) for p in sorted(configs)]
    limit = manifest.started_ns - manifest_module.RACY_NS
    if any(stamp is not None and stamp[0] >= limit for _path, stamp in config_stamps):
        return  # a config file changed a moment ago: not trusted yet
    extra = config_stamps + [(p, stamp(p)) for p in sorted(_tool_files())]
    entry = {
        "key": key,
        "status": status,
        "stdout": stdout.decode("utf-8", "surrogateescape"),
        "stderr": stderr.decode("utf-8", "surrogateescape"),
        "dirs": list(dirs),
        "paths": [*paths, *extra],
        "exist": [[p, os.path.lexists(p)] for p in sorted(gits)],
    }
    import marshal

    manifest.cache.store_blob("fast", key, marshal.dumps(entry), raw=True)


def _config_candidates(manifest) -> tuple[set[str], set[str]]:
    """The config files (content) and ``.git`` entries (existence) whose change would make
    config discovery or the project root answer differently."""
    configs: set[str] = set()
    gits: set[str] = set()
    for start in manifest.starts:
        directory = start
        while True:
            configs.update(os.path.join(directory, name) for name in CONFIG_FILENAMES)
            gits.add(os.path.join(directory, ".git"))
            up = os.path.dirname(directory)
            if up == directory:
                break
            directory = up
    return configs, gits


def _tool_files() -> set[str]:
    import lint_integration
    from lint_integration.cache import tool_files

    return set(tool_files()) | {os.path.abspath(lint_integration.__file__)}
