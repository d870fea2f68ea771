"""A cheap nesting check that runs before LibCST sees Python source.

LibCST's native parser recurses on the C stack once per level of nesting, so a file with a few
thousand nested brackets, or an expression chained a few thousand times (``a + a + ...``,
``x[0][0]...``, ``f()()...``), overflows the stack and kills the process: no exception, no
report, no other file linted. This module bounds, from a light tokenization, how deep the tree
of each statement can get, and refuses input past limits the parser meets safely. The limits
sit above what the analysis can walk anyway (Python's recursion limit stops it first), so no
file that could be checked is turned away.

``check`` parses with ``ast``, whose parser guards itself since Python 3.11 (it raises instead
of overflowing): there this check runs only on input ``ast`` rejected, to say where and why, and
before ``fix`` or the newer-syntax fallback hands the text to LibCST. On older Pythons it runs
before every parse.
"""

from __future__ import annotations

import re

from lint_integration.languages import ParseFailure

# CPython itself refuses more than 200 nested brackets ("too many nested parentheses").
MAX_BRACKETS = 200
# Units of the bound below. LibCST's native parser survives at least twice this on an 8 MB
# stack for every shape of chain measured; the analysis gives up on less.
MAX_DEPTH = 1000

# A string literal (its prefix letters need no matching: they are never brackets), unterminated
# triple-quoted strings running to the end.
_STRING = r"""
    '''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)
  | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)
  | '[^'\\\n]*(?:\\.[^'\\\n]*)*'
  | "[^"\\\n]*(?:\\.[^"\\\n]*)*"
"""
# Groups: 1 string, 2 comment, 3 open, 4 close, 5 separator, 6 continuation, 7 newline, 8 unit.
_STRUCTURE = rf"({_STRING})|(\#[^\n]*)|([(\[{{])|([)\]}}])|([,;])|(\\\r?\n)|(\n)"
_FAST = re.compile(_STRUCTURE, re.VERBOSE)
_PRECISE = re.compile(
    _STRUCTURE
    + r"|(\*\*=?|//=?|[-+*/%@&|^<>=!:]=|->|<<=?|>>=?|[-+*/%@&|^~<>=!.:]"
    + r"|\b(?:and|or|not|if|else|lambda|await|in|is)\b)",
    re.VERBOSE,
)
_ELIF = re.compile(r"[ \t\f]*elif\b")
_BLANK = re.compile(r"[ \t\f]*(?:\#[^\n]*)?(?:\r?\n|\Z)")
_INDENT = re.compile(r"[ \t\f]*")


def check_depth(text: str) -> None:
    """Raise ParseFailure when ``text`` may nest deeper than LibCST can safely parse.

    The bound counts, along the path from a statement to each token, the operators, keywords,
    string literals and bracket groups met since the last comma at each bracket level; each can
    add at most one level to the statement's tree. ``elif`` branches in a row nest too.
    A first pass over brackets, commas and strings only, counting the characters between them
    as units, clears almost every file at a fraction of the cost of parsing it.
    """
    if _cleared_quickly(text) and text.count("elif") <= MAX_DEPTH:
        return
    _check_precisely(text)


def _cleared_quickly(text: str) -> bool:
    stack: list[int] = []
    base = current = previous = 0
    for match in _FAST.finditer(text):
        kind = match.lastindex
        current += match.start() - previous
        previous = match.end()
        if base + current > MAX_DEPTH:
            return False
        if kind == 1:
            current += 1
        elif kind == 3:
            stack.append(current + 1)
            base += current + 1
            current = 0
            if len(stack) > MAX_BRACKETS:
                return False
        elif kind == 4:
            if stack:
                current = stack.pop()
                base -= current
        elif kind == 5 or (kind == 7 and not stack):
            current = 0
    return base + current + len(text) - previous <= MAX_DEPTH


def _check_precisely(text: str) -> None:
    stack: list[int] = []  # per open bracket: the count of the level it opened in
    base = 0  # sum of ``stack``
    current = 0
    elif_runs: dict[int, int] = {}
    for match in _PRECISE.finditer(text):
        kind = match.lastindex
        if kind == 3:
            current += 1
            stack.append(current)
            base += current
            current = 0
            if len(stack) > MAX_BRACKETS:
                _fail(text, match.start(), f"more than {MAX_BRACKETS} nested brackets")
            if base > MAX_DEPTH:
                _fail(text, match.start(), f"an expression more than {MAX_DEPTH} levels deep")
        elif kind == 4:
            if stack:
                current = stack.pop()
                base -= current
        elif kind == 5:
            current = 0
        elif kind == 7:
            if not stack:
                current = 0
                _elif_chain(text, match.end(), elif_runs)
        elif kind == 1 or kind == 8:
            current += 1
            if base + current > MAX_DEPTH:
                _fail(text, match.start(), f"an expression more than {MAX_DEPTH} levels deep")


def _elif_chain(text: str, start: int, runs: dict[int, int]) -> None:
    """Count the ``elif`` branches in a row at each indentation (each one nests a level)."""
    if _BLANK.match(text, start):
        return
    indent = _INDENT.match(text, start).end() - start
    for width in [w for w in runs if w > indent]:
        del runs[width]
    if _ELIF.match(text, start):
        runs[indent] = runs.get(indent, 0) + 1
        if runs[indent] > MAX_DEPTH:
            _fail(text, start + indent, f"more than {MAX_DEPTH} elif branches in a row")
    elif not text.startswith("else", start + indent):
        runs.pop(indent, None)


def _fail(text: str, offset: int, what: str) -> None:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    raise ParseFailure(f"nesting too deep to parse ({what})", line, column)
