"""The ast-to-LibCST locator: every mapped ast node finds the LibCST node of its construct."""

from __future__ import annotations

import ast
import importlib.util
import io
import itertools
import re
import sys
import tokenize
from pathlib import Path

import libcst as cst
import pytest

from lint_integration.languages.python.cstmap import (
    CstLocator,
    SourceLines,
    ast_span,
)
from lint_integration.textio import decode
from tests.conftest import FIXTURES, REPO

SHAPES = FIXTURES / "cstmap"

# What each ast kind must map to (Constant by the type of its value).
EXPECTED: dict[type, tuple[type, ...]] = {
    ast.Call: (cst.Call,),
    ast.Attribute: (cst.Attribute,),
    ast.Name: (cst.Name,),
    ast.Subscript: (cst.Subscript,),
    ast.Compare: (cst.Comparison,),
    ast.BoolOp: (cst.BooleanOperation,),
    ast.UnaryOp: (cst.UnaryOperation,),
    ast.BinOp: (cst.BinaryOperation,),
    ast.JoinedStr: (cst.FormattedString, cst.ConcatenatedString),
    ast.FormattedValue: (cst.FormattedStringExpression,),
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
    ast.Match: (cst.Match,),
    ast.match_case: (cst.MatchCase,),
    ast.MatchValue: (cst.MatchValue,),
    ast.MatchSingleton: (cst.MatchSingleton,),
    ast.MatchSequence: (cst.MatchList, cst.MatchTuple),
    ast.MatchMapping: (cst.MatchMapping,),
    ast.MatchClass: (cst.MatchClass,),
    ast.MatchStar: (cst.MatchStar,),
    ast.MatchAs: (cst.MatchAs,),
    ast.MatchOr: (cst.MatchOr,),
}
if sys.version_info >= (3, 11):
    EXPECTED[ast.TryStar] = (cst.TryStar,)


def _constant_expected(node: ast.Constant) -> tuple[type, ...]:
    value = node.value
    if isinstance(value, (str, bytes)):
        return (cst.SimpleString, cst.ConcatenatedString)
    if value is None or isinstance(value, bool):
        return (cst.Name,)
    if value is Ellipsis:
        return (cst.Ellipsis,)
    return {int: (cst.Integer,), float: (cst.Float,), complex: (cst.Imaginary,)}[type(value)]


_BREAK = re.compile(rb"\r\n|\r|\n")


def _segmenter(text: str):
    """``ast.get_source_segment`` without re-splitting the whole text for every node."""
    raw = text.encode("utf-8")
    lines, start = [], 0
    for match in _BREAK.finditer(raw):
        lines.append(raw[start : match.end()])
        start = match.end()
    lines.append(raw[start:])

    def segment(node: ast.AST) -> str:
        first, last = node.lineno - 1, node.end_lineno - 1
        if first == last:
            return lines[first][node.col_offset : node.end_col_offset].decode("utf-8")
        body = [lines[first][node.col_offset :], *lines[first + 1 : last]]
        return b"".join([*body, lines[last][: node.end_col_offset]]).decode("utf-8")

    return segment


def _code(module: cst.Module, found: cst.CSTNode) -> str:
    """The code of ``found`` as ``ast`` delimits it: no comma, no parentheses of its own
    (a tuple or generator expression keeps one pair)."""
    if hasattr(found, "comma"):
        found = found.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    if isinstance(found, cst.Arg):
        found = found.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
    if getattr(found, "lpar", None):
        keep = isinstance(found, (cst.Tuple, cst.GeneratorExp))
        found = found.with_changes(
            lpar=found.lpar[-1:] if keep else [], rpar=found.rpar[:1] if keep else []
        )
    # whitespace a node's last token owns (a slice's trailing colon) may hold a continuation
    return module.code_for_node(found).strip().rstrip("\\").rstrip()


def _lines(code: str) -> list[str]:
    # code_for_node renders a node detached from its block, so its continuation lines lose
    # the block's indentation: compare line by line without leading whitespace.
    return [line.lstrip() for line in code.splitlines()]


def _unmappable(node: ast.AST, parents: dict[ast.AST, ast.AST], segment) -> bool:
    """Nodes that have no LibCST counterpart (or no trustworthy span) by design."""
    parent = parents.get(node)
    if sys.version_info < (3, 12):
        # Literal parts of an f-string and a format spec carry the span of the whole string.
        if isinstance(node, ast.Constant) and isinstance(parent, ast.JoinedStr):
            return True
        if isinstance(node, ast.JoinedStr) and isinstance(parent, ast.FormattedValue):
            return parent.format_spec is node
    elif isinstance(node, ast.Constant) and isinstance(parent, ast.JoinedStr):
        return True  # FormattedStringText: not a mapped kind
    if isinstance(node, ast.Tuple) and isinstance(parent, ast.Subscript):
        # ``a[b, c]``: LibCST keeps the elements in the subscript, with no tuple node
        return parent.slice is node and not segment(node).startswith("(")
    if isinstance(node, ast.arguments):
        return not (node.posonlyargs or node.args or node.vararg or node.kwonlyargs or node.kwarg)
    return False


def check_all(text: str) -> tuple[CstLocator, ast.Module, cst.Module, int]:
    """Assert the mapping property on every mapped node of ``text``; returns the pieces."""
    tree = ast.parse(text)
    module = cst.parse_module(text)
    locator = CstLocator(module, text)
    segment = _segmenter(text)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    checked = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            expected = _constant_expected(node)
        else:
            expected = EXPECTED.get(type(node))
            if expected is None:
                assert locator.find(node) is None, ast.dump(node)
                continue
        found = locator.find(node)
        where = f"{type(node).__name__} at {getattr(node, 'lineno', '?')}"
        if _unmappable(node, parents, segment):
            assert found is None, where
            continue
        assert isinstance(found, expected), f"{where}: {found!r:.200}"
        if isinstance(node, ast.FormattedValue):
            assert found.expression is locator.find(node.value), where
            if sys.version_info < (3, 12):  # ast spans the whole string here
                checked += 1
                continue
        assert locator.span(found) == ast_span(locator, node), where
        if isinstance(node, ast.expr):
            source = segment(node)
            expected_lines = _lines(source.strip())
            if isinstance(node, ast.GeneratorExp) and not found.lpar:
                # the call's parentheses, which ast lends the generator, with what they hold
                # before and after it: comments, line continuations
                inner = _lines(source[1:-1].strip(" \t\f\r\n\\"))
                expected_lines = [x for x in inner if x and x != "\\" and not x.startswith("#")]
            assert _lines(_code(module, found)) == expected_lines, where
        checked += 1
    return locator, tree, module, checked


def _site_file(module: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or (not spec.submodule_search_locations and not spec.origin):
        return None
    base = Path(spec.origin).parent
    path = base.joinpath(*parts)
    return path if path.is_file() else None


def _real_files() -> list[Path]:
    package = REPO / "lint_integration"
    ours = [
        package / name
        for name in ("cli.py", "engine.py", "textio.py", "fixer.py", "config.py", "registry.py")
    ]
    ours += [
        package / "languages" / "python" / name
        for name in ("gates.py", "summary.py", "formula.py", "resolver.py", "cstmap.py")
    ]
    fixtures = [
        p
        for p in sorted(FIXTURES.rglob("*.py"))
        if "syntax" not in p.parts and p.name != "test_broken.py"
    ]
    site = [
        _site_file("click", "core.py"),
        _site_file("_pytest", "python.py"),
        _site_file("libcst", "codemod", "_cli.py"),
    ]
    return [p for p in (*ours, *fixtures, *site) if p is not None and p.is_file()]


def _parses(path: Path) -> bool:
    try:
        ast.parse(decode(path.read_bytes(), python=True).text)
    except SyntaxError:
        return False
    return True


def test_round_trip_on_real_code():
    """Our own code, the fixtures and some site-packages modules: every node maps exactly."""
    files = [p for p in _real_files() if _parses(p)]
    assert len(files) > 30
    assert any("site-packages" in str(p) for p in files)
    total = 0
    for path in files:
        *_, checked = check_all(decode(path.read_bytes(), python=True).text)
        total += checked
    assert total > 25_000


def test_round_trip_on_tricky_shapes():
    _, _, _, checked = check_all((SHAPES / "shapes.py").read_text(encoding="utf-8"))
    assert checked > 400
    if sys.version_info >= (3, 11):
        _, _, _, checked = check_all((SHAPES / "shapes_py311.py").read_text(encoding="utf-8"))
        assert checked > 20


_LAYOUT = {tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}


def _respaced(text: str, gap: str) -> str:
    """``text`` with ``gap`` between every two tokens of a line (a space, a tab, a line
    continuation): LibCST keeps such whitespace on different nodes than ``ast`` counts."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    starts = {
        after.start
        for before, after in itertools.pairwise(tokens)
        if before.type not in _LAYOUT
        and after.type not in _LAYOUT | {tokenize.ENDMARKER}
        and before.end[0] == after.start[0]
    }
    lines = text.splitlines(keepends=True)
    for row, col in sorted(starts, reverse=True):
        lines[row - 1] = lines[row - 1][:col] + gap + lines[row - 1][col:]
    return "".join(lines)


@pytest.mark.parametrize("gap", [" ", "\t", " \\\n  "], ids=["space", "tab", "continuation"])
def test_round_trip_with_whitespace_between_all_tokens(gap):
    text = _respaced((SHAPES / "shapes.py").read_text(encoding="utf-8"), gap)
    compile(text, "shapes.py", "exec")  # still the same program
    _, _, _, checked = check_all(text)
    assert checked > 400


def test_whitespace_libcst_drops_before_an_except_colon():
    text = "try:\n    pass\nexcept E  :  a;a\nexcept (F) \\\n  :  f(x)\nz = g(y)\n"
    module = cst.parse_module(text)
    assert module.code != text  # the LibCST behaviour this guards against
    locator, tree, _, _ = check_all(text)
    second_a = _nodes(tree, ast.Name)[2]
    assert (second_a.id, locator.span(locator.find(second_a))) == ("a", ((3, 16), (3, 17)))
    g = _nodes(tree, ast.Call)[1]
    assert locator.span(locator.find(g)) == ((6, 5), (6, 9))


def test_segmenter_agrees_with_get_source_segment():
    text = 's = "é€😀"; x = f(a,\r\n  b)\rif x:\n\ty = [\n\t\t1]\n'
    segment = _segmenter(text)
    nodes = [n for n in ast.walk(ast.parse(text)) if hasattr(n, "end_col_offset")]
    assert len(nodes) > 10
    for node in nodes:
        assert segment(node) == ast.get_source_segment(text, node)


# --- targeted cases ----------------------------------------------------------------------------


def _nodes(tree: ast.AST, kind: type) -> list:
    """The nodes of ``kind`` in source order."""
    found = [n for n in ast.walk(tree) if isinstance(n, kind)]
    return sorted(found, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))


def test_parenthesized_expression_excludes_its_parentheses():
    locator, tree, _, _ = check_all("x = ((a))\ny = ((a, b))\nz = (\n  c\n)\n")
    a = _nodes(tree, ast.Name)[1]
    found = locator.find(a)
    assert isinstance(found, cst.Name) and found.value == "a" and len(found.lpar) == 2
    assert locator.span(found) == ((1, 7), (1, 8))
    pair = locator.find(_nodes(tree, ast.Tuple)[0])
    assert len(pair.lpar) == 2
    assert locator.span(pair) == ((2, 6), (2, 12))  # one pair of parentheses, as in ast
    c = locator.find(_nodes(tree, ast.Name)[-1])
    assert c.value == "c" and locator.span(c) == ((4, 3), (4, 4))


def test_decorated_and_async_definitions():
    text = (
        "@first\n"
        "@pkg.second(1)\n"
        "# between\n"
        "@(lambda f: f)\n"
        "async def run(a, *, b=2):\n"
        "    return a\n"
        "\n"
        "@dataclass\n"
        "class Box:\n"
        "    pass\n"
    )
    locator, tree, module, _ = check_all(text)
    run = module.body[0]
    func = _nodes(tree, ast.AsyncFunctionDef)[0]
    assert locator.find(func) is run
    assert locator.span(run) == ((5, 1), (6, 13))  # from ``async``, decorators excluded
    decorators = [locator.decorator(d) for d in func.decorator_list]
    assert decorators == list(run.decorators)
    assert locator.decorator(func.decorator_list[1].func) is None  # not a decorator itself
    klass = _nodes(tree, ast.ClassDef)[0]
    assert locator.find(klass) is module.body[1]
    assert locator.span(module.body[1]) == ((9, 1), (10, 9))
    assert locator.decorator(klass.decorator_list[0]) is module.body[1].decorators[0]


def test_elif_chain_maps_to_nested_ifs():
    text = "if a:\n    x\nelif b:\n    y\nelif c:\n    z\nelse:\n    w\n"
    locator, tree, module, _ = check_all(text)
    first, second, third = _nodes(tree, ast.If)
    top = module.body[0]
    assert locator.find(first) is top
    assert locator.find(second) is top.orelse
    assert locator.find(third) is top.orelse.orelse
    assert locator.span(top.orelse) == ((3, 1), (8, 6))


def test_implicit_concatenation_is_one_constant():
    text = 'x = "a" \'b\' \\\n    "c"\ny = (b"x"\n     b"y")\nz = "solo"\n'
    locator, tree, module, _ = check_all(text)
    strings = [n for n in _nodes(tree, ast.Constant)]
    abc = locator.find(strings[0])
    assert isinstance(abc, cst.ConcatenatedString)
    assert abc is module.body[0].body[0].value  # the outermost of the nested pairs
    assert locator.find(strings[1]).evaluated_value == b"xy"
    assert isinstance(locator.find(strings[2]), cst.SimpleString)


def test_f_strings():
    text = (
        "a = f\"{x!r:>{width}} {y=} {'lit'}\"\n"
        'b = "plain " f"{z}"\n'
        "c = f\"{f'{inner}'}\"\n"
        'd = f"""\n{multi\n  + 1}\n"""\n'
    )
    locator, tree, _, _ = check_all(text)
    assert isinstance(locator.find(tree.body[0].value), cst.FormattedString)
    assert isinstance(locator.find(tree.body[1].value), cst.ConcatenatedString)
    values = _nodes(tree, ast.FormattedValue)
    first = locator.find(values[0])
    assert isinstance(first, cst.FormattedStringExpression) and first.conversion == "r"
    names = {n.id: locator.find(n) for n in _nodes(tree, ast.Name)}
    assert locator.span(names["width"]) == ((1, 14), (1, 19))
    assert locator.span(names["multi"]) == ((5, 2), (5, 7))
    assert names["inner"].value == "inner"
    spec = values[0].format_spec
    assert locator.find(spec) is None  # a format spec has no LibCST string node
    lit = next(c for c in _nodes(tree, ast.Constant) if c.value == "lit")
    assert isinstance(locator.find(lit), cst.SimpleString)


def test_non_ascii_before_a_node_counts_characters():
    text = 's = "é€😀"; x = call(arg)  # ü\nt = "ß" + g(b)\n'
    locator, tree, _, _ = check_all(text)
    call = _nodes(tree, ast.Call)[0]
    assert call.col_offset == 21  # bytes
    assert ast_span(text, call) == ((1, 16), (1, 25))  # characters
    assert locator.span(locator.find(call)) == ((1, 16), (1, 25))
    g = _nodes(tree, ast.Call)[1]
    assert ast_span(text, g) == ((2, 11), (2, 15))


def test_ast_span_accepts_text_lines_or_locator():
    text = 'v = "ä"; w = (1, 2)\n'
    node = _nodes(ast.parse(text), ast.Tuple)[0]
    locator = CstLocator(cst.parse_module(text), text)
    expected = ((1, 14), (1, 20))
    assert ast_span(text, node) == expected
    assert ast_span(text.splitlines(), node) == expected
    assert ast_span(SourceLines(text), node) == expected
    assert ast_span(locator, node) == expected == locator.ast_span(node)
    assert ast_span(text, ast.Load()) is None


def test_tabs_count_as_one_column():
    text = "if x:\n\tcall(\ta,\n\t\tb)\n"
    locator, tree, _, _ = check_all(text)
    call = _nodes(tree, ast.Call)[0]
    assert locator.span(locator.find(call)) == ((2, 2), (3, 5))


def test_crlf_and_lone_cr_line_endings():
    text = "x = f(\r\n    a)\r\ny = g(b)\rz = [\r\n  1,\r  2]\r\n"
    locator, tree, _, _ = check_all(text)
    calls = _nodes(tree, ast.Call)
    assert locator.span(locator.find(calls[0])) == ((1, 5), (2, 7))
    assert locator.span(locator.find(calls[1])) == ((3, 5), (3, 9))
    assert locator.span(locator.find(_nodes(tree, ast.List)[0])) == ((4, 5), (6, 5))
    # a lone CR inside a triple-quoted string ends a line for both parsers
    locator, tree, _, _ = check_all('x = """a\rb"""; y = f(z)\n')
    assert locator.span(locator.find(_nodes(tree, ast.Call)[0])) == ((2, 11), (2, 15))


def test_form_feeds_in_indentation():
    """LibCST drops a form feed that opens a statement line; columns are shifted back."""
    text = "a = 1\n\fz = f(b)\ndef g():\n    x = 1\n\f    y = h(x)\nw = [\n\f 2]\nv = 1 \f+ 2\n"
    module = cst.parse_module(text)
    assert module.code != text  # the LibCST behaviour this guards against
    locator, tree, _, _ = check_all(text)
    f_call, h_call = _nodes(tree, ast.Call)
    assert locator.span(locator.find(f_call)) == ((2, 6), (2, 10))
    assert locator.span(locator.find(h_call)) == ((5, 10), (5, 14))
    assert locator.span(locator.find(_nodes(tree, ast.List)[0])) == ((6, 5), (7, 5))


def test_backslash_continuations():
    text = "x = 1 + \\\n    2\ny = f \\\n  (i for i in z)\ndef \\\n  h(): pass\n"
    locator, tree, module, _ = check_all(text)
    gen = _nodes(tree, ast.GeneratorExp)[0]
    found = locator.find(gen)
    assert not found.lpar
    assert locator.span(found) == ((4, 3), (4, 17))  # the call's parentheses, as in ast
    assert locator.find(_nodes(tree, ast.FunctionDef)[0]) is module.body[2]


def test_bom_is_stripped_by_textio():
    raw = b"\xef\xbb\xbfx = call('\xc3\xa9', y)\n"
    text = decode(raw, python=True).text
    assert not text.startswith("\ufeff")
    locator, tree, _, _ = check_all(text)
    call = _nodes(tree, ast.Call)[0]
    assert locator.span(locator.find(call)) == ((1, 5), (1, 17))
    # a text that still carries the BOM is read the same way
    assert ast_span("\ufeff" + text, call) == ((1, 5), (1, 17))


def test_call_arguments():
    text = "f(a, *b, k=1, **c)\nprint(*(x or y), sep='')\n"
    locator, tree, _, _ = check_all(text)
    starred = locator.find(_nodes(tree, ast.Starred)[0])
    assert isinstance(starred, cst.Arg) and starred.star == "*" and starred.value.value == "b"
    keyword, double = (locator.find(k) for k in _nodes(tree, ast.keyword)[:2])
    assert keyword.keyword.value == "k" and keyword.star == ""
    assert double.star == "**" and double.keyword is None
    assert locator.span(keyword) == ((1, 10), (1, 13))  # without the comma


def test_chained_comparison_is_one_node():
    locator, tree, _, _ = check_all("ok = a < b <= c is not None\n")
    found = locator.find(_nodes(tree, ast.Compare)[0])
    assert isinstance(found, cst.Comparison) and len(found.comparisons) == 3


def test_nested_boolean_operations():
    text = "x = a or b or c\ny = a or (b and c) or d\nz = (a or b) or c\n"
    locator, tree, module, _ = check_all(text)
    ors = [n for n in _nodes(tree, ast.BoolOp)]
    first = locator.find(ors[0])
    assert first is module.body[0].body[0].value  # the outermost of LibCST's nested pair
    assert isinstance(first.left, cst.BooleanOperation)
    inner_and = locator.find(ors[2])
    assert isinstance(inner_and.operator, cst.And) and len(inner_and.lpar) == 1
    grouped = locator.find(ors[4])
    assert grouped is module.body[2].body[0].value.left


def test_subscripts_with_slices_and_tuples():
    text = "a[1:2]\na[::2]\na[b, c]\na[(b, c)]\na[x]\na[i:j, k]\n"
    locator, tree, module, _ = check_all(text)
    slices = [locator.find(s) for s in _nodes(tree, ast.Slice)]
    assert all(isinstance(s, cst.Slice) for s in slices) and len(slices) == 3
    bare, paren = _nodes(tree, ast.Tuple)[:2]
    assert locator.find(bare) is None  # no LibCST tuple in ``a[b, c]``
    assert isinstance(locator.find(paren), cst.Tuple)
    x = next(n for n in _nodes(tree, ast.Name) if n.id == "x")
    index = module.body[4].body[0].value.slice[0].slice
    assert locator.find(x) is index.value


def test_lambdas_and_parameters():
    text = "f = lambda p, /, q, *r, s=1, **t: p\ng = lambda: 0\ndef h(a: (int) = 1): pass\n"
    locator, tree, _, _ = check_all(text)
    full, empty = _nodes(tree, ast.Lambda)
    lam = locator.find(full)
    assert isinstance(lam, cst.Lambda)
    assert locator.find(full.args) is lam.params
    assert locator.find(empty.args) is None  # ``lambda:`` has no parameters to point at
    params = {a.arg: locator.find(a) for a in _nodes(tree, ast.arg)}
    assert params["r"] is lam.params.star_arg and params["t"] is lam.params.star_kwarg
    assert locator.span(params["r"]) == ((1, 22), (1, 23))  # the name, not the star
    assert locator.span(params["a"]) == ((3, 7), (3, 15))  # name through annotation


def test_walrus():
    locator, tree, _, _ = check_all("if (n := len(a)) > 1:\n    pass\n")
    found = locator.find(_nodes(tree, ast.NamedExpr)[0])
    assert isinstance(found, cst.NamedExpr) and locator.span(found) == ((1, 5), (1, 16))


def test_comprehensions_and_with_items():
    text = "r = [i for i in a if i if not i for j in i]\nwith open(p) as f, (lock):\n    pass\n"
    locator, tree, module, _ = check_all(text)
    fors = [locator.find(c) for c in _nodes(tree, ast.comprehension)]
    comp = module.body[0].body[0].value
    assert fors == [comp.for_in, comp.for_in.inner_for_in]
    assert locator.span(fors[0]) == ((1, 12), (1, 32))
    items = [locator.find(w) for w in _nodes(tree, ast.withitem)]
    assert items == list(module.body[1].items)


def test_statements_and_handlers():
    text = (
        "import a.b as c, d\n"
        "from e import *\n"
        "try:\n"
        "    pass\n"
        "except (A, B) as err:\n"
        "    raise\n"
        "finally:\n"
        "    del x\n"
    )
    locator, tree, module, _ = check_all(text)
    aliases = [locator.find(a) for a in _nodes(tree, ast.alias)]
    assert isinstance(aliases[0], cst.ImportAlias) and aliases[0].asname.name.value == "c"
    assert isinstance(aliases[2], cst.ImportStar)
    handler = locator.find(_nodes(tree, ast.ExceptHandler)[0])
    assert handler is module.body[2].handlers[0]


def test_unmapped_and_foreign_nodes():
    text = "x = 1\n"
    locator = CstLocator(cst.parse_module(text), text)
    tree = ast.parse(text)
    assert locator.find(tree) is None
    assert locator.find(ast.Load()) is None
    assert locator.find(_nodes(ast.parse("\n\ny = 2\n"), ast.Name)[0]) is None
    assert locator.span(cst.Name("x")) is None


def test_locator_without_text_uses_libcst_code():
    text = 'x = "é" + f(a)\n'
    module = cst.parse_module(text)
    locator = CstLocator(module)
    call = _nodes(ast.parse(text), ast.Call)[0]
    assert locator.find(call) is module.body[0].body[0].value.right


@pytest.mark.parametrize(
    "text",
    [
        "try:\n    pass\nexcept* (OSError, ValueError) as g:\n    pass\n",
        "x = items[*index]\n",
    ],
)
def test_python_311_syntax(text):
    if sys.version_info < (3, 11):  # the same input, checked as a syntax error instead
        with pytest.raises(SyntaxError):
            ast.parse(text)
        return
    check_all(text)


def test_text_that_does_not_match_the_module_maps_nothing():
    module = cst.parse_module("x = f(a)\n")
    other = "x = f(a)\n\fy = 2\n"  # not the module's source: lines cannot be reconciled
    locator = CstLocator(module, other)
    call = _nodes(ast.parse(other), ast.Call)[0]
    assert locator.find(call) is None
    assert locator.span(module.body[0]) is None
    differs = CstLocator(module, "x = g(a)\f\n")  # same line count, different line
    assert differs.find(_nodes(ast.parse("x = g(a)\f\n"), ast.Call)[0]) is None
