"""Read source files faithfully and write them back atomically, byte for byte where untouched.

A file is decoded with its BOM or PEP 263 cookie (Python) and UTF-8 otherwise; the encoding,
BOM, dominant line ending and permission bits are remembered so that a fix writes them back.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class SourceError(Exception):
    """A file that cannot be read or decoded; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class SourceText:
    """Decoded text plus what is needed to write it back unchanged."""

    text: str
    encoding: str
    bom: bool
    newline: str
    raw: bytes
    mode: int | None = None


def detect_encoding(raw: bytes, python: bool) -> tuple[str, bool]:
    """The encoding of ``raw`` and whether it starts with a UTF-8 BOM."""
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    if python:
        for line in raw.split(b"\n", 2)[:2]:
            match = _COOKIE.match(line)
            if match:
                name = match.group(1).decode("ascii", "replace")
                try:
                    return codecs.lookup(name).name, False
                except LookupError:
                    raise SourceError(f"unknown encoding in coding cookie: {name}") from None
            if line.strip() and not line.lstrip().startswith(b"#"):
                break
    return "utf-8", False


def decode(raw: bytes, python: bool = False) -> SourceText:
    """Decode ``raw`` or raise SourceError with the line of the first bad byte."""
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise SourceError("file contains NUL bytes (binary?)", line)
    encoding, bom = detect_encoding(raw, python)
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        col = exc.start - (body.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SourceError(
            f"invalid {encoding} byte {body[exc.start : exc.start + 1]!r}"
            + ("" if python else " (only UTF-8 is read)"),
            line,
            col,
        ) from None
    return SourceText(text, encoding, bom, _newline(text), raw)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as parsers count them: split at CRLF, CR and LF only.

    ``str.splitlines`` also splits at form feeds, vertical tabs, U+2028 and friends, which no
    parser here counts as line breaks; line numbers taken from it drift after one.
    """
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


class NotRead(Exception):
    """A path that is deliberately not read: not a regular file, or over the size limit."""

    def __init__(self, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size


# Above this size without a limit, a file is read the careful way (``read_file``).
_UNLIMITED_FAST_READ = 1 << 24
_PREAD = getattr(os, "pread", None)  # not on Windows
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def absolute_path(path: str | os.PathLike, cwd: str) -> str:
    """``os.path.abspath`` against a known working directory (no ``getcwd`` per call)."""
    path = os.fspath(path)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))


def escapes(
    path: str | os.PathLike,
    root: str,
    real_dirs: dict[str, str] | None = None,
    normalized: bool = False,
) -> bool:
    """True when ``path`` reaches through a symlink to a place outside ``root`` (a real path).

    A path without links is never said to escape, wherever it is: only links are not followed.
    ``real_dirs`` (directory -> real path) lets one run resolve each directory once;
    ``normalized`` says ``path`` is already an absolute path without ``.`` or ``..`` parts.
    """
    absolute = path if normalized else os.path.abspath(path)
    real = _realpath(absolute, real_dirs) if real_dirs is not None else os.path.realpath(path)
    if real == absolute:
        return False
    return not (real == root or real.startswith(root.rstrip(os.sep) + os.sep))


def _realpath(absolute: str, real_dirs: dict[str, str]) -> str:
    """``os.path.realpath`` of a normalized absolute path: its directory's (from ``real_dirs``
    once known) joined with its name, unless the name is itself a link."""
    directory, name = os.path.split(absolute)
    try:
        if not name or stat.S_ISLNK(os.lstat(absolute).st_mode):
            return os.path.realpath(absolute)
    except OSError:
        return os.path.realpath(absolute)
    return os.path.join(real_dir(directory, real_dirs), name)


_STEPWISE = os.name != "nt"


def real_dir(directory: str, real_dirs: dict[str, str]) -> str:
    """``os.path.realpath`` of a normalized absolute directory, memoized in ``real_dirs``: a
    directory that is not itself a link resolves to its parent's real path plus its name (one
    ``lstat``, not one per component). On Windows, where a junction is no link to ``lstat``, each
    directory is resolved whole."""
    real = real_dirs.get(directory)
    if real is not None:
        return real
    parent, name = os.path.split(directory)
    try:
        plain = (
            _STEPWISE
            and bool(name)
            and parent != directory
            and not stat.S_ISLNK(os.lstat(directory).st_mode)
        )
    except OSError:
        plain = False
    real_dirs[directory] = real = (
        os.path.join(real_dir(parent, real_dirs), name) if plain else os.path.realpath(directory)
    )
    return real


def read_file(
    path: str | os.PathLike,
    max_size: int | None = None,
    root: str | None = None,
    real_dirs: dict[str, str] | None = None,
) -> bytes:
    """The bytes of the regular file at ``path``.

    Never blocks: a FIFO, device or directory raises NotRead (opening without blocking, then
    checking what was opened, leaves no window for a swap in between), as does a file over
    ``max_size`` bytes or, with ``root`` (a real path), one reached through a symlink out of
    ``root``. OSError propagates (FileNotFoundError: the file is gone).
    """
    if root is not None and escapes(path, root, real_dirs):
        raise NotRead("symlink points outside the project")
    fd = os.open(path, _READ_FLAGS)
    try:
        # The common case in two calls: a file that can seek (never a FIFO, socket or
        # terminal) tells its size, and one read at offset 0 that asks a byte more and gets
        # less has it whole. Anything else (empty, a character device, a directory, a file
        # over the limit or growing) is asked what it is below; a ``stat`` costs as much as
        # the read. (A block device small enough would be read here: the walk never hands
        # one over, only a path named on the command line can be one.)
        try:
            size = os.lseek(fd, 0, os.SEEK_END) if _PREAD is not None else -1
        except OSError:
            size = -1
        if 0 < size <= (max_size if max_size is not None else _UNLIMITED_FAST_READ):
            try:
                data = _PREAD(fd, size + 1, 0)
            except OSError:  # a directory
                data = None
            if data is not None and len(data) <= size:
                return data
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRead("not a regular file")
        if max_size is not None and st.st_size > max_size:
            raise NotRead("over max-file-size", st.st_size)
        # One read for a file that does not grow meanwhile: asking for a byte more than its
        # size and getting less is the end of it.
        want = st.st_size + 1
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, want)
        if len(data) < want:
            return data
        chunks = [data]
        while True:
            chunk = os.read(fd, max(want, 65536))
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_source(path: Path, python: bool = False) -> SourceText:
    """Read and decode ``path`` (OSError and SourceError propagate)."""
    with open(path, "rb") as fh:
        raw = fh.read()
        mode = os.fstat(fh.fileno()).st_mode
    src = decode(raw, python)
    return SourceText(src.text, src.encoding, src.bom, src.newline, raw, stat.S_IMODE(mode))


def encode(text: str, like: SourceText) -> bytes:
    """Encode ``text`` the way ``like`` was encoded (BOM included)."""
    data = text.encode(like.encoding)
    return codecs.BOM_UTF8 + data if like.bom else data


class ChangedOnDisk(Exception):
    """The file changed between reading it and writing the fix."""


def atomic_write(path: Path, data: bytes, expected: bytes | None = None) -> None:
    """Write ``data`` to ``path`` through a temp file and rename, keeping permission bits.

    The temp file lives in the target's directory (so the rename is atomic) and is removed on
    any failure, KeyboardInterrupt included; the original is then untouched. A symlink is
    written through to its target and stays a link. With ``expected``, refuse (ChangedOnDisk)
    when the file no longer holds those bytes, checked again just before the rename.
    """
    target = Path(os.path.realpath(path))
    st = target.stat()
    if expected is not None and target.read_bytes() != expected:
        raise ChangedOnDisk(str(path))
    tmp: str | None = None
    try:
        import tempfile  # only a write needs it: a check reads

        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".li-tmp", dir=target.parent)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(fd, st.st_uid, st.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        if expected is not None and target.read_bytes() != expected:
            raise ChangedOnDisk(str(path))
        os.replace(tmp, target)
        tmp = None
    except BaseException:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable where the platform allows it (best effort)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
