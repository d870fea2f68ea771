"""Find the files to lint: walk the tree honouring .gitignore files and the config excludes."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lint_integration.classify import language_of, might_be_source, needs_head, role_of
from lint_integration.config import Config
from lint_integration.textio import NotRead, escapes, read_file

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True)
class SourceFile:
    """A file selected for linting."""

    path: Path  # absolute, as found (not resolved through symlinks)
    relpath: str  # posix path relative to the project root, for role and glob matching
    language: str
    role: str
    explicit: bool = False


@dataclass
class Discovery:
    """The result of a walk: the files, plus notices about what was passed over and why."""

    files: list[SourceFile] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # What the walk looked at, so a later run can tell nothing changed: directories scanned
    # and ignore files consulted (present or not).
    dirs: list[str] = field(default_factory=list)
    ignore_files: set[str] = field(default_factory=set)


def find_git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


class _IgnoreStack:
    """Gitignore specs from the repository root down to the current directory."""

    def __init__(self, git_root: Path | None, enabled: bool) -> None:
        self.git_root = git_root
        self.enabled = enabled
        self._cache: dict[Path, pathspec.PathSpec | None] = {}
        self.errors: list[str] = []
        self.files_read: set[str] = set()
        # Hot path state: the root as a string prefix, and per directory (relative to the
        # root) the ancestors that have a spec, deepest first.
        self._prefix = str(git_root).rstrip(os.sep) + os.sep if git_root is not None else ""
        self._chains: dict[str, list[tuple[int, pathspec.PathSpec]]] = {}

    def _spec_for(self, directory: Path) -> pathspec.PathSpec | None:
        if directory in self._cache:
            return self._cache[directory]
        lines: list[str] = []
        origins: list[tuple[Path, int]] = []  # where each line comes from, for notices
        files = [directory / ".gitignore"]
        if directory == self.git_root:
            files.insert(0, directory / ".git" / "info" / "exclude")
        for file in files:
            self.files_read.add(str(file))
            try:
                text = read_file(file).decode("utf-8", errors="replace")
            except (OSError, NotRead):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                lines.append(line)
                origins.append((file, number))
        spec = None
        if lines:
            import pathspec  # imported on first use: a warm run may never need it

            try:
                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            except Exception:  # a pattern pathspec cannot compile: drop it, say which
                spec = self._without_bad_patterns(lines, origins)
        self._cache[directory] = spec
        return spec

    def _without_bad_patterns(self, lines: list[str], origins: list[tuple[Path, int]]):
        """The spec of the lines that compile; one notice per line that does not (git skips
        such a line too)."""
        import pathspec

        patterns = []
        cwd = os.getcwd() + os.sep
        for line, (file, number) in zip(lines, origins, strict=True):
            try:
                patterns.extend(pathspec.GitIgnoreSpec.from_lines([line]).patterns)
            except Exception as exc:
                shown = str(file)[len(cwd) :] if str(file).startswith(cwd) else file
                self.errors.append(f"{shown}:{number}: ignoring bad pattern {line!r}: {exc}")
        return pathspec.GitIgnoreSpec(patterns)

    def _chain(self, parent: str) -> list[tuple[int, pathspec.PathSpec]]:
        """``(offset of the directory's part of the path, spec)`` for ``parent``'s ancestors."""
        chain = self._chains.get(parent)
        if chain is None:
            assert self.git_root is not None
            if parent:  # this directory's own spec, then its parent's chain
                own = self._spec_for(self.git_root / parent)
                above = self._chain(parent.rpartition("/")[0])
                chain = [(len(parent) + 1, own), *above] if own is not None else above
            else:
                own = self._spec_for(self.git_root)
                chain = [(0, own)] if own is not None else []
            self._chains[parent] = chain
        return chain

    def ignored_abs(self, absolute: str, is_dir: bool) -> bool:
        """``ignored`` for a normalized absolute path string (the fast path of the walk)."""
        if not self.enabled or self.git_root is None:
            return False
        if not absolute.startswith(self._prefix):
            return self.ignored(Path(absolute), is_dir)
        rel = absolute[len(self._prefix) :]
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        suffix = "/" if is_dir else ""
        for offset, spec in self._chain(rel.rpartition("/")[0]):
            result = spec.check_file(rel[offset:] + suffix)
            if result.include is not None:
                return bool(result.include)
        return False

    def ignored(self, path: Path, is_dir: bool) -> bool:
        if not self.enabled or self.git_root is None:
            return False
        try:
            rel_to_root = path.relative_to(self.git_root)
        except ValueError:
            return False
        # Deepest .gitignore first: the nearest one that has an opinion decides.
        parents = [self.git_root / p for p in _prefixes(rel_to_root.parent.parts)]
        for directory in reversed(parents):
            spec = self._spec_for(directory)
            if spec is None:
                continue
            rel = path.relative_to(directory).as_posix() + ("/" if is_dir else "")
            result = spec.check_file(rel)
            if result.include is not None:
                return bool(result.include)
        return False


def _prefixes(parts: tuple[str, ...]) -> list[Path]:
    out = [Path()]
    for i in range(len(parts)):
        out.append(Path(*parts[: i + 1]))
    return out


def discover(paths: list[Path], config: Config, force_exclude: bool = False) -> Discovery:
    """Every lintable file under ``paths`` (files named explicitly are kept unless forced)."""
    result = Discovery()
    git_root = find_git_root(paths[0].resolve() if paths else config.root)
    ignores = _IgnoreStack(git_root, config.respect_gitignore)
    exclude = config.matcher("exclude")
    include = config.matcher("include") if config.include else None
    seen: set[str] = set()
    root = config.root.resolve()
    root_str = str(root)
    root_prefix = root_str.rstrip(os.sep) + os.sep
    real_dirs: dict[str, str] = {}

    cwd = os.getcwd()

    def absolute(path) -> str:
        """``os.path.abspath`` without a ``getcwd`` call per path."""
        return os.path.normpath(os.path.join(cwd, path))

    def rel_abs(absolute: str) -> str:
        """``rel`` of a normalized absolute path string (string operations only)."""
        if absolute.startswith(root_prefix):
            out = absolute[len(root_prefix) :]
        elif absolute == root_str:
            out = "."
        else:
            return Path(absolute).as_posix().lstrip("/")
        return out.replace(os.sep, "/") if os.sep != "/" else out

    def rel(path: Path) -> str:
        return rel_abs(absolute(path))

    def excluded(path: Path, is_dir: bool) -> bool:
        return excluded_abs(absolute(path), is_dir)

    def excluded_abs(full: str, is_dir: bool) -> bool:
        """``excluded`` for a normalized absolute path string (the walk knows it)."""
        r = rel_abs(full)
        probe = r + "/" if is_dir else r
        return exclude(probe) or ignores.ignored_abs(full, is_dir)

    def real_path(path: Path, is_link: bool, full: str | None = None) -> str:
        """The resolved path; for a plain file, its directory's resolved path plus its name."""
        if is_link:
            return str(path.resolve(strict=True))
        directory, name = os.path.split(full or absolute(path))
        real_dir = real_dirs.get(directory)
        if real_dir is None:
            real_dir = real_dirs[directory] = os.path.realpath(directory)
        return os.path.join(real_dir, name)

    deferred: list[tuple[Path, Path]] = []

    def add(
        path: Path, explicit: bool, is_link: bool | None = None, full: str | None = None
    ) -> None:
        if is_link is None:
            is_link = path.is_symlink()
        if not explicit and is_link:
            # Links are considered after every regular file, so a file reachable both directly
            # and through an in-tree link is reported under its own path.
            deferred.append((path, scan_root))
            return
        add_now(path, explicit, scan_root, is_link, full)

    def add_now(
        path: Path, explicit: bool, scan_root: Path, is_link: bool = True, full: str | None = None
    ) -> None:
        try:
            real = real_path(path, is_link, full)
            if explicit and not os.path.exists(real):  # a walked entry was just listed
                raise FileNotFoundError(2, "No such file or directory", str(path))
        except (OSError, RuntimeError) as exc:
            result.notices.append(f"{path}: cannot resolve path ({_reason(exc)}); skipped")
            return
        if (is_link and not _inside(Path(real), scan_root)) or (
            explicit and escapes(absolute(path), root_str)
        ):
            # A named file may sit below a linked directory: the link must not lead out either.
            result.notices.append(f"{path}: symlink points outside the scanned tree; skipped")
            return
        if real in seen:
            return
        head = None
        if needs_head(str(path)):
            head = _head(Path(real))
        language = language_of(str(path), head)
        if language is None:
            if explicit and path.is_file():
                result.notices.append(f"{path}: not a language lint-integration reads; skipped")
            return
        relpath = rel_abs(full) if full is not None else rel(path)
        if include is not None and not explicit and not include(relpath):
            return
        seen.add(real)
        result.files.append(SourceFile(path, relpath, language, role_of(relpath, config), explicit))

    for arg in paths:
        scan_root = Path(os.path.abspath(arg))
        if not os.path.lexists(arg):
            result.notices.append(f"{arg}: no such file or directory")
            continue
        if arg.is_dir() and not arg.is_symlink():
            if force_exclude and excluded(arg, True):
                continue
            _walk(arg, excluded_abs, add, result, scan_root, real_dirs)
        elif arg.is_dir():
            result.notices.append(f"{arg}: is a symlink to a directory; not followed")
        else:
            scan_root = Path(os.path.abspath(arg.parent))
            if force_exclude and excluded(arg, False):
                continue
            add(arg, explicit=True)
    for path, scan_root in deferred:
        add_now(path, False, scan_root)
    result.notices.extend(ignores.errors)
    result.notices = list(dict.fromkeys(result.notices))  # a path met twice is told once
    result.ignore_files = ignores.files_read
    result.files.sort(key=lambda f: f.relpath)
    return result


def _walk(
    top: Path, excluded_abs, add, result: Discovery, scan_root: Path, real_dirs: dict[str, str]
) -> None:
    """Walk ``top`` (never through links); ``real_dirs`` learns each directory's resolved path
    (a subdirectory that is not a link resolves to its parent's plus its name)."""
    stack = [top]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            result.notices.append(f"{directory}: cannot read directory ({_reason(exc)}); skipped")
            continue
        absolute = os.path.abspath(directory)
        result.dirs.append(absolute)
        real = real_dirs.get(absolute)
        if real is None:
            real = real_dirs[absolute] = os.path.realpath(absolute)
        subdirs = []
        for entry in entries:
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                full = os.path.join(absolute, entry.name)
                if not excluded_abs(full, True):
                    subdirs.append(Path(entry.path))
                    real_dirs[full] = os.path.join(real, entry.name)
            elif is_link and not is_file:
                # Links to directories are never followed (no loops, no escapes); dangling ones
                # are not files.
                continue
            elif is_file and might_be_source(entry.name):
                full = os.path.join(absolute, entry.name)
                if not excluded_abs(full, False):
                    add(Path(entry.path), explicit=False, is_link=is_link, full=full)
        stack.extend(reversed(subdirs))


def _head(path: Path) -> bytes:
    """The first bytes of a regular file (for its shebang); never blocks on a FIFO or device."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    try:
        return os.read(fd, 128) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return b""
    finally:
        os.close(fd)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
