"""The second stage of the Python prefilter: does anything this suite imports lead to env code?

``might_match`` keeps every suite or runner that imports a possibly-local module, because a gate
can get its env dependence from an imported constant, predicate, marker or factory. In a typical
test tree that is nearly every file, and almost none of them import anything env-derived. This
stage decides it without parsing anything:

- A file with none of the Python frontend's own tokens (those of ``might_match``: env reads,
  ``INTEGRATION_MODE``, legacy toggle names; an env name counts only as a whole identifier, so
  "environment" in a docstring is not one) reports nothing by itself. Outside suites and
  runners that settles it; a suite or runner can still report through names it imports: an
  env-derived constant, predicate, env function, marker, decorator or skip helper from another
  module's summary.
- A summary exports such a name only when the module reads the environment itself (so it has
  one of those tokens) or gets an env-derived name from a module it imports (a re-export, a star
  import, a value computed from an imported one).
- So the file needs analysis exactly when its import graph reaches a module with an own token.
  Imports are found by a regex over every statement that mentions ``import`` (strings and
  comments only add candidates) and resolved the way the analysis's own resolver resolves them
  (``resolver.resolve_symbol``), answered from the directory listings the graph keeps (a test
  holds the two equal); each import statement is resolved once per directory, or once per run
  when the modules it names are found from one root, and each reachable module is read once per
  run.
"""

from __future__ import annotations

import os
import re
import sys

from lint_integration.languages.envfacts import offsets
from lint_integration.languages.python import (
    CROSS_MODULE_ROLES,
    FIRST_STAGE_LIBRARIES,
    kept_for_imports_only,
)
from lint_integration.languages.python import resolver as R
from lint_integration.textio import NotRead, absolute_path, escapes, read_file

_WS = r"(?:[ \t\f]|\\\r?\n)+"
_NAME = r"[^\W\d]\w*"
_DOTTED = rf"{_NAME}(?:[ \t]*\.[ \t]*{_NAME})*"
# ``from X import names``: names up to the end of the logical line.
_FROM = re.compile(rf"\bfrom{_WS}(\.+[ \t]*(?:{_DOTTED})?|{_DOTTED}){_WS}import\b(.*)", re.S)
_IMPORT = re.compile(r"\bimport\b(.*)", re.S)
_IDENT = re.compile(_NAME)
# Where a file name's case may not matter, root finding is left to the resolver itself.
_CASE_SENSITIVE = sys.platform not in ("darwin", "win32", "cygwin")
_MAX_UP = getattr(R, "_MAX_UP", 12)
_DOTTED_RE = re.compile(_DOTTED)


def _clean(spec: str) -> str:
    return re.sub(r"\s+", "", spec)


_BACKSLASH, _CR = 0x5C, 0x0D  # ``b"\\"[0]``, ``b"\r"[0]``


def _continued(data: bytes, start: int) -> bool:
    """Whether the line before the one starting at ``start`` ends with a backslash."""
    end = start - 1  # its newline
    if end >= 1 and data[end - 1] == _CR:
        end -= 1
    return end >= 1 and data[end - 1] == _BACKSLASH


def statements(data: bytes, hits: list[int] | None = None) -> list[bytes]:
    """Each logical line of the source ``data`` that mentions ``import``: continued lines and
    open parentheses joined (a comment or string that fools this only adds candidates).
    ``hits``, when known, are the offsets of every ``import`` in ``data``, in order.

    It works on the bytes: every character it looks for is ASCII, which UTF-8 never uses inside
    another character, so only the few lines found need decoding."""
    out: list[bytes] = []
    find, rfind = data.find, data.rfind
    pos = 0
    size = len(data)
    for hit in offsets(data, b"import") if hits is None else hits:
        if hit < pos:
            continue  # inside the statement just taken
        start = rfind(b"\n", 0, hit) + 1
        # Lines continued into this one belong to the statement too (LF or CRLF endings).
        while start >= 2 and (
            data[start - 2] == _BACKSLASH or (data[start - 2] == _CR and _continued(data, start))
        ):
            start = rfind(b"\n", 0, start - 1) + 1
        end = find(b"\n", hit)
        if end < 0:
            end = size
        line = data[start:end]
        # Lines this one continues into: backslashes and an unclosed parenthesis (most
        # statements have neither).
        while end < size and (b"\\" in line or b"(" in line):
            if line.rstrip(b"\r").endswith(b"\\"):
                nxt = find(b"\n", end + 1)
                nxt = size if nxt < 0 else nxt
            elif line.count(b"(") > line.count(b")"):
                nxt = find(b")", end)
                nxt = size if nxt < 0 else nxt + 1
            else:
                break
            line, end = line + data[end:nxt], nxt
        out.append(line)
        pos = end
    return out


def import_lines(
    data: bytes, hits: list[int] | None = None
) -> list[tuple[bytes, tuple[tuple[str, tuple[str, ...]], ...], str]]:
    """Each import statement of the source ``data`` with what it may name: ``(module, names)``
    for ``from module import names`` (a name may be a submodule), ``(dotted, ())`` for each
    prefix of an ``import dotted``; and its shape (``_line_shape``). ``hits``: as for
    ``statements``."""
    lines = []
    memo = _LINE_INFO
    for line in statements(data, hits):
        found = memo.get(line)
        if found is None:
            if len(memo) > _LINE_MEMO_LIMIT:
                memo.clear()
            specs = _line_specs(line.decode("utf-8", "replace"))
            found = memo[line] = (line, specs, _line_shape(specs))
        lines.append(found)
    return lines


def names_local(lines) -> bool:
    """Whether one of ``import_lines`` may name a local module in the first stage's view (it
    takes a few more top-level names for libraries than the resolver)."""
    for _line, specs, shape in lines:
        if shape:
            for base, _names in specs:
                if base[:1] == "." or base.split(".", 1)[0] not in FIRST_STAGE_LIBRARIES:
                    return True
    return False


# Each import line met in this process, with its specs and shape: a tree repeats its import
# lines (``from django.test import TestCase``) across hundreds of files.
_LINE_INFO: dict[bytes, tuple[bytes, tuple[tuple[str, tuple[str, ...]], ...], str]] = {}
_LINE_MEMO_LIMIT = 100_000


def _line_specs(line: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    specs: list[tuple[str, tuple[str, ...]]] = []
    # Simple statements joined by ``;`` are read one by one: the ``import`` of a
    # ``from X import names`` names no top-level module.
    for piece in line.split(";") if ";" in line else (line,):
        match = _FROM.search(piece)
        if match is not None:
            specs.append((_clean(match.group(1)), tuple(_IDENT.findall(match.group(2)))))
            piece = piece[: match.start()]  # ``if x: from ...``: only the head is left
        for found in _IMPORT.finditer(piece):
            for dotted in _DOTTED_RE.findall(found.group(1)):
                parts = _clean(dotted).split(".")
                specs.extend((".".join(parts[: i + 1]), ()) for i in range(len(parts)))
    return tuple(specs)


_UNKNOWN = object()  # a memo miss, where ``None`` is an answer


def _line_shape(specs) -> str:
    """An import statement's shape (the same wherever it is met): "" when it names only
    libraries, "." when what it names depends on the importing directory, else the one first
    segment of the absolute modules it names."""
    first = ""
    for base, _names in specs:
        if base[:1] == ".":
            return "."
        head = base.split(".", 1)[0]
        if head in R._LIBRARY_ROOTS:
            continue
        if first and head != first:
            return "."
        first = head
    return first


class ImportGraph:
    """Per run: each module's summary-token flag and the local modules it imports."""

    def __init__(self, config, project=None) -> None:
        self.config = config
        self.project = project  # told about every file read and directory listed
        self.has_own_token = own_token_test(config)
        self._nodes: dict[str, tuple[bool, tuple[str, ...]]] = {}
        # The imports of files of the run staged here, not yet checked for a link out of the
        # project (most are never imported by another file, so most are never checked).
        self._staged: dict[str, tuple[str, ...]] = {}
        self._resolved: dict[tuple[str, str], str | None] = {}
        self._direct: dict[tuple[str, str], str | None] = {}
        self._listings: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._roots: dict[tuple[str, str], str | None] = {}
        # Negative answers that come from a walk to the top of the file system (not cut short
        # by the depth limit), so directories below may reuse them.
        self._complete: set[tuple[str, str]] = set()
        self._relevant: dict[str, bool] = {}
        self._submodules: dict[tuple[str, str], bool] = {}
        self._unlisted: set[str] = set()  # directories that exist but cannot be listed
        # An import statement's targets, by what they depend on (see ``local_imports``).
        self._line_targets: dict[tuple[str, bytes], tuple[str, ...]] = {}
        self.consulted: set[str] = set()
        self._real_root = os.path.realpath(config.root)
        self.cwd = os.getcwd()  # the run's: paths are made absolute without a getcwd each
        self._real_dirs: dict[str, str] = {}  # for this run's link checks

    def _node(self, path: str) -> tuple[bool, tuple[str, ...]]:
        node = self._nodes.get(path)
        if node is None:
            imports = self._staged.pop(path, None)
            if imports is not None and not escapes(
                path, self._real_root, self._real_dirs, normalized=True
            ):
                node = (False, imports)
            else:  # ``_read`` refuses a link out of the project, as it always would
                node = self._read(path)
            self._nodes[path] = node
        return node

    def _read(self, path: str) -> tuple[bool, tuple[str, ...]]:
        self._consult(path)
        try:  # never through a link out of the project; never one over the size limit
            raw = read_file(path, self.config.max_file_size, self._real_root, self._real_dirs)
        except (OSError, NotRead):
            return False, ()  # never summarized: a summary of None holds nothing
        if self.has_own_token(raw):
            return True, ()
        return False, self.local_imports(path, raw)

    def _consult(self, path: str) -> None:
        self.consulted.add(path)
        if self.project is not None:
            self.project.consulted.add(path)
            self.project.listed.add(os.path.dirname(path))  # where its relative imports resolve

    def staged_imports(self, path: str, raw: bytes, lines: list | None) -> tuple[str, ...]:
        """``local_imports`` of a file the prefilter read and found no own token in (``path``
        absolute and normalized). Most modules a suite imports are files of the run too: one
        already read as a module answers from its node, and one met here first is kept, to
        become a node (what ``_read`` would make of the same bytes) if another file imports
        it, so that file reads nothing. Whether it is a link out of the project is asked only
        then: most files of the run are imported by none."""
        node = self._nodes.get(path)
        if node is not None and not node[0]:
            return node[1]
        imports = self._staged.get(path)
        if imports is not None:
            return imports
        imports = self.local_imports(path, raw, lines)
        if node is None:
            self._consult(path)
            self._staged[path] = imports  # a node once another file imports it (``_node``)
        return imports

    def local_imports(self, path: str, raw: bytes, lines: list | None = None) -> tuple[str, ...]:
        """The local modules ``path`` (content ``raw``, whose ``import_lines`` are ``lines``
        when known) may import."""
        if lines is None:
            if b"import" not in raw:
                return ()
            lines = import_lines(raw)
        directory = os.path.dirname(path)
        found: set[str] = set()
        known = self._line_targets
        roots = self._roots
        for line, specs, shape in lines:
            # What the statement's targets depend on (a suite has a few statements, so this
            # loop is written out): nothing local names nothing; when every spec is absolute
            # from one first segment, the directory that segment is found in (the same for
            # every importer below it); else the importer's directory.
            if not shape:
                continue
            if shape == ".":
                key = (directory, line)
            else:
                root = roots.get((directory, shape), _UNKNOWN)
                if root is _UNKNOWN:
                    root = self._root(directory, shape)
                if root is None:
                    continue
                key = (root, line)
            targets = known.get(key)
            if targets is None:
                targets = known[key] = self._targets(path, directory, specs)
            found.update(targets)
        found.discard(path)
        return tuple(sorted(found))

    def _targets(self, path: str, directory: str, specs) -> tuple[str, ...]:
        """The local files ``specs`` (of one statement in ``path``) may name."""
        found: list[str] = []
        roots = self._roots
        for base, names in specs:
            if base[:1] != ".":
                # Most imports name libraries or packages nowhere above this directory: one
                # memoized lookup settles every spec with that first segment.
                first = base.split(".", 1)[0]
                if first in R._LIBRARY_ROOTS:
                    continue
                key = (directory, first)
                root = roots[key] if key in roots else self._root(directory, first)
                if root is None:
                    continue
            target = self._resolve(path, directory, base)
            if target is not None:
                found.append(target)
                if not target.endswith("__init__.py") and not self._shadowed(target):
                    continue  # a plain module has no submodules: names are its attributes
            if names and not self._may_have_submodules(directory, base):
                continue  # no directory for ``base``: ``base.name`` cannot be a module either
            for name in names:
                target = self._resolve(
                    path, directory, base + name if base.endswith(".") else f"{base}.{name}"
                )
                if target is not None:
                    found.append(target)
        return tuple(found)

    def _resolve(self, path: str, directory: str, spec: str) -> str | None:
        """The file ``spec`` resolves to from ``path``, memoized on what the resolver's answer
        depends on: the importer's directory for a relative spec, and for an absolute one the
        directory it finds the first segment in (walking up from the importer)."""
        direct = (directory, spec)
        if direct in self._direct:
            return self._direct[direct]
        self._direct[direct] = self._resolve_new(path, directory, spec)
        return self._direct[direct]

    def _resolve_new(self, path: str, directory: str, spec: str) -> str | None:
        if not spec.strip(".") and not spec.startswith("."):
            return None
        if R.is_library(spec):
            return None
        if spec.startswith("."):
            key = (directory, spec)
        else:
            root = self._root(directory, spec.split(".", 1)[0])
            if root is None:
                return None  # the resolver finds no directory holding the first segment
            key = (root, spec)
        if key not in self._resolved:
            if _CASE_SENSITIVE:
                self._resolved[key] = self._symbol_file(directory, spec)
            else:  # names may differ in case from the listings: ask the file system
                try:
                    resolved = R.resolve_symbol(path, spec)
                except (OSError, ValueError):
                    resolved = None
                self._resolved[key] = os.path.abspath(resolved[0]) if resolved else None
        return self._resolved[key]

    def _symbol_file(self, directory: str, qual: str) -> str | None:
        """``resolver.resolve_symbol(importer in directory, qual)[0]``, answered from the
        directory listings this graph keeps instead of a stat per candidate file."""
        whole = self._module_file_of(directory, qual)
        if whole is not None:
            return whole
        level = len(qual) - len(qual.lstrip("."))
        rest = qual[level:]
        if "." not in rest:
            return self._module_file_of(directory, "." * level) if level and rest else None
        return self._module_file_of(directory, qual.rsplit(".", 1)[0])

    def _module_file_of(self, directory: str, spec: str) -> str | None:
        """``resolver.module_path`` for an importer in ``directory``, from listings."""
        if not spec or (spec.strip(".") == "" and not spec.startswith(".")):
            return None
        relative = spec.startswith(".")
        if not relative and R.is_library(spec):
            return None
        base, parts = self._spec_start(directory, spec)
        if relative and not parts:
            return os.path.join(base, "__init__.py") if self._is_file(base, "__init__.py") else None
        base = self._package_dir(base, parts[:-1]) if base is not None and parts else None
        if base is None:
            return None
        last = parts[-1]
        if self._is_file(base, last + ".py"):
            return os.path.join(base, last + ".py")
        if self._is_dir(base, last) and self._is_file(os.path.join(base, last), "__init__.py"):
            return os.path.join(base, last, "__init__.py")
        return None

    def _spec_start(self, directory: str, spec: str) -> tuple[str | None, list[str]]:
        """Where the resolver starts looking for ``spec`` imported from ``directory`` (the
        package a relative spec climbs to, the root an absolute one is found in; ``None``
        when no root holds it), and the dotted parts to look for below it."""
        level = len(spec) - len(spec.lstrip("."))
        parts = [p for p in spec[level:].split(".") if p]
        if level:
            base = directory
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return base, parts
        return (self._root(directory, parts[0]) if parts else None), parts

    def _package_dir(self, base: str, parts: list[str]) -> str | None:
        """The directory ``base/parts...``, or ``None`` when one of them is not there."""
        for part in parts:
            if not self._is_dir(base, part):
                return None
            base = os.path.join(base, part)
        return base

    def _is_file(self, directory: str, name: str) -> bool:
        files = self._entries(directory)[0]
        if directory in self._unlisted:  # listing refused: the file itself may be reachable
            return os.path.isfile(os.path.join(directory, name))
        return name in files

    def _is_dir(self, directory: str, name: str) -> bool:
        dirs = self._entries(directory)[1]
        if directory in self._unlisted:
            return os.path.isdir(os.path.join(directory, name))
        return name in dirs

    def _may_have_submodules(self, directory: str, spec: str) -> bool:
        """False when the directory ``spec`` would name does not exist, so no ``spec.name``
        resolves to a module of its own (``base.name`` as an attribute of ``base`` is already
        covered by resolving ``base``)."""
        if spec[:1] == ".":
            key = (directory, spec)
        else:  # an absolute spec means the same from every directory that finds its root
            root = self._root(directory, spec.split(".", 1)[0])  # memoized
            if root is None:
                return False  # no directory holds its first segment
            key = (root, spec)
        known = self._submodules.get(key)
        if known is None:
            known = self._submodules[key] = self._may_have_submodules_new(directory, spec)
        return known

    def _may_have_submodules_new(self, directory: str, spec: str) -> bool:
        if not _CASE_SENSITIVE:
            return True
        base, parts = self._spec_start(directory, spec)
        if not spec.startswith(".") and not parts:
            return True
        return base is not None and self._package_dir(base, parts) is not None

    def _shadowed(self, module_file: str) -> bool:
        """Whether ``pkg/mod.py`` has a ``pkg/mod`` directory beside it (the resolver would look
        for submodules there)."""
        directory, name = os.path.split(module_file)
        dirs = self._entries(directory)[1]
        stem = name[:-3]
        return stem in dirs or (not _CASE_SENSITIVE and stem.lower() in {d.lower() for d in dirs})

    def _entries(self, directory: str) -> tuple[frozenset[str], frozenset[str]]:
        """``(files, directories)`` in ``directory``, symlinks followed."""
        entries = self._listings.get(directory)
        if entries is None:
            files, dirs = set(), set()
            try:
                with os.scandir(directory) as it:
                    for entry in it:
                        try:
                            if entry.is_dir():
                                dirs.add(entry.name)
                            elif entry.is_file():
                                files.add(entry.name)
                        except OSError:
                            continue
            except OSError:
                if os.path.isdir(directory):
                    self._unlisted.add(directory)
            entries = self._listings[directory] = (frozenset(files), frozenset(dirs))
            if self.project is not None:
                self.project.listed.add(directory)
        return entries

    def _root(self, directory: str, first: str) -> str | None:
        """The nearest directory at or above ``directory`` holding module or package ``first``,
        the way the resolver looks for it (``None``: the resolver cannot resolve it)."""
        key = (directory, first)
        if key in self._roots:
            return self._roots[key]
        found = None
        if _CASE_SENSITIVE:
            walked = []
            current = directory
            reached_top = False
            for _ in range(_MAX_UP):
                here = (current, first)
                if here in self._roots and (
                    self._roots[here] is not None or here in self._complete
                ):
                    found = self._roots[here]
                    reached_top = found is None
                    break
                files, dirs = self._entries(current)
                if first + ".py" in files or first in dirs:
                    found = current
                    break
                walked.append(current)
                up = os.path.dirname(current)
                if up == current:
                    reached_top = True
                    break
                current = up
            # Every directory walked through finds the same one; when the walk reached the top
            # of the file system without finding it, none of them can find it either.
            if found is not None or reached_top:
                for below in walked:
                    self._roots[(below, first)] = found
                    if found is None:
                        self._complete.add((below, first))
            if found is not None and _levels(directory, found) >= _MAX_UP:
                found = None  # beyond the resolver's reach from here
        else:  # let the resolver decide; memoize per importing directory instead
            found = directory
        self._roots[key] = found
        return found

    def reaches_env(self, start: tuple[str, ...]) -> bool:
        """Whether any module reachable from ``start`` has a summary token."""
        seen: set[str] = set()
        stack = list(start)
        while stack:
            path = stack.pop()
            if path in seen:
                continue
            known = self._relevant.get(path)
            if known is True:
                return True
            seen.add(path)
            if known is False:
                continue  # everything reachable from it was already searched
            tokens, imports = self._node(path)
            if tokens:
                self._relevant[path] = True
                return True
            stack.extend(imports)
        for path in seen:  # a complete search: nothing reachable from any of these has a token
            self._relevant[path] = False
        return False


def _levels(directory: str, ancestor: str) -> int:
    """How many ``dirname`` steps lead from ``directory`` up to ``ancestor``."""
    rest = directory[len(ancestor) :].strip(os.sep)
    return rest.count(os.sep) + 1 if rest else 0


def own_token_test(config):
    """``raw -> bool``: whether a module names one of the frontend's own tokens.

    The tokens are ``might_match``'s; an env name counts only as a whole identifier
    (``environment`` in a docstring reads nothing: a read is spelled ``environ`` or ``getenv``
    whatever it is bound to), toggle fragments as substrings (pieces of longer names).
    """
    from lint_integration.languages import python as frontend

    quick = frontend._own_tokens(config)
    if quick is None:  # a toggle pattern without a literal piece: every module may
        return lambda raw: True
    return _WholeWords(frontend._ENV_TOKENS, frontend._toggle_fragments(config), quick)


_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


class _WholeWords:
    """Substring search in C, then a look at the byte on either side of each hit."""

    def __init__(self, words: tuple[bytes, ...], fragments: tuple[bytes, ...], quick) -> None:
        self.words = words
        self.fragments = fragments
        self.quick = quick  # the first stage's test: no hit there, no hit here

    def __call__(self, raw: bytes) -> bool:
        if not self.quick(raw):
            return False
        for word in self.words:
            pos = raw.find(word)
            while pos >= 0:
                end = pos + len(word)
                if (pos == 0 or raw[pos - 1] not in _WORD_BYTES) and (
                    end == len(raw) or raw[end] not in _WORD_BYTES
                ):
                    return True
                pos = raw.find(word, pos + 1)
        return any(fragment in raw for fragment in self.fragments)


def prescreen(raw: bytes, file, config, project) -> bool:
    """False only when no Python rule can report in ``file`` (``raw`` passed ``might_match``)."""
    if project is None:
        return True
    graph = project.memo(("python", "import-graph"), lambda: ImportGraph(config, project))
    lines = kept_for_imports_only(raw)
    if lines is None and graph.has_own_token(raw):
        return True  # the file's own tokens (env reads, the mode, toggles)
    if file.role not in CROSS_MODULE_ROLES:
        return False  # outside suites and runners a file is analysed on its own
    path = absolute_path(file.location, graph.cwd)
    return graph.reaches_env(graph.staged_imports(path, raw, lines))
