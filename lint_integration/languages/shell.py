"""Shell frontend: runner scripts and embedded scripts, parsed with tree-sitter-bash.

The rules ask questions (``legacy_toggles``, ``invalid_modes``, ``skip_gates``, ``heuristics``,
``runner_problem``) and get ``facts.Site`` answers in character offsets of the analysed text.

Bad syntax: tree-sitter never raises; it marks what it cannot read with ERROR and MISSING nodes,
and one construct its grammar does not know (``[ \\( ... \\) ]``, ``;;&``) can swallow the rest
of the file into a single ERROR. So a damaged tree is repaired before it is analysed: the line
of the first damaged region whose removal shrinks the damage most is blanked (same length, so
offsets stay exact) and the text is parsed again, up to ``MAX_BLANKED`` lines and at most a
quarter of the script. A script repaired that way is analysed without those lines (a finding on
them is missed, never invented). Damage that blanking cannot shrink (an unterminated quote, a
missing ``fi``) or that needs more lines than the budget means the structure itself is unknown:
the file is reported as a parse error, at the first error tree-sitter found.
"""

from __future__ import annotations

import bisect
import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lint_integration.languages import ParseFailure, facts
from lint_integration.languages.facts import MODE_VAR, Site
from lint_integration.languages.suites import runs_tests

MAX_BLANKED = 5
MAX_TRIES = 40
_PARSER: Any = None

_EXPANSIONS = ("simple_expansion", "expansion")
_NAME_TYPES = ("variable_name", "special_variable_name")
_OUTPUT_COMMANDS = {"echo", "printf", ":", "true", "logger", "cat", "tput"}
_LOGGING = re.compile(r"(log|warn|info|note|notice|skip|msg|say|print|debug|announce)", re.I)
_FAILING_COMMANDS = {"die", "fail", "fatal", "abort", "error_exit", "bail", "panic", "err_exit"}
_UNARY = {
    "-z", "-n", "-v", "-e", "-f", "-d", "-r", "-w", "-x", "-s", "-L", "-h", "-a", "-b", "-c",
    "-g", "-G", "-k", "-N", "-O", "-p", "-S", "-t", "-u", "-R", "-o",
}  # fmt: skip
_BINARY = {
    "=", "==", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef",
}  # fmt: skip
_TEST_WORD_OPS = _UNARY | _BINARY | {"!", "(", ")", "\\(", "\\)", "-a", "-o"}
_BOGUS = "bogus-mode-value"
# Paths that take over the mode: another runner, the shared runner directory, the helper.
_DELEGATE = re.compile(
    r"(?:^|/)run_[\w.-]*integration[\w.-]*$|integration-runner/"
    r"|(?:^|/)integration[_-]?mode(?:\.sh|\.bash|\.py)?$"
)
_RUNNER_NAME = re.compile(r"^run_[\w.-]*integration[\w.-]*$")


def _parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter_bash
        from tree_sitter import Language, Parser

        _PARSER = Parser(Language(tree_sitter_bash.language()))
    return _PARSER


# --- parsing and positions ---------------------------------------------------------------


def _first_damage(root):
    """The first innermost ERROR or MISSING node, by position (None when the tree is clean)."""
    best = None
    stack = [root]
    while stack:
        node = stack.pop()
        innermost = node.type == "ERROR" and not any(c.has_error for c in node.children)
        if node.is_missing or innermost:
            candidate = node
        else:
            candidate = None
            stack.extend(c for c in node.children if c.has_error or c.is_missing)
        if candidate is not None and (best is None or candidate.start_byte < best.start_byte):
            best = candidate
    return best


def _damage(root) -> tuple[int, Any]:
    """How much of the tree is damaged (bytes under outermost ERRORs, plus MISSING nodes) and
    the first damaged node."""
    total = 0
    first = None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            total += max(1, node.end_byte - node.start_byte)
            if first is None or node.start_byte < first.start_byte:
                first = node
            continue
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    return total, first


@dataclass
class Parsed:
    data: bytes
    root: Any
    blanked: tuple[int, ...] = ()  # 0-based lines left out after repair


def parse(text: str) -> Parsed:
    """Parse ``text``, repairing small damage; raise ParseFailure when the structure is lost.

    Repair: among the lines of the first damaged region (the innermost error's line first),
    blank the one whose removal shrinks the damage most, and repeat within the budget. The
    number of lines tried per step shrinks with the file's size to keep big files fast.
    """
    # Lone surrogates (from JSON escapes in embedded scripts) pass through unchanged.
    data = original = text.encode("utf-8", "surrogatepass")
    lines = data.split(b"\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    budget = min(MAX_BLANKED, sum(1 for line in lines if line.strip()) // 4)
    tries = max(2, min(MAX_TRIES, 800_000 // max(1, len(data))))
    blanked: list[int] = []
    tree = _parser().parse(data)
    redirects = _assignment_redirects(tree.root_node)
    if redirects:
        for start, end in redirects:
            data = data[:start] + re.sub(rb"[^\n]", b" ", data[start:end]) + data[end:]
        tree = _parser().parse(data)
    first_error = None
    while tree.root_node.has_error:
        damage, first = _damage(tree.root_node)
        innermost = _first_damage(tree.root_node) or first
        if first_error is None:
            first_error = innermost
        if first is None:
            break
        if len(blanked) >= budget:
            raise _failure(original, first_error)
        low = first.start_point[0]
        high = min(max(first.end_point[0], innermost.start_point[0]), len(lines) - 1)
        rows = [innermost.start_point[0], *range(low, high + 1)]
        rows = [r for r in dict.fromkeys(rows) if r not in blanked and lines[r].strip()][:tries]
        best = None
        for row in rows:
            trial = _blank_line(data, starts[row], len(lines[row]))
            trial_tree = _parser().parse(trial)
            left = _damage(trial_tree.root_node)[0] if trial_tree.root_node.has_error else 0
            if left < damage and (best is None or left < best[0]):
                best = (left, row, trial, trial_tree)
                if left == 0:
                    break
        if best is None:
            raise _failure(original, first_error)
        blanked.append(best[1])
        data, tree = best[2], best[3]
    return Parsed(data, tree.root_node, tuple(sorted(blanked)))


def _assignment_redirects(root) -> list[tuple[int, int]]:
    """Redirects after an assignment with no command (``out=$(cmd) 2>/dev/null``): valid
    shell the grammar misreads (it wants a command name next and takes the following line's
    command, or reports one missing). They are blanked before the real parse; they redirect
    nothing the rules look at."""
    spans: list[tuple[int, int]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "command" or not node.children:
            continue
        if node.children[0].type != "variable_assignment":
            continue
        name = node.child_by_field_name("name")
        for child in node.children:
            if child.type != "file_redirect":
                continue
            empty = name is None or name.start_byte == name.end_byte
            if empty or name.start_point[0] > child.end_point[0]:
                spans.append((child.start_byte, child.end_byte))
    return spans


def _blank_line(data: bytes, start: int, length: int) -> bytes:
    return data[:start] + b" " * length + data[start + length :]


def _failure(data: bytes, node) -> ParseFailure:
    row, col_bytes = node.start_point
    line_start = data.rfind(b"\n", 0, node.start_byte) + 1
    column = len(data[line_start : line_start + col_bytes].decode("utf-8", "replace")) + 1
    if node.is_missing:
        what = node.type if node.type.strip() else "token"
        return ParseFailure(f"shell syntax error: missing `{what}`", row + 1, column)
    near = data[node.start_byte : node.end_byte].decode("utf-8", "replace").split("\n")[0]
    return ParseFailure(f"shell syntax error near `{near.strip()[:40]}`", row + 1, column)


class Positions:
    """Byte offsets of the tree to character offsets of the text (per-line tables)."""

    def __init__(self, text: str, data: bytes) -> None:
        self.ascii = len(text) == len(data)
        self.data = data
        if self.ascii:
            return
        self.line_bytes = [0]
        self.line_chars = [0]
        for line in text.split("\n")[:-1]:
            self.line_chars.append(self.line_chars[-1] + len(line) + 1)
            self.line_bytes.append(
                self.line_bytes[-1] + len(line.encode("utf-8", "surrogatepass")) + 1
            )

    def char(self, byte: int) -> int:
        if self.ascii:
            return byte
        line = bisect.bisect_right(self.line_bytes, byte) - 1
        start = self.line_bytes[line]
        return self.line_chars[line] + len(_decode(self.data[start:byte]))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:  # a slice inside a character: count what is there
        return data.decode("utf-8", "replace")


# --- small tree helpers ------------------------------------------------------------------


def _walk(root) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _unwrap(node):
    while node is not None and node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        if body is None:
            break
        node = body
    return node


def _statements(nodes: Iterable[Any]) -> list[Any]:
    return [n for n in nodes if n.is_named and n.type != "comment"]


def _field_children(node, name: str) -> list[Any]:
    return [
        c
        for i, c in enumerate(node.children)
        if node.field_name_for_child(i) == name and c.is_named
    ]


def _if_parts(node) -> tuple[list[Any], list[Any], list[tuple[Any, list[Any]]], list[Any] | None]:
    """(condition nodes, then statements, [(elif condition, statements)], else statements)."""
    conditions = _field_children(node, "condition")
    body: list[Any] = []
    elifs: list[tuple[Any, list[Any]]] = []
    orelse: list[Any] | None = None
    after_then = False
    for child in node.children:
        if child.type == "then":
            after_then = True
        elif child.type == "elif_clause":
            cond: list[Any] = []
            stmts: list[Any] = []
            seen_then = False
            for part in child.children:
                if part.type == "then":
                    seen_then = True
                elif part.is_named and part.type != "comment":
                    (stmts if seen_then else cond).append(part)
            elifs.append((cond[-1] if cond else None, stmts))
        elif child.type == "else_clause":
            orelse = _statements(child.children)
        elif after_then and child.is_named and child.type != "comment":
            body.append(child)
    return conditions, body, elifs, orelse


def _command_name(node) -> str | None:
    node = _unwrap(node)
    if node is None or node.type != "command":
        return None
    name = node.child_by_field_name("name")
    return None if name is None else name.text.decode("utf-8", "replace")


def _arguments(node) -> list[Any]:
    return _field_children(node, "argument")


# --- operands ----------------------------------------------------------------------------


def _unescape(word: str) -> str:
    return re.sub(r"\\(.)", r"\1", word)


def literal(node) -> str | None:
    """The value of a node that expands to fixed text, or None."""
    kind = node.type
    text = node.text.decode("utf-8", "replace")
    if kind in ("word", "number", "extglob_pattern"):
        return _unescape(text)
    if kind == "regex":
        return text
    if kind == "raw_string":
        return text[1:-1]
    if kind == "string":
        parts = []
        for child in node.children:
            if child.type == '"':
                continue
            if child.type == "string_content":
                parts.append(re.sub(r'\\([$`"\\\n])', r"\1", child.text.decode("utf-8", "replace")))
            else:
                return None
        return "".join(parts)
    if kind == "concatenation":
        pieces = [literal(c) for c in node.children]
        return None if any(p is None for p in pieces) else "".join(pieces)  # type: ignore[arg-type]
    return None


@dataclass
class Ref:
    """An operand that is (essentially) one variable expansion."""

    name: str
    node: Any  # the variable_name node
    op: str | None = None
    default: list[Any] = field(default_factory=list)
    prefix: str = ""

    def default_literal(self) -> str | None:
        parts = [literal(d) for d in self.default]
        return None if any(p is None for p in parts) else "".join(parts)  # type: ignore[arg-type]


def expansion_ref(node) -> Ref | None:
    """``$X``, ``${X}``, ``${X:-d}``, ``${X,,}``... as a Ref; None for ``${#X}``, ``${!X}``."""
    if node.type == "simple_expansion":
        name = next((c for c in node.children if c.type in _NAME_TYPES), None)
        return None if name is None else Ref(name.text.decode(), name)
    if node.type != "expansion":
        return None
    inner = [c for c in node.children if c.type not in ("${", "}")]
    if not inner or inner[0].type not in _NAME_TYPES:
        return None  # ${#X}, ${!X}, ${X[0]}
    ref = Ref(inner[0].text.decode(), inner[0])
    if len(inner) > 1:
        ref.op = inner[1].text.decode() if not inner[1].is_named else None
        ref.default = inner[2:] if ref.op else inner[1:]
    return ref


def operand_ref(node) -> Ref | None:
    """The Ref an operand stands for: ``"$X"``, ``${X:-}``, ``"x$X"`` (prefix idiom)."""
    if node.type in _EXPANSIONS:
        return expansion_ref(node)
    if node.type in ("string", "concatenation"):
        inner = [c for c in node.children if c.type != '"']
        prefix = ""
        if len(inner) == 2 and inner[1].type in _EXPANSIONS:
            lead = (
                literal(inner[0]) if inner[0].type != "string_content" else inner[0].text.decode()
            )
            if lead is None:
                return None
            prefix, inner = lead, inner[1:]
        if len(inner) == 1 and inner[0].type in _EXPANSIONS:
            ref = expansion_ref(inner[0])
            if ref is not None:
                ref.prefix = prefix
            return ref
    return None


@dataclass
class Operand:
    node: Any
    lit: str | None
    ref: Ref | None
    quoted: bool


def _operand(node) -> Operand:
    return Operand(node, literal(node), operand_ref(node), node.type in ("string", "raw_string"))


# --- test expressions --------------------------------------------------------------------


@dataclass
class Atom:
    """One primary of a test: ``-z X``, ``X = y``, ``X``, or something else (``other``)."""

    kind: str  # unary | binary | single | other
    op: str = ""
    args: list[Operand] = field(default_factory=list)
    style: str = "["  # [ | [[ | test
    node: Any = None  # the whole test command when the atom is all of it


@dataclass
class Formula:
    op: str  # and | or | not
    parts: list[Any]


def _flatten_test(node) -> list[tuple[str, Any]]:
    """Tokens of a ``[ ]`` / ``[[ ]]`` command: ("op", text) or ("arg", node)."""
    tokens: list[tuple[str, Any]] = []
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        kind = child.type
        if kind in ("[", "]", "[[", "]]"):
            continue
        if kind in ("binary_expression", "unary_expression", "parenthesized_expression"):
            stack.extend(reversed(child.children))
        elif kind == "test_operator" or not child.is_named:
            tokens.append(("op", child.text.decode("utf-8", "replace")))
        elif kind == "comment":
            continue
        else:
            tokens.append(("arg", child))
    return tokens


def _command_test_tokens(node) -> list[tuple[str, Any]] | None:
    name = _command_name(node)
    if name not in ("test", "["):
        return None
    args = _arguments(_unwrap(node))
    if name == "[":
        if not args or args[-1].text != b"]":
            return None
        args = args[:-1]
    tokens: list[tuple[str, Any]] = []
    for arg in args:
        text = arg.text.decode("utf-8", "replace")
        if arg.type == "word" and text in _TEST_WORD_OPS:
            tokens.append(("op", text.replace("\\", "")))
        else:
            tokens.append(("arg", arg))
    return tokens


def _parse_tokens(tokens: list[tuple[str, Any]], style: str, whole) -> Any:
    pos = 0
    n = len(tokens)

    def is_op(i: int, *names: str) -> bool:
        return i < n and tokens[i][0] == "op" and tokens[i][1] in names

    def primary():
        nonlocal pos
        if is_op(pos, "("):
            pos += 1
            inner = disjunction()
            if not is_op(pos, ")"):
                raise ValueError
            pos += 1
            return inner
        if is_op(pos, *_UNARY) and pos + 1 < n and tokens[pos + 1][0] == "arg":
            op = tokens[pos][1]
            pos += 2
            return Atom("unary", op, [_operand(tokens[pos - 1][1])], style)
        if pos < n and tokens[pos][0] == "arg":
            if is_op(pos + 1, *_BINARY) and pos + 2 < n and tokens[pos + 2][0] == "arg":
                left, op, right = tokens[pos][1], tokens[pos + 1][1], tokens[pos + 2][1]
                pos += 3
                return Atom("binary", op, [_operand(left), _operand(right)], style)
            pos += 1
            return Atom("single", "", [_operand(tokens[pos - 1][1])], style)
        raise ValueError

    def negation():
        nonlocal pos
        if is_op(pos, "!"):
            pos += 1
            return Formula("not", [negation()])
        return primary()

    def conjunction():
        nonlocal pos
        parts = [negation()]
        while is_op(pos, "-a", "&&"):
            pos += 1
            parts.append(negation())
        return parts[0] if len(parts) == 1 else Formula("and", parts)

    def disjunction():
        nonlocal pos
        parts = [conjunction()]
        while is_op(pos, "-o", "||"):
            pos += 1
            parts.append(conjunction())
        return parts[0] if len(parts) == 1 else Formula("or", parts)

    try:
        result = disjunction()
    except (ValueError, IndexError):
        return Atom("other")
    if pos != n:
        return Atom("other")
    if isinstance(result, Atom):
        result.node = whole
    return result


def condition(node) -> Any:
    """The formula a condition node tests (atoms of kind ``other`` for anything else)."""
    if node is None:
        return Atom("other")
    node = _unwrap(node)
    kind = node.type
    if kind == "test_command":
        style = "[[" if node.children and node.children[0].type == "[[" else "["
        return _parse_tokens(_flatten_test(node), style, node)
    if kind == "command":
        tokens = _command_test_tokens(node)
        if tokens is not None:
            style = "test" if _command_name(node) == "test" else "["
            return _parse_tokens(tokens, style, node)
        return Atom("other", node=node)
    if kind == "negated_command":
        inner = [c for c in node.children if c.is_named]
        return Formula("not", [condition(inner[0] if inner else None)])
    if kind == "list":
        named = [c for c in node.children if c.is_named]
        ops = [c.type for c in node.children if c.type in ("&&", "||")]
        if len(named) == 2 and len(ops) == 1:
            return Formula("and" if ops[0] == "&&" else "or", [condition(n) for n in named])
    if kind in ("compound_statement", "subshell"):
        inner = _statements(node.children)
        if len(inner) == 1:
            return condition(inner[0])
    return Atom("other", node=node)


def atoms(formula) -> Iterator[Atom]:
    if isinstance(formula, Atom):
        yield formula
    else:
        for part in formula.parts:
            yield from atoms(part)


# --- the analysis ------------------------------------------------------------------------


@dataclass
class Assignment:
    name: str
    start: int  # byte range of the NAME=value text
    end: int
    name_end: int
    value: Any  # value node (None for env-args and bare declarations)
    value_literal: str | None
    kind: str  # plain | export | prefix | env-arg | default | bare
    command: Any = None  # the command a prefix or env-arg assignment applies to


class ShellAnalysis:
    """Facts about one shell text, answering the rules' questions with Sites."""

    def __init__(self, text: str, parsed: Parsed, config, path: str = "") -> None:
        self.text = text
        self.parsed = parsed
        self.root = parsed.root
        self.config = config
        self.path = path
        self.pos = Positions(text, parsed.data)
        self.expansions: list[tuple[Ref, Any]] = []
        self.assignments: list[Assignment] = []
        self.assigned: set[str] = set()
        self.ifs: list[Any] = []
        self.lists: list[Any] = []
        self.cases: list[Any] = []
        self.commands: list[Any] = []
        self.functions: dict[str, Any] = {}
        self._collect()

    # Collection ---------------------------------------------------------------------------

    def _collect(self) -> None:
        for node in _walk(self.root):
            kind = node.type
            if kind in _EXPANSIONS:
                ref = expansion_ref(node)
                if ref is not None:
                    self.expansions.append((ref, node))
                    if ref.op in (":=", "="):
                        self.assigned.add(ref.name)
            elif kind == "variable_assignment":
                self._assignment(node)
            elif kind == "declaration_command":
                for child in node.children:
                    if child.type == "variable_name":
                        name = child.text.decode()
                        self.assigned.add(name)
                        self.assignments.append(
                            Assignment(
                                name,
                                child.start_byte,
                                child.end_byte,
                                child.end_byte,
                                None,
                                None,
                                "bare",
                            )
                        )
            elif kind == "if_statement":
                self.ifs.append(node)
            elif kind == "list":
                self.lists.append(node)
            elif kind == "case_statement":
                self.cases.append(node)
            elif kind == "command":
                self.commands.append(node)
                self._command(node)
            elif kind == "for_statement":
                var = node.child_by_field_name("variable")
                if var is not None:
                    self.assigned.add(var.text.decode())
            elif kind == "function_definition":
                name = node.child_by_field_name("name")
                body = node.child_by_field_name("body")
                if name is not None and body is not None:
                    self.functions[name.text.decode()] = body

    def _assignment(self, node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None or name_node.type != "variable_name":
            return
        name = name_node.text.decode()
        value = node.child_by_field_name("value")
        parent = node.parent
        kind = "plain"
        command = None
        if parent is not None and parent.type == "declaration_command":
            kind = "export"
        elif parent is not None and parent.type == "command":
            kind, command = "prefix", parent
        self.assigned.add(name)
        self.assignments.append(
            Assignment(
                name,
                node.start_byte,
                node.end_byte,
                name_node.end_byte,
                value,
                "" if value is None else literal(value),
                kind,
                command,
            )
        )

    def _command(self, node) -> None:
        name = _command_name(node)
        args = _arguments(node)
        if name in ("env", "cross-env", "cross-env-shell"):
            for arg in args:
                text = arg.text.decode("utf-8", "replace")
                if text.startswith("-"):
                    continue
                match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)=", text)
                if not match:
                    break
                value = text[match.end() :] if arg.type == "word" else None
                self.assigned.add(match.group(1))
                self.assignments.append(
                    Assignment(
                        match.group(1),
                        arg.start_byte,
                        arg.end_byte,
                        arg.start_byte + match.end(1),
                        None,
                        None if value is None else _unescape(value),
                        "env-arg",
                        node,
                    )
                )
        elif name in ("read", "getopts", "mapfile", "readarray", "local", "typeset"):
            for arg in args:
                text = arg.text.decode("utf-8", "replace")
                if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
                    self.assigned.add(text)

    # Positions ----------------------------------------------------------------------------

    def span(self, node_or_start, end: int | None = None) -> tuple[int, int]:
        if end is None:
            return self.pos.char(node_or_start.start_byte), self.pos.char(node_or_start.end_byte)
        return self.pos.char(node_or_start), self.pos.char(end)

    def site(self, node, message: str, **kwargs) -> Site:
        start, end = self.span(node)
        return Site(start, end, message, **kwargs)

    # Derived names ------------------------------------------------------------------------

    @cached_property
    def mode_vars(self) -> dict[str, bool]:
        """Variables holding the mode: INTEGRATION_MODE and those assigned from it.

        The value says whether comparisons on it are checkable (False after ``^^``-style
        upper-casing, which makes upper-case spellings legitimate).
        """
        result = {MODE_VAR: True}
        changed = True
        while changed:
            changed = False
            for asg in self.assignments:
                if asg.name in result or asg.value is None:
                    continue
                ref = operand_ref(asg.value)
                checkable = self._mode_ref(ref, result)
                if checkable is not None:
                    result[asg.name] = checkable
                    changed = True
        return result

    @staticmethod
    def _mode_ref(ref: Ref | None, known: dict[str, bool]) -> bool | None:
        """Whether ``ref`` reads a mode variable (directly or as its default); None if not."""
        depth = 0
        while ref is not None and depth < 8:
            if ref.prefix:
                return None
            if ref.name in known:
                return known[ref.name] and not (ref.op or "").startswith("^")
            if ref.op in (":-", "-") and len(ref.default) == 1:
                ref = operand_ref(ref.default[0])
                depth += 1
                continue
            return None
        return None

    @cached_property
    def env_aliases(self) -> dict[str, str]:
        """``DB="${DB_URL:-}"``: local names that only copy another (environment) variable."""
        sources: dict[str, set[str]] = {}
        for asg in self.assignments:
            ref = operand_ref(asg.value) if asg.value is not None else None
            ok = ref is not None and not ref.prefix and (ref.default_literal() or "") == ""
            sources.setdefault(asg.name, set()).add(ref.name if ok and ref else "")
        return {n: next(iter(s)) for n, s in sources.items() if len(s) == 1 and "" not in s}

    def _env_name(self, name: str) -> str | None:
        """The environment variable ``name`` stands for, or None for script-local names."""
        name = self.env_aliases.get(name, name)
        if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", name) or name in self.mode_vars:
            return None
        if name in self.assigned and name not in self.env_aliases:
            return None
        if self.config.is_allowed_env(name):
            return None
        return name

    # Exits --------------------------------------------------------------------------------

    def _ends_in_success(self, statements: list[Any], start_ok: bool) -> str | None:
        """The ``exit``/``return`` that ends ``statements`` with status 0 after only printing."""
        status_ok = start_ok
        for stmt in statements:
            stmt = _unwrap(stmt)
            if stmt.type == "compound_statement":
                return self._ends_in_success(_statements(stmt.children), status_ok)
            name = _command_name(stmt)
            if name in ("exit", "return"):
                args = _arguments(stmt)
                if not args:
                    return name if status_ok else None
                return f"{name} 0" if literal(args[0]) == "0" else None
            if name is None:
                return None
            if name in _OUTPUT_COMMANDS or _LOGGING.search(name):
                status_ok = True
                continue
            return None
        return None

    def _fails(self, statements: list[Any], depth: int = 0) -> bool:
        """True when ``statements`` exit or return non-zero (directly or through a function)."""
        for index, stmt in enumerate(statements):
            stmt = _unwrap(stmt)
            if stmt.type == "compound_statement":
                if self._fails(_statements(stmt.children), depth):
                    return True
                continue
            name = _command_name(stmt)
            if name in ("exit", "return"):
                args = _arguments(stmt)
                return bool(args) and literal(args[0]) != "0"
            if name == "false" and index == len(statements) - 1:
                return True
            if name in _FAILING_COMMANDS:
                return True
            if name in self.functions and depth < 4:
                body = self.functions[name]
                if self._fails(_statements(body.children), depth + 1):
                    return True
        return False

    # Questions ----------------------------------------------------------------------------

    @cached_property
    def _toggle_gate_fixes(self) -> dict[int, tuple[int, int, str]]:
        """Toggle expansions that are the whole operand of a one-atom test: the test rewrite."""
        fixes: dict[int, tuple[int, int, str]] = {}
        for node in self._test_nodes:
            formula = condition(node)
            if not isinstance(formula, Atom) or formula.node is None:
                continue
            live = self._toggle_atom_live(formula)
            if live is None:
                continue
            ref_node, is_live = live
            test = facts.CLUSTER_TEST if is_live else facts.NOT_CLUSTER_TEST
            if formula.style == "[[":
                content = f"[[ {test} ]]"
            elif formula.style == "test":
                content = f"test {test}"
            else:
                content = f"[ {test} ]"
            start, end = self.span(formula.node)
            fixes[ref_node.start_byte] = (start, end, content)
        return fixes

    @cached_property
    def _test_nodes(self) -> list[Any]:
        """Every ``[ ]``, ``[[ ]]`` and ``test`` command."""
        return [
            node
            for node in _walk(self.root)
            if node.type == "test_command"
            or (node.type == "command" and _command_name(node) in ("test", "["))
        ]

    def _toggle_atom_live(self, atom: Atom) -> tuple[Any, bool] | None:
        """For a one-atom test on a legacy toggle: (the toggle's name node, tests-for-live)."""
        refs = [a.ref for a in atom.args if a.ref is not None]
        if len(refs) != 1 or refs[0].prefix or not self.config.is_legacy_toggle(refs[0].name):
            return None
        ref = refs[0]
        if atom.kind == "single":
            return ref.node, True
        if atom.kind == "unary" and atom.op in ("-n", "-z"):
            return ref.node, atom.op == "-n"
        if atom.kind == "binary" and atom.op in ("=", "==", "!="):
            other = atom.args[1] if atom.args[0].ref is ref else atom.args[0]
            if other.lit is None or other.ref is not None:
                return None
            meaning = facts.toggle_mode(other.lit)
            if meaning is None:
                return None
            is_live = (meaning == "cluster") == (atom.op != "!=")
            return ref.node, is_live
        return None

    def legacy_toggles(self) -> list[Site]:
        config = self.config
        sites: list[Site] = []
        gate_fixes = self._toggle_gate_fixes
        for ref, node in self.expansions:
            if not config.is_legacy_toggle(ref.name):
                continue
            fix = gate_fixes.get(ref.node.start_byte)
            kwargs = {}
            if fix is not None:
                kwargs = {
                    "edits": (fix,),
                    "fix_message": f"Test INTEGRATION_MODE instead of {ref.name}",
                }
            sites.append(self.site(node, facts.toggle_read_message(ref.name), **kwargs))
        mode_assigned = any(a.name == MODE_VAR for a in self.assignments)
        for asg in self.assignments:
            if not config.is_legacy_toggle(asg.name):
                continue
            start, name_end = self.span(asg.start, asg.name_end)
            kwargs = {}
            mode = facts.toggle_mode(asg.value_literal)
            if mode and asg.kind in ("plain", "export", "prefix", "env-arg") and not mode_assigned:
                a, b = self.span(asg.start, asg.end)
                kwargs = {
                    "edits": ((a, b, f"{MODE_VAR}={mode}"),),
                    "safe": False,
                    "fix_message": f"Set INTEGRATION_MODE={mode} instead of {asg.name}",
                }
            message = (
                facts.toggle_read_message(asg.name)
                if asg.kind == "bare"
                else facts.toggle_set_message(asg.name)
            )
            sites.append(Site(start, name_end, message, **kwargs))
        return sites

    def invalid_modes(self) -> list[Site]:
        sites: list[Site] = []
        modes = self.mode_vars
        for asg in self.assignments:
            if asg.name not in modes or asg.value is None or asg.value_literal in (None, ""):
                continue
            sites.extend(self._bad_value(asg.value, asg.value_literal, "set to"))
        for asg in self.assignments:
            if asg.kind == "env-arg" and asg.name in modes and asg.value_literal:
                value = asg.value_literal
                if value not in facts.VALID_MODES:
                    start, end = self.span(asg.name_end + 1, asg.end)
                    sites.append(self._value_site(start, end, value, "set to"))
        for ref, _node in self.expansions:
            if ref.name in modes and ref.op in (":-", "-", ":=", "="):
                value = ref.default_literal()
                if value and value not in facts.VALID_MODES and len(ref.default) == 1:
                    sites.extend(self._bad_value(ref.default[0], value, "defaults to"))
        for atom in self._all_atoms():
            if atom.kind != "binary" or atom.op not in ("=", "==", "!="):
                continue
            for mine, other in ((0, 1), (1, 0)):
                ref = atom.args[mine].ref
                if ref is None or ref.prefix or _is_ref(atom, other):
                    continue
                if self._mode_ref(ref, modes) is not True:
                    continue
                value = atom.args[other].lit
                if value is None or value == "":
                    continue
                pattern = atom.style == "[[" and not atom.args[other].quoted and other == 1
                if pattern and _pattern_matches_mode(value) is not False:
                    continue
                if not pattern and value in facts.VALID_MODES:
                    continue
                sites.extend(self._bad_value(atom.args[other].node, value, "compared with"))
        for case in self.cases:
            subject = case.child_by_field_name("value")
            ref = operand_ref(subject) if subject is not None else None
            if ref is None or self._mode_ref(ref, modes) is not True or ref.prefix:
                continue
            for item in (c for c in case.children if c.type == "case_item"):
                for pattern in _field_children(item, "value"):
                    value = literal(pattern)
                    if value is None or value == "" or _pattern_matches_mode(value) is not False:
                        continue
                    sites.extend(self._bad_value(pattern, value, "matched against"))
        return sites

    def _bad_value(self, node, value: str, how: str) -> list[Site]:
        if value in facts.VALID_MODES:
            return []
        start, end = self.span(node)
        return [self._value_site(start, end, value, how)]

    def _value_site(self, start: int, end: int, value: str, how: str) -> Site:
        message = facts.invalid_mode_message(value, how)
        fixed = facts.mode_spelling_fix(value)
        if fixed is None:
            return Site(start, end, message)
        raw = self.text[start:end]
        if raw.strip("\"'") != value:
            return Site(start, end, message)
        quote = raw[0] if raw[:1] in ("'", '"') else ""
        return Site(
            start,
            end,
            message,
            edits=((start, end, f"{quote}{fixed}{quote}"),),
            fix_message=f"Use {fixed!r}",
        )

    def _all_atoms(self) -> Iterator[Atom]:
        for node in self._test_nodes:
            yield from atoms(condition(node))

    def _env_atom(self, atom: Atom) -> tuple[str, str, str] | None:
        """(polarity, environment name, written name) for an env-missing/-present atom."""
        if atom.kind == "unary" and atom.op == "-v" and atom.args[0].lit:
            name = self._env_name(atom.args[0].lit)
            return ("present", name, "") if name else None
        refs = [a.ref for a in atom.args]
        if atom.kind == "unary" and atom.op in ("-z", "-n") and refs[0] is not None:
            ref = refs[0]
            name = self._env_name(ref.name)
            if name is None or ref.prefix:
                return None
            if ref.op in (":+", "+") and ref.default_literal():
                kind = "missing" if atom.op == "-z" else "present"
                return kind, name, ""
            if ref.op not in (None, ":-", "-") or (ref.default_literal() or "") != "":
                return None
            return ("missing" if atom.op == "-z" else "present"), name, ref.name
        if atom.kind == "single" and refs[0] is not None and not refs[0].prefix:
            name = self._env_name(refs[0].name)
            if name and refs[0].op in (None, ":-", "-") and not refs[0].default_literal():
                return "present", name, refs[0].name
            return None
        if atom.kind == "binary" and atom.op in ("=", "==", "!="):
            for mine, other in ((0, 1), (1, 0)):
                ref = refs[mine]
                lit = atom.args[other].lit
                if ref is None or lit is None or lit != ref.prefix or _is_ref(atom, other):
                    continue
                name = self._env_name(ref.name)
                if name is None or ref.op not in (None, ":-", "-") or ref.default_literal():
                    return None
                kind = "missing" if atom.op in ("=", "==") else "present"
                return kind, name, ref.name if not ref.prefix else ""
        return None

    def _gate(self, formula) -> tuple[str, list[str], list[str]] | None:
        """(polarity, env names, fixable written names) when every atom is an env test."""
        polarities: set[str] = set()
        names: list[str] = []
        written: list[str] = []
        ops: set[str] = set()

        def visit(f, negate: bool) -> bool:
            if isinstance(f, Formula):
                if f.op == "not":
                    return visit(f.parts[0], not negate)
                ops.add({"and": "or", "or": "and"}[f.op] if negate else f.op)
                return all(visit(p, negate) for p in f.parts)
            found = self._env_atom(f)
            if found is None:
                return False
            kind, name, wrote = found
            if negate:
                kind = "present" if kind == "missing" else "missing"
            polarities.add(kind)
            if name not in names:
                names.append(name)
            written.append(wrote)
            return True

        if not visit(formula, False) or len(polarities) != 1:
            return None
        polarity = polarities.pop()
        # A fix keeps "fail in cluster when any is missing": only for single tests and
        # "any missing" shapes of -z / = "" tests.
        any_missing = (polarity == "missing" and ops <= {"or"}) or (
            polarity == "present" and ops <= {"and"}
        )
        fixable = written if any_missing and all(written) else []
        return polarity, names, fixable

    def skip_gates(self) -> list[Site]:
        sites = self._skip_gates()
        # An exit after the last suite command skips nothing: it ends an optional step that
        # follows the run (a notification, a coverage upload).
        last = max(self._suite_starts(), default=None)
        if last is None:
            return sites
        limit = self.pos.char(last)
        return [site for site in sites if site.start < limit]

    def _suite_starts(self) -> list[int]:
        """Where suites run: test commands, and the calls of functions that hold one."""
        starts: list[int] = []
        functions: set[str] = set()
        for cmd, argv in self._argvs():
            if not runs_tests(argv):
                continue
            starts.append(cmd.start_byte)
            up = cmd.parent
            while up is not None and up.type != "function_definition":
                up = up.parent
            name = up.child_by_field_name("name") if up is not None else None
            if name is not None:
                functions.add(name.text.decode("utf-8", "replace"))
        if functions:
            starts.extend(cmd.start_byte for cmd, argv in self._argvs() if argv[0] in functions)
        return starts

    def _skip_gates(self) -> list[Site]:
        sites: list[Site] = []
        for node in self.ifs:
            conditions, body, elifs, orelse = _if_parts(node)
            if not conditions or self._in_subshell(node):
                continue
            gate = self._gate(condition(conditions[-1]))
            if gate is None:
                continue
            polarity, names, fixable = gate
            exit_then = self._ends_in_success(body, True) if polarity == "missing" else None
            if exit_then:
                fix = None
                if not elifs and orelse is None:
                    fix = self._skip_fix(node, node, fixable)
                sites.append(self._skip_site(node, conditions[-1], names, exit_then, fix))
            elif polarity == "present" and orelse is not None and not elifs:
                exit_else = self._ends_in_success(orelse, False)
                if exit_else:
                    sites.append(self._skip_site(node, conditions[-1], names, exit_else, None))
        for node in self.lists:
            named = [c for c in node.children if c.is_named]
            ops = [c.type for c in node.children if c.type in ("&&", "||")]
            if len(named) != 2 or len(ops) != 1 or (node.parent and node.parent.type == "list"):
                continue
            if self._in_subshell(node):
                continue
            gate = self._gate(condition(named[0]))
            if gate is None:
                continue
            polarity, names, fixable = gate
            wanted = "missing" if ops[0] == "&&" else "present"
            exits = self._ends_in_success([named[1]], ops[0] == "&&")
            if polarity != wanted or not exits:
                continue
            sites.append(
                self._skip_site(node, named[0], names, exits, self._skip_fix(node, None, fixable))
            )
        return sites

    def _skip_site(self, node, cond, names: list[str], exits: str, fix) -> Site:
        start = self.span(node)[0]
        end = self.span(cond)[1]
        message = (
            f"`{exits}` skips the run based on {facts.names_text(names)}; use mocks in repo mode "
            "and fail fast in cluster mode"
        )
        if fix is None:
            return Site(start, end, message)
        return Site(start, end, message, edits=(fix,), fix_message="Fail in cluster mode instead")

    def _skip_fix(self, node, if_node, names: list[str]) -> tuple[int, int, str] | None:
        if not names or any(c.type == "comment" for c in _walk(node)):
            return None
        start, end = self.span(node)
        asserts = [f': "${{{n}:?INTEGRATION_MODE=cluster requires {n}}}"' for n in names]
        line_start = self.text.rfind("\n", 0, start) + 1
        indent = self.text[line_start:start]
        if indent.strip() or if_node is None:
            content = f"if [ {facts.CLUSTER_TEST} ]; then " + "; ".join(asserts) + "; fi"
            return start, end, content
        _, body, _, _ = _if_parts(if_node)
        unit = "  "
        if body:
            b_start = self.span(body[0])[0]
            b_line = self.text.rfind("\n", 0, b_start) + 1
            b_indent = self.text[b_line:b_start]
            if not b_indent.strip() and len(b_indent) > len(indent) and b_line > line_start:
                unit = b_indent[len(indent) :]
        newline = "\r\n" if "\r\n" in self.text[start:end] else "\n"
        lines = [f"if [ {facts.CLUSTER_TEST} ]; then"]
        lines += [f"{indent}{unit}{a}" for a in asserts]
        lines.append(f"{indent}fi")
        return start, end, newline.join(lines)

    def heuristics(self) -> list[Site]:
        config = self.config
        sites: list[Site] = []
        for ref, node in self.expansions:
            if config.is_mode_alias(ref.name):
                sites.append(self.site(node, facts.alias_message(ref.name)))
        for node in self.ifs:
            conditions, body, elifs, orelse = _if_parts(node)
            branches = [body, *(stmts for _, stmts in elifs), orelse or []]
            if not any(self._decides_mode(stmts) for stmts in branches):
                continue
            for cond in conditions[-1:] + [c for c, _ in elifs if c is not None]:
                sites.extend(self._heuristic_refs(cond))
        for node in self.lists:
            named = [c for c in node.children if c.is_named]
            if len(named) == 2 and self._decides_mode([named[1]]):
                sites.extend(self._heuristic_refs(named[0]))
        for case in self.cases:
            subject = case.child_by_field_name("value")
            items = [c for c in case.children if c.type == "case_item"]
            if subject is not None and any(
                self._decides_mode(_statements(i.children)) for i in items
            ):
                sites.extend(self._heuristic_refs(subject))
        for asg in self.assignments:
            if asg.value is not None and (asg.name in self.mode_vars):
                sites.extend(self._heuristic_refs(asg.value))
        return sites

    def _heuristic_refs(self, node) -> list[Site]:
        found = []
        for sub in _walk(node):
            if sub.type in _EXPANSIONS:
                ref = expansion_ref(sub)
                if ref is not None and self.config.is_heuristic_var(ref.name):
                    found.append(self.site(sub, facts.heuristic_message(ref.name)))
            elif sub.type == "word" and sub.parent is not None:
                prev = sub.prev_sibling
                if (
                    prev is not None
                    and prev.text == b"-v"
                    and self.config.is_heuristic_var(sub.text.decode())
                ):
                    found.append(self.site(sub, facts.heuristic_message(sub.text.decode())))
        return found

    def _decides_mode(self, statements: list[Any]) -> bool:
        """True when ``statements`` set the mode, a toggle, an alias, or ``*MODE*=cluster``."""
        spans = self._deciding_assignments
        return any(
            stmt.start_byte <= start and end <= stmt.end_byte
            for stmt in statements
            for start, end in spans
        )

    @cached_property
    def _deciding_assignments(self) -> list[tuple[int, int]]:
        """Byte ranges of the assignments ``_decides_mode`` looks for, found in one walk (a walk
        per branch is quadratic in the nesting depth)."""
        config = self.config
        spans = []
        for sub in _walk(self.root):
            if sub.type != "variable_assignment":
                continue
            name_node = sub.child_by_field_name("name")
            value_node = sub.child_by_field_name("value")
            name = name_node.text.decode() if name_node is not None else ""
            value = literal(value_node) if value_node is not None else None
            if (
                name in self.mode_vars
                or config.is_legacy_toggle(name)
                or config.is_mode_alias(name)
                or (value in facts.VALID_MODES and ("MODE" in name.upper() or value == "cluster"))
            ):
                spans.append((sub.start_byte, sub.end_byte))
        return spans

    def _in_subshell(self, node) -> bool:
        """True inside ``( ... )`` or ``$( ... )``, where ``exit`` leaves only the subshell."""
        return node.id in self._subshell_nodes

    @cached_property
    def _subshell_nodes(self) -> set[int]:
        """Ids of the nodes below a subshell, found in one walk (walking up from every node is
        quadratic in the nesting depth, and each step up is itself a walk down from the root)."""
        inside: set[int] = set()
        stack = [(self.root, False)]
        while stack:
            node, below = stack.pop()
            if below:
                inside.add(node.id)
            below = below or node.type in (
                "subshell",
                "command_substitution",
                "process_substitution",
            )
            stack.extend((child, below) for child in node.children)
        return inside

    # Runners ------------------------------------------------------------------------------

    def argvs(self) -> Iterator[list[str]]:
        for _cmd, words in self._argvs():
            yield words

    def _argvs(self) -> Iterator[tuple[Any, list[str]]]:
        for cmd in self.commands:
            name = cmd.child_by_field_name("name")
            if name is None:
                continue
            words = [name.text.decode("utf-8", "replace")]
            for arg in _arguments(cmd):
                value = literal(arg)
                if value is None:
                    value = arg.text.decode("utf-8", "replace").strip("\"'")
                words.append(value)
            yield cmd, words

    def is_runner(self) -> bool:
        """A runner by name, or a script that runs a test suite."""
        if _RUNNER_NAME.match(os.path.basename(self.path)):
            return True
        return any(runs_tests(argv) for argv in self.argvs())

    def delegates(self) -> bool:
        """True when the script runs or sources another runner or the shared mode helper.

        That script decides the mode (and is linted on its own), so this one need not.
        """
        return any(_DELEGATE.search(word) for argv in self.argvs() for word in argv)

    def mode_reads(self) -> list[Ref]:
        return [ref for ref, _ in self.expansions if ref.name == MODE_VAR]

    def validates_mode(self) -> bool:
        modes = self.mode_vars
        for case in self.cases:
            subject = case.child_by_field_name("value")
            ref = operand_ref(subject) if subject is not None else None
            if ref is None or ref.name not in modes or ref.prefix:
                continue
            arm = self._case_arm(case, _BOGUS)
            if arm is not None and self._fails(_statements(arm.children)):
                return True
        for node in self.ifs:
            conditions, body, elifs, orelse = _if_parts(node)
            if not conditions:
                continue
            chain = [(conditions[-1], body), *elifs]
            outcome = self._branch_for(chain, orelse, _BOGUS)
            if outcome is not None and self._fails(outcome):
                return True
        for node in self.lists:
            named = [c for c in node.children if c.is_named]
            ops = [c.type for c in node.children if c.type in ("&&", "||")]
            if len(named) != 2 or len(ops) != 1:
                continue
            value = self._evaluate(condition(named[0]), _BOGUS)
            if value is None:
                continue
            runs_rhs = (value and ops[0] == "&&") or (not value and ops[0] == "||")
            if runs_rhs and self._fails([named[1]]):
                return True
        return False

    def _case_arm(self, case, value: str):
        for item in (c for c in case.children if c.type == "case_item"):
            for pattern in _field_children(item, "value"):
                text = literal(pattern)
                quoted = pattern.type in ("string", "raw_string")
                if text is not None and _glob(value, text, not quoted):
                    return item
        return None

    def _branch_for(self, chain, orelse, value: str) -> list[Any] | None:
        for cond, stmts in chain:
            result = self._evaluate(condition(cond), value)
            if result is None:
                return None
            if result:
                return stmts
        return orelse

    def _evaluate(self, formula, value: str) -> bool | None:
        """The truth of a test on mode variables when the mode is ``value`` (None: unknown)."""
        if isinstance(formula, Formula):
            results = [self._evaluate(p, value) for p in formula.parts]
            if any(r is None for r in results):
                return None
            if formula.op == "not":
                return not results[0]
            return all(results) if formula.op == "and" else any(results)
        atom = formula
        modes = self.mode_vars
        if atom.kind == "unary" and atom.op in ("-z", "-n") and atom.args[0].ref:
            if self._mode_ref(atom.args[0].ref, modes) is None:
                return None
            return atom.op == "-n"
        if atom.kind != "binary" or atom.op not in ("=", "==", "!=", "=~"):
            return None
        left, right = atom.args
        if left.ref is None or self._mode_ref(left.ref, modes) is None or right.ref is not None:
            if right.ref is not None and left.lit is not None and atom.op != "=~":
                if self._mode_ref(right.ref, modes) is None:
                    return None
                equal = right.ref.prefix + value == left.lit
                return equal if atom.op != "!=" else not equal
            return None
        subject = left.ref.prefix + value
        if right.lit is None:
            return None
        if atom.op == "=~":
            try:
                return re.search(right.lit, subject) is not None
            except re.error:
                return None
        pattern = atom.style == "[[" and not right.quoted
        equal = _glob(subject, right.lit, pattern)
        return equal if atom.op != "!=" else not equal

    def runner_problem(self, role: str) -> Site | None:
        if role not in ("runner", "suite") or not self.is_runner():
            return None
        if not self.commands:  # an empty or comment-only script runs nothing
            return None
        if role == "suite" and not any(runs_tests(argv) for argv in self.argvs()):
            return None
        if self.delegates():
            return None
        reads = self.mode_reads()
        if not reads:
            first = self.text.split("\n", 1)[0]
            return Site(
                0,
                len(first.rstrip("\r")),
                "runner never reads INTEGRATION_MODE; parse it once and reject unknown values "
                "(lint-integration init --runner writes a template)",
            )
        if self.validates_mode():
            return None
        first = min(reads, key=lambda r: r.node.start_byte)
        return self.site(
            first.node,
            "runner reads INTEGRATION_MODE without rejecting unknown values; add a case with a "
            "failing *) arm",
        )

    # Embedded-script questions ------------------------------------------------------------

    def sets_mode(self) -> bool:
        """True when the script assigns INTEGRATION_MODE (``export``, ``X=v cmd``, ``env``)."""
        return any(a.name == MODE_VAR and a.kind != "bare" for a in self.assignments)


def _is_ref(atom: Atom, index: int) -> bool:
    """True when operand ``index`` of ``atom`` is a variable expansion."""
    return atom.args[index].ref is not None


def _glob(value: str, pattern: str, is_pattern: bool) -> bool:
    if not is_pattern or not re.search(r"[*?\[]", pattern):
        return value == pattern
    return fnmatch.fnmatchcase(value, pattern)


def _pattern_matches_mode(pattern: str) -> bool | None:
    """Whether a case/``[[ == ]]`` pattern can match a valid mode (None: cannot tell)."""
    if re.search(r"[@!+]\(", pattern) or "(" in pattern:
        return None
    if pattern in ("*", "?*", "*?"):
        return True
    return any(_glob(mode, pattern, True) for mode in facts.VALID_MODES)


# --- frontend protocol -------------------------------------------------------------------


def might_match(raw: bytes, role: str, config) -> bool:
    """Runner and suite scripts are always read: runner-validates-mode fires on absence and
    no-skip-on-env on any variable name. Elsewhere every shell rule needs INTEGRATION_MODE, a
    legacy toggle or a mode alias to be named in the text."""
    if role in ("runner", "suite"):
        return True
    if MODE_VAR.encode() in raw:
        return True
    return facts.contains_any_name(raw, tuple(config.legacy_toggles)) or facts.contains_any_name(
        raw, tuple(config.mode_aliases)
    )


def analyze_text(text: str, config, path: str = "") -> ShellAnalysis:
    """Analyse shell ``text`` (raises ParseFailure when it cannot be read)."""
    return ShellAnalysis(text, parse(text), config, path)


def analyze_embedded(text: str, config) -> ShellAnalysis | None:
    """Analyse a script embedded in another file; None when it cannot be parsed."""
    try:
        return analyze_text(text, config)
    except (ParseFailure, RecursionError):
        return None


def analyze(ctx) -> ShellAnalysis:
    return analyze_text(ctx.text, ctx.config, ctx.relpath)
