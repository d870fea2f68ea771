"""Find the LibCST node of the construct an ``ast`` node stands for.

Analysis runs on CPython's ``ast``; fixes rewrite LibCST trees and match nodes by identity. The
bridge is the source span: both sides are brought to one convention (1-based line, 1-based
character column, end exclusive, the numbers ``ast`` gives once its UTF-8 byte columns are
turned into characters) and the LibCST node of the corresponding type with the same span is
the answer. Where the two trees disagree on what a span covers, the LibCST side is adjusted to
the ``ast`` convention: a tuple or generator expression includes one pair of parentheses (a
bare generator argument, the call's), a parameter starts at its name and ends after its
annotation. (Both start a decorated definition at ``def``/``class``, and both leave out the
parentheses LibCST counts as a node's own.) ``ast`` nodes without positions (``arguments``,
``comprehension``, ``withitem``, ``match_case``) get a span made from their children, computed
the same way on both sides.

LibCST's code (and so its positions) lacks some whitespace of the source: a form feed opening a
statement line, whitespace or a line continuation between ``except TYPE`` and its colon. Given
the source text, the locator aligns the two and maps LibCST positions back onto the text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from lint_integration.languages.python.positions import char_column
from lint_integration.textio import split_lines

Span = tuple[tuple[int, int], tuple[int, int]]
_Pos = tuple[int, int]  # LibCST coordinates: 1-based line, 0-based column of LibCST's code


class SourceLines:
    """The text's lines, converting ``ast`` UTF-8 byte columns into character columns."""

    def __init__(self, source: str | Sequence[str]) -> None:
        if isinstance(source, str):
            lines = split_lines(source[1:] if source.startswith("\ufeff") else source)
        else:
            lines = list(source)
            if lines and lines[0].startswith("\ufeff"):
                lines[0] = lines[0][1:]
        self.lines = lines

    def char_column(self, line: int, byte_col: int) -> int:
        """0-based character column of the 0-based UTF-8 byte column ``byte_col``."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return char_column(text, byte_col)

    def span(self, node: ast.AST) -> Span | None:
        return _ast_span(self, node)


def ast_span(source: CstLocator | SourceLines | str | Sequence[str], node: ast.AST) -> Span | None:
    """The 1-based character span of ``node`` (end exclusive), or None when it has none.

    ``source`` is the text the tree was parsed from (BOM-free, as ``textio`` decodes it), its
    lines, a ``SourceLines`` or a ``CstLocator`` (which caches the conversion).
    """
    if isinstance(source, CstLocator):
        return source.ast_span(node)
    if not isinstance(source, SourceLines):
        source = SourceLines(source)
    return _ast_span(source, node)


def _ast_span(lines: SourceLines, node: ast.AST) -> Span | None:
    lineno = getattr(node, "lineno", None)
    if lineno is not None:
        end_lineno = getattr(node, "end_lineno", None)
        col = getattr(node, "col_offset", None)
        end_col = getattr(node, "end_col_offset", None)
        if end_lineno is None or col is None or end_col is None:
            return None
        return (
            (lineno, lines.char_column(lineno, col) + 1),
            (end_lineno, lines.char_column(end_lineno, end_col) + 1),
        )
    if isinstance(node, ast.arguments):
        parts: list[ast.AST] = [*node.posonlyargs, *node.args, *node.kwonlyargs]
        parts += [a for a in (node.vararg, node.kwarg) if a is not None]
        parts += [*node.defaults, *(d for d in node.kw_defaults if d is not None)]
        return _hull([_ast_span(lines, p) for p in parts])
    if isinstance(node, ast.comprehension):
        first = _ast_span(lines, node.target)
        last = _hull([_ast_span(lines, p) for p in (node.iter, *node.ifs)])
        return _join(first, last)
    if isinstance(node, ast.withitem):
        first = _ast_span(lines, node.context_expr)
        last = _ast_span(lines, node.optional_vars or node.context_expr)
        return _join(first, last)
    match_case = getattr(ast, "match_case", None)
    if match_case is not None and isinstance(node, match_case):
        return _join(_ast_span(lines, node.pattern), _ast_span(lines, node.body[-1]))
    return None


def _hull(spans: Sequence[Span | None]) -> Span | None:
    if not spans or any(s is None for s in spans):
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)  # type: ignore[index]


def _join(first: Span | None, last: Span | None) -> Span | None:
    if first is None or last is None:
        return None
    return first[0], last[1]


def _advance(pos: _Pos, text: str) -> _Pos:
    """The position after ``text`` written at ``pos`` (whitespace with line continuations)."""
    lines = split_lines(text + "x")
    if len(lines) == 1:
        return pos[0], pos[1] + len(text)
    return pos[0] + len(lines) - 1, len(lines[-1]) - 1


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# What LibCST's code may lack of the text: a form feed opening a statement line, the whitespace
# (and line continuation) between ``except TYPE`` and its colon.
_DROPPABLE = frozenset(" \t\f\\\r\n")


def _align(text: str, code: str) -> dict[int, tuple[int, list[tuple[int, int]] | None]] | None:
    """Where each line of LibCST's ``code`` lies in ``text``, which it renders with some
    whitespace missing; None when ``code`` is not ``text`` less such whitespace.

    Lines are compared whole; where they differ, characters are matched one by one (a text
    character that does not match is one LibCST dropped) until both sides end a line together.
    """
    ours = _LINE.findall(text)
    theirs = _LINE.findall(code)
    moved: dict[int, tuple[int, list[tuple[int, int]] | None]] = {}
    i = j = 0
    while j < len(theirs):
        if i < len(ours) and ours[i] == theirs[j]:
            if i != j:
                moved[j + 1] = (i + 1, None)
            i += 1
            j += 1
            continue
        t_col = 0
        while True:  # one LibCST line after another until the two sides end a line together
            if j >= len(theirs):
                break
            line = theirs[j]
            columns: list[tuple[int, int]] = []
            for char in line:
                while i < len(ours) and ours[i][t_col] != char:
                    if ours[i][t_col] not in _DROPPABLE:
                        return None
                    t_col += 1
                    if t_col == len(ours[i]):
                        i, t_col = i + 1, 0
                if i >= len(ours):
                    return None
                columns.append((i + 1, t_col))
                t_col += 1
                if t_col == len(ours[i]):
                    i, t_col = i + 1, 0
            columns.append((i + 1, t_col) if t_col else (i, len(ours[i - 1])))
            moved[j + 1] = (columns[0][0], columns)
            j += 1
            if t_col == 0:
                break
    if i < len(ours) and any(c not in _DROPPABLE for c in "".join(ours[i:])):
        return None
    return moved


def _str_ok(node: ast.Constant, found: cst.CSTNode) -> bool:
    try:
        return found.evaluated_value == node.value  # type: ignore[attr-defined]
    except Exception:  # an odd literal LibCST cannot evaluate: no claim
        return False


def _constant_types(node: ast.Constant) -> tuple[type, ...]:
    value = node.value
    if isinstance(value, (str, bytes)):
        return (cst.SimpleString, cst.ConcatenatedString)
    if value is None or isinstance(value, bool):
        return (cst.Name,)
    if isinstance(value, int):
        return (cst.Integer,)
    if isinstance(value, float):
        return (cst.Float,)
    if isinstance(value, complex):
        return (cst.Imaginary,)
    if value is Ellipsis:
        return (cst.Ellipsis,)
    return ()


_SIMPLE: dict[type, tuple[type, ...]] = {
    ast.Call: (cst.Call,),
    ast.Attribute: (cst.Attribute,),
    ast.Name: (cst.Name,),
    ast.Subscript: (cst.Subscript,),
    ast.Compare: (cst.Comparison,),
    ast.BoolOp: (cst.BooleanOperation,),
    ast.UnaryOp: (cst.UnaryOperation,),
    ast.BinOp: (cst.BinaryOperation,),
    ast.JoinedStr: (cst.FormattedString, cst.ConcatenatedString),
    ast.Dict: (cst.Dict,),
    ast.Set: (cst.Set,),
    ast.List: (cst.List,),
    ast.Tuple: (cst.Tuple,),
    ast.keyword: (cst.Arg,),
    ast.Starred: (cst.Arg, cst.StarredElement, cst.Index),
    ast.Lambda: (cst.Lambda,),
    ast.IfExp: (cst.IfExp,),
    ast.NamedExpr: (cst.NamedExpr,),
    ast.ListComp: (cst.ListComp,),
    ast.SetComp: (cst.SetComp,),
    ast.DictComp: (cst.DictComp,),
    ast.GeneratorExp: (cst.GeneratorExp,),
    ast.comprehension: (cst.CompFor,),
    ast.Await: (cst.Await,),
    ast.Yield: (cst.Yield,),
    ast.YieldFrom: (cst.Yield,),
    ast.Slice: (cst.Slice,),
    ast.arguments: (cst.Parameters,),
    ast.arg: (cst.Param,),
    ast.If: (cst.If,),
    ast.FunctionDef: (cst.FunctionDef,),
    ast.AsyncFunctionDef: (cst.FunctionDef,),
    ast.ClassDef: (cst.ClassDef,),
    ast.Assign: (cst.Assign,),
    ast.AnnAssign: (cst.AnnAssign,),
    ast.AugAssign: (cst.AugAssign,),
    ast.Expr: (cst.Expr,),
    ast.Return: (cst.Return,),
    ast.Raise: (cst.Raise,),
    ast.Assert: (cst.Assert,),
    ast.Delete: (cst.Del,),
    ast.Pass: (cst.Pass,),
    ast.Break: (cst.Break,),
    ast.Continue: (cst.Continue,),
    ast.Import: (cst.Import,),
    ast.ImportFrom: (cst.ImportFrom,),
    ast.alias: (cst.ImportAlias, cst.ImportStar),
    ast.Global: (cst.Global,),
    ast.Nonlocal: (cst.Nonlocal,),
    ast.Try: (cst.Try,),
    ast.ExceptHandler: (cst.ExceptHandler, cst.ExceptStarHandler),
    ast.With: (cst.With,),
    ast.AsyncWith: (cst.With,),
    ast.withitem: (cst.WithItem,),
    ast.For: (cst.For,),
    ast.AsyncFor: (cst.For,),
    ast.While: (cst.While,),
}
for _ast_name, _cst_names in (
    ("TryStar", ("TryStar",)),
    ("Match", ("Match",)),
    ("match_case", ("MatchCase",)),
    ("MatchValue", ("MatchValue",)),
    ("MatchSingleton", ("MatchSingleton",)),
    ("MatchSequence", ("MatchList", "MatchTuple")),
    ("MatchMapping", ("MatchMapping",)),
    ("MatchClass", ("MatchClass",)),
    ("MatchStar", ("MatchStar",)),
    ("MatchAs", ("MatchAs",)),
    ("MatchOr", ("MatchOr",)),
    ("TypeAlias", ("TypeAlias",)),
):
    _ast_type = getattr(ast, _ast_name, None)
    _cst_types = tuple(getattr(cst, n) for n in _cst_names if hasattr(cst, n))
    if _ast_type is not None and _cst_types:
        _SIMPLE[_ast_type] = _cst_types

# Every LibCST type some ``ast`` node maps to: the only nodes indexed by span.
_INDEXED = frozenset(
    {t for ts in _SIMPLE.values() for t in ts}
    | {cst.SimpleString, cst.ConcatenatedString, cst.Name, cst.Integer, cst.Float}
    | {cst.Imaginary, cst.Ellipsis}
)
_PAREN_OWNING = frozenset(
    (cst.Tuple, cst.GeneratorExp) + ((cst.MatchTuple,) if hasattr(cst, "MatchTuple") else ())
)
_MATCH_CASE = getattr(cst, "MatchCase", None)


def _resolve_positions(module: cst.Module):
    """LibCST's PositionProvider on ``module`` itself (``unsafe_skip_copy``: nodes keep identity).

    ``MetadataWrapper.resolve`` walks the whole tree once more after the provider, for batchable
    providers, even when there are none; running the provider alone saves about 40%. Should
    that private entry point change, the public one gives the same mapping.
    """
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    try:
        return PositionProvider()._gen(wrapper)
    except (AttributeError, TypeError):
        return wrapper.resolve(PositionProvider)


class CstLocator:
    """Maps ``ast`` nodes to the LibCST nodes of the same constructs in ``module``.

    ``text`` is the source both trees were parsed from; without it LibCST's own code stands in,
    which differs only where LibCST drops whitespace (see the module docstring).
    """

    def __init__(self, module: cst.Module, text: str | None = None) -> None:
        self.module = module
        self._positions = _resolve_positions(module)
        self._text = text
        self._lines: SourceLines | None = None
        # LibCST line -> (text line, text position of each column or None when unchanged),
        # for the lines LibCST's code renders differently from the text
        self._moved: dict[int, tuple[int, list[tuple[int, int]] | None]] = {}
        self._unusable = False
        # Whether LibCST renders the module as exactly the text (see ``_source_lines``).
        self.exact = True
        self._index: dict[Span, list[cst.CSTNode]] | None = None
        self._decorators: dict[int, cst.Decorator] = {}
        self._fstring_parts: dict[int, cst.FormattedStringExpression] = {}
        self._genexp_calls: dict[int, cst.Call] = {}
        self._source_lines()

    # --- source text -------------------------------------------------------------------------

    def _source_lines(self) -> SourceLines:
        if self._lines is None:
            text = self._text
            code = self.module.code
            if text is None:
                text = code
            else:
                text = text[1:] if text.startswith("\ufeff") else text
                if text != code:
                    self.exact = False
                    aligned = _align(text, code)
                    if aligned is None:
                        self._unusable = True
                    else:
                        self._moved = aligned
            self._lines = SourceLines(text)
        return self._lines

    def _to_text(self, line: int, col: int, end: bool = False) -> tuple[int, int] | None:
        """1-based text position of a LibCST position (line, 0-based column); an ``end`` is
        placed right after the character before it, not before the next one, which may
        follow dropped whitespace."""
        moved = self._moved.get(line)
        if moved is None:
            return line, col + 1
        text_line, columns = moved
        if columns is None:
            return text_line, col + 1
        if col >= len(columns):
            return None
        if end and col > 0:
            text_line, text_col = columns[col - 1]
            return text_line, text_col + 2
        text_line, text_col = columns[col]
        return text_line, text_col + 1

    def ast_span(self, node: ast.AST) -> Span | None:
        """Like ``ast_span(text, node)``, with this locator's cached line conversion."""
        return _ast_span(self._source_lines(), node)

    # --- LibCST spans ------------------------------------------------------------------------

    def _pos(self, node: cst.CSTNode) -> tuple[_Pos, _Pos] | None:
        rng = self._positions.get(node)
        if rng is None:
            return None
        return (rng.start.line, rng.start.column), (rng.end.line, rng.end.column)

    def _outer_end(self, node: cst.CSTNode) -> _Pos | None:
        """Where ``node`` ends with all its own parentheses."""
        rpar = getattr(node, "rpar", None)
        if rpar:
            rng = self._pos(rpar[-1])
            return None if rng is None else rng[1]
        rng = self._raw_span(node)
        return None if rng is None else rng[1]

    def _raw_span(self, node: cst.CSTNode) -> tuple[_Pos, _Pos] | None:
        """The ``ast``-convention span of ``node`` in LibCST coordinates."""
        kind = type(node)
        if kind in _PAREN_OWNING:
            if node.lpar:  # type: ignore[attr-defined]
                first = self._pos(node.lpar[-1])  # type: ignore[attr-defined]
                last = self._pos(node.rpar[0])  # type: ignore[attr-defined]
                if first is None or last is None:
                    return None
                return first[0], last[1]
            if kind is cst.GeneratorExp:
                call = self._call_of_genexp(node)
                if call is not None:
                    return self._call_parens(call)
        elif kind is cst.Param:
            name = self._pos(node.name)
            if name is None:
                return None
            if node.annotation is None:
                return name
            end = self._outer_end(node.annotation.annotation)
            return None if end is None else (name[0], end)
        elif kind is cst.Parameters:
            parts: list[cst.CSTNode] = []
            for param in (
                *node.posonly_params,
                *node.params,
                node.star_arg,
                *node.kwonly_params,
                node.star_kwarg,
            ):
                if isinstance(param, cst.Param):
                    parts.append(param)
                    if param.default is not None:
                        parts.append(param.default)
            spans = [self._raw_span(p) for p in parts]
            if not spans or any(s is None for s in spans):
                return None
            return min(s[0] for s in spans), max(s[1] for s in spans)  # type: ignore[index]
        elif kind is cst.Slice:
            # A slice that ends with a colon: LibCST counts the whitespace after it in.
            whole = self._pos(node)
            if whole is None or node.step is not None or node.upper is not None:
                return whole
            colon = (
                node.second_colon if isinstance(node.second_colon, cst.Colon) else node.first_colon
            )
            end = self._pos(colon)
            return None if end is None else (whole[0], end[1])
        elif kind is cst.CompFor:
            tail = node.ifs[-1].test if node.ifs else node.iter
            return self._join(node.target, tail)
        elif kind is cst.WithItem:
            return self._join(node.item, node.asname.name if node.asname else node.item)
        elif kind is _MATCH_CASE:
            pattern = self._raw_span(node.pattern)
            whole = self._pos(node)  # from ``case`` to the end of the body
            return None if pattern is None or whole is None else (pattern[0], whole[1])
        return self._pos(node)

    def _join(self, first: cst.CSTNode | None, last: cst.CSTNode | None):
        if first is None or last is None:
            return None
        a = self._raw_span(first)
        b = self._raw_span(last)
        if a is None or b is None:
            return None
        return a[0], b[1]

    def _call_of_genexp(self, node: cst.GeneratorExp) -> cst.Call | None:
        self._build()
        return self._genexp_calls.get(id(node))

    def _call_parens(self, call: cst.Call) -> tuple[_Pos, _Pos] | None:
        """From the call's ``(`` to its ``)``: the span ``ast`` gives a bare generator argument."""
        func_end = self._outer_end(call.func)
        whole = self._pos(call)
        if func_end is None or whole is None:
            return None
        return _advance(func_end, call.whitespace_after_func.value), whole[1]

    def span(self, node: cst.CSTNode) -> Span | None:
        """1-based line and character column of ``node``, end exclusive, as ``ast`` counts.

        The node's own parentheses are excluded (a tuple or generator expression keeps one
        pair, as in ``ast``); None for a node not in this module.
        """
        if self._unusable:
            return None
        raw = self._raw_span(node)
        if raw is None:
            return None
        start = self._to_text(*raw[0])
        end = self._to_text(*raw[1], end=True)
        if start is None or end is None:
            return None
        return start, end

    # --- lookup ------------------------------------------------------------------------------

    def _build(self) -> None:
        if self._index is not None:
            return
        self._index = {}
        indexed = []
        for node in self._positions:
            kind = type(node)
            if kind in _INDEXED:
                indexed.append(node)
            if kind is cst.Decorator:
                self._decorators[id(node.decorator)] = node
            elif kind is cst.FormattedStringExpression:
                self._fstring_parts[id(node.expression)] = node
            elif kind is cst.Call and len(node.args) == 1:
                value = node.args[0].value
                if type(value) is cst.GeneratorExp and not value.lpar:
                    self._genexp_calls[id(value)] = node
        index = self._index
        for node in indexed:
            span = self.span(node)
            if span is not None:
                index.setdefault(span, []).append(node)

    def find(self, node: ast.AST) -> cst.CSTNode | None:
        """The LibCST node of the construct ``node`` is, or None when there is no single one."""
        if isinstance(node, ast.FormattedValue):
            return self._formatted_value(node)
        if isinstance(node, ast.Constant):
            types = _constant_types(node)
        else:
            types = _SIMPLE.get(type(node), ())
        if not types:
            return None
        self._build()
        span = self.ast_span(node)
        if span is None:
            return None
        assert self._index is not None
        found = [c for c in self._index.get(span, ()) if type(c) in types and _fits(node, c)]
        if len(found) != 1:
            return None
        match = found[0]
        if isinstance(node, ast.JoinedStr) and not self._same_fields(node, match):
            return None
        return match

    def decorator(self, expr: ast.expr) -> cst.Decorator | None:
        """The ``Decorator`` whose ``.decorator`` is ``expr`` (an element of a decorator_list)."""
        found = self.find(expr)
        if found is None:
            return None
        return self._decorators.get(id(found))

    def _formatted_value(self, node: ast.FormattedValue) -> cst.CSTNode | None:
        # Before Python 3.12 a FormattedValue spans the whole string; its expression does not.
        inner = self.find(node.value)
        return None if inner is None else self._fstring_parts.get(id(inner))

    def _same_fields(self, node: ast.JoinedStr, found: cst.CSTNode) -> bool:
        """Whether the replacement fields of ``node`` are the expressions of ``found``'s.

        A format spec is a JoinedStr of its own, and before Python 3.12 it carries the span of
        the f-string around it; its fields are not the f-string's top-level fields.
        """
        ours = [self.ast_span(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
        theirs = [self.span(p.expression) for p in _top_level_fields(found)]
        return ours == theirs


def _fits(node: ast.AST, found: cst.CSTNode) -> bool:
    """A string constant must be the literal's own value: before Python 3.12 the literal parts
    of an f-string carry the span of the whole f-string, which may be a concatenation."""
    if isinstance(node, ast.Constant) and isinstance(
        found, (cst.SimpleString, cst.ConcatenatedString)
    ):
        return _str_ok(node, found)
    return True


def _strings(node: cst.CSTNode, kind: type):
    if isinstance(node, cst.ConcatenatedString):
        yield from _strings(node.left, kind)
        yield from _strings(node.right, kind)
    elif isinstance(node, kind):
        yield node


def _top_level_fields(node: cst.CSTNode):
    for part in _strings(node, cst.FormattedString):
        for piece in part.parts:
            if isinstance(piece, cst.FormattedStringExpression):
                yield piece
