"""Glob lists split for a walk: what a directory decides once, what a file name decides
(remembered per name), and what only the whole path can tell.

A walk asks the exclude globs, every ``.gitignore`` on the way and the role globs about each file
it finds: one regex search per list per file, a good part of a walk. Most globs need far less:

- ``tests/``, ``**/tests/**``, ``build/`` (pathspec's regex ``^X/``) match a file exactly when
  they match its directory's path plus ``/``: every ``/`` of ``dir/name`` is in that part.
- ``build``, ``*.egg-info``, ``test_*.py`` (``^(?:.+/)?SEG`` then ``/`` or the end, where ``SEG``
  cannot match a ``/``) match a file when they match its directory as above, or its name alone.
- Anything else (``docs/_build``, ``.github/workflows/*.yml``) is matched against the whole path,
  and only in directories its literal start allows.

Names repeat across a tree (``__init__.py``, ``tests.py``), so the name part is remembered per
name. Only positive glob lists (no ``!``) are split: with negations pathspec's ordering decides.
A path containing a newline (where ``.`` and ``$`` behave differently) takes the whole regex.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from lint_integration.config import ANY_DEPTH, any_of

# pathspec's regex tails (named groups made plain): "a directory or the end", "a directory".
_TAIL_ANY = "(?:(?:/)|$)"
_TAIL_DIR = "(?:/)"
# A segment regex that cannot match a ``/``: literal characters (pathspec escapes the special
# ones), escaped punctuation other than ``/``, ``[^/]`` and classes of word characters or ranges
# between them (a range of those never holds ``/``), each maybe repeated.
_PIECE = (
    r"(?:[^/\\\[\]().*+?^$|{}]|\\[^/A-Za-z0-9]|\[\^/\]|\[(?:[A-Za-z0-9]-[A-Za-z0-9]|\w)+\])[*+?]?"
)
_SEGMENT = re.compile(f"(?:{_PIECE})+")
# The literal start of a regex (escaped characters and word characters).
_LITERAL = re.compile(r"(?:\\.|[\w/])*")


def _literal_head(regex: str) -> str:
    """The text every match of ``regex`` (anchored with ``^``) starts with."""
    head = _LITERAL.match(regex).group()
    if head and regex[len(head) : len(head) + 1] in ("*", "?", "+", "{"):
        head = head[:-2] if head.endswith("\\", 0, len(head) - 1) else head[:-1]
    return re.sub(r"\\(.)", r"\1", head)


class SplitGlobs:
    """One positive glob list, asked per directory: ``in_dir(prefix)``."""

    def __init__(self, regexes: list[str]) -> None:
        dirs: list[str] = []  # ``^X/``, matched against ``prefix``
        segments: list[str] = []  # full matches of a file name
        wholes: list[tuple[str, re.Pattern]] = []  # (literal head, full match of a file's path)
        dir_segments: list[str] = []  # full matches of a directory name
        dir_wholes: list[tuple[str, str]] = []  # (literal head, searched in a directory's path)
        raw: list[str] = []  # anything else: searched in the whole path
        cover_segments: list[str] = []  # ``^X/`` where X is a name at any depth
        cover_rest: list[tuple[str, Callable[[str], object]]] = []  # other ``^X/``: (head, match)
        for regex in regexes:
            if not regex.startswith("^"):
                raw.append(regex)
                continue
            if regex.endswith(_TAIL_ANY):
                body = regex[: -len(_TAIL_ANY)]
            elif regex.endswith(_TAIL_DIR):
                body = regex[: -len(_TAIL_DIR)]
            elif regex.endswith("/") and not regex.endswith("\\/"):
                body = regex[:-1]
            else:
                raw.append(regex)
                continue
            dirs.append(body + "/")
            segment = body[len(ANY_DEPTH) :] if body.startswith(ANY_DEPTH) else None
            if segment is not None and not _SEGMENT.fullmatch(segment):
                segment = None
            head = _literal_head(body[1:])
            if segment is not None:
                cover_segments.append(segment)
            else:
                cover_rest.append((head, re.compile(body + "/").match))
            if regex.endswith(_TAIL_ANY):  # files match too, not only directories
                if segment is not None:
                    segments.append(segment)
                else:
                    wholes.append((head, re.compile(body[1:])))
            # A segment that can match nothing at all would also match ``dir/`` as a whole.
            if segment is not None and not re.fullmatch(segment, ""):
                dir_segments.append(segment)
            else:
                dir_wholes.append((head, regex))
        self._whole = re.compile("|".join(f"(?:{r})" for r in regexes) or "(?!)")
        # ``^X/`` patterns, matched against a directory's ``prefix`` (``None``: there are none).
        self.dir_pattern = any_of(dirs) if dirs else None
        self._dir = re.compile(self.dir_pattern).match if dirs else None
        self._segment = _fullmatch_any(segments)
        self._wholes = wholes
        self._raw = re.compile("|".join(f"(?:{r})" for r in raw)).search if raw else None
        self.has_paths = bool(wholes or raw)  # some globs need the whole path
        self._names: dict[str, bool] = {}
        self._dir_segment = _fullmatch_any(dir_segments)
        self._dir_wholes = [(head, re.compile(regex).search) for head, regex in dir_wholes]
        self._dir_names: dict[str, bool] = {}
        self._cover_segment = _fullmatch_any(cover_segments)
        self._cover_names: dict[str, bool] = {}
        self._cover_rest = tuple(cover_rest)
        self._open = (
            self.name_matches if self._segment is not None else False,
            self.dir_name_matches if self._dir_segment is not None else False,
        )

    def matches(self, path: str) -> bool:
        """The plain answer for one path (what the split must always agree with)."""
        return self._whole.search(path) is not None

    def covers(self, prefix: str) -> bool:
        """Whether every file of the directory ``prefix`` matches (its path decides)."""
        return bool(prefix) and self._dir is not None and self._dir(prefix) is not None

    def name_matches(self, name: str) -> bool:
        """Whether a name matches on its own (remembered per name; no newline in it)."""
        hit = self._names.get(name)
        if hit is None:
            hit = self._names[name] = self._segment is not None and self._segment(name) is not None
        return hit

    def dir_name_matches(self, name: str) -> bool:
        """``name_matches`` for a directory's name."""
        hit = self._dir_names.get(name)
        if hit is None:
            hit = self._dir_names[name] = (
                self._dir_segment is not None and self._dir_segment(name) is not None
            )
        return hit

    def path_tests(self, prefix: str) -> list[Callable[[str], object]]:
        """What only the whole path can tell in the directory ``prefix``: each test takes the
        path and returns a match or ``None``."""
        if not self.has_paths:
            return []
        tests = [whole.fullmatch for head, whole in self._wholes if _may_start(head, prefix)]
        if self._raw is not None:
            tests.append(self._raw)
        return tests

    def _dir_path_tests(self, prefix: str) -> list[Callable[[str], object]]:
        """``path_tests`` for the subdirectories of ``prefix`` (paths ending in ``/``)."""
        tests = [whole for head, whole in self._dir_wholes if _may_start(head, prefix)]
        if self._raw is not None:
            tests.append(self._raw)
        return tests

    def in_dir(self, prefix: str) -> bool | Callable[[str], bool]:
        """For the files of the directory whose relative path is ``prefix`` (``""`` or ending
        in ``/``): ``True`` when all of them match, ``False`` when none can, else a
        ``name -> bool`` test (for names without a newline: the walk asks ``matches`` then)."""
        by_name = self.name_matches if self._segment is not None else None
        return self._names_in(prefix, "", by_name, self.path_tests)

    def dirs_in(self, prefix: str) -> bool | Callable[[str], bool]:
        """``in_dir`` for the subdirectories of the directory ``prefix`` (a directory
        ``name`` is the path ``prefix + name + "/"``)."""
        by_name = self.dir_name_matches if self._dir_segment is not None else None
        return self._names_in(prefix, "/", by_name, self._dir_path_tests)

    def _names_in(self, prefix: str, suffix: str, by_name, path_tests):
        """``in_dir``/``dirs_in``: a name is the path ``prefix + name + suffix``; ``by_name``
        tells from the name alone (None: no name can), ``path_tests`` what the path tells."""
        if "\n" in prefix:
            search = self._whole.search
            return lambda name: search(prefix + name + suffix) is not None
        if self.covers(prefix):
            return True
        return _by_name_or_path(prefix, suffix, by_name, path_tests(prefix))

    # -- the same, handed down a tree ----------------------------------------------------------
    #
    # A walk asks about every directory, and most of what a directory's path decides is
    # decided by its parent's already: below a covered directory everything is covered; a
    # name glob at any depth (``**/tests/**``) covers a subdirectory by its name alone; and a
    # glob whose literal start (``docs/_build``, ``.github/workflows/*.yml``) a directory's
    # path has left behind can match nothing below it. A state holds what is left to ask:
    # ``(covered, directory globs of several segments, whole-path globs of files, of
    # directories)``, each glob with its literal start. Most directories end up in one of two
    # shared states, so a walk can reuse their answers.

    def state(self, prefix: str) -> tuple:
        """The state of the directory ``prefix`` (no newline in it), worked out whole."""
        if self.covers(prefix):
            return COVERED
        rest = tuple(x for x in self._cover_rest if _may_start(x[0], prefix))
        files = tuple(x for x in self._wholes if _may_start(x[0], prefix))
        dirs = tuple(x for x in self._dir_wholes if _may_start(x[0], prefix))
        return (False, rest, files, dirs) if rest or files or dirs else OPEN

    def descend(self, state: tuple, prefix: str, name: str) -> tuple:
        """``state(prefix)`` for the subdirectory ``name`` of a directory in ``state``
        (``prefix`` is the subdirectory's own; no newline in it)."""
        if state[0]:
            return COVERED
        covered = self._cover_names.get(name)
        if covered is None:
            covered = self._cover_names[name] = (
                self._cover_segment is not None and self._cover_segment(name) is not None
            )
        if covered:
            return COVERED
        if state is OPEN:
            return OPEN
        _, rest, files, dirs = state
        if rest:
            rest = tuple(x for x in rest if _may_start(x[0], prefix))
            if any(match(prefix) is not None for _head, match in rest):
                return COVERED
        if files:
            files = tuple(x for x in files if _may_start(x[0], prefix))
        if dirs:
            dirs = tuple(x for x in dirs if _may_start(x[0], prefix))
        return (False, rest, files, dirs) if rest or files or dirs else OPEN

    def file_checks(self, state: tuple) -> list[Callable[[str], object]]:
        """``path_tests`` of a directory in ``state``: the file globs still alive there."""
        checks = [whole.fullmatch for _head, whole in state[2]]
        if self._raw is not None:
            checks.append(self._raw)
        return checks

    def answers(self, state: tuple, prefix: str) -> tuple:
        """``(in_dir(prefix), dirs_in(prefix))`` from the directory's ``state``."""
        if state[0]:
            return True, True
        raw = self._raw
        if state is OPEN and raw is None:
            return self._open
        files = self.file_checks(state)
        dirs = [search for _head, search in state[3]]
        if raw is not None:
            dirs.append(raw)
        return (
            _by_name_or_path(prefix, "", self._open[0] or None, files),
            _by_name_or_path(prefix, "/", self._open[1] or None, dirs),
        )


COVERED = (True, (), (), ())
OPEN = (False, (), (), ())


def _by_name_or_path(prefix: str, suffix: str, by_name, paths: list):
    """A directory's answer when it is not covered: by the name alone, unless ``paths``
    (tests of the whole path ``prefix + name + suffix``) are left to ask."""
    if not paths:
        return by_name if by_name is not None else False

    def test(name: str) -> bool:
        if by_name is not None and by_name(name):
            return True
        path = prefix + name + suffix
        return any(check(path) is not None for check in paths)

    return test


def _may_start(head: str, prefix: str) -> bool:
    """Whether a path below the directory ``prefix`` can start with ``head``."""
    return prefix.startswith(head) if len(head) <= len(prefix) else head.startswith(prefix)


def _fullmatch_any(regexes: list[str]) -> Callable[[str], object] | None:
    return re.compile("|".join(f"(?:{r})" for r in regexes)).fullmatch if regexes else None


class SplitRoles:
    """Ordered role glob lists (the first role whose globs match wins), asked per directory."""

    def __init__(self, roles: list[tuple[str, SplitGlobs]], other: str) -> None:
        self._splits = [split for _role, split in roles]
        self._names = [role for role, _split in roles] + [other]
        self._index = {role: index for index, (role, _split) in enumerate(roles)}
        groups = [
            f"(?P<{role}>{split.dir_pattern})"
            for role, split in roles
            if split.dir_pattern is not None
        ]
        # The first role whose directory part matches a prefix (alternatives are tried in order).
        self._covering = re.compile("|".join(groups)).match if groups else None
        self._with_paths = [(i, split) for i, split in enumerate(self._splits) if split.has_paths]
        self._first: dict[str, int] = {}  # per name: the first role whose name part matches
        self._by_last: dict[int, Callable[[str], str]] = {}  # what needs no path, by ``last``

    def _first_by_name(self, name: str) -> int:
        first = self._first.get(name)
        if first is None:
            first = len(self._splits)
            for index, split in enumerate(self._splits):
                if split.name_matches(name):
                    first = index
                    break
            self._first[name] = first
        return first

    def plain(self, path: str) -> str:
        """The role of one path, every list asked in turn (what the split must agree with)."""
        for index, split in enumerate(self._splits):
            if split.matches(path):
                return self._names[index]
        return self._names[-1]

    def in_dir(self, prefix: str) -> Callable[[str], str]:
        """``name -> role`` for the files of the directory ``prefix`` (as ``SplitGlobs``)."""
        plain = self.plain
        if "\n" in prefix:
            return lambda name: plain(prefix + name)
        last = len(self._splits)  # the role every file here has unless an earlier one matches
        covering = self._covering(prefix) if prefix and self._covering is not None else None
        if covering is not None:
            last = self._index[covering.lastgroup]
        paths = [
            (index, found)
            for index, split in self._with_paths
            if index < last and (found := split.path_tests(prefix))
        ]
        return self._role_of(prefix, last, paths)

    def states(self, prefix: str) -> tuple:
        """Each role's ``SplitGlobs.state`` for the directory ``prefix``."""
        return tuple(split.state(prefix) for split in self._splits)

    def descend(self, states: tuple, prefix: str, name: str) -> tuple:
        """``states`` of the subdirectory ``name`` (``prefix``: its own), from its parent's:
        the parent's own tuple when nothing changes."""
        new = tuple(
            split.descend(state, prefix, name)
            for split, state in zip(self._splits, states, strict=True)
        )
        return states if all(map(operator.is_, new, states)) else new

    def from_states(self, states: tuple, prefix: str) -> Callable[[str], str]:
        """``in_dir(prefix)`` from the directory's ``states``."""
        last = next((i for i, state in enumerate(states) if state[0]), len(self._splits))
        paths = []
        for index, split in self._with_paths:
            if index >= last:
                break
            found = split.file_checks(states[index])
            if found:
                paths.append((index, found))
        return self._role_of(prefix, last, paths)

    def _role_of(self, prefix: str, last: int, paths: list) -> Callable[[str], str]:
        names = self._names
        first_by_name = self._first_by_name
        if not paths:
            known = self._by_last.get(last)
            if known is None:
                if last == 0:
                    role = names[0]
                    known = lambda name: role  # noqa: E731
                else:
                    known = lambda name: names[min(first_by_name(name), last)]  # noqa: E731
                self._by_last[last] = known
            return known

        def role_of(name: str) -> str:
            first = min(first_by_name(name), last)
            for index, found in paths:
                if index >= first:
                    break
                path = prefix + name
                if any(check(path) is not None for check in found):
                    return names[index]
            return names[first]

        return role_of
