"""YAML frontend: GitHub Actions workflows, Tekton resources, Helm values and any other YAML.

PyYAML's composer gives nodes with start/end marks (character indexes) and keeps anchors as
shared nodes: an alias is the anchored node itself, so whatever is found through an alias is
reported once, where the anchor is defined. Merge keys (``<<: *defaults``) are followed when a
question is about what a mapping sets.

What is read where:

- everywhere: ``env``-style blocks (maps of ``NAME: value``, Kubernetes ``{name, value}`` lists,
  ``NAME=value`` lists), any mapping key naming a legacy toggle, keys spelling the mode
  (``INTEGRATION_MODE``, ``integrationMode``, ``integration-mode``) and their values, and
  scripts under ``run``/``script``/``command``/``args``/``cmd`` (analysed as shell).
- GitHub workflows (``.github/workflows/``): jobs, steps, matrix and ``inputs`` references in
  ``${{ }}`` expressions, for ``ci-mode-explicit`` and mode values set through a matrix.
- Tekton (``apiVersion: tekton.dev/...``): task steps, ``stepTemplate``, params defaults.
- Helm values (``values*.yaml``): commands that run suites and the env blocks around them.

Fixes are span edits on the original text, so comments, quoting and indentation outside the
edited range are kept byte for byte.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lint_integration.languages import ParseFailure, facts
from lint_integration.languages.facts import MODE_VAR, Host, Site
from lint_integration.languages.suites import find_suite, sets_mode_flag

ENV_KEYS = {"env", "extraEnv", "extraEnvs", "extraEnvVars", "envVars", "environmentVariables"}
# Keys that hold environment variables only when their keys look like variable names.
LOOSE_ENV_KEYS = {"environment", "variables"}
SCRIPT_KEYS = {"run", "script", "before_script", "after_script"}
COMMAND_KEYS = {"command", "args", "cmd", "entrypoint"}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_UPPER_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_SHELLS = re.compile(r"^(?:/(?:usr/)?bin/)?(?:env\s+)?(?:ba|da|k|z)?sh$")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_CONTEXT_REF = re.compile(r"\b(env|vars|matrix|inputs|github\.event\.inputs)\.([A-Za-z_][\w-]*)")
_WHOLE_REF = re.compile(r"\$\{\{\s*(matrix|inputs|github\.event\.inputs)\.([A-Za-z_][\w-]*)\s*\}\}")
_TEKTON_PARAM = re.compile(r"\$\(params(?:\.([\w-]+)|\[['\"]([\w.-]+)['\"]\])\)")

if TYPE_CHECKING:
    import yaml

    from lint_integration.languages import shell


def _load_parsers() -> None:
    """Import PyYAML and the shell frontend, once a file needs parsing (``analyze``).

    The prefilter drops nearly every YAML file of a tree, and importing the two costs 20-30 ms:
    as much as reading a thousand files, paid again by every worker process that meets one.
    """
    global yaml, shell
    import yaml

    from lint_integration.languages import shell


def _loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- node helpers ------------------------------------------------------------------------


def is_map(node) -> bool:
    return isinstance(node, yaml.MappingNode)


def is_seq(node) -> bool:
    return isinstance(node, yaml.SequenceNode)


def is_scalar(node) -> bool:
    return isinstance(node, yaml.ScalarNode)


def own_pairs(node) -> list[tuple[Any, Any]]:
    if not is_map(node):
        return []
    return [(k, v) for k, v in node.value if not (is_scalar(k) and k.tag == _MERGE_TAG)]


def pairs(node, depth: int = 0) -> list[tuple[Any, Any]]:
    """Key/value pairs including merged ones; a mapping's own keys win over merged keys."""
    if not is_map(node) or depth > 16:
        return []
    result = own_pairs(node)
    seen = {k.value for k, _ in result if is_scalar(k)}
    for key, value in node.value:
        if not (is_scalar(key) and key.tag == _MERGE_TAG):
            continue
        for source in value.value if is_seq(value) else [value]:
            for k, v in pairs(source, depth + 1):
                if is_scalar(k) and k.value not in seen:
                    seen.add(k.value)
                    result.append((k, v))
    return result


def get(node, key: str):
    for k, v in pairs(node):
        if is_scalar(k) and k.value == key:
            return v
    return None


def get_pair(node, key: str) -> tuple[Any, Any] | None:
    for k, v in pairs(node):
        if is_scalar(k) and k.value == key:
            return k, v
    return None


def scalar(node) -> str | None:
    return node.value if is_scalar(node) else None


def span(node) -> tuple[int, int]:
    return node.start_mark.index, node.end_mark.index


def _walk(roots) -> Iterator[Any]:
    """Every node once (aliases share nodes), parents before children."""
    seen: set[int] = set()
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if is_map(node):
            for k, v in reversed(node.value):
                stack.extend((v, k))
        elif is_seq(node):
            stack.extend(reversed(node.value))


# --- env blocks --------------------------------------------------------------------------


@dataclass
class EnvEntry:
    """One variable an env block sets."""

    name: str
    name_span: tuple[int, int]
    value: Any  # value node (None for valueFrom and NAME=value strings)
    value_text: str | None  # the literal value when known
    style: str  # map | list | list-str
    container: Any  # the mapping (map style) or the sequence (list styles)
    key: Any = None  # map style: the key node; list style: the item mapping
    merged: bool = False


def env_entries(block) -> list[EnvEntry] | None:
    """The entries of an env block, or None when the block is not one (or is dynamic)."""
    entries: list[EnvEntry] = []
    if is_map(block):
        own = {id(k) for k, _ in own_pairs(block)}
        for key, value in pairs(block):
            if not is_scalar(key):
                continue
            text = scalar(value) if is_scalar(value) else None
            entries.append(
                EnvEntry(
                    str(key.value), span(key), value, text, "map", block, key, id(key) not in own
                )
            )
        return entries
    if is_seq(block):
        for item in block.value:
            if is_map(item):
                name = get(item, "name")
                if not is_scalar(name):
                    continue
                value = get(item, "value")
                entries.append(
                    EnvEntry(
                        str(name.value),
                        span(name),
                        value,
                        scalar(value) if is_scalar(value) else None,
                        "list",
                        block,
                        item,
                    )
                )
            elif is_scalar(item) and "=" in str(item.value):
                name, _, rest = str(item.value).partition("=")
                raw_start = item.start_mark.index + (1 if item.style in ("'", '"') else 0)
                entries.append(
                    EnvEntry(
                        name, (raw_start, raw_start + len(name)), None, rest, "list-str", block
                    )
                )
        return entries
    return None


def env_like(block) -> bool:
    """True for a loose env key's value whose keys or items all look like variables."""
    if is_map(block):
        keys = [k.value for k, _ in own_pairs(block) if is_scalar(k)]
        return bool(keys) and all(_UPPER_NAME.match(str(k)) for k in keys)
    if is_seq(block):
        return bool(block.value) and all(
            is_scalar(i) and re.match(r"^[A-Z_][A-Z0-9_]*=", str(i.value)) for i in block.value
        )
    return False


def env_names(block) -> set[str] | None:
    """Names an env block sets; None when unknown (an expression, ``envFrom``...)."""
    if block is None:
        return set()
    if is_scalar(block):
        return set() if block.value in ("", None) else None
    entries = env_entries(block)
    return None if entries is None else {e.name for e in entries}


# --- embedded scripts --------------------------------------------------------------------


def _greedy_offsets(text: str, start: int, end: int, value: str) -> list[int] | None:
    """The file offset of each character of ``value`` inside ``text[start:end]``.

    Characters of the raw text that the value does not have (quotes, indentation, block
    headers) are skipped. Fails when a character cannot be found, e.g. after an escape.
    """
    offsets = []
    j = start
    for ch in value:
        while j < end and text[j] != ch:
            if ch == " " and text[j] == "\n":  # a folded line break
                break
            j += 1
        if j >= end:
            return None
        offsets.append(j)
        j += 1
    return offsets


def script_host(text: str, node) -> Host | None:
    """A Host for a scalar holding a script, or None when its characters cannot be placed."""
    start, end = span(node)
    value = str(node.value)
    style = node.style or ""
    if style == '"' and "\\" in text[start:end]:
        offsets = None
    else:
        offsets = _greedy_offsets(text, start, end, value)
    header_end = text.find("\n", start, end) if style in ("|", ">") else start
    anchor = (start, header_end if style in ("|", ">") and header_end > 0 else end)
    if offsets is None:
        return Host(lambda _o: None, lambda _c: None, anchor)

    def encode(content: str) -> str | None:
        if style == "|":
            if "\n" not in content:
                return content
            indent = _block_indent(text, start, end)
            return None if indent is None else content.replace("\n", "\n" + indent)
        if "\n" in content:
            return None
        if style == ">":
            return content
        if style == '"':
            return None if '"' in content or "\\" in content else content
        if style == "'":
            return None if "'" in content else content
        return facts.plain_words_only(content)

    last = offsets[-1] + 1 if offsets else start
    return facts.table_host(offsets, last, encode, anchor)


def _block_indent(text: str, start: int, end: int) -> str | None:
    for line in text[start:end].split("\n")[1:]:
        if line.strip():
            return line[: len(line) - len(line.lstrip(" "))]
    return None


@dataclass
class Script:
    """A script found in the YAML, with its shell analysis and placement."""

    node: Any
    text: str
    analysis: Any  # shell.ShellAnalysis | None
    host: Host
    suite: str | None


# --- the analysis ------------------------------------------------------------------------


class YamlAnalysis:
    def __init__(self, ctx, docs: list[Any]) -> None:
        self.ctx = ctx
        self.text = ctx.text
        self.config = ctx.config
        self.relpath = ctx.relpath
        self.role = ctx.role
        self.docs = [d for d in docs if d is not None]

    # Kinds --------------------------------------------------------------------------------

    @cached_property
    def workflows(self) -> list[Any]:
        if "/.github/workflows/" not in "/" + self.relpath:
            return []
        return [d for d in self.docs if is_map(d) and is_map(get(d, "jobs"))]

    @cached_property
    def tekton_docs(self) -> list[Any]:
        return [
            d
            for d in self.docs
            if is_map(d) and str(scalar(get(d, "apiVersion")) or "").startswith("tekton.dev/")
        ]

    @property
    def is_helm_values(self) -> bool:
        name = os.path.basename(self.relpath)
        return name.startswith("values") and name.endswith((".yaml", ".yml"))

    # Scripts ------------------------------------------------------------------------------

    @cached_property
    def scripts(self) -> dict[int, Script]:
        """Every script scalar, keyed by node id."""
        found: dict[int, Script] = {}
        for node in _walk(self.docs):
            if not is_map(node):
                continue
            shell_ok = self._runs_shell(node)
            for key, value in own_pairs(node):
                name = scalar(key)
                if name in SCRIPT_KEYS and shell_ok:
                    items = value.value if is_seq(value) else [value]
                    for item in items:
                        self._add_script(found, item)
                elif name in COMMAND_KEYS:
                    for item in self._command_scripts(node, name, value):
                        self._add_script(found, item)
        return found

    def _runs_shell(self, mapping) -> bool:
        shell_value = scalar(get(mapping, "shell"))
        if shell_value is None:
            return True
        return bool(re.match(r"^(bash|sh)\b", str(shell_value)))

    def _command_scripts(self, mapping, key: str, value) -> list[Any]:
        """Scalars under command/args that are scripts: a string, or ``sh -c SCRIPT``."""
        if is_scalar(value):
            return [value] if isinstance(value.value, str) and value.value else []
        if not is_seq(value):
            return []
        items = [i for i in value.value if is_scalar(i)]
        argv = [str(i.value) for i in items]
        command = get(mapping, "command")
        head = argv
        if key == "args" and is_seq(command):
            head = [str(i.value) for i in command.value if is_scalar(i)] + argv
        if not head or not _SHELLS.match(head[0].strip()):
            return []
        for i, word in enumerate(argv):
            if re.fullmatch(r"-[a-z]*c[a-z]*", word) and i + 1 < len(argv):
                return [items[i + 1]]
        if (
            key == "args"
            and head is not argv
            and any(re.fullmatch(r"-[a-z]*c[a-z]*", w) for w in head[: len(head) - len(argv)])
        ):
            return items[:1]
        return []

    def _add_script(self, found: dict[int, Script], node) -> None:
        if not is_scalar(node) or not isinstance(node.value, str) or id(node) in found:
            return
        text = node.value
        if text.startswith("#!") and not re.match(r"#!\S*(?:/|env\s+)(?:ba|da|k|z)?sh\b", text):
            return  # a python (or other) script
        host = script_host(self.text, node)
        if host is None:
            return
        analysis = None
        if _interesting(text, self.config):
            analysis = shell.analyze_embedded(_neutral(text), self.config)
        found[id(node)] = Script(node, text, analysis, host, find_suite(text))

    def _script_sites(self, question: str) -> list[Site]:
        sites: list[Site] = []
        for script in self.scripts.values():
            if script.analysis is None:
                continue
            answer = getattr(script.analysis, question)()
            sites.extend(script.host.map_sites(answer))
        return sites

    # Env blocks ---------------------------------------------------------------------------

    @cached_property
    def env_blocks(self) -> list[list[EnvEntry]]:
        blocks = []
        seen: set[int] = set()
        for node in _walk(self.docs):
            for key, value in own_pairs(node):
                name = scalar(key)
                if id(value) in seen:
                    continue
                if name in ENV_KEYS or (name in LOOSE_ENV_KEYS and env_like(value)):
                    entries = env_entries(value)
                    if entries:
                        seen.add(id(value))
                        blocks.append(entries)
        return blocks

    # Questions ----------------------------------------------------------------------------

    def legacy_toggles(self) -> list[Site]:
        config = self.config
        sites: list[Site] = []
        fixes = self._toggle_fixes()
        for node in _walk(self.docs):
            if is_map(node):
                for key, _value in own_pairs(node):
                    if is_scalar(key) and config.is_legacy_toggle(str(key.value)):
                        start, end = span(key)
                        sites.append(self._toggle_site(start, end, str(key.value), fixes))
                name = get(node, "name")
                if (
                    is_scalar(name)
                    and config.is_legacy_toggle(str(name.value))
                    and (get(node, "value") is not None or get(node, "valueFrom") is not None)
                ):
                    start, end = span(name)
                    sites.append(self._toggle_site(start, end, str(name.value), fixes))
            elif is_scalar(node) and isinstance(node.value, str) and "${{" in node.value:
                sites.extend(self._expression_toggles(node))
        for block in self.env_blocks:
            for entry in block:
                if entry.style == "list-str" and config.is_legacy_toggle(entry.name):
                    start, end = entry.name_span
                    sites.append(Site(start, end, facts.toggle_set_message(entry.name)))
        for key_node in self._if_conditions():
            sites.extend(self._expression_toggles(key_node, whole=True))
        sites.extend(self._script_sites("legacy_toggles"))
        return sites

    def _toggle_site(self, start: int, end: int, name: str, fixes) -> Site:
        fix = fixes.get(start)
        message = facts.toggle_set_message(name)
        if fix is None:
            return Site(start, end, message)
        edits, text = fix
        return Site(start, end, message, edits=edits, fix_message=text)

    def _if_conditions(self) -> list[Any]:
        found = []
        for doc in self.workflows:
            for node in _walk([doc]):
                value = get(node, "if") if is_map(node) else None
                if is_scalar(value) and "${{" not in str(value.value):
                    found.append(value)
        return found

    def _expression_toggles(self, node, whole: bool = False) -> list[Site]:
        """``${{ env.RUN_LIVE_TESTS }}`` and ``vars.X`` references to a toggle (reads)."""
        value = str(node.value)
        sites = []
        host = script_host(self.text, node)
        expressions = [value] if whole else [m.group(1) for m in _EXPR.finditer(value)]
        cursor = 0
        for expr in expressions:
            base = value.find(expr, cursor)
            cursor = base + len(expr)
            for match in _CONTEXT_REF.finditer(expr):
                if match.group(1) not in ("env", "vars"):
                    continue
                name = match.group(2)
                if not self.config.is_legacy_toggle(name):
                    continue
                a = base + match.start(2)
                site = Site(a, a + len(name), facts.toggle_read_message(name))
                if host is not None:
                    sites.extend(host.map_sites([site]))
        return sites

    def _toggle_fixes(self) -> dict[int, tuple[tuple[tuple[int, int, str], ...], str]]:
        """Per toggle name offset: the edits that turn env entries into INTEGRATION_MODE."""
        fixes: dict[int, tuple[tuple[tuple[int, int, str], ...], str]] = {}
        config = self.config
        for block in self.env_blocks:
            own = [e for e in block if not e.merged]
            toggles = [e for e in own if config.is_legacy_toggle(e.name)]
            if not toggles or any(e.style == "list-str" for e in toggles):
                continue
            container = toggles[0].container
            if getattr(container, "flow_style", False):
                continue
            if not all(e.style == "list" for e in block) and not all(
                _ENV_NAME.match(e.name) for e in block
            ):
                continue
            mode_set = any(e.name == MODE_VAR for e in block)
            chosen: str | None = None
            for entry in toggles:
                mode = facts.toggle_mode(entry.value_text) if is_scalar(entry.value) else None
                if mode is None:
                    continue
                if not mode_set:
                    edits = self._rename_entry(entry, mode)
                    if edits:
                        fixes[entry.name_span[0]] = (
                            edits,
                            f"Replace {entry.name} with INTEGRATION_MODE: {mode}",
                        )
                        mode_set, chosen = True, mode
                    continue
                if chosen is not None and chosen != mode:
                    continue
                edits = self._remove_entry(entry)
                if edits:
                    fixes[entry.name_span[0]] = (
                        edits,
                        f"Remove {entry.name} (INTEGRATION_MODE is set here)",
                    )
        return fixes

    def _rename_entry(self, entry: EnvEntry, mode: str) -> tuple[tuple[int, int, str], ...]:
        value = entry.value
        if not is_scalar(value) or value.style in ("|", ">"):
            return ()
        ns, ne = entry.name_span
        raw_name = self.text[ns:ne]
        if entry.style == "map":
            key = entry.key
            ks, ke = span(key)
            raw_key = self.text[ks:ke]
            quote = raw_key[0] if key.style in ("'", '"') else ""
            name_edit = (ks, ke, f"{quote}{MODE_VAR}{quote}")
        else:
            quote = raw_name[0] if raw_name[:1] in ("'", '"') else ""
            name_node = get(entry.key, "name")
            ks, ke = span(name_node)
            name_edit = (ks, ke, f"{quote}{MODE_VAR}{quote}")
        vs, ve = span(value)
        if ve <= vs:
            return ()
        vquote = self.text[vs] if value.style in ("'", '"') else ""
        return (name_edit, (vs, ve, f"{vquote}{mode}{vquote}"))

    def _remove_entry(self, entry: EnvEntry) -> tuple[tuple[int, int, str], ...]:
        """Delete the lines an entry occupies, when nothing else shares them."""
        text = self.text
        if entry.style == "map":
            first = entry.key.start_mark.index
            last_node = entry.value
            if text[text.rfind("\n", 0, first) + 1 : first].strip(" "):
                return ()
        else:
            item = entry.key
            first = item.start_mark.index
            line_start = text.rfind("\n", 0, first) + 1
            if not re.fullmatch(r"[ ]*-[ ]+", text[line_start:first]):
                return ()
            values = [v for _, v in own_pairs(item)]
            if not values or not all(is_scalar(v) and v.style not in ("|", ">") for v in values):
                return ()
            last_node = max(values, key=lambda v: v.end_mark.index)
        if not is_scalar(last_node) or last_node.style in ("|", ">"):
            return ()
        line_start = text.rfind("\n", 0, first) + 1
        if text[line_start:first].strip(" -"):
            return ()
        end = last_node.end_mark.index
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end + 1
        rest = text[end:line_end].strip()
        if rest and not rest.startswith("#"):
            return ()
        return ((line_start, line_end, ""),)

    # Mode values --------------------------------------------------------------------------

    def invalid_modes(self) -> list[Site]:
        sites: list[Site] = []
        for node in _walk(self.docs):
            if not is_map(node):
                continue
            for key, value in own_pairs(node):
                if is_scalar(key) and facts.is_mode_name(str(key.value)):
                    sites.extend(self._mode_value_sites(value, node))
            name = get(node, "name")
            if is_scalar(name) and facts.is_mode_name(str(name.value)):
                for field in ("value", "default"):
                    value = get(node, field)
                    if value is not None:
                        sites.extend(self._mode_value_sites(value, node))
        for block in self.env_blocks:
            for entry in block:
                if entry.style == "list-str" and entry.name == MODE_VAR and entry.value_text:
                    value = entry.value_text
                    if value not in facts.VALID_MODES:
                        start = entry.name_span[1] + 1
                        sites.append(
                            Site(
                                start,
                                start + len(value),
                                facts.invalid_mode_message(value, "set to"),
                            )
                        )
        sites.extend(self._script_sites("invalid_modes"))
        return sites

    def _mode_value_sites(self, value, owner, depth: int = 0) -> list[Site]:
        """Invalid values a mode setting can take (following matrix, input and param refs)."""
        if depth > 4:
            return []
        if is_seq(value):  # a matrix axis or an options list
            return [
                s for item in value.value for s in self._mode_value_sites(item, owner, depth + 1)
            ]
        if is_map(value):  # an input or param definition
            found = []
            for field in ("default", "value", "options", "enum"):
                sub = get(value, field)
                if sub is not None:
                    found.extend(self._mode_value_sites(sub, value, depth + 1))
            return found
        if not is_scalar(value) or value.value in ("", None):
            return []
        text = str(value.value)
        if "${{" in text:
            return self._expression_mode_sites(value, owner, depth)
        if _TEKTON_PARAM.search(text):
            return self._param_mode_sites(value, text, depth)
        if "$" in text or text in facts.VALID_MODES:
            return []
        return [self._bad_scalar(value, text)]

    def _bad_scalar(self, node, value: str) -> Site:
        start, end = span(node)
        message = facts.invalid_mode_message(value, "set to")
        fixed = facts.mode_spelling_fix(value)
        raw = self.text[start:end]
        if fixed is None or node.style in ("|", ">") or raw.strip("\"'") != value:
            return Site(start, end, message)
        quote = raw[0] if node.style in ("'", '"') else ""
        return Site(
            start,
            end,
            message,
            edits=((start, end, f"{quote}{fixed}{quote}"),),
            fix_message=f"Use {fixed!r}",
        )

    def _expression_mode_sites(self, node, owner, depth: int) -> list[Site]:
        """``${{ matrix.mode }}``, ``${{ inputs.mode }}`` (the whole value is the reference) and
        the literal results of ``cond && 'x' || 'y'``."""
        text = str(node.value)
        sites: list[Site] = []
        whole = _WHOLE_REF.fullmatch(text.strip())
        if whole is not None:
            context, name = whole.group(1), whole.group(2)
            if context == "matrix":
                job = self._job_of(owner)
                sources = self._matrix_values(job, name) if job is not None else []
            else:
                sources = self._input_definitions(name)
            for source in sources:
                sites.extend(self._mode_value_sites(source, owner, depth + 1))
            return sites
        for match in _EXPR.finditer(text):
            expr = match.group(1)
            for lit in re.finditer(r"(?:&&|\|\|)\s*'([^']*)'", expr):
                value = lit.group(1)
                if value in facts.VALID_MODES or not value:
                    continue
                offset = match.start(1) + lit.start(1)
                site = Site(
                    offset, offset + len(value), facts.invalid_mode_message(value, "set to")
                )
                host = script_host(self.text, node)
                if host is not None:
                    sites.extend(host.map_sites([site]))
        return sites

    def _job_of(self, owner) -> Any:
        for doc in self.workflows:
            for _key, job in pairs(get(doc, "jobs")):
                if any(n is owner for n in _walk([job])):
                    return job
        return None

    def _matrix_values(self, job, name: str) -> list[Any]:
        matrix = get(get(job, "strategy"), "matrix")
        if not is_map(matrix):
            return []
        values = []
        axis = get(matrix, name)
        if axis is not None:
            values.append(axis)
        for extra in ("include",):
            items = get(matrix, extra)
            if is_seq(items):
                for item in items.value:
                    value = get(item, name)
                    if value is not None:
                        values.append(value)
        return values

    def _input_definitions(self, name: str) -> list[Any]:
        found = []
        for doc in self.workflows:
            on = get(doc, "on")
            for trigger in ("workflow_dispatch", "workflow_call"):
                inputs = get(get(on, trigger), "inputs")
                definition = get(inputs, name)
                if is_map(definition):
                    found.append(definition)
        return found

    def _param_mode_sites(self, node, text: str, depth: int) -> list[Site]:
        """``$(params.mode)``: the default of that param in the enclosing Tekton resource."""
        sites = []
        for match in _TEKTON_PARAM.finditer(text):
            name = match.group(1) or match.group(2)
            for doc in self.tekton_docs:
                if not any(n is node for n in _walk([doc])):
                    continue
                for params in _tekton_param_lists(doc):
                    for item in params.value:
                        if scalar(get(item, "name")) == name and not facts.is_mode_name(name):
                            default = get(item, "default")
                            if default is not None:
                                sites.extend(self._mode_value_sites(default, item, depth + 1))
        return sites

    # Heuristics and skips in scripts ------------------------------------------------------

    def heuristics(self) -> list[Site]:
        return self._script_sites("heuristics")

    def skip_gates(self) -> list[Site]:
        sites: list[Site] = []
        for script in self.scripts.values():
            if script.analysis is not None and script.suite:
                sites.extend(script.host.map_sites(script.analysis.skip_gates()))
        return sites

    # ci-mode-explicit ---------------------------------------------------------------------

    def ci_mode_sites(self) -> list[Site]:
        sites: list[Site] = []
        for doc in self.workflows:
            sites.extend(self._workflow_jobs(doc))
        for doc in self.tekton_docs:
            sites.extend(self._tekton_tasks(doc))
        if self.role == "ci" and self.is_helm_values and not self.tekton_docs:
            for doc in self.docs:
                sites.extend(self._helm_commands(doc))
        return sites

    def _script_of(self, node) -> Script | None:
        return self.scripts.get(id(node)) if node is not None else None

    def _workflow_jobs(self, doc) -> list[Site]:
        sites = []
        workflow_env = env_names(get(doc, "env"))
        for job_key, job in pairs(get(doc, "jobs")):
            if not is_map(job) or get(job, "uses") is not None:
                continue
            job_env = env_names(get(job, "env"))
            container_env = env_names(get(get(job, "container"), "env"))
            inherited = [workflow_env, job_env, container_env]
            if any(names is None or MODE_VAR in names for names in inherited):
                continue
            steps = get(job, "steps")
            if not is_seq(steps):
                continue
            github_env = False
            job_dir = _working_directory(job) or _working_directory(doc)
            for step in steps.value:
                run = get(step, "run")
                text = str(run.value) if is_scalar(run) and isinstance(run.value, str) else ""
                script = self._script_of(run)
                suite = script.suite if script else find_suite(text)
                cwd = scalar(get(step, "working-directory")) or job_dir
                if not suite and text and isinstance(cwd, str):
                    suite = find_suite(text, cwd)
                step_env = env_names(get(step, "env"))
                explicit = (
                    step_env is None
                    or MODE_VAR in step_env
                    or github_env
                    or sets_mode_flag(text)
                    or (script is not None and script.analysis and script.analysis.sets_mode())
                )
                if MODE_VAR in text and "GITHUB_ENV" in text:
                    github_env = True
                if suite and not explicit:
                    toggled = script is not None and bool(
                        script.analysis and script.analysis.legacy_toggles()
                    )
                    sites.append(self._job_site(job_key, job, suite, fixable=not toggled))
                    break
        return sites

    def _job_site(self, job_key, job, suite: str, fixable: bool) -> Site:
        """One finding per job, at its key; the fix is left to a toggle's own fix when the
        suite's script sets one (it becomes INTEGRATION_MODE there)."""
        start, end = span(job_key)
        message = (
            f"job '{job_key.value}' runs integration suites ({suite}) without setting "
            "INTEGRATION_MODE at the workflow, job or step level"
        )
        edit = self._insert_job_env(job_key, job) if fixable else None
        if edit is None:
            return Site(start, end, message)
        return Site(
            start,
            end,
            message,
            edits=(edit,),
            safe=False,
            fix_message="Set INTEGRATION_MODE: repo in the job's env (cluster jobs need cluster)",
        )

    def _newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def _insert_job_env(self, job_key, job) -> tuple[int, int, str] | None:
        text = self.text
        nl = self._newline()
        if job.flow_style or not own_pairs(job):
            return None
        pair = next(((k, v) for k, v in own_pairs(job) if scalar(k) == "env"), None)
        if pair is not None:
            key, env = pair
            if not is_map(env) or env.start_mark.index < key.end_mark.index:
                return None  # null, an expression, or an alias to an anchor elsewhere
            if any(self.config.is_legacy_toggle(e.name) for e in env_entries(env) or []):
                return None  # the toggle's own fix sets the mode here
            if env.flow_style:
                brace = text.find("{", key.end_mark.index)
                if brace < 0 or brace > env.start_mark.index:
                    return None
                inner = text[brace + 1 : env.end_mark.index - 1].strip()
                sep = ", " if inner else ""
                return brace + 1, brace + 1, f"{MODE_VAR}: repo{sep}"
            first = env.value[0][0]
            line_start = text.rfind("\n", 0, first.start_mark.index) + 1
            indent = text[line_start : first.start_mark.index]
            if indent.strip():
                return None
            line_start = _above_comments(text, line_start)
            return line_start, line_start, f"{indent}{MODE_VAR}: repo{nl}"
        keys = [k for k, _ in own_pairs(job)]
        anchor = next((k for k in keys if scalar(k) == "steps"), keys[0])
        line_start = text.rfind("\n", 0, anchor.start_mark.index) + 1
        indent = text[line_start : anchor.start_mark.index]
        if indent.strip():
            return None
        unit = " " * max(2, len(indent) - job_key.start_mark.column)
        line_start = _above_comments(text, line_start)
        return line_start, line_start, f"{indent}env:{nl}{indent}{unit}{MODE_VAR}: repo{nl}"

    def _tekton_tasks(self, doc) -> list[Site]:
        sites = []
        pod_env = env_names(get(get(get(doc, "spec"), "podTemplate"), "env"))
        for task_spec in _tekton_task_specs(doc):
            template_env = env_names(get(get(task_spec, "stepTemplate"), "env"))
            if pod_env is None or template_env is None:
                continue
            if MODE_VAR in pod_env or MODE_VAR in template_env:
                continue
            steps = get(task_spec, "steps")
            for step in steps.value if is_seq(steps) else []:
                if not is_map(step):
                    continue
                found = self._step_suite(step)
                if found is None:
                    continue
                suite, sets_mode = found
                step_env = env_names(get(step, "env"))
                if get(step, "envFrom") is not None or step_env is None:
                    continue
                if MODE_VAR in step_env or sets_mode:
                    continue
                name = get(step, "name")
                anchor = name if is_scalar(name) else next(iter(own_pairs(step)))[0]
                start, end = span(anchor)
                label = f"step '{name.value}'" if is_scalar(name) else "a step"
                sites.append(
                    Site(
                        start,
                        end,
                        f"Tekton {label} runs integration suites ({suite}) without "
                        "INTEGRATION_MODE in its env or the task's stepTemplate",
                    )
                )
                break
        return sites

    def _step_suite(self, step) -> tuple[str, bool] | None:
        script_node = get(step, "script")
        script = self._script_of(script_node)
        if script is not None and script.suite:
            return script.suite, bool(script.analysis and script.analysis.sets_mode())
        argv = []
        for key in ("command", "args"):
            value = get(step, key)
            if is_seq(value):
                argv += [str(i.value) for i in value.value if is_scalar(i)]
            elif is_scalar(value) and value.value:
                argv.append(str(value.value))
        for item in (get(step, "command"), get(step, "args")):
            for node in item.value if is_seq(item) else [item]:
                nested = self._script_of(node)
                if nested is not None and nested.suite:
                    return nested.suite, bool(nested.analysis and nested.analysis.sets_mode())
        suite = find_suite(" ".join(_quote(a) for a in argv)) if argv else None
        if suite:
            return suite, any(a.startswith(MODE_VAR + "=") for a in argv)
        return None

    def _helm_commands(self, doc) -> list[Site]:
        sites: list[Site] = []

        def visit(node, mode_set: bool, depth: int) -> None:
            if depth > 64 or not is_map(node):
                if is_seq(node) and depth <= 64:
                    for item in node.value:
                        visit(item, mode_set, depth + 1)
                return
            here = mode_set or self._mapping_sets_mode(node)
            reported = False
            for key, value in own_pairs(node):
                name = scalar(key)
                if not reported and name in COMMAND_KEYS | SCRIPT_KEYS:
                    text = _command_text(value)
                    script = self._script_of(value)
                    suite = find_suite(text)
                    sets = script is not None and script.analysis and script.analysis.sets_mode()
                    if suite and not here and not sets and not sets_mode_flag(text):
                        start, end = span(key)
                        sites.append(
                            Site(
                                start,
                                end,
                                f"Helm values run integration suites ({suite}) without "
                                "INTEGRATION_MODE in the env",
                            )
                        )
                        reported = True
                if not (name in ENV_KEYS or name in COMMAND_KEYS | SCRIPT_KEYS):
                    visit(value, here, depth + 1)

        visit(doc, False, 0)
        return sites

    def _mapping_sets_mode(self, node) -> bool:
        for key, value in pairs(node):
            name = scalar(key)
            if name is None:
                continue
            if facts.is_mode_name(str(name)):
                return True
            if name in ENV_KEYS or (name in LOOSE_ENV_KEYS and env_like(value)):
                names = env_names(value)
                if names is None or MODE_VAR in names:
                    return True
        return False


def _above_comments(text: str, line_start: int) -> int:
    """Move an insertion point above the comment lines that introduce the next key."""
    while line_start > 0:
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        if not text[prev_start : line_start - 1].strip().startswith("#"):
            break
        line_start = prev_start
    return line_start


def _quote(word: str) -> str:
    return word if re.fullmatch(r"[\w@%+=:,./-]+", word) else "'" + word.replace("'", "") + "'"


def _command_text(value) -> str:
    if is_scalar(value):
        return str(value.value) if isinstance(value.value, str) else ""
    if is_seq(value):
        return " ".join(_quote(str(i.value)) for i in value.value if is_scalar(i))
    return ""


def _tekton_task_specs(doc) -> list[Any]:
    kind = scalar(get(doc, "kind"))
    spec = get(doc, "spec")
    if kind in ("Task", "ClusterTask", "StepAction"):
        return [spec] if is_map(spec) else []
    if kind == "TaskRun":
        return [s for s in (get(spec, "taskSpec"),) if is_map(s)]
    if kind == "PipelineRun":
        spec = get(spec, "pipelineSpec")
    found = []
    for section in ("tasks", "finally"):
        tasks = get(spec, section)
        for task in tasks.value if is_seq(tasks) else []:
            task_spec = get(task, "taskSpec")
            if is_map(task_spec):
                found.append(task_spec)
    return found


def _tekton_param_lists(doc) -> Iterator[Any]:
    for node in _walk([doc]):
        if is_map(node):
            params = get(node, "params")
            if is_seq(params):
                yield params


def _interesting(text: str, config) -> bool:
    """Whether a script can hold anything the shell questions look for (a cheap test)."""
    if MODE_VAR in text or "exit" in text or "return" in text:
        return True
    raw = text.encode("utf-8", "replace")
    return facts.contains_any_name(raw, tuple(config.legacy_toggles)) or facts.contains_any_name(
        raw, tuple(config.mode_aliases)
    )


def _working_directory(node) -> str | None:
    """``defaults: run: working-directory`` of a workflow or job."""
    value = scalar(get(get(get(node, "defaults"), "run"), "working-directory"))
    return value if isinstance(value, str) else None


def _neutral(script: str) -> str:
    """Replace ``${{ ... }}`` expressions (not shell) with filler of the same length."""
    return _EXPR.sub(lambda m: "_" * len(m.group(0)), script)


# --- frontend protocol -------------------------------------------------------------------


def might_match(raw: bytes, role: str, config) -> bool:
    """Every YAML rule needs the word "integration" (the mode's name in any spelling, a
    suite command, a runner path), a legacy toggle or a mode alias in the text. The
    test is case-insensitive for "integration" and exact for the configured names."""
    if b"integration" in raw.lower():
        return True
    return facts.contains_any_name(raw, tuple(config.legacy_toggles)) or facts.contains_any_name(
        raw, tuple(config.mode_aliases)
    )


def _compose(text: str) -> list[Any]:
    try:
        _check_depth(text)
        return list(yaml.compose_all(text, Loader=_loader()))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if exc.problem != _LIBYAML_TOO_DEEP or mark is None:
            raise
        raise ParseFailure(_TOO_DEEP, mark.line + 1, mark.column + 1) from None


# libyaml's composer recurses on the C stack once per level of nesting and kills the process a
# few tens of thousands of levels deep; real configuration is a few dozen deep. Newer libyaml
# (the one PyYAML 6.0.4 ships) refuses more than 1,000 levels itself, as soon as it scans the
# bracket that opens one level too many: the same limit and the same message either way.
MAX_DEPTH = 1000
_TOO_DEEP = f"nesting too deep to parse (more than {MAX_DEPTH} levels)"
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _check_depth(text: str) -> None:
    """Raise ParseFailure when ``text`` nests deeper than MAX_DEPTH.

    A level takes a bracket or more indentation (at most two levels per column: a block sequence
    may sit at its parent key's indentation), so most files are cleared by counting; the rest
    are measured on the event stream, which libyaml produces without recursing.
    """
    longest = max(map(len, text.split("\n")), default=0)
    if text.count("[") + text.count("{") + 2 * longest <= MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise ParseFailure(_TOO_DEEP, mark.line + 1, mark.column + 1)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


_MULTILINE_ACTION = re.compile(r"\{\{.*?\}\}", re.S)
# A template action outside a GitHub ``${{ }}`` expression.
_TEMPLATE_ACTION = re.compile(r"(?<!\$)\{\{-?\s*(?:[.$/(\"]|[a-z]\w*\b)")


def _detemplate(text: str) -> str:
    """Helm/Go templates made parseable: directive-only lines become comments, inline
    ``{{ ... }}`` becomes ``$xxx`` filler of the same length (offsets stay exact; the ``$``
    marks the value as dynamic, so it is never taken for a literal)."""

    def line(match: re.Match) -> str:
        body = match.group(0)
        stripped = body.strip()
        if re.fullmatch(r"(\{\{.*?\}\}\s*)+", stripped):
            lead = body[: len(body) - len(body.lstrip())]
            return lead + "#" + " " * (len(body) - len(lead) - 1)
        return re.sub(r"\{\{.*?\}\}", lambda m: "$" + "x" * (len(m.group(0)) - 1), body)

    # Actions that span lines (``{{- /* a comment */ -}}``, a long ``include``) are blanked
    # first, newlines kept; what is left is one line at a time.
    text = _MULTILINE_ACTION.sub(
        lambda m: re.sub(r"[^\n]", " ", m.group(0)) if "\n" in m.group(0) else m.group(0), text
    )
    return re.sub(r"[^\n]+", line, text)


def analyze(ctx) -> YamlAnalysis:
    _load_parsers()
    text = ctx.text
    try:
        docs = _compose(text)
    except yaml.YAMLError as exc:
        if _TEMPLATE_ACTION.search(text):
            # A Helm/Go template is YAML only once rendered: when its actions cannot be masked
            # into a YAML document it is left alone, never reported as a syntax error.
            try:
                return YamlAnalysis(ctx, _compose(_detemplate(text)))
            except yaml.YAMLError:
                return YamlAnalysis(ctx, [])
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        raise ParseFailure(f"YAML error: {problem}", line, column) from None
    return YamlAnalysis(ctx, docs)
