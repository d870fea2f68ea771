"""The facts the tree-sitter frontends (TypeScript/JavaScript, Go) hand to the rules.

A frontend parses a file and lists what it found: environment reads and writes, skip gates and
mode values compared or set. The rule modules stay short: each calls one function below, which
applies the role semantics (suite rules only in suites, the helper may read the environment,
``allowed-env`` is never reported) and words the finding. Nothing here imports tree-sitter.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lint_integration.findings import Applicability, Edit, Finding, Fix
from lint_integration.languages import ParseFailure
from lint_integration.languages.facts import toggle_fragments

MODE_VAR = "INTEGRATION_MODE"
VALID_MODES = ("repo", "local", "cluster")

Loc = tuple[int, int]  # 1-based (line, column)


@dataclass(frozen=True)
class EnvRead:
    """One read (or write) of an environment variable; ``name`` is None when not a literal."""

    name: str | None
    start: Loc
    end: Loc
    write: bool = False
    # The read only feeds a skip gate: the gate is the finding, not the read.
    gated: bool = False
    # The value decides live-vs-mocked behaviour or a skip (for CI-detection variables).
    decides: bool = False
    fix: Fix | None = None
    # Environment hygiene: the value is only saved to restore the same variable later.
    hygiene: bool = False


@dataclass(frozen=True)
class SkipGate:
    """A test, suite, hook or TestMain that skips or returns early depending on env vars."""

    what: str  # e.g. "`describe.skip` chosen", "`t.Skip` skips the test"
    names: tuple[str | None, ...]
    start: Loc
    end: Loc
    fix: Fix | None = None
    # Where no test is at hand (Go TestMain): the advice replaces the per-variable hint.
    advice: str | None = None
    # The condition compares a variable with a value (``X != "on"``): an opt-in switch, not a
    # missing dependency.
    opt_in: bool = False


@dataclass(frozen=True)
class ModeValue:
    """A literal compared with the mode (``set=False``) or assigned to INTEGRATION_MODE."""

    value: str
    start: Loc
    end: Loc
    set: bool = False
    fix: Fix | None = None


@dataclass
class EnvAnalysis:
    """What one TS/JS or Go file does with the environment."""

    language: str  # "typescript" or "go"
    is_helper: bool = False
    # False for code kept among the suites that is not test code (a program, a sample app the
    # tests drive): its reads configure that code, they do not probe a suite's dependencies.
    test_code: bool = True
    reads: list[EnvRead] = field(default_factory=list)
    gates: list[SkipGate] = field(default_factory=list)
    mode_values: list[ModeValue] = field(default_factory=list)

    def require_hint(self, name: str) -> str:
        if self.language == "go":
            return f'integrationmode.RequireEnv(t, "{name}")'
        return f"requireEnv('{name}')"

    @property
    def mode_hint(self) -> str:
        return "integrationmode.Parse()" if self.language == "go" else "parseIntegrationMode()"


# -- the rules' checks ---------------------------------------------------------------------


def _names(names: Iterable[str | None]) -> str:
    known = sorted({n for n in names if n})
    if not known:
        return "an environment variable"
    quoted = ", ".join(f"`{n}`" for n in known)
    return f"env var{'s' if len(known) > 1 else ''} {quoted}"


def skip_findings(analysis: EnvAnalysis, ctx, rule) -> list[Finding]:
    """Skip gates in suites, unless every variable they test is in ``allowed-env`` or is CI
    detection (``no-mode-heuristic`` reports that, where it decides the mode)."""
    if ctx.role != "suite":
        return []
    config = ctx.config
    out = []
    for gate in analysis.gates:
        names = [n for n in gate.names if n is None or not config.is_allowed_env(n)]
        if gate.names and not names:
            continue
        if names and all(n is not None and config.is_heuristic_var(n) for n in names):
            continue
        known = [n for n in names if n]
        if gate.opt_in or any(config.is_legacy_toggle(n) for n in known):
            advice = "run live-only tests on INTEGRATION_MODE=cluster through the helper"
        elif known and len(known) == len(names):
            hint = " and ".join(analysis.require_hint(n) for n in sorted(set(known)))
            advice = f"use {hint} so repo mode runs on mocks and cluster mode fails fast"
        else:
            advice = "require the variable through the helper instead of skipping"
        if gate.advice and not gate.opt_in and not any(config.is_legacy_toggle(n) for n in known):
            advice = gate.advice
        message = f"{gate.what} based on {_names(names)}; {advice}"
        out.append(ctx.finding(rule, gate.start, gate.end, message, fix=gate.fix))
    return out


def probe_name(name: str, config) -> bool:
    """Is a direct read of ``name`` a probe of a dependency? Its name must say where or with
    which credentials to reach something (the same test as for Python): knobs such as
    ``UPDATE_GOLDEN`` or ``ARTIFACTS`` are left alone, and so are the mode, toggles, aliases,
    CI-detection variables and ``allowed-env``, which other rules (or none) report."""
    return not (
        name == MODE_VAR
        or config.is_allowed_env(name)
        or config.is_legacy_toggle(name)
        or config.is_mode_alias(name)
        or config.is_heuristic_var(name)
        or not names_dependency(name)
    )


# Words that name a location or a credential even glued to a prefix (``SMEEURL``, ``APIKEY``).
_GLUED_SUFFIXES = (
    "URL",
    "URI",
    "DSN",
    "APIKEY",
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "CREDENTIAL",
    "ENDPOINT",
)


def names_dependency(name: str) -> bool:
    """The Python frontend's test, also through camelCase and numbered words (``serviceKey``,
    ``ORG_USER2``, ``DB1_HOST``) and a few unmistakable glued suffixes."""
    from lint_integration.languages.python.facts import looks_like_dependency

    upper = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).upper()  # tmsServiceKey: TMS_SERVICE_KEY
    if looks_like_dependency(upper) or looks_like_dependency(re.sub(r"(?<=[A-Z])\d+", "", upper)):
        return True
    return any(
        word.endswith(suffix) for word in re.split(r"[_\-\d]+", upper) for suffix in _GLUED_SUFFIXES
    )


class OwnWrites:
    """The variables a file's own code sets or removes, and where.

    A test that sets ``X`` and then reads it back reads its own value, not a dependency's:
    the read is environment hygiene. A write counts for the reads after it in the same
    function, in functions nested in that one, and anywhere later in the file when it is at
    the top level; a write in a sibling test or a hook does not."""

    def __init__(self, function_types: frozenset[str]) -> None:
        self._function_types = function_types
        self._writes: dict[str, list[tuple[int | None, int]]] = {}  # name: (function, start)

    def add(self, name: str, node) -> None:
        self._writes.setdefault(name, []).append((self._function_id(node), node.start_byte))

    def before(self, name: str, node) -> bool:
        """Whether ``node`` (a read of ``name``) comes after a write of it in a function
        around it."""
        writes = self._writes.get(name)
        if not writes:
            return False
        around: set[int | None] = {None}  # None: the top level
        cur = node.parent
        while cur is not None:
            if cur.type in self._function_types:
                around.add(cur.id)
            cur = cur.parent
        start = node.start_byte
        return any(func in around and at < start for func, at in writes)

    def _function_id(self, node) -> int | None:
        cur = node.parent
        while cur is not None and cur.type not in self._function_types:
            cur = cur.parent
        return None if cur is None else cur.id


def compares_with_value(cond, binary_types, ops, is_env, literal, binding_value) -> bool:
    """Does ``cond`` (or a constant it names) compare an env-derived value with a non-empty
    literal? ``X != "on"``, ``process.env.RUN_LIVE === 'true'``: an opt-in switch.

    The frontends pass their tree vocabulary: ``is_env(node)``, ``literal(node) -> str | None``
    and ``binding_value(identifier) -> node | None`` (a constant's value)."""
    stack, seen = [cond], 0
    while stack and seen < 200:
        node = stack.pop()
        seen += 1
        if node is None:
            continue
        if node.type in binary_types:
            op = node.child_by_field_name("operator")
            if op is not None and op.type in ops:
                left = node.child_by_field_name("left")
                right = node.child_by_field_name("right")
                for value, other in ((left, right), (right, left)):
                    text = literal(value) if value is not None else None
                    if text and other is not None and is_env(other):
                        return True
        if node.type == "identifier":
            value = binding_value(node)
            if value is not None:
                stack.append(value)
            continue
        if node.type in ("func_literal", "arrow_function", "function_expression"):
            continue
        stack.extend(node.named_children)
    return False


def _is_probe(read: EnvRead, config) -> bool:
    return (
        read.name is not None
        and not (read.write or read.gated or read.hygiene)
        and probe_name(read.name, config)
    )


def probe_findings(analysis: EnvAnalysis, ctx, rule) -> list[Finding]:
    """Direct reads of dependency variables in suites (runners and the helper may read them)."""
    if ctx.role != "suite" or not analysis.test_code:
        return []
    return [
        ctx.finding(
            rule,
            r.start,
            r.end,
            f"suite reads env var `{r.name}` directly; use {analysis.require_hint(r.name)}",
            fix=r.fix,
        )
        for r in analysis.reads
        if _is_probe(r, ctx.config)
    ]


def toggle_findings(analysis: EnvAnalysis, ctx, rule) -> list[Finding]:
    """Legacy toggles read or set, in every role but the helper."""
    if analysis.is_helper or ctx.role == "helper":
        return []
    out = []
    for r in analysis.reads:
        if r.name and ctx.config.is_legacy_toggle(r.name):
            verb = "set" if r.write else "read"
            message = (
                f"legacy toggle `{r.name}` is {verb}; INTEGRATION_MODE=cluster is the one switch "
                "for live runs"
            )
            out.append(ctx.finding(rule, r.start, r.end, message))
    return out


def mode_read_findings(analysis: EnvAnalysis, ctx, rule) -> list[Finding]:
    """INTEGRATION_MODE read outside the shared helper."""
    if analysis.is_helper or ctx.role == "helper":
        return []
    message = f"`{MODE_VAR}` is read directly; use {analysis.mode_hint} from the shared helper"
    return [
        ctx.finding(rule, r.start, r.end, message)
        for r in analysis.reads
        if r.name == MODE_VAR and not r.write
    ]


def heuristic_findings(analysis: EnvAnalysis, ctx, rule) -> list[Finding]:
    """Aliases of the mode (any read) and CI detection that decides live vs mocked or a skip,
    in suites and runners (where tests are chosen and wired)."""
    if ctx.role not in ("suite", "runner"):
        return []
    config = ctx.config
    out = []
    for r in analysis.reads:
        if r.write or not r.name or r.name == MODE_VAR:
            continue
        if config.is_mode_alias(r.name):
            message = f"`{r.name}` is an alias of INTEGRATION_MODE; read the mode with " + (
                analysis.mode_hint
            )
        elif config.is_heuristic_var(r.name) and (r.decides or r.gated):
            message = (
                f"`{r.name}` decides live vs mocked behaviour; set INTEGRATION_MODE explicitly "
                f"and read it with {analysis.mode_hint}"
            )
        else:
            continue
        out.append(ctx.finding(rule, r.start, r.end, message))
    return out


def invalid_mode_findings(analysis: EnvAnalysis, ctx, rule) -> list[Finding]:
    """The mode compared with, or set to, anything but repo, local or cluster (the helper,
    which parses raw values, is left to its own tests)."""
    if analysis.is_helper or ctx.role == "helper":
        return []
    out = []
    for m in analysis.mode_values:
        if m.value in VALID_MODES:
            continue
        verb = "set to" if m.set else "compared with"
        message = f"INTEGRATION_MODE {verb} '{m.value}', which is not a mode (repo, local, cluster)"
        out.append(ctx.finding(rule, m.start, m.end, message, fix=m.fix))
    return out


# -- positions -------------------------------------------------------------------------------


class Positions:
    """Byte offsets of the UTF-8 encoded text -> character offsets and 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.ascii = len(self.data) == len(text)
        self._line_bytes = [0]
        self._line_chars = [0]
        pos = self.data.find(b"\n")
        while pos >= 0:
            self._line_bytes.append(pos + 1)
            pos = self.data.find(b"\n", pos + 1)
        if self.ascii:
            self._line_chars = self._line_bytes
        else:
            chars = 0
            prev = 0
            for start in self._line_bytes[1:]:
                chars += len(self.data[prev:start].decode("utf-8", "replace"))
                self._line_chars.append(chars)
                prev = start

    def char(self, byte: int) -> int:
        if self.ascii:
            return byte
        line = bisect.bisect_right(self._line_bytes, byte) - 1
        start = self._line_bytes[line]
        return self._line_chars[line] + len(self.data[start:byte].decode("utf-8", "replace"))

    def loc(self, byte: int) -> Loc:
        line = bisect.bisect_right(self._line_bytes, byte) - 1
        start = self._line_bytes[line]
        if self.ascii:
            return line + 1, byte - start + 1
        return line + 1, len(self.data[start:byte].decode("utf-8", "replace")) + 1


class Needles:
    """Whether bytes hold any of a few byte strings, in as few scans as it takes.

    Most files hold none of the strings, so the scan of a file that holds none is what counts.
    With Hyperscan installed (the ``fast`` extra), one SIMD pass looks for all of them: about
    1.8 us for a 6 KB file. Else each scan with ``in`` costs about the same whatever it looks
    for (4 us for 6 KB), so the first pass looks for a few shared pieces (``env`` is in
    ``environ`` and ``getenv``), and only a file that holds one is searched for the strings
    themselves. Both answer alike (a test compares them); ``native=False`` keeps to ``in``.
    """

    __slots__ = ("anchors", "native", "needles")

    def __init__(self, needles: Iterable[bytes], shortest: int = 3, native: bool = True) -> None:
        self.needles = tuple(dict.fromkeys(needles))
        self.anchors = _anchors(self.needles, shortest)
        self.native = _native_scan(self.needles) if native else None

    def __call__(self, raw: bytes) -> bool:
        native = self.native
        if native is not None:
            return native(raw)
        for anchor in self.anchors:
            if anchor in raw:
                return any(needle in raw for needle in self.needles)
        return False


class MarkedNeedles:
    """``Needles`` that also tell where a ``mark`` is: ``raw -> None`` when ``raw`` holds one
    of the needles, else the start offset of every ``mark`` in it.

    A prefilter that goes on to look for ``mark`` in a file without needles (the Python
    frontend's import statements) then reads the file once: with Hyperscan, one SIMD pass
    finds both; else the needles' scan, then ``offsets``.
    """

    __slots__ = ("_native", "mark", "needles")

    def __init__(self, needles: Needles, mark: bytes, native: bool = True) -> None:
        self.needles = needles
        self.mark = mark
        self._native = _native_marks(needles.needles, mark) if native else None

    def __call__(self, raw: bytes) -> list[int] | None:
        native = self._native
        if native is not None:
            try:
                return native(raw)
            except Exception:  # the scratch in use elsewhere, out of memory: the plain way
                pass
        return None if self.needles(raw) else offsets(raw, self.mark)


def offsets(raw: bytes, mark: bytes) -> list[int]:
    """The start offset of every ``mark`` in ``raw``, in order."""
    found = []
    find, step = raw.find, len(mark)
    pos = find(mark)
    while pos >= 0:
        found.append(pos)
        pos = find(mark, pos + step)
    return found


def _hyperscan(once: list[bytes], every: list[bytes] | None = None):
    """``(scan, scratch)`` of a Hyperscan block database of literals: ``once`` report their
    first match only, then ``every`` report each match (ids in that order); None when
    Hyperscan is not installed or cannot run on this CPU."""
    expressions = [*once, *(every or ())]
    try:
        import hyperscan

        database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        database.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(once) + [0] * len(every or ()),
            literal=True,
        )
        return database.scan, hyperscan.Scratch(database)
    except Exception:  # not installed, or a CPU or build it does not support
        return None


def _native_marks(needles: tuple[bytes, ...], mark: bytes):
    """``MarkedNeedles`` by one Hyperscan pass (None: no Hyperscan). Each needle reports once;
    the mark reports every time (its end offset). Raises when the scan cannot run."""
    compiled = _hyperscan(list(needles), [mark])
    if compiled is None:
        return None
    scan, scratch = compiled
    mark_id, size = len(needles), len(mark)
    ends: list[int] = []
    needle_met: list[int] = []

    def on_match(match_id, _start, end, _flags, _context) -> None:
        if match_id == mark_id:
            ends.append(end - size)
        else:
            needle_met.append(1)

    def found(raw: bytes) -> list[int] | None:
        ends.clear()
        needle_met.clear()
        scan(raw, match_event_handler=on_match, scratch=scratch)
        return None if needle_met else list(ends)

    return found


_NEEDLES: dict[tuple[tuple[bytes, ...], tuple[str, ...]], Needles | None] = {}


def needles_for(tokens: tuple[bytes, ...], toggles: Iterable[str]) -> Needles | None:
    """The ``Needles`` of ``tokens`` plus the literal pieces of the legacy toggle globs
    ``toggles``, built once per process (None: a glob has no literal piece, so any file may
    name a toggle)."""
    key = (tokens, tuple(toggles))
    needles = _NEEDLES.get(key, _UNBUILT)  # asked once per file: one lookup
    if needles is _UNBUILT:
        fragments = toggle_fragments(key[1])
        needles = _NEEDLES[key] = None if fragments is None else Needles((*tokens, *fragments))
    return needles


_UNBUILT = object()  # a key ``needles_for`` has not built yet


def _native_scan(needles: tuple[bytes, ...]) -> Callable[[bytes], bool] | None:
    """``raw -> bool`` by one Hyperscan pass over ``raw`` (None: Hyperscan is not installed,
    or cannot run on this CPU, or ``needles`` is empty)."""
    compiled = _hyperscan(list(needles)) if needles else None
    if compiled is None:
        return None
    scan, scratch = compiled
    hits: list[int] = []

    def on_match(_id, _start, _end, _flags, _context) -> None:
        hits.append(1)  # each needle reports once (SINGLEMATCH): the scan goes on to the end

    def found(raw: bytes) -> bool:
        if hits:
            hits.clear()
        try:
            scan(raw, match_event_handler=on_match, scratch=scratch)
        except Exception:  # the scratch in use elsewhere, out of memory: scan with ``in``
            return any(needle in raw for needle in needles)
        return bool(hits)

    return found


def warm() -> None:
    """Import Hyperscan, if installed, before worker processes are forked."""
    import contextlib

    with contextlib.suppress(Exception):
        import hyperscan  # noqa: F401


def _anchors(needles: tuple[bytes, ...], shortest: int) -> tuple[bytes, ...]:
    """Pieces of at least ``shortest`` bytes such that each needle holds one: greedily the
    piece most needles share (then the longest, the rarer in text)."""
    left = set(needles)
    chosen: list[bytes] = []
    while left:
        counts: dict[bytes, int] = {}
        for needle in left:
            if len(needle) <= shortest:
                pieces = {needle}
            else:
                size = len(needle)
                pieces = {needle[i:j] for i in range(size) for j in range(i + shortest, size + 1)}
            for piece in pieces:
                counts[piece] = counts.get(piece, 0) + 1
        best = max(counts, key=lambda piece: (counts[piece], len(piece), piece))
        chosen.append(best)
        left = {needle for needle in left if best not in needle}
    return tuple(chosen)


# -- parse errors ----------------------------------------------------------------------------


def first_error(root):
    """The first ERROR or MISSING node of a tree-sitter tree, in source order."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node
        stack.extend(c for c in reversed(node.children) if c.has_error or c.is_missing)
    return root


def parse_failure(root, data: bytes, text: str) -> ParseFailure:
    """One ParseFailure for a tree with errors, placed where a reader would look first.

    A MISSING node is reported where the token is missing; an ERROR that runs to the end of
    the file (an unclosed bracket or string swallowed the rest) is reported at the end;
    any other ERROR at its start, quoting the text there.
    """
    node = first_error(root)
    pos = Positions(text)
    if node.is_missing:
        line, col = pos.loc(node.start_byte)
        return ParseFailure(f"syntax error: missing `{node.type}`", line, col)
    body_end = len(data.rstrip())
    if node.end_byte >= body_end and b"\n" in data[node.start_byte : node.end_byte]:
        line, col = pos.loc(body_end)
        return ParseFailure(
            "syntax error: unexpected end of file (an unclosed bracket or string?)", line, col
        )
    line, col = pos.loc(node.start_byte)
    near = data[node.start_byte : node.end_byte].decode("utf-8", "replace").split("\n")[0]
    near = " ".join(near.split())[:40]
    return ParseFailure(f"syntax error near `{near}`" if near else "syntax error", line, col)


# Node types whose text is data, not syntax: a gap pattern found inside one is left alone.
_TEXT_NODES = frozenset(
    {
        "comment",
        "string",
        "string_fragment",
        "interpreted_string_literal",
        "interpreted_string_literal_content",
        "raw_string_literal",
        "raw_string_literal_content",
        "rune_literal",
        "regex",
        "regex_pattern",
    }
)


def reparse_gaps(parser, data: bytes, tree, gaps):
    """Re-parse a file the grammar rejects because of newer syntax it does not know yet.

    ``gaps`` lists ``(compiled bytes regex, replacement(match) -> bytes)`` pairs; every
    replacement keeps the match's length, so byte offsets (and every position reported) are
    those of the original text. Matches inside comments and string literals are left alone.
    The rewritten text is only parsed: analyzers read node text from the original bytes.
    Returns the re-parsed tree when anything was rewritten: clean, or with its first error where
    the real mistake is rather than at a construct the grammar does not know.
    """
    if not tree.root_node.has_error:
        return tree
    root = tree.root_node
    buf = bytearray(data)
    changed = False
    for pattern, replace in gaps:
        for match in pattern.finditer(data):
            start, end = match.span()
            node = root.descendant_for_byte_range(start, start)
            if node is not None and node.type in _TEXT_NODES:
                continue
            new = replace(match)
            if len(new) != end - start:
                continue
            buf[start:end] = new
            changed = True
    if not changed:
        return tree
    return parser.parse(bytes(buf))


# -- tree-sitter plumbing shared by the TypeScript and Go frontends ---------------------------


class Scope:
    """A lexical scope: the names bound in it and the scope around it."""

    __slots__ = ("names", "node", "parent")

    def __init__(self, node, parent: Scope | None) -> None:
        self.node = node
        self.parent = parent
        self.names: dict[str, Any] = {}

    def lookup(self, name: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


def collect_scopes(root, kinds, declare, sinks) -> Scope:
    """Pass 1 of a tree-sitter analysis: walk ``root`` once, opening scopes where ``declare``
    says, and fill ``sinks`` = (fact nodes with their scope, identifier id -> scope, identifiers).

    ``kinds`` = (leaves, declaring, fact_nodes, opaque) node types of the grammar; ``declare(node,
    kind, scope, root_scope)`` binds what a declaring node declares and returns its children's
    scope.
    """
    leaves, declaring, fact_nodes, opaque = kinds
    nodes, scope_of, identifiers = sinks
    root_scope = Scope(root, None)
    stack = [(root, root_scope)]
    pop, push = stack.pop, stack.append
    while stack:
        node, scope = pop()
        kind = node.type
        if kind == "identifier":
            scope_of[node.id] = scope
            identifiers.append(node)
            continue
        if kind in leaves:
            continue
        if kind in declaring:
            scope = declare(node, kind, scope, root_scope)
        if kind in fact_nodes:
            nodes.append((node, scope))
        if kind not in opaque:
            for child in reversed(node.named_children):
                push((child, scope))
    return root_scope


def field_is(parent, name: str, node) -> bool:
    """True when ``node`` is ``parent``'s child in field ``name``."""
    child = parent.child_by_field_name(name)
    return child is not None and child.id == node.id


# What says which platform a run is on, per language.
PLATFORM_WORDS = {
    "go": (b"runtime.GOOS", b"runtime.GOARCH"),
    "typescript": (b"process.platform", b"process.arch", b"os.platform()", b"os.type()"),
}


def platform_limited(cond, language: str) -> bool:
    """``runtime.GOOS == "darwin" && os.Getenv("CI") != ""``: a gate on CI for one platform
    works around a runner (no containers on macOS runners), it does not choose between live
    and mocked dependencies."""
    while cond is not None and cond.type == "parenthesized_expression" and cond.named_children:
        cond = cond.named_children[0]
    if cond is None or cond.type != "binary_expression" or operator_of(cond) != "&&":
        return False
    text = cond.text or b""
    return any(word in text for word in PLATFORM_WORDS[language])


def mark_gated(
    an, conditions, language: str, heuristic, gated: set[int], platform_reads: set[int]
) -> None:
    """Reads whose value flows into a gate's condition are the gate, not probes (``gated``);
    a CI read in a gate limited to one platform is no mode decision (``platform_reads``)."""

    def on_read(node, _name) -> None:
        gated.add(node.id)

    def on_platform_read(node, name) -> None:
        if name and heuristic(name):
            platform_reads.add(node.id)
        else:
            gated.add(node.id)

    for cond in conditions:
        if cond is not None:
            an.flow(cond, on_platform_read if platform_limited(cond, language) else on_read)


def operator_of(node) -> str | None:
    """The type of a binary/unary node's ``operator`` child."""
    op = node.child_by_field_name("operator")
    return op.type if op is not None else None


def line_start(data: bytes, at: int) -> int:
    """The byte offset where the line holding ``at`` starts."""
    return data.rfind(b"\n", 0, at) + 1


def line_indent(data: bytes, at: int) -> str:
    """The indentation of the line holding byte offset ``at``."""
    start = line_start(data, at)
    line = data[start:at].decode("utf-8", "replace")
    return line[: len(line) - len(line.lstrip())]


def statement_lines(node, data: bytes) -> tuple[int, int]:
    """The byte span of a statement with its whole line(s) when it is alone on them."""
    start, end = node.start_byte, node.end_byte
    first = line_start(data, start)
    nl = data.find(b"\n", end)
    line_end = len(data) if nl < 0 else nl + 1
    if not data[first:start].strip() and not data[end:line_end].strip():
        # Do not leave two blank lines where the statement was.
        prev_start = data.rfind(b"\n", 0, max(first - 1, 0)) + 1
        blank_before = first == 0 or not data[prev_start:first].strip()
        nl2 = data.find(b"\n", line_end)
        if blank_before and nl2 >= 0 and not data[line_end:nl2].strip():
            line_end = nl2 + 1
        return first, line_end
    return start, end


# -- what the TypeScript and Go analyzers share -----------------------------------------------

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def words(name: str) -> set[str]:
    """The lower-cased words of an identifier (``liveDBUrl`` -> live, db, url)."""
    return {w.lower() for w in _WORD.findall(name)}


@dataclass(frozen=True)
class EnvInfo:
    """An expression's dependence on env vars; ``presence`` = (names, true-when-all-set)."""

    names: frozenset
    presence: tuple[frozenset, bool] | None = None
    dynamic: bool = False  # a function reading env by a parameter: names come from call args


class EnvFlow:
    """Name resolution and env dependence over a tree-sitter tree, for an analyzer that has
    the tree's bytes (``data``) and ``Positions`` (``pos``), ``scope_of`` / ``by_name_node``
    (node id -> Scope / Binding), the identifiers it met (``_identifiers``),
    ``flow(node, on_read, on_call)``, ``call_env`` and ``presence``.
    """

    data: bytes
    pos: Positions
    _refs: dict[int, list] | None
    _env_memo: dict[tuple[int, int], EnvInfo | None]
    _busy: set[int]

    def t(self, node) -> str:
        """The source text of ``node``."""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def loc(self, node) -> tuple[tuple[int, int], tuple[int, int]]:
        return self.pos.loc(node.start_byte), self.pos.loc(node.end_byte)

    def refs(self, binding) -> list:
        """The identifiers that refer to ``binding`` (computed on first use)."""
        if self._refs is None:
            self._refs = {}
            for node in self._identifiers:
                if node.id in self.by_name_node:
                    continue
                found = self.scope_of[node.id].lookup(self.t(node))
                if found is not None:
                    self._refs.setdefault(id(found), []).append(node)
        return self._refs.get(id(binding), [])

    def binding_at(self, ident):
        if ident.id in self.by_name_node:
            return self.by_name_node[ident.id]
        scope = self.scope_of.get(ident.id)
        return scope.lookup(self.t(ident)) if scope is not None else None

    def expr_env(self, node) -> EnvInfo | None:
        """The env vars an expression's value depends on (see ``flow``)."""
        if node is None:
            return None
        key = (node.id, node.start_byte)  # ids alone may repeat across the trees of a package
        if key in self._env_memo:
            return self._env_memo[key]
        if node.id in self._busy:
            return None
        self._busy.add(node.id)
        names: set = set()
        found = []

        def on_read(_node, name) -> None:
            names.add(name)
            found.append(True)

        def on_call(call) -> bool:
            info = self.call_env(call)
            if info is None:
                return False
            names.update(info.names)
            found.append(True)
            return True

        try:
            self.flow(node, on_read, on_call)
            result = EnvInfo(frozenset(names), self.presence(node)) if found else None
        finally:
            self._busy.discard(node.id)
        self._env_memo[key] = result
        return result


def byte_edit(an, start_byte: int, end_byte: int, content: str) -> Edit:
    """An edit of ``an.text`` between two byte offsets of its tree."""
    pos = an.pos
    return Edit.at(an.text, pos.char(start_byte), pos.char(end_byte), content)


def fix_of(message: str, edits, applicability=Applicability.SAFE) -> Fix | None:
    """A fix of ``edits`` in order; None when two of them overlap."""
    # Fresh Edit objects per fix: fixes share import edits, and the fixer tells a fix's own
    # edits from other fixes' by identity.
    edits = tuple(
        Edit(e.start, e.end, e.content, e.location, e.end_location)
        for e in sorted(edits, key=lambda e: (e.start, e.end))
    )
    for a, b in itertools.pairwise(edits):
        if b.start < a.end or (a.start == a.end == b.start == b.end):
            return None
    return Fix(applicability, message, edits)
