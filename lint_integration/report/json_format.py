"""JSON output: an array of findings with 1-based positions and their fixes."""

from __future__ import annotations

import json

from lint_integration.engine import RunResult
from lint_integration.findings import Finding


def finding_to_dict(f: Finding) -> dict:
    fix = None
    if f.fix is not None:
        fix = {
            "applicability": f.fix.applicability.value,
            "message": f.fix.message,
            "edits": [
                {
                    "content": e.content,
                    "location": {"row": e.location[0], "column": e.location[1]},
                    "end_location": {"row": e.end_location[0], "column": e.end_location[1]},
                }
                for e in f.fix.edits
            ],
        }
    return {
        "rule": f.rule,
        "code": f.code,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "message": f.message,
        "fix": fix,
    }


def format_json(result: RunResult, options: dict) -> str:
    items = [finding_to_dict(f) for f in result.findings]
    if options.get("show_suppressed"):
        items += [dict(finding_to_dict(f), suppressed=True) for f in result.suppressed]
    return json.dumps(items, indent=2) + "\n"
