"""Source spans of ``ast`` nodes as the rules report them, computed only when needed.

A span is 1-based ``((line, column), (end_line, end_column))`` with character columns and an
exclusive end. ``ast`` counts columns in UTF-8 bytes, so non-ASCII lines are converted (once
per line). Parentheses around an expression are not part of it (``if (os.getenv("X")):``
reports ``os.getenv("X")``).
"""

from __future__ import annotations

import ast
import re

_NEWLINE = re.compile(r"\r\n|\r|\n")
_SPACE = " \t\x0c\r\n\\"
_DEF_HEAD = re.compile(r"(?:async\s+)?def\s+|class\s+")


class Decorator(ast.AST):
    """A decorator line: ``@`` and its expression (``ast`` keeps only the expression)."""

    _fields = ("decorator",)

    def __init__(self, decorator: ast.expr) -> None:
        super().__init__()
        self.decorator = decorator


class DictItem(ast.AST):
    """One ``key: value`` entry of a dict display (``ast`` has no node for it)."""

    _fields = ("key", "value")

    def __init__(self, owner: ast.Dict, key: ast.expr, value: ast.expr) -> None:
        super().__init__()
        self.owner = owner
        self.key = key
        self.value = value


def char_column(line: str, byte_col: int) -> int:
    """The character column of UTF-8 byte column ``byte_col`` in ``line`` (both 0-based, or
    both 1-based): ``ast`` counts bytes, reports and LibCST count characters."""
    if byte_col <= 0 or line.isascii():
        return byte_col
    return len(line.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace"))


class Positions:
    """Offsets and spans in one source text."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self.starts = starts

    # -- offsets ---------------------------------------------------------------------------

    def column(self, line: int, byte_col: int) -> int:
        """The character column of UTF-8 byte column ``byte_col`` on ``line`` (1-based)."""
        starts = self.starts
        if line > len(starts):
            return byte_col
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return char_column(self.text[start:end], byte_col)

    def offset(self, line: int, byte_col: int) -> int:
        line = min(max(line, 1), len(self.starts))
        return self.starts[line - 1] + self.column(line, byte_col)

    def loc(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        lo, hi = 0, len(self.starts) - 1
        starts = self.starts
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - starts[lo] + 1

    # -- extents ---------------------------------------------------------------------------

    def extent(self, node: ast.AST) -> tuple[int, int]:
        """Character offsets [start, end) of ``node``."""
        if isinstance(node, Decorator):
            start, end = self.extent(node.decorator)
            at = self._before(start)
            while at >= 0 and self.text[at] != "@":
                at = self._before(at)
            return (at if at >= 0 else start), end
        if isinstance(node, DictItem):
            return self.extent(node.key)[0], self.extent(node.value)[1]
        start = self.offset(node.lineno, node.col_offset)
        end = self.offset(node.end_lineno, node.end_col_offset)
        return start, end

    def _before(self, index: int) -> int:
        """The index of the last non-blank character before ``index`` (-1: none)."""
        text = self.text
        index -= 1
        while index >= 0 and text[index] in _SPACE:
            index -= 1
        return index

    def _after(self, index: int) -> int:
        """The index of the first non-blank character from ``index`` (comments skipped)."""
        text = self.text
        n = len(text)
        while index < n:
            ch = text[index]
            if ch in _SPACE:
                index += 1
            elif ch == "#":
                newline = text.find("\n", index)
                index = n if newline < 0 else newline
            else:
                break
        return index

    # -- spans -----------------------------------------------------------------------------

    def span(self, node: ast.AST):
        start, end = self.extent(node)
        return self.loc(start), self.loc(end)

    def header_span(self, node: ast.AST):
        """The head of a compound statement, up to (not including) its colon."""
        start, _ = self.extent(node)
        head_end = None
        if isinstance(node, ast.If | ast.While):
            head_end = self.extent(node.test)[1]
        elif isinstance(node, ast.For | ast.AsyncFor):
            head_end = self.extent(node.iter)[1]
        elif isinstance(node, ast.ExceptHandler):
            if node.type is None:
                return self.loc(start), self.loc(start + 6)
            head_end = self.extent(node.type)[1]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            match = _DEF_HEAD.match(self.text, start)
            if match is not None:
                head_end = match.end() + len(node.name)
        if head_end is None:
            return self.span(node)
        return self.loc(start), self.loc(head_end)
