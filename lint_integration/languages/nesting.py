"""A cheap nesting check that runs before LibCST sees Python source.

LibCST's native parser recurses on the C stack once per level of nesting, so a file with a few
thousand nested brackets, or an expression chained a few thousand times (``a + a + ...``,
``x[0][0]...``, ``f()()...``), overflows the stack and kills the process: no exception, no
report, no other file linted. This module estimates, from a light tokenization, an upper bound
on how deep the tree of each statement can get, and refuses input past limits the parser meets
safely. The limits sit above what the analysis can walk anyway (Python's own recursion limit
stops it first), so no file that could be checked is turned away.
"""

from __future__ import annotations

import re

from lint_integration.languages import ParseFailure

# CPython refuses more than 200 nested brackets ("too many nested parentheses").
MAX_BRACKETS = 200
# Units of the estimate below; LibCST's native parser survives several times this on an 8 MB
# stack for every shape of chain measured, and the analysis fails on less.
MAX_DEPTH = 1000

_TOKEN = re.compile(
    r"""
    (?P<str>
        (?:[rRbBuUfFtT]{1,2})?
        (?: '''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*(?:'''|\Z)
          | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*(?:\"\"\"|\Z)
          | '[^'\\\n]*(?:\\.[^'\\\n]*)*'
          | "[^"\\\n]*(?:\\.[^"\\\n]*)*"
        )
    )
  | (?P<comment>\#[^\n]*)
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<sep>[,;])
  | (?P<cont>\\\r?\n)
  | (?P<nl>\n)
  | (?P<op>[-+*/%@&|^~<>=!.:]+|\b(?:and|or|not|if|else|lambda|await|in|is)\b)
    """,
    re.VERBOSE,
)
_ELIF = re.compile(r"[ \t\f]*elif\b")
_BLANK = re.compile(r"[ \t\f]*(?:#[^\n]*)?(?:\r?\n|\Z)")
_INDENT = re.compile(r"[ \t\f]*")


def check_depth(text: str) -> None:
    """Raise ParseFailure when ``text`` nests deeper than LibCST can safely parse.

    The estimate counts, along the path from a statement to each token, the operators, string
    literals and bracket groups met since the last comma at each bracket level: a bound on how
    deep the statement's tree can be. ``elif`` chains nest too and are counted per indentation.
    """
    stack: list[int] = []  # per open bracket: the count of the level it opened in
    base = 0  # sum of ``stack``
    current = 0
    elif_runs: dict[int, int] = {}
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "comment" or kind == "cont":
            continue
        if kind == "open":
            current += 1
            stack.append(current)
            base += current
            current = 0
            if len(stack) > MAX_BRACKETS:
                _fail(text, match.start(), f"more than {MAX_BRACKETS} nested brackets")
        elif kind == "close":
            if stack:
                current = stack.pop()
                base -= current
        elif kind == "sep":
            current = 0
        elif kind == "nl":
            if not stack:
                current = 0
                _elif_chain(text, match.end(), elif_runs)
        else:
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
