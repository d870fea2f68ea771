"""Shared vocabulary of the runner and CI frontends (shell, YAML, Tiltfile, package.json).

A frontend answers a rule's question with ``Site`` values: a character range of the file, the
message, and optionally span edits. ``emit`` turns them into findings, so each rule's check for
these languages stays one line. Embedded scripts (a workflow's ``run:``, a Tilt ``cmd``, a
``package.json`` script) are analysed as shell text and their sites are mapped back into the
host file through a ``Host`` that knows how the text was quoted there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from lint_integration.findings import Applicability, Edit, Finding, Fix, offset_to_line_col

MODE_VAR = "INTEGRATION_MODE"
VALID_MODES = ("repo", "local", "cluster")
TRUTHY = frozenset({"1", "true", "yes", "on", "y"})
FALSY = frozenset({"0", "false", "no", "off", "n", ""})

# The test a fix writes wherever a script needs to ask "is this a live run?".
CLUSTER_TEST = '"${INTEGRATION_MODE:-repo}" = "cluster"'
NOT_CLUSTER_TEST = '"${INTEGRATION_MODE:-repo}" != "cluster"'


@dataclass(frozen=True)
class Site:
    """One answer to a rule's question: ``text[start:end]`` plus message and optional fix."""

    start: int
    end: int
    message: str
    edits: tuple[tuple[int, int, str], ...] = ()
    safe: bool = True
    fix_message: str = ""

    def without_fix(self) -> Site:
        return replace(self, edits=(), fix_message="")


def emit(rule, ctx, sites: Iterable[Site]) -> Iterator[Finding]:
    """Findings of ``rule`` for ``sites`` (offsets into ``ctx.text``), one per distinct range."""
    text = ctx.text
    seen: set[tuple[int, int, str]] = set()
    for site in sorted(sites, key=lambda s: (s.start, s.end, s.message)):
        key = (site.start, site.end, site.message)
        if key in seen:  # an anchor's content reached again through an alias
            continue
        seen.add(key)
        fix = None
        if site.edits:
            fix = Fix(
                applicability=Applicability.SAFE if site.safe else Applicability.UNSAFE,
                message=site.fix_message,
                edits=tuple(Edit.at(text, a, b, c) for a, b, c in sorted(site.edits)),
            )
        yield ctx.finding(
            rule,
            offset_to_line_col(text, site.start),
            offset_to_line_col(text, max(site.end, site.start)),
            site.message,
            fix=fix,
        )


# --- names -------------------------------------------------------------------------------


def normalized(name: str) -> str:
    """``integrationMode``, ``integration-mode`` and ``INTEGRATION_MODE`` all give one key."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_mode_name(name: str) -> bool:
    """True for the mode variable and the key spellings config files use for it."""
    return normalized(name) == "integrationmode"


def mode_spelling_fix(value: str) -> str | None:
    """The valid mode an unambiguous misspelling means (``Cluster`` -> ``cluster``)."""
    lowered = value.strip().lower()
    return lowered if lowered in VALID_MODES and lowered != value else None


def toggle_mode(value: str | None) -> str | None:
    """The mode a legacy toggle's literal value stands for: truthy -> cluster, falsy -> repo."""
    if value is None:
        return None
    lowered = value.strip().strip("\"'").lower()
    if lowered in TRUTHY:
        return "cluster"
    if lowered in FALSY:
        return "repo"
    return None


# --- messages ----------------------------------------------------------------------------


def toggle_read_message(name: str) -> str:
    return (
        f"legacy toggle `{name}` is read; INTEGRATION_MODE=cluster is the one switch for live runs"
    )


def toggle_set_message(name: str) -> str:
    return (
        f"legacy toggle `{name}` is set; INTEGRATION_MODE=cluster is the one switch for live runs"
    )


def invalid_mode_message(value: str, how: str) -> str:
    """``how``: "set to", "compared with", "defaults to", "matched against"."""
    return f"INTEGRATION_MODE {how} '{value}', which is not a mode (repo, local, cluster)"


def alias_message(name: str) -> str:
    return f"`{name}` is an alias of INTEGRATION_MODE; read INTEGRATION_MODE itself"


def heuristic_message(name: str) -> str:
    return f"`{name}` decides the mode; set INTEGRATION_MODE explicitly instead"


def names_text(names: Iterable[str]) -> str:
    known = list(dict.fromkeys(names))
    quoted = ", ".join(f"`{n}`" for n in known)
    return f"env var{'s' if len(known) > 1 else ''} {quoted}"


# --- prefilter tokens --------------------------------------------------------------------


def literal_fragments(patterns: Iterable[str]) -> list[bytes] | None:
    """The longest literal piece of each glob, for substring prefilters; None if one is empty.

    A piece that holds another is left out: wherever it occurs, the shorter one does too.
    """
    out: list[bytes] = []
    for pattern in patterns:
        pieces = [p for p in _split_glob(pattern) if p]
        if not pieces:
            return None
        out.append(max(pieces, key=len).encode())
    out = list(dict.fromkeys(out))
    return [f for f in out if not any(g != f and g in f for g in out)]


@lru_cache(maxsize=32)
def toggle_fragments(patterns: tuple[str, ...]) -> tuple[bytes, ...] | None:
    """``literal_fragments`` of a config's glob list, worked out once per process."""
    fragments = literal_fragments(patterns)
    return None if fragments is None else tuple(fragments)


def contains_any_name(raw: bytes, patterns: tuple[str, ...]) -> bool:
    """True when ``raw`` may mention a name matching one of the glob ``patterns``."""
    fragments = toggle_fragments(tuple(patterns))
    return fragments is None or any(fragment in raw for fragment in fragments)


def _split_glob(pattern: str) -> list[str]:
    pieces, current, depth = [], [], 0
    for ch in pattern:
        if ch == "[":
            depth += 1
        if depth or ch in "*?":
            if current:
                pieces.append("".join(current))
                current = []
        else:
            current.append(ch)
        if ch == "]" and depth:
            depth -= 1
    if current:
        pieces.append("".join(current))
    return pieces


# --- mapping embedded scripts back into their host file -----------------------------------


@dataclass(frozen=True)
class Host:
    """Where an embedded script's text sits in its file, and how edits must be written there.

    ``locate(offset)`` maps an offset in the script text to an offset in the file, or None when
    the characters were escaped or folded so the two no longer line up. ``encode(content)``
    returns the replacement as it must be written in the host (None when it cannot be written
    safely there). ``anchor`` is the range to report when a site cannot be mapped.
    """

    locate: Callable[[int], int | None]
    encode: Callable[[str], str | None]
    anchor: tuple[int, int]

    def map_sites(self, sites: Iterable[Site]) -> Iterator[Site]:
        for site in sites:
            start, end = self.locate(site.start), self.locate(site.end)
            if start is None or end is None or end < start:
                yield replace(site, start=self.anchor[0], end=self.anchor[1]).without_fix()
                continue
            edits = []
            for a, b, content in site.edits:
                fa, fb = self.locate(a), self.locate(b)
                written = self.encode(content)
                if fa is None or fb is None or written is None or fb - fa != b - a:
                    edits = []
                    break
                edits.append((fa, fb, written))
            mapped = replace(site, start=start, end=end, edits=tuple(edits))
            yield mapped if edits else mapped.without_fix()


def verbatim_host(
    text: str, content_start: int, script: str, encode: Callable[[str], str | None]
) -> Host:
    """A host where ``script`` appears character for character at ``content_start``."""
    if text[content_start : content_start + len(script)] != script:
        anchor = (content_start, content_start)
        return Host(lambda _o: None, lambda _c: None, anchor)

    def locate(offset: int) -> int | None:
        return content_start + offset if 0 <= offset <= len(script) else None

    return Host(locate, encode, (content_start, content_start + len(script)))


def table_host(
    offsets: list[int], end: int, encode: Callable[[str], str | None], anchor: tuple[int, int]
) -> Host:
    """A host given the file offset of every script character (``end`` for one past the last).

    Offsets that do not advance by exactly one are escapes; an edit over them is refused by
    ``map_sites`` because the mapped span differs in length from the script span.
    """

    def locate(offset: int) -> int | None:
        if 0 <= offset < len(offsets):
            return offsets[offset]
        if offset == len(offsets):
            return end
        return None

    return Host(locate, encode, anchor)


def plain_words_only(content: str) -> str | None:
    """Accept replacement text made only of characters that need no quoting anywhere."""
    return content if re.fullmatch(r"[A-Za-z0-9_=.:/-]*", content) else None
