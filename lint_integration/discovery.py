"""Find the files to lint: walk the tree honouring .gitignore files and the config excludes."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from lint_integration.classify import (
    NEEDS_HEAD,
    language_of,
    name_language,
    needs_head,
    role_matcher,
    split_role_matcher,
)
from lint_integration.config import PATHSPEC_BACKEND, Config, gitignore_spec
from lint_integration.globsplit import COVERED, OPEN
from lint_integration.textio import NotRead, absolute_path, escapes, read_file, real_dir

if TYPE_CHECKING:
    import pathspec

    from lint_integration.globsplit import SplitGlobs
    from lint_integration.parallel import Spread


class SourceFile:
    """A file selected for linting.

    ``path`` is the path as found (not resolved through symlinks); ``relpath`` the posix path
    relative to the project root, for role and glob matching. A walk finds thousands of files
    most of which are never reported, so ``path`` becomes a ``Path`` only when asked for, and
    a file travels to a worker process as plain strings.
    """

    __slots__ = ("_path", "explicit", "language", "relpath", "role")

    def __init__(
        self, path: Path | str, relpath: str, language: str, role: str, explicit: bool = False
    ) -> None:
        self._path = path
        self.relpath = relpath
        self.language = language
        self.role = role
        self.explicit = explicit

    @property
    def path(self) -> Path:
        path = self._path
        if not isinstance(path, Path):
            path = self._path = Path(path)
        return path

    @property
    def location(self) -> str:
        """``path`` as a string (no ``Path`` is made for it)."""
        return os.fspath(self._path)

    def _key(self) -> tuple[str, str, str, str, bool]:
        return (self.location, self.relpath, self.language, self.role, self.explicit)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SourceFile) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"SourceFile(path={self.location!r}, relpath={self.relpath!r}, "
            f"language={self.language!r}, role={self.role!r}, explicit={self.explicit!r})"
        )

    def __reduce__(self):
        return (SourceFile, self._key())


@dataclass
class WalkUnit:
    """A directory whose whole tree is still to be walked, as the walk would have met it."""

    path: str  # as found (the way ``Path`` would spell it)
    absolute: str
    scan_root: Path  # the named directory it lies in (links must not lead out of it)
    depth: int  # below that directory: the shallower, the bigger its tree tends to be


@dataclass
class WalkedPart:
    """What walking a ``WalkUnit`` found, in the walk's order; ``rest`` is what a shallow walk
    (the unit's own directory only) left for later, in order."""

    files: list[SourceFile]
    notices: list[str]
    dirs: list[str]
    links: list[tuple[Path, Path]]
    ignore_errors: list[str]
    rest: list[WalkUnit]


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
        self.reads = enabled and git_root is not None  # whether ignore files are asked at all
        self._cache: dict[str, pathspec.PathSpec | None] = {}
        self.errors: list[str] = []
        self.files_read: set[str] = set()
        # Directories whose listing has no .gitignore (the walk tells): nothing to open there.
        self.without_file: set[str] = set()
        # Hot path state: the root as a string prefix, per directory (relative to the root)
        # the ancestors that have a spec, deepest first, and each spec's test.
        self._root = str(git_root) if git_root is not None else ""
        self._prefix = self._root.rstrip(os.sep) + os.sep if git_root is not None else ""
        self._chains: dict[str, list[tuple[int, pathspec.PathSpec]]] = {}
        self._verdicts: dict[int, Callable[[str], bool | None]] = {}
        self._splits: dict[int, SplitGlobs | None] = {}

    def _spec_for(self, directory: Path | str) -> pathspec.PathSpec | None:
        directory = os.fspath(directory)
        if directory in self._cache:
            return self._cache[directory]
        lines: list[str] = []
        origins: list[tuple[str, int]] = []  # where each line comes from, for notices
        files = [_ignore_file(directory)]
        if directory == self._root:
            files.insert(0, os.path.join(directory, ".git", "info", "exclude"))
        for file in files:
            self.files_read.add(file)
            if directory in self.without_file and file.endswith(".gitignore"):
                continue
            try:
                text = read_file(file).decode("utf-8", errors="replace")
            except (OSError, NotRead):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                lines.append(line)
                origins.append((file, number))
        spec = None
        if lines:
            try:
                spec = gitignore_spec(lines)
            except Exception:  # a pattern pathspec cannot compile: drop it, say which
                spec = self._without_bad_patterns(lines, origins)
        self._cache[directory] = spec
        return spec

    def _without_bad_patterns(self, lines: list[str], origins: list[tuple[str, int]]):
        """The spec of the lines that compile; one notice per line that does not (git skips
        such a line too)."""
        import pathspec

        patterns = []
        cwd = os.getcwd() + os.sep
        for line, (file, number) in zip(lines, origins, strict=True):
            try:
                patterns.extend(gitignore_spec([line]).patterns)
            except Exception as exc:
                shown = file[len(cwd) :] if file.startswith(cwd) else file
                self.errors.append(f"{shown}:{number}: ignoring bad pattern {line!r}: {exc}")
        return pathspec.GitIgnoreSpec(patterns, backend=PATHSPEC_BACKEND)

    def _chain(self, parent: str) -> list[tuple[int, pathspec.PathSpec]]:
        """``(offset of the directory's part of the path, spec)`` for ``parent``'s ancestors."""
        chain = self._chains.get(parent)
        if chain is None:
            assert self.git_root is not None
            if parent:  # this directory's own spec, then its parent's chain
                own = self._spec_for(self._prefix + parent.replace("/", os.sep))
                above = self._chain(parent.rpartition("/")[0])
                chain = [(len(parent) + 1, own), *above] if own is not None else above
            else:
                own = self._spec_for(self._root)
                chain = [(0, own)] if own is not None else []
            self._chains[parent] = chain
        return chain

    def ignored_abs(self, absolute: str, is_dir: bool) -> bool:
        """``ignored`` for a normalized absolute path string."""
        directory, name = os.path.split(absolute)
        test = self.ignored_in(directory)
        return test is not None and test(name, is_dir)

    def ignored_in(self, directory: str):
        """``ignored_abs`` for the names in the normalized absolute ``directory``, as a
        ``(name, is_dir) -> bool`` test (``None``: nothing there is ignored)."""
        if not self.reads:
            return None
        rel = self.rel_in_repository(directory)
        if rel is None:  # outside the repository: the general path
            return lambda name, is_dir: self.ignored(Path(directory, name), is_dir)
        chain: list[tuple[str, Callable[[str], bool | None]]] | None = None

        def ignored(name: str, is_dir: bool) -> bool:
            nonlocal chain
            if chain is None:  # read on first use: a directory with nothing to test reads none
                specs = self._chain(rel.rstrip("/"))
                chain = [(rel[offset:], self._verdict(spec)) for offset, spec in specs]
            suffix = "/" if is_dir else ""
            for here, verdict in chain:
                include = verdict(here + name + suffix)
                if include is not None:
                    return include
            return False

        return ignored

    def rel_in_repository(self, directory: str) -> str | None:
        """The normalized absolute ``directory`` relative to the repository, ending in ``/``
        (empty at its root); ``None`` outside it."""
        inside = directory.rstrip(os.sep) + os.sep
        if not inside.startswith(self._prefix):
            return None
        rel = inside[len(self._prefix) :]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel

    def note_none_in(self, directory: str) -> None:
        """Record what ``_spec_for`` records of a walked directory whose listing holds no
        ignore file, without asking it."""
        if self.reads:
            self.files_read.add(_ignore_file(directory))

    def chain_states(self, directory: str) -> tuple | None:
        """``names_ignored_in`` as states to hand down a walk (``_WalkTests``): per ignore file
        that applies in the normalized absolute ``directory``, deepest first, ``(offset of the
        directory's part of the path, split, state)``; ``()`` when no ignore file is read;
        ``None`` when one has negations or the directory is outside the repository."""
        if not self.reads:
            return ()
        rel = self.rel_in_repository(directory)
        if rel is None or "\n" in rel:
            return None
        out = []
        for offset, spec in self._chain(rel.rstrip("/")):
            split = self._split(spec)
            if split is None:
                return None
            out.append((offset, split, split.state(rel[offset:])))
        return tuple(out)

    def chain_below(self, chain: tuple, directory: str, name: str, own_file: bool):
        """``chain_states`` of the subdirectory ``directory`` (called ``name``; ``own_file``:
        its listing holds a ``.gitignore``) from its parent's ``chain``, which is given back
        when nothing changes."""
        if not self.reads:
            return chain
        rel = None
        new = []
        if own_file:
            spec = self._spec_for(directory)
            if spec is not None:
                split = self._split(spec)
                if split is None:
                    return None
                rel = self.rel_in_repository(directory)
                if rel is None:
                    return None
                new.append((len(rel), split, split.state("")))
        else:
            self.note_none_in(directory)
        same = not new
        for offset, split, state in chain:
            if state is OPEN or state is COVERED:
                below = split.descend(state, "", name)  # the path is not asked
            else:
                if rel is None:
                    rel = self.rel_in_repository(directory)
                    if rel is None:
                        return None
                below = split.descend(state, rel[offset:], name)
            same = same and below is state
            new.append((offset, split, below))
        return chain if same else tuple(new)

    def names_ignored_in(self, directory: str, dirs: bool = False) -> Callable[[str], bool] | bool:
        """For the files (or with ``dirs``, the subdirectories) the walk finds in the
        normalized absolute ``directory``, whose ignored ancestors it never enters:
        ``name -> bool``, or the answer for all of them."""
        if not self.reads:
            return False
        rel = self.rel_in_repository(directory)
        if rel is None:
            general = self.ignored_in(directory)
            return (lambda name: general(name, dirs)) if general is not None else False
        # Deepest ignore file first: the nearest one that has an opinion decides.
        tests: list[tuple[Callable, bool]] = []  # (test, whether it is a split ``name -> bool``)
        for offset, spec in self._chain(rel.rstrip("/")):
            here = rel[offset:]
            split = self._split(spec)
            if split is None:  # negations: pathspec's ordering, file by file
                verdict = self._verdict(spec)
                suffix = "/" if dirs else ""
                tests.append(((lambda name, v=verdict, h=here, s=suffix: v(h + name + s)), False))
                continue
            found = split.dirs_in(here) if dirs else split.in_dir(here)
            if found is True:
                if not tests:
                    return True
                tests.append(((lambda name: True), True))
                break
            if found is not False:
                tests.append((found, True))
        if not tests:
            return False
        if all(is_split for _test, is_split in tests):
            if len(tests) == 1:
                return tests[0][0]
            return lambda name: any(test(name) for test, _split in tests)

        def ignored(name: str) -> bool:
            for test, is_split in tests:
                if is_split:
                    if test(name):
                        return True
                else:
                    include = test(name)
                    if include is not None:
                        return include
            return False

        return ignored

    def _split(self, spec: pathspec.PathSpec):
        key = id(spec)
        if key not in self._splits:
            from lint_integration.config import split_globs

            self._splits[key] = split_globs(spec)
        return self._splits[key]

    def _verdict(self, spec: pathspec.PathSpec) -> Callable[[str], bool | None]:
        verdict = self._verdicts.get(id(spec))
        if verdict is None:
            verdict = self._verdicts[id(spec)] = _verdict(spec)
        return verdict

    def ignored(self, path: Path, is_dir: bool) -> bool:
        if not self.reads:
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


def _verdict(spec: pathspec.PathSpec) -> Callable[[str], bool | None]:
    """``path -> True/False/None`` (ignored, re-included, no opinion) for one ignore file: one
    regex search when it has no negations (then any match ignores), pathspec's rules else."""
    from lint_integration.config import plain_regex

    regex = plain_regex(spec)
    if regex is None:

        def verdict(path: str) -> bool | None:
            include = spec.check_file(path).include
            return None if include is None else bool(include)

        return verdict
    search = regex.search
    return lambda path: True if search(path) is not None else None


def _prefixes(parts: tuple[str, ...]) -> list[Path]:
    out = [Path()]
    for i in range(len(parts)):
        out.append(Path(*parts[: i + 1]))
    return out


def discover(
    paths: list[Path],
    config: Config,
    force_exclude: bool = False,
    spread: Spread | None = None,
) -> Discovery:
    """Every lintable file under ``paths`` (files named explicitly are kept unless forced),
    sorted.

    A ``spread`` may take a big walk over: once the walk has found enough files, what is left
    of it is walked, and every file checked, by several processes at once (the list is the
    same; ``spread`` keeps the results).
    """
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
    role = role_matcher(config)
    split_exclude = config.split("exclude")
    split_roles = split_role_matcher(config)

    cwd = os.getcwd()

    def absolute(path) -> str:
        return absolute_path(path, cwd)

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
        """``excluded`` for a normalized absolute path string."""
        r = rel_abs(full)
        probe = r + "/" if is_dir else r
        return exclude(probe) or ignores.ignored_abs(full, is_dir)

    walk_tests = _WalkTests(exclude, split_exclude, role, split_roles, ignores)

    def excluded_in(directory: str) -> _DirectoryTests:
        """What the walk asks about the names in the normalized absolute ``directory``."""
        r = rel_abs(directory)
        return walk_tests.directory(directory, "" if r == "." else r + "/")

    def real_path(path: Path | str, is_link: bool, full: str | None = None) -> str:
        """The resolved path; for a plain file, its directory's resolved path plus its name."""
        if is_link:
            return str(path.resolve(strict=True))
        directory, name = os.path.split(full or absolute(path))
        return os.path.join(real_dir(directory, real_dirs), name)

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

    def walked(
        entry_path: str,
        full: str,
        relpath: str | None,
        real: str | None,
        language: str | None,
        file_role: str | None,
    ) -> None:
        """A file the walk found: a link (``real`` unknown) waits; a plain file is added
        (``language`` is the one its name tells, or ``NEEDS_HEAD``; ``file_role`` its role)."""
        if real is None:
            add(Path(entry_path), explicit=False, is_link=True, full=full)
            return
        if real in seen:
            return
        if language is NEEDS_HEAD:
            language = language_of(full, _head(Path(real)))
        if language is None or (include is not None and not include(relpath)):
            return
        seen.add(real)
        result.files.append(SourceFile(entry_path, relpath, language, file_role))

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
        result.files.append(SourceFile(path, relpath, language, role(relpath), explicit))

    def walk_unit(unit: WalkUnit, shallow: bool = False) -> WalkedPart:
        """Walk ``unit``'s tree (``shallow``: its own directory only), in whatever process."""
        nonlocal scan_root
        scan_root = unit.scan_root
        kept = (result.files, result.notices, result.dirs)
        result.files, result.notices, result.dirs = [], [], []
        links, errors = len(deferred), len(ignores.errors)
        try:
            rest = _walk(
                [(unit.path, unit.absolute)],
                excluded_in,
                walked,
                result,
                real_dirs,
                ignores.without_file,
                _always if shallow else None,
            )
            return WalkedPart(
                result.files,
                result.notices,
                result.dirs,
                deferred[links:],
                ignores.errors[errors:],
                [_unit(d, a, unit.scan_root, unit.absolute, unit.depth) for d, a in rest],
            )
        finally:  # what the unit found goes with its part, merged in the walk's order
            result.files, result.notices, result.dirs = kept
            del deferred[links:]
            del ignores.errors[errors:]

    def walk_state() -> tuple[set[str], set[str]]:
        """The ignore files read, and the directories known to have none."""
        return ignores.files_read, ignores.without_file

    left: list[WalkUnit] | None = None  # once handed over: the rest of the walk, in order
    stop = spread.wants if spread is not None and _apart(paths) else None
    for arg in paths:
        scan_root = Path(os.path.abspath(arg))
        if not os.path.lexists(arg):
            result.notices.append(f"{arg}: no such file or directory")
            continue
        if arg.is_dir() and not arg.is_symlink():
            if force_exclude and excluded(arg, True):
                continue
            top = (os.fspath(arg), os.path.abspath(arg))
            if left is not None:
                left.append(WalkUnit(*top, scan_root, 0))
                continue
            rest = _walk([top], excluded_in, walked, result, real_dirs, ignores.without_file, stop)
            if rest:
                left = [_unit(d, a, scan_root, top[1], 0) for d, a in rest]
        elif arg.is_dir():
            result.notices.append(f"{arg}: is a symlink to a directory; not followed")
        else:
            scan_root = Path(os.path.abspath(arg.parent))
            if force_exclude and excluded(arg, False):
                continue
            add(arg, explicit=True)
    if left is not None:
        assert spread is not None
        parts = spread.take_over(result.files, left, walk_unit, walk_state)
        if parts is None:  # a worker died: walk it all again, here
            return discover(paths, config, force_exclude)
        for part in parts:
            result.files.extend(part.files)
            result.notices.extend(part.notices)
            result.dirs.extend(part.dirs)
            deferred.extend(part.links)
            ignores.errors.extend(part.ignore_errors)
        files_read, without_file = spread.walk_state
        ignores.files_read |= files_read
        ignores.without_file |= without_file
        if deferred:  # a link must not bring back a file the other processes found
            seen.update(real_path(f.location, False) for f in result.files)
    for path, scan_root in deferred:
        add_now(path, False, scan_root)
    result.notices.extend(ignores.errors)
    result.notices = list(dict.fromkeys(result.notices))  # a path met twice is told once
    result.ignore_files = ignores.files_read
    result.files = sorted(result.files, key=attrgetter("relpath"))
    return result


class _DirectoryTests:
    """What the walk asks about the entries of one directory: ``excluded(name, is_dir)`` from
    the whole path, and (worked out when asked) the same split by what the directory decides
    once and what each name decides: for subdirectories, and for files with their role."""

    __slots__ = ("_down", "_files", "_subdirs", "_tests", "absolute", "parent", "prefix")

    def __init__(self, tests: _WalkTests, absolute: str, prefix: str, parent) -> None:
        self._tests = tests
        self.absolute = absolute
        self.prefix = prefix  # the directory's ``rel``, ending in ``/`` (empty at the root)
        # The parent directory's tests or ``_Down``, when the walk came from there.
        self.parent = parent
        self._down: _Down | None = None
        self._subdirs = None
        self._files = None

    def excluded(self, name: str, is_dir: bool) -> bool:
        """Whether the entry ``name`` is excluded, from its whole path."""
        return self._tests.excluded(self.absolute, self.prefix + name, name, is_dir)

    def plain_role(self, name: str) -> str:
        """The role of the file ``name`` here, from its whole path."""
        return self._tests.role(self.prefix + name)

    def subdirectories(self) -> Callable[[str], bool] | bool:
        """Whether a subdirectory here is excluded: a ``name -> bool`` test or the answer
        for all of them."""
        if self._subdirs is None:
            self._subdirs = self._tests.answers(self)[0]
        return self._subdirs

    def files(self) -> tuple[Callable[[str], bool] | bool, Callable[[str], str]]:
        """``(excluded, role)`` for the files here: ``excluded`` a ``name -> bool`` test or
        the answer for all of them, ``role`` ``name -> role``."""
        if self._files is None:
            self._files = self._tests.answers(self)[1:]
        return self._files

    def down(self) -> _Down:
        if self._down is None:
            self._down = self._tests.down(self)
            self.parent = None
            self._tests.known(self.absolute, self._down)
        return self._down


class _Down:
    """What a directory's path decides for the names in it, handed down the walk (see
    ``globsplit``): the state of the exclude globs, of each role's globs and of each ignore
    file on the way (``(offset, split, state)``, deepest first); ``None`` for what is not split
    (negations; a directory outside the repository), asked per directory instead.

    When every part is split and no state holds a test of a whole path (``fixed``), the
    answers do not depend on the directory's path: every directory in the same states shares
    this object and its answers, and ``kids`` remembers, by name, the state of a subdirectory
    without an ignore file."""

    __slots__ = ("answers", "chain", "exclude", "fixed", "kids", "roles")

    def __init__(self, exclude, roles, chain) -> None:
        self.exclude = exclude
        self.roles = roles
        self.chain = chain
        self.fixed = (
            exclude is not None
            and _fixed(exclude)
            and roles is not None
            and all(map(_fixed, roles))
            and chain is not None
            and all(_fixed(state) for _offset, _split, state in chain)
        )
        self.kids: dict[str, _Down] = {}
        self.answers: tuple | None = None


def _ignore_file(directory: str) -> str:
    """``os.path.join(directory, ".gitignore")`` of a normalized absolute directory."""
    return directory.rstrip(os.sep) + os.sep + ".gitignore"


def _fixed(state: tuple) -> bool:
    return state is COVERED or state is OPEN


class _WalkTests:
    """The exclude globs, ignore files and role globs, asked per directory of a walk: what a
    directory's path decides is worked out from its parent's (``_Down``), and directories in
    the same state share their answers."""

    def __init__(self, exclude, split_exclude, role, split_roles, ignores: _IgnoreStack) -> None:
        self._exclude = exclude
        self._split_exclude = split_exclude
        self.role = role
        self._split_roles = split_roles
        self._ignores = ignores
        # Each directory's ``_Down`` once known (its tests until then): a subdirectory's
        # starts from its parent's. Most are shared, so a directory costs one entry here.
        self._by_dir: dict[str, _DirectoryTests | _Down] = {}
        self._fixed: dict[tuple, _Down] = {}

    def directory(self, absolute: str, prefix: str) -> _DirectoryTests:
        parent = self._by_dir.get(absolute.rpartition(os.sep)[0])
        tests = self._by_dir[absolute] = _DirectoryTests(self, absolute, prefix, parent)
        return tests

    def known(self, absolute: str, down: _Down) -> None:
        """The directory ``absolute`` is in ``down``: its subdirectories start from there."""
        self._by_dir[absolute] = down

    def excluded(self, directory: str, path: str, name: str, is_dir: bool) -> bool:
        """The plain test: ``path`` (relative) against the excludes, ``name`` in the
        absolute ``directory`` against the ignore files."""
        if self._exclude(path + "/" if is_dir else path):
            return True
        ignored = self._ignores.ignored_in(directory)
        return ignored is not None and ignored(name, is_dir)

    def down(self, tests: _DirectoryTests) -> _Down:
        """The ``_Down`` of the directory of ``tests``: from its parent's when the walk came
        from there, else worked out whole."""
        prefix = tests.prefix
        parent = tests.parent
        name = tests.absolute.rpartition(os.sep)[2]
        if "\n" in prefix:
            return _Down(None, None, None)
        if parent is not None:
            own_file = tests.absolute not in self._ignores.without_file
            above = parent if isinstance(parent, _Down) else parent.down()
            if not own_file and above.fixed:
                known = above.kids.get(name)
                if known is not None:
                    self._ignores.note_none_in(tests.absolute)  # as ``chain_below`` would
                    return known
            down = self._descend(above, tests, name, own_file)
            if not own_file and down.fixed and above.fixed:
                above.kids[name] = down
            return down
        split_exclude, split_roles = self._split_exclude, self._split_roles
        return self._down(
            split_exclude.state(prefix) if split_exclude is not None else None,
            split_roles.states(prefix) if split_roles is not None else None,
            self._ignores.chain_states(tests.absolute),
        )

    def _down(self, exclude, roles, chain) -> _Down:
        """A ``_Down`` of these states: one object for each ``fixed`` combination, so that
        whatever directory it is met in first, it has learnt its answers and ``kids``."""
        down = _Down(exclude, roles, chain)
        if down.fixed:
            return self._fixed.setdefault((exclude, roles, chain), down)
        return down

    def _descend(self, above: _Down, tests: _DirectoryTests, name: str, own_file: bool):
        prefix = tests.prefix
        exclude, roles, chain = above.exclude, above.roles, above.chain
        if exclude is not None:
            exclude = self._split_exclude.descend(exclude, prefix, name)
        if roles is not None:
            roles = self._split_roles.descend(roles, prefix, name)
        if chain is not None:
            chain = self._ignores.chain_below(chain, tests.absolute, name, own_file)
        if (
            exclude is above.exclude
            and roles is above.roles
            and chain is above.chain
            and above.fixed
        ):
            return above
        return self._down(exclude, roles, chain)

    def answers(self, tests: _DirectoryTests) -> tuple:
        """``(subdirectories, files, role)`` as ``_DirectoryTests`` gives them."""
        down = tests.down()
        if down.answers is not None:
            return down.answers
        prefix, absolute = tests.prefix, tests.absolute
        ignores = self._ignores
        exclude = self._exclude
        if down.exclude is not None:
            excluded_file, excluded_dir = self._split_exclude.answers(down.exclude, prefix)
        else:
            excluded_dir = lambda name: exclude(prefix + name + "/")  # noqa: E731
            excluded_file = lambda name: exclude(prefix + name)  # noqa: E731
        if down.chain is not None:
            here = ignores.rel_in_repository(absolute)
            ignored_file, ignored_dir = _chain_answers(down.chain, here)
        else:
            ignored_dir = ignores.names_ignored_in(absolute, dirs=True)
            ignored_file = ignores.names_ignored_in(absolute)
        if down.roles is not None:
            role_of = self._split_roles.from_states(down.roles, prefix)
        elif self._split_roles is not None:
            role_of = self._split_roles.in_dir(prefix)
        else:
            role = self.role
            role_of = lambda name: role(prefix + name)  # noqa: E731
        answers = (
            _either(excluded_dir, ignored_dir),
            _either(excluded_file, ignored_file),
            role_of,
        )
        if down.fixed:
            down.answers = answers
        return answers


def _chain_answers(chain: tuple, rel: str) -> tuple:
    """``(files, subdirectories)`` ignored in a directory (``rel``: its path in the
    repository, ending in ``/``) from its ignore files' states, deepest first."""
    found = [split.answers(state, rel[offset:]) for offset, split, state in chain]
    return _ignored_by_any([f[0] for f in found]), _ignored_by_any([f[1] for f in found])


def _ignored_by_any(found: list):
    """The first ignore file that covers the directory ignores everything; else any that
    ignores a name does."""
    tests = []
    for answer in found:
        if answer is True:
            return True
        if answer is not False:
            tests.append(answer)
    if not tests:
        return False
    return tests[0] if len(tests) == 1 else _any_of(tests)


def _any_of(tests: list) -> Callable[[str], bool]:
    return lambda name: any(test(name) for test in tests)


def _either(first, second):
    """``name -> bool`` (or the answer for every name) that is true when either test is."""
    if first is True or second is True:
        return True
    if first is False:
        return second
    if second is False:
        return first
    return lambda name: first(name) or second(name)


def _always(found: int) -> bool:
    return True


def _unit(path: str, absolute: str, scan_root: Path, top: str, depth: int) -> WalkUnit:
    """The ``WalkUnit`` of a directory left on the walk's stack below ``top`` (at ``depth``)."""
    return WalkUnit(path, absolute, scan_root, depth + absolute[len(top) :].count(os.sep))


def _apart(paths: list[Path]) -> bool:
    """Whether ``paths`` are directories none of which holds another (so no file is found
    twice, and the walk can be split between processes)."""
    try:
        tops = [os.path.realpath(p) for p in paths if p.is_dir() and not p.is_symlink()]
    except OSError:
        return False
    if len(tops) != len(paths):
        return False
    inside = sorted(t.rstrip(os.sep) + os.sep for t in tops)
    return all(not b.startswith(a) for a, b in itertools.pairwise(inside))


def _walk(
    stack: list[tuple[str, str]],
    excluded_in,
    add,
    result: Discovery,
    real_dirs: dict[str, str],
    without_ignore_file: set[str],
    stop: Callable[[int], bool] | None = None,
) -> list[tuple[str, str]]:
    """Walk the trees of ``stack`` (``(directory as found, absolute)``, the last one first;
    never through links); ``real_dirs`` learns each directory's resolved path (a subdirectory
    that is not a link resolves to its parent's plus its name).

    After each directory, ``stop(files found)`` may end the walk early: the directories left
    to walk come back, in the order the walk would have taken them.

    ``excluded_in(directory)`` gives the tests for the names in ``directory``
    (``_DirectoryTests``), and ``add(entry_path, full, relpath, real, language, role)`` takes
    each plain source file, ``add(entry_path, full, None, None, None, None)`` each link to one;
    per directory the walk works out once what every name in it shares (its relative path,
    ignore chain, resolved path, and what its path alone decides of exclusion and role).
    ``without_ignore_file`` learns the directories whose listing has no ``.gitignore``.
    """
    while stack:
        directory, absolute = stack.pop()
        try:
            # In the order the file system lists them: files are sorted once at the end, and
            # only the order of subdirectories and links (which link of two wins) matters here.
            entries = list(os.scandir(directory))
        except OSError as exc:
            result.notices.append(f"{directory}: cannot read directory ({_reason(exc)}); skipped")
            continue
        result.dirs.append(absolute)
        real = real_dir(absolute, real_dirs)
        if not any(entry.name == ".gitignore" for entry in entries):
            without_ignore_file.add(absolute)
        tests = excluded_in(absolute)
        excluded, prefix = tests.excluded, tests.prefix
        excluded_file = role_of = excluded_dir = None
        # Paths as ``Path`` would spell them: no ``./`` in front, one separator.
        below = "" if directory == "." else directory.rstrip(os.sep) + os.sep
        inside = absolute if absolute.endswith(os.sep) else absolute + os.sep
        real_inside = real if real.endswith(os.sep) else real + os.sep
        subdirs = []
        links = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                if is_dir:
                    is_link = is_file = False
                else:
                    is_link = entry.is_symlink()
                    is_file = entry.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                if "\n" in name:  # ``.`` and ``$`` see a newline differently: the plain test
                    if excluded(name, True):
                        continue
                else:
                    if excluded_dir is None:
                        excluded_dir = tests.subdirectories()
                    if excluded_dir is True or (excluded_dir and excluded_dir(name)):
                        continue
                subdirs.append((below + name, inside + name))
                real_dirs[inside + name] = real_inside + name
            elif is_link and not is_file:
                # Links to directories are never followed (no loops, no escapes); dangling ones
                # are not files.
                continue
            elif is_file:
                language = name_language(name)
                if language is None:
                    continue
                if "\n" in name:  # ``.`` and ``$`` see a newline differently: the plain tests
                    if excluded(name, False):
                        continue
                    file_role = tests.plain_role(name)
                else:
                    if excluded_file is None:
                        excluded_file, role_of = tests.files()
                    if excluded_file is True or (excluded_file and excluded_file(name)):
                        continue
                    file_role = role_of(name)
                if is_link:
                    links.append(name)
                else:
                    add(
                        below + name,
                        inside + name,
                        prefix + name,
                        real_inside + name,
                        language,
                        file_role,
                    )
        for name in sorted(links):
            add(below + name, inside + name, None, None, None, None)
        subdirs.sort()
        stack.extend(reversed(subdirs))
        if stop is not None and stack and stop(len(result.files)):
            return stack[::-1]
    return []


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
