"""Source positions of CST nodes, computed only when a file has something to report.

Positions come from LibCST's PositionProvider on the analysed module itself
(``unsafe_skip_copy``: the nodes keep their identity). Computing them costs about one parse, so
files without facts never pay for it.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider


def _positions(analysis):
    if analysis._positions is None:
        wrapper = MetadataWrapper(analysis.module, unsafe_skip_copy=True)
        analysis._positions = wrapper.resolve(PositionProvider)
    return analysis._positions


def node_span(analysis, node: cst.CSTNode):
    """1-based (line, column) start and end of ``node``."""
    rng = _positions(analysis)[node]
    return (rng.start.line, rng.start.column + 1), (rng.end.line, rng.end.column + 1)


def header_span(analysis, node: cst.CSTNode):
    """The head of a compound statement, up to (not including) its colon."""
    positions = _positions(analysis)
    start = positions[node].start
    head: cst.CSTNode | None = None
    if isinstance(node, cst.If):
        head = node.test
    elif isinstance(node, cst.ExceptHandler):
        head = node.type
    elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        head = node.name
    elif isinstance(node, (cst.For, cst.While)):
        head = node.iter if isinstance(node, cst.For) else node.test
    if head is None:
        if isinstance(node, cst.ExceptHandler):
            return (start.line, start.column + 1), (start.line, start.column + 7)
        return node_span(analysis, node)
    end = positions[head].end
    return (start.line, start.column + 1), (end.line, end.column + 1)
