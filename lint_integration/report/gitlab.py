"""GitLab Code Quality JSON (a Code Climate subset): findings in merge request widgets and diffs.

GitLab compares reports between the source and target branch by ``fingerprint``, so it must not
change when unrelated lines move: it hashes rule, path and offending code, not line numbers.
"""

from __future__ import annotations

import json

from lint_integration.engine import RunResult
from lint_integration.findings import Finding
from lint_integration.fingerprints import identities, relative_to
from lint_integration.report.output import report_root


def _severity(f: Finding) -> str:
    return "minor" if f.rule == "parse-error" else "major"


def format_gitlab(result: RunResult, options: dict) -> str:
    root = report_root(options)
    items = []
    for f, ident in identities(result.findings, relative_to(root)):
        items.append(
            {
                "type": "issue",
                "description": f"{f.code} [{f.rule}] {f.message}",
                "check_name": f.rule,
                "fingerprint": ident.digest("md5"),
                "severity": _severity(f),
                "categories": ["Bug Risk"],
                "location": {
                    "path": ident.path,
                    "lines": {"begin": f.line, "end": max(f.line, f.end_line)},
                },
            }
        )
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
