"""Tiltfile frontend: Starlark is Python syntax, so LibCST parses it (nothing is executed).

Read: ``local_resource(name, cmd=..., serve_cmd=..., env={...}, serve_env={...})``,
``test(name, cmd, env=...)``, ``cmd_button(name, argv=[...], env=['K=V'])`` and
``local(command, env=...)``; dict literals assigned at top level are followed when ``env=``
names one. An ``env`` that cannot be resolved (a call, a comprehension) may set the mode, so it
is not reported. ``os.putenv('INTEGRATION_MODE', ...)`` / ``os.environ['INTEGRATION_MODE'] = ...``
set the mode for every resource. Command strings are analysed as shell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from lint_integration.languages import ParseFailure, facts, shell
from lint_integration.languages.facts import MODE_VAR, Host, Site
from lint_integration.languages.suites import find_suite, sets_mode_flag

# Tilt functions -> (positional index of the command, command keywords, env keywords).
_CALLS = {
    "local_resource": (1, ("cmd", "serve_cmd", "cmd_bat", "serve_cmd_bat"), ("env", "serve_env")),
    "test": (1, ("cmd", "serve_cmd"), ("env",)),
    "cmd_button": (None, ("argv",), ("env",)),
    "local": (0, ("command", "command_bat"), ("env",)),
}
_RESOURCES = ("local_resource", "test", "cmd_button")


def _cst():
    import libcst

    return libcst


@dataclass
class StringLit:
    """A string literal: its value and where its characters sit in the file."""

    node: Any
    value: str
    start: int  # offset of the whole literal
    end: int
    host: Host | None


class TiltAnalysis:
    def __init__(self, text: str, module, positions, config) -> None:
        self.text = text
        self.module = module
        self.positions = positions
        self.config = config
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    # Positions ----------------------------------------------------------------------------

    def offset(self, pos) -> int:
        line = min(max(pos.line, 1), len(self._line_starts))
        return self._line_starts[line - 1] + pos.column

    def span(self, node) -> tuple[int, int]:
        rng = self.positions[node]
        return self.offset(rng.start), self.offset(rng.end)

    def string(self, node) -> StringLit | None:
        cst = _cst()
        if not isinstance(node, cst.SimpleString):
            return None
        try:
            value = node.evaluated_value
        except Exception:  # an escape LibCST cannot evaluate
            return None
        if not isinstance(value, str):
            return None
        start, end = self.span(node)
        raw = node.value
        prefix = len(node.prefix)
        quote = node.quote
        body_start = start + prefix + len(quote)
        if "\\" not in raw:

            def encode(content: str, quote=quote) -> str | None:
                if "\\" in content or quote[0] in content:
                    return None
                return content if len(quote) == 3 or "\n" not in content else None

            host = facts.verbatim_host(self.text, body_start, value, encode)
        else:
            host = Host(lambda _o: None, lambda _c: None, (start, end))
        return StringLit(node, value, start, end, host)

    # Tree facts ---------------------------------------------------------------------------

    @cached_property
    def calls(self) -> list[Any]:
        cst = _cst()
        found = []
        for node in self.positions:
            func = node.func if isinstance(node, cst.Call) else None
            if isinstance(func, cst.Name) and func.value in _CALLS:
                found.append(node)
        return sorted(found, key=lambda n: self.span(n))

    @cached_property
    def top_level(self) -> dict[str, Any]:
        """Module-level ``NAME = value`` (the last one wins)."""
        cst = _cst()
        names: dict[str, Any] = {}
        for stmt in self.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                    if isinstance(target, cst.Name):
                        names[target.value] = small.value
        return names

    def resolve(self, node, depth: int = 0) -> Any:
        cst = _cst()
        if isinstance(node, cst.Name) and node.value in self.top_level and depth < 8:
            return self.resolve(self.top_level[node.value], depth + 1)
        return node

    def argument(self, call, keyword: str, index: int | None) -> Any:
        for i, arg in enumerate(call.args):
            if arg.keyword is not None:
                if arg.keyword.value == keyword:
                    return arg.value
            elif arg.star == "" and index is not None and i == index:
                return arg.value
        return None

    def env_entries(self, node) -> list[tuple[str, Any, Any]] | None:
        """(name, key node, value node) of an env dict or ``['K=V']`` list; None if unknown."""
        cst = _cst()
        node = self.resolve(node)
        if node is None:
            return []
        if isinstance(node, cst.Dict):
            entries = []
            for element in node.elements:
                if not isinstance(element, cst.DictElement):
                    return None  # **other: unknown content
                key = self.string(element.key)
                if key is None:
                    return None
                entries.append((key.value, element.key, element.value))
            return entries
        if isinstance(node, (cst.List, cst.Tuple)):
            entries = []
            for element in node.elements:
                item = self.string(element.value)
                if item is None or "=" not in item.value:
                    return None
                entries.append((item.value.split("=", 1)[0], element.value, None))
            return entries
        return None

    @cached_property
    def global_mode(self) -> list[Any]:
        """Value nodes of ``os.putenv('INTEGRATION_MODE', v)`` / ``os.environ[...] = v``."""
        cst = _cst()
        found = []
        for node in self.positions:
            if isinstance(node, cst.Call) and _dotted(node.func) in ("os.putenv", "os.setenv"):
                if len(node.args) == 2:
                    name = self.string(node.args[0].value)
                    if name is not None and name.value == MODE_VAR:
                        found.append(node.args[1].value)
            elif isinstance(node, cst.Assign):
                for target in node.targets:
                    sub = target.target
                    if isinstance(sub, cst.Subscript) and _dotted(sub.value) == "os.environ":
                        index = sub.slice[0].slice if len(sub.slice) == 1 else None
                        name = self.string(getattr(index, "value", None))
                        if name is not None and name.value == MODE_VAR:
                            found.append(node.value)
        return found

    def command_strings(self, call) -> list[StringLit]:
        index, keywords, _ = _CALLS[call.func.value]
        found = []
        for i, keyword in enumerate(keywords):
            node = self.argument(call, keyword, index if i == 0 else None)
            for lit in self._strings_in(node):
                found.append(lit)
        return found

    def _strings_in(self, node) -> list[StringLit]:
        cst = _cst()
        node = self.resolve(node) if node is not None else None
        if node is None:
            return []
        if isinstance(node, (cst.List, cst.Tuple)):
            items = [self.string(e.value) for e in node.elements]
            return [i for i in items if i is not None]
        lit = self.string(node)
        return [lit] if lit is not None else []

    def command_text(self, call) -> str:
        """The command line(s) of a call, for suite detection (lists are joined)."""
        cst = _cst()
        index, keywords, _ = _CALLS[call.func.value]
        parts = []
        for i, keyword in enumerate(keywords):
            node = self.argument(call, keyword, index if i == 0 else None)
            node = self.resolve(node) if node is not None else None
            if isinstance(node, (cst.List, cst.Tuple)):
                parts.append(" ".join(_loose_text(e.value) for e in node.elements))
            elif node is not None:
                parts.append(_loose_text(node))
        return "\n".join(parts)

    @cached_property
    def scripts(self) -> list[tuple[StringLit, Any]]:
        """Command strings with their shell analysis."""
        result = []
        seen: set[int] = set()
        for call in self.calls:
            for lit in self.command_strings(call):
                if id(lit.node) in seen:
                    continue
                seen.add(id(lit.node))
                analysis = shell.analyze_embedded(lit.value, self.config)
                if analysis is not None:
                    result.append((lit, analysis))
        return result

    def _script_sites(self, question: str) -> list[Site]:
        sites = []
        for lit, analysis in self.scripts:
            sites.extend(lit.host.map_sites(getattr(analysis, question)()))
        return sites

    # Questions ----------------------------------------------------------------------------

    def legacy_toggles(self) -> list[Site]:
        cst = _cst()
        config = self.config
        sites: list[Site] = []
        keys: set[int] = set()
        fixes = self._toggle_fixes()
        for node in self.positions:
            if isinstance(node, cst.DictElement):
                key = self.string(node.key)
                if key is not None and config.is_legacy_toggle(key.value):
                    keys.add(id(node.key))
                    message = facts.toggle_set_message(key.value)
                    fix = fixes.get(id(node))
                    if fix is None:
                        sites.append(Site(key.start, key.end, message))
                    else:
                        edits, fix_message = fix
                        sites.append(
                            Site(key.start, key.end, message, edits=edits, fix_message=fix_message)
                        )
        for node in self.positions:
            if isinstance(node, cst.SimpleString) and id(node) not in keys:
                lit = self.string(node)
                if lit is None:
                    continue
                name = lit.value.split("=", 1)[0]
                if config.is_legacy_toggle(lit.value):
                    sites.append(Site(lit.start, lit.end, facts.toggle_read_message(lit.value)))
                elif "=" in lit.value and config.is_legacy_toggle(name) and self._in_env_list(node):
                    sites.append(Site(lit.start, lit.end, facts.toggle_set_message(name)))
        sites.extend(self._script_sites("legacy_toggles"))
        return sites

    def _env_dicts(self) -> list[Any]:
        """The dict literals passed (directly or by name) as a Tilt call's env."""
        cst = _cst()
        found: dict[int, Any] = {}
        for call in self.calls:
            for keyword in _CALLS[call.func.value][2]:
                node = self.argument(call, keyword, None)
                node = self.resolve(node) if node is not None else None
                if isinstance(node, cst.Dict):
                    found[id(node)] = node
        return list(found.values())

    def _toggle_fixes(self) -> dict[int, tuple[tuple[tuple[int, int, str], ...], str]]:
        """Per toggle element of an env dict: rename it to the mode, or drop it when the mode
        is already set there (the same mechanics as env maps in YAML)."""
        fixes: dict[int, tuple[tuple[tuple[int, int, str], ...], str]] = {}
        for env in self._env_dicts():
            entries = self.env_entries(env)
            if not entries:
                continue
            mode_set = any(facts.is_mode_name(name) for name, _, _ in entries)
            chosen: str | None = None
            for element in env.elements:
                key = self.string(element.key)
                value = self.string(element.value)
                if key is None or value is None or not self.config.is_legacy_toggle(key.value):
                    continue
                mode = facts.toggle_mode(value.value)
                if mode is None or key.host is None or value.host is None:
                    continue
                if not mode_set:
                    ka, kb = key.host.locate(0), key.host.locate(len(key.value))
                    va, vb = value.host.locate(0), value.host.locate(len(value.value))
                    if None in (ka, kb, va, vb):
                        continue
                    edits = ((ka, kb, MODE_VAR), (va, vb, mode))
                    fixes[id(element)] = (edits, f"Replace {key.value} with INTEGRATION_MODE")
                    mode_set, chosen = True, mode
                elif chosen in (None, mode):
                    edit = self._drop_element(env, element)
                    if edit is not None:
                        fixes[id(element)] = ((edit,), f"Remove {key.value} (the mode is set)")
        return fixes

    def _drop_element(self, env, element) -> tuple[int, int, str] | None:
        """The edit deleting one dict element: its own lines, or up to the next element."""
        text = self.text
        start, _ = self.span(element.key)
        _, end = self.span(element.value)
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[end:line_end].strip()
        rest = rest[1:].strip() if rest.startswith(",") else rest
        if not text[line_start:start].strip() and (not rest or rest.startswith("#")):
            return line_start, min(line_end + 1, len(text)), ""
        elements = list(env.elements)
        index = next(i for i, e in enumerate(elements) if e is element)
        if index + 1 < len(elements):
            return start, self.span(elements[index + 1].key)[0], ""
        return None

    def _in_env_list(self, node) -> bool:
        for call in self.calls:
            for keyword in _CALLS[call.func.value][2]:
                value = self.resolve(self.argument(call, keyword, None))
                entries = self.env_entries(value) if value is not None else None
                if entries and any(key is node for _, key, _ in entries):
                    return True
        return False

    def invalid_modes(self) -> list[Site]:
        sites: list[Site] = []
        values = list(self.global_mode)
        for call in self.calls:
            for keyword in _CALLS[call.func.value][2]:
                entries = self.env_entries(self.argument(call, keyword, None)) or []
                for name, key, value in entries:
                    if value is None and name == MODE_VAR:
                        lit = self.string(key)
                        mode = lit.value.split("=", 1)[1] if lit else ""
                        if lit and mode and mode not in facts.VALID_MODES:
                            offset = lit.host.locate(len(name) + 1) if lit.host else None
                            start = offset if offset is not None else lit.start
                            end = start + len(mode) if offset is not None else lit.end
                            sites.append(
                                Site(start, end, facts.invalid_mode_message(mode, "set to"))
                            )
                    elif value is not None and facts.is_mode_name(name):
                        values.append(value)
        seen: set[int] = set()
        for value in values:
            for lit in self._mode_literals(value):
                if id(lit.node) in seen or lit.value in facts.VALID_MODES or not lit.value:
                    continue
                seen.add(id(lit.node))
                sites.append(self._bad_literal(lit))
        sites.extend(self._script_sites("invalid_modes"))
        return sites

    def _mode_literals(self, node) -> list[StringLit]:
        """The literals a mode value can take: a string, or either branch of ``a if c else b``."""
        cst = _cst()
        if isinstance(node, cst.IfExp):
            return self._mode_literals(node.body) + self._mode_literals(node.orelse)
        lit = self.string(node)
        return [lit] if lit is not None else []

    def _bad_literal(self, lit: StringLit) -> Site:
        message = facts.invalid_mode_message(lit.value, "set to")
        fixed = facts.mode_spelling_fix(lit.value)
        if fixed is None or lit.host is None:
            return Site(lit.start, lit.end, message)
        a, b = lit.host.locate(0), lit.host.locate(len(lit.value))
        if a is None or b is None:
            return Site(lit.start, lit.end, message)
        return Site(
            lit.start, lit.end, message, edits=((a, b, fixed),), fix_message=f"Use {fixed!r}"
        )

    def heuristics(self) -> list[Site]:
        cst = _cst()
        sites: list[Site] = []
        mode_values = list(self.global_mode)
        for call in self.calls:
            for keyword in _CALLS[call.func.value][2]:
                for name, _key, value in self.env_entries(self.argument(call, keyword, None)) or []:
                    if value is not None and facts.is_mode_name(name):
                        mode_values.append(value)
        for value in mode_values:
            if not isinstance(value, cst.IfExp):
                continue
            for node in _descendants(value.test):
                if isinstance(node, cst.Call) and _dotted(node.func) in (
                    "os.getenv",
                    "os.environ.get",
                ):
                    lit = self.string(node.args[0].value) if node.args else None
                    if lit is not None and self.config.is_heuristic_var(lit.value):
                        sites.append(Site(lit.start, lit.end, facts.heuristic_message(lit.value)))
        sites.extend(self._script_sites("heuristics"))
        return sites

    def ci_mode_sites(self) -> list[Site]:
        if self.global_mode:
            return []
        sites = []
        for call in self.calls:
            func = call.func.value
            if func not in _RESOURCES:
                continue
            text = self.command_text(call)
            workdir = self.string(self.resolve(self.argument(call, "dir", None)))
            suite = find_suite(text, workdir.value if workdir is not None else None)
            if not suite or sets_mode_flag(text):
                continue
            if any(
                analysis.sets_mode()
                for lit, analysis in self.scripts
                if any(lit.node is s.node for s in self.command_strings(call))
            ):
                continue
            unknown = False
            mode_set = False
            for keyword in _CALLS[func][2]:
                node = self.argument(call, keyword, None)
                if node is None:
                    continue
                entries = self.env_entries(node)
                if entries is None:
                    unknown = True
                elif any(facts.is_mode_name(name) for name, _, _ in entries):
                    mode_set = True
            if unknown or mode_set:
                continue
            sites.append(self._resource_site(call, suite))
        return sites

    def _resource_site(self, call, suite: str) -> Site:
        name_node = self.argument(call, "name", 0)
        lit = self.string(name_node) if name_node is not None else None
        start, end = (lit.start, lit.end) if lit else self.span(call.func)
        label = f"Tilt resource '{lit.value}'" if lit else f"`{call.func.value}`"
        message = f"{label} runs integration suites ({suite}) without INTEGRATION_MODE in its env"
        edit = self._env_insert(call)
        if edit is None:
            return Site(start, end, message)
        return Site(
            start,
            end,
            message,
            edits=(edit,),
            safe=False,
            fix_message="Set INTEGRATION_MODE to repo in the resource's env (or cluster)",
        )

    def _env_insert(self, call) -> tuple[int, int, str] | None:
        cst = _cst()
        if call.func.value == "cmd_button":
            return None
        env = self.argument(call, "env", None)
        if env is not None:
            if not isinstance(env, cst.Dict):
                return None
            entries = self.env_entries(env) or []
            if any(self.config.is_legacy_toggle(name) for name, _, _ in entries):
                return None  # the toggle's own fix sets the mode here
            start, _ = self.span(env)
            quote = "'"
            for element in env.elements:
                if isinstance(element, cst.DictElement) and isinstance(
                    element.key, cst.SimpleString
                ):
                    quote = element.key.quote[0]
                    break
            sep = ", " if env.elements else ""
            return start + 1, start + 1, f"{quote}{MODE_VAR}{quote}: {quote}repo{quote}{sep}"
        if not call.args or any(a.star for a in call.args):
            return None
        last = call.args[-1]
        _, end = self.span(last.value)
        quote = "'"
        first = self.string(call.args[0].value)
        if first is not None:
            quote = first.node.quote[0]
        return end, end, f", env={{{quote}{MODE_VAR}{quote}: {quote}repo{quote}}}"


def _dotted(node) -> str:
    cst = _cst()
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _descendants(node) -> list[Any]:
    found = [node]
    for child in node.children:
        found.extend(_descendants(child))
    return found


def _loose_text(node) -> str:
    """The text of a string-ish expression with unknown parts as ``_`` (suite detection only)."""
    cst = _cst()
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:
            return ""
        return value if isinstance(value, str) else ""
    if isinstance(node, cst.ConcatenatedString):
        return _loose_text(node.left) + _loose_text(node.right)
    if isinstance(node, cst.FormattedString):
        return "".join(
            p.value if isinstance(p, cst.FormattedStringText) else "_" for p in node.parts
        )
    if isinstance(node, cst.BinaryOperation):
        return _loose_text(node.left) + " " + _loose_text(node.right)
    return "_"


# --- frontend protocol -------------------------------------------------------------------


def might_match(raw: bytes, role: str, config) -> bool:
    """Every Tiltfile rule needs "integration" (any spelling of the mode, a suite command), a
    legacy toggle or a mode alias in the text (and heuristics only matter next to the mode)."""
    if b"integration" in raw.lower():
        return True
    return facts.contains_any_name(raw, tuple(config.legacy_toggles)) or facts.contains_any_name(
        raw, tuple(config.mode_aliases)
    )


def analyze(ctx) -> TiltAnalysis:
    cst = _cst()
    from libcst.metadata import MetadataWrapper, PositionProvider

    from lint_integration.languages.nesting import check_depth

    check_depth(ctx.text)  # LibCST's native parser overflows the C stack on very deep nesting
    try:
        module = cst.parse_module(ctx.text)
    except cst.ParserSyntaxError as exc:
        message = str(exc.message).split("\n")[0]
        message = re.sub(r"^parser error: error at \d+:\d+: ", "", message)
        raise ParseFailure(
            f"Tiltfile syntax error: {message}", exc.raw_line, exc.raw_column + 1
        ) from None
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    return TiltAnalysis(ctx.text, module, positions, ctx.config)
