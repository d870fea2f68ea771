"""Tiltfile frontend: Starlark is Python syntax, so ``ast`` parses it (nothing is executed).

Read: ``local_resource(name, cmd=..., serve_cmd=..., env={...}, serve_env={...})``,
``test(name, cmd, env=...)``, ``cmd_button(name, argv=[...], env=['K=V'])`` and
``local(command, env=...)``; dict literals assigned at top level are followed when ``env=``
names one. An ``env`` that cannot be resolved (a call, a comprehension) may set the mode, so it
is not reported. ``os.putenv('INTEGRATION_MODE', ...)`` / ``os.environ['INTEGRATION_MODE'] = ...``
set the mode for every resource. Command strings are analysed as shell.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from lint_integration.languages import NewerSyntax, ParseFailure, facts
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


@dataclass
class StringLit:
    """A string literal: its value and where its characters sit in the file."""

    node: Any
    value: str
    start: int  # offset of the whole literal
    end: int
    host: Host | None
    quote: str = '"'


class TiltAnalysis:
    def __init__(self, text: str, module: ast.Module, config) -> None:
        from lint_integration.languages.python.positions import Positions

        self.text = text
        self.module = module
        self.config = config
        self._positions = Positions(text)
        self._strings: dict[int, StringLit | None] = {}
        # Every node in source order (a concrete tree's visiting order).
        nodes: list[ast.AST] = []
        stack: list[ast.AST] = [module]
        while stack:
            node = stack.pop()
            nodes.append(node)
            if isinstance(node, ast.JoinedStr):  # its literal parts are no literals of their own
                stack.extend(v for v in reversed(node.values) if isinstance(v, ast.FormattedValue))
                continue
            stack.extend(reversed(_children(node)))
        self.nodes = nodes

    # Positions ----------------------------------------------------------------------------

    def span(self, node) -> tuple[int, int]:
        return self._positions.extent(node)

    def string(self, node) -> StringLit | None:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        key = id(node)
        if key not in self._strings:
            self._strings[key] = self._string(node)
        return self._strings[key]

    def _string(self, node: ast.Constant) -> StringLit | None:
        value = node.value
        start, end = self.span(node)
        raw = self.text[start:end]
        if not _single_literal(raw):
            return None  # implicitly concatenated literals
        prefix = 0
        while prefix < len(raw) and raw[prefix] not in "'\"":
            prefix += 1
        quote = (
            raw[prefix : prefix + 3] if raw[prefix : prefix + 3] in ('"""', "'''") else raw[prefix]
        )
        prefix_len = prefix
        body_start = start + prefix_len + len(quote)
        if "\\" not in raw:

            def encode(content: str, quote=quote) -> str | None:
                if "\\" in content or quote[0] in content:
                    return None
                return content if len(quote) == 3 or "\n" not in content else None

            host = facts.verbatim_host(self.text, body_start, value, encode)
        else:
            host = Host(lambda _o: None, lambda _c: None, (start, end))
        return StringLit(node, value, start, end, host, quote)

    # Tree facts ---------------------------------------------------------------------------

    @cached_property
    def calls(self) -> list[Any]:
        found = []
        for node in self.nodes:
            func = node.func if isinstance(node, ast.Call) else None
            if isinstance(func, ast.Name) and func.id in _CALLS:
                found.append(node)
        return sorted(found, key=lambda n: self.span(n))

    @cached_property
    def top_level(self) -> dict[str, Any]:
        """Module-level ``NAME = value`` (the last one wins)."""
        names: dict[str, Any] = {}
        for stmt in self.module.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name):
                    names[target.id] = stmt.value
        return names

    def resolve(self, node, depth: int = 0) -> Any:
        if isinstance(node, ast.Name) and node.id in self.top_level and depth < 8:
            return self.resolve(self.top_level[node.id], depth + 1)
        return node

    def argument(self, call, keyword: str, index: int | None) -> Any:
        for arg in call.keywords:
            if arg.arg == keyword:
                return arg.value
        if index is not None and index < len(call.args):
            arg = call.args[index]
            if not isinstance(arg, ast.Starred):
                return arg
        return None

    def env_entries(self, node) -> list[tuple[str, Any, Any]] | None:
        """(name, key node, value node) of an env dict or ``['K=V']`` list; None if unknown."""
        node = self.resolve(node)
        if node is None:
            return []
        if isinstance(node, ast.Dict):
            entries = []
            for key_node, value in zip(node.keys, node.values, strict=True):
                if key_node is None:
                    return None  # **other: unknown content
                key = self.string(key_node)
                if key is None:
                    return None
                entries.append((key.value, key_node, value))
            return entries
        if isinstance(node, (ast.List, ast.Tuple)):
            entries = []
            for element in node.elts:
                item = self.string(element)
                if item is None or "=" not in item.value:
                    return None
                entries.append((item.value.split("=", 1)[0], element, None))
            return entries
        return None

    @cached_property
    def global_mode(self) -> list[Any]:
        """Value nodes of ``os.putenv('INTEGRATION_MODE', v)`` / ``os.environ[...] = v``."""
        found = []
        for node in self.nodes:
            if isinstance(node, ast.Call) and _dotted(node.func) in ("os.putenv", "os.setenv"):
                args = _arguments(node)
                if len(args) == 2:
                    name = self.string(args[0])
                    if name is not None and name.value == MODE_VAR:
                        found.append(args[1])
            elif isinstance(node, ast.Assign):
                for sub in node.targets:
                    if isinstance(sub, ast.Subscript) and _dotted(sub.value) == "os.environ":
                        name = self.string(sub.slice)
                        if name is not None and name.value == MODE_VAR:
                            found.append(node.value)
        return found

    def command_strings(self, call) -> list[StringLit]:
        index, keywords, _ = _CALLS[call.func.id]
        found = []
        for i, keyword in enumerate(keywords):
            node = self.argument(call, keyword, index if i == 0 else None)
            for lit in self._strings_in(node):
                found.append(lit)
        return found

    def _strings_in(self, node) -> list[StringLit]:
        node = self.resolve(node) if node is not None else None
        if node is None:
            return []
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.string(e) for e in node.elts]
            return [i for i in items if i is not None]
        lit = self.string(node)
        return [lit] if lit is not None else []

    def command_text(self, call) -> str:
        """The command line(s) of a call, for suite detection (lists are joined)."""
        index, keywords, _ = _CALLS[call.func.id]
        parts = []
        for i, keyword in enumerate(keywords):
            node = self.argument(call, keyword, index if i == 0 else None)
            node = self.resolve(node) if node is not None else None
            if isinstance(node, (ast.List, ast.Tuple)):
                parts.append(" ".join(_loose_text(e) for e in node.elts))
            elif node is not None:
                parts.append(_loose_text(node))
        return "\n".join(parts)

    @cached_property
    def scripts(self) -> list[tuple[StringLit, Any]]:
        """Command strings with their shell analysis."""
        from lint_integration.languages import shell  # not needed by the prefilter

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
        config = self.config
        sites: list[Site] = []
        keys: set[int] = set()
        fixes = self._toggle_fixes()
        for node in self.nodes:
            if not isinstance(node, ast.Dict):
                continue
            for key_node in node.keys:
                key = self.string(key_node)
                if key is not None and config.is_legacy_toggle(key.value):
                    keys.add(id(key_node))
                    message = facts.toggle_set_message(key.value)
                    fix = fixes.get(id(key_node))
                    if fix is None:
                        sites.append(Site(key.start, key.end, message))
                    else:
                        edits, fix_message = fix
                        sites.append(
                            Site(key.start, key.end, message, edits=edits, fix_message=fix_message)
                        )
        for node in self.nodes:
            if isinstance(node, ast.Constant) and id(node) not in keys:
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
        found: dict[int, Any] = {}
        for call in self.calls:
            for keyword in _CALLS[call.func.id][2]:
                node = self.argument(call, keyword, None)
                node = self.resolve(node) if node is not None else None
                if isinstance(node, ast.Dict):
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
            for key_node, value_node in zip(env.keys, env.values, strict=True):
                key = self.string(key_node)
                value = self.string(value_node)
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
                    fixes[id(key_node)] = (edits, f"Replace {key.value} with INTEGRATION_MODE")
                    mode_set, chosen = True, mode
                elif chosen in (None, mode):
                    edit = self._drop_element(env, key_node, value_node)
                    if edit is not None:
                        fixes[id(key_node)] = ((edit,), f"Remove {key.value} (the mode is set)")
        return fixes

    def _drop_element(self, env, key_node, value_node) -> tuple[int, int, str] | None:
        """The edit deleting one dict element: its own lines, or up to the next element."""
        text = self.text
        start, _ = self.span(key_node)
        _, end = self.span(value_node)
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        rest = text[end:line_end].strip()
        rest = rest[1:].strip() if rest.startswith(",") else rest
        if not text[line_start:start].strip() and (not rest or rest.startswith("#")):
            return line_start, min(line_end + 1, len(text)), ""
        keys = list(env.keys)
        index = next(i for i, k in enumerate(keys) if k is key_node)
        if index + 1 < len(keys) and keys[index + 1] is not None:
            return start, self.span(keys[index + 1])[0], ""
        return None

    def _in_env_list(self, node) -> bool:
        for call in self.calls:
            for keyword in _CALLS[call.func.id][2]:
                value = self.resolve(self.argument(call, keyword, None))
                entries = self.env_entries(value) if value is not None else None
                if entries and any(key is node for _, key, _ in entries):
                    return True
        return False

    def invalid_modes(self) -> list[Site]:
        sites: list[Site] = []
        values = list(self.global_mode)
        for call in self.calls:
            for keyword in _CALLS[call.func.id][2]:
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
        if isinstance(node, ast.IfExp):
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
        sites: list[Site] = []
        mode_values = list(self.global_mode)
        for call in self.calls:
            for keyword in _CALLS[call.func.id][2]:
                for name, _key, value in self.env_entries(self.argument(call, keyword, None)) or []:
                    if value is not None and facts.is_mode_name(name):
                        mode_values.append(value)
        for value in mode_values:
            if not isinstance(value, ast.IfExp):
                continue
            for node in _descendants(value.test):
                if isinstance(node, ast.Call) and _dotted(node.func) in (
                    "os.getenv",
                    "os.environ.get",
                ):
                    args = _arguments(node)
                    lit = self.string(args[0]) if args else None
                    if lit is not None and self.config.is_heuristic_var(lit.value):
                        sites.append(Site(lit.start, lit.end, facts.heuristic_message(lit.value)))
        sites.extend(self._script_sites("heuristics"))
        return sites

    def ci_mode_sites(self) -> list[Site]:
        if self.global_mode:
            return []
        sites = []
        for call in self.calls:
            func = call.func.id
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
        label = f"Tilt resource '{lit.value}'" if lit else f"`{call.func.id}`"
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
        if call.func.id == "cmd_button":
            return None
        env = self.argument(call, "env", None)
        if env is not None:
            if not isinstance(env, ast.Dict):
                return None
            entries = self.env_entries(env) or []
            if any(self.config.is_legacy_toggle(name) for name, _, _ in entries):
                return None  # the toggle's own fix sets the mode here
            start, _ = self.span(env)
            quote = "'"
            for key_node in env.keys:
                key = self.string(key_node)
                if key is not None:
                    quote = key.quote[0]
                    break
            sep = ", " if env.keys else ""
            return start + 1, start + 1, f"{quote}{MODE_VAR}{quote}: {quote}repo{quote}{sep}"
        args = _arguments(call)
        if not args or len(args) != len(call.args) + len(call.keywords):
            return None  # ``*args`` / ``**kwargs``
        _, end = self.span(args[-1])
        quote = "'"
        first = self.string(args[0])
        if first is not None:
            quote = first.quote[0]
        return end, end, f", env={{{quote}{MODE_VAR}{quote}: {quote}repo{quote}}}"


def _children(node: ast.AST) -> list[ast.AST]:
    from lint_integration.languages.python.tree import children

    return children(node)


def _arguments(call: ast.Call) -> list[ast.AST]:
    """Every argument expression not unpacked, in source order."""
    args = [a for a in call.args if not isinstance(a, ast.Starred)]
    return args + [k.value for k in call.keywords if k.arg is not None]


def _single_literal(raw: str) -> bool:
    """``raw`` is one string literal, not several implicitly concatenated ones."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(raw).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    return sum(1 for t in tokens if t.type == tokenize.STRING) == 1


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _descendants(node) -> list[Any]:
    return list(ast.walk(node))


def _loose_text(node) -> str:
    """The text of a string-ish expression with unknown parts as ``_`` (suite detection only)."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        return "" if isinstance(node.value, bytes) else "_"
    if isinstance(node, ast.JoinedStr):
        return "".join(
            p.value if isinstance(p, ast.Constant) and isinstance(p.value, str) else "_"
            for p in node.values
        )
    if isinstance(node, ast.BinOp):
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
    from lint_integration.languages.nesting import check_depth

    check_depth(ctx.text)  # the parser overflows the C stack on very deep nesting
    from lint_integration.languages.python.tree import quiet_parse

    try:
        module = quiet_parse(ctx.text)
    except SyntaxError as exc:
        raise _syntax_error(ctx.text, exc) from None
    except ValueError as exc:  # null bytes
        raise ParseFailure(f"Tiltfile syntax error: {exc}", 1, 1) from None
    return TiltAnalysis(ctx.text, module, ctx.config)


def _syntax_error(text: str, exc: SyntaxError) -> ParseFailure:
    """LibCST's message and position (imported only for a broken file); code it accepts uses
    Python syntax newer than the running interpreter's."""
    import sys

    import libcst as cst

    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        message = str(error.message).split("\n")[0]
        message = re.sub(r"^parser error: error at \d+:\d+: ", "", message)
        return ParseFailure(
            f"Tiltfile syntax error: {message}", error.raw_line, error.raw_column + 1
        )
    except Exception:  # LibCST failing otherwise: Python's own message
        return ParseFailure(f"Tiltfile syntax error: {exc.msg}", exc.lineno or 1, exc.offset or 1)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    return NewerSyntax(
        f"uses Python syntax newer than the running Python {version}; not analysed; "
        "run lint-integration under a newer Python",
        exc.lineno or 1,
        exc.offset or 1,
    )
