"""SARIF 2.1.0: what GitHub code scanning, Azure DevOps and most security dashboards ingest.

One ``tool.driver.rules`` entry per rule (with its documentation as help), one result per
finding with a physical location relative to ``%SRCROOT%``, ``partialFingerprints`` that survive
line shifts, span fixes as SARIF ``fixes``, and in-source suppressions when asked for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from lint_integration import __version__
from lint_integration.engine import RunResult
from lint_integration.findings import Finding, Fix
from lint_integration.fingerprints import Identity, identities, relative_to
from lint_integration.report.output import report_root

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/platform/lint-integration"
RULE_DOCS_URI = INFORMATION_URI + "/blob/main/docs/rules.md#{anchor}"
FINGERPRINT_KEY = "lintIntegrationFingerprint/v1"
SRCROOT = "%SRCROOT%"


def rule_anchor(name: str, code: str) -> str:
    """The anchor of a rule's heading (``## LI001 no-skip-on-env``) in the rules page."""
    return f"{code}-{name}".lower()


def format_sarif(result: RunResult, options: dict) -> str:
    from lint_integration import registry

    root = report_root(options)
    rules = registry.all_rules()
    index = {r.name: i for i, r in enumerate(rules)}
    findings = result.findings
    suppressed = result.suppressed if options.get("show_suppressed") else []
    # Occurrence counters run over every finding, so including suppressed results never
    # changes the fingerprints of the others.
    idents = {
        id(f): ident
        for f, ident in identities([*result.findings, *result.suppressed], relative_to(root))
    }
    results = [
        _result(f, idents[id(f)], index, root, suppressed=False, mark=bool(suppressed))
        for f in findings
    ]
    results += [
        _result(f, idents[id(f)], index, root, suppressed=True, mark=True) for f in suppressed
    ]
    notifications = [{"level": "warning", "message": {"text": notice}} for notice in result.notices]
    invocation: dict = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lint-integration",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "invocations": [invocation],
                "originalUriBaseIds": {SRCROOT: {"uri": _dir_uri(root)}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule) -> dict:
    uri = RULE_DOCS_URI.format(anchor=rule_anchor(rule.name, rule.code))
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(rule.doc) or rule.summary},
        "help": {
            "text": rule.doc.strip() or rule.summary,
            "markdown": rule.doc.strip() or rule.summary,
        },
        "helpUri": uri,
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["integration-mode", *rule.languages],
            "fixable": rule.fixable,
        },
    }


def _what_it_does(doc: str) -> str:
    """The first section of a rule doc (``## What it does``) as one paragraph of text."""
    match = re.search(r"^## What it does\s*\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    if not match:
        return ""
    return " ".join(match.group(1).split())


def _result(
    f: Finding, ident: Identity, index: dict, root: Path, suppressed: bool, mark: bool
) -> dict:
    item: dict = {
        "ruleId": f.code,
        "level": "error",
        "message": {"text": _message(f)},
        "locations": [{"physicalLocation": _physical(f.path, root, _region(f))}],
        "partialFingerprints": {FINGERPRINT_KEY: ident.digest()},
    }
    if f.rule in index:
        item["ruleIndex"] = index[f.rule]
    fixes = _fixes(f.fix, f.path, root)
    if fixes:
        item["fixes"] = fixes
    if mark:
        item["suppressions"] = [{"kind": "inSource", "status": "accepted"}] if suppressed else []
    item["properties"] = {"rule": f.rule}
    if f.fix is not None:
        item["properties"]["fix"] = {
            "applicability": f.fix.applicability.value,
            "message": f.fix.message,
            **({"codemod": f.fix.codemod} if f.fix.codemod else {}),
        }
    return item


def _message(f: Finding) -> str:
    if f.fix is None:
        return f.message
    how = "`lint-integration fix`"
    if f.fix.applicability.value == "unsafe":
        how = "`lint-integration fix --unsafe-fixes`"
    return f"{f.message} Fix with {how}: {f.fix.message}"


def _region(f: Finding) -> dict:
    return _span((f.line, f.column), (f.end_line, f.end_column))


def _span(start: tuple[int, int], end: tuple[int, int]) -> dict:
    line, column = max(1, start[0]), max(1, start[1])
    end_line, end_column = end
    if end_line < 1 or end_column < 1 or (end_line, end_column) < (line, column):
        end_line, end_column = line, column
    return {
        "startLine": line,
        "startColumn": column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _physical(path: str, root: Path, region: dict | None) -> dict:
    out: dict = {"artifactLocation": artifact_location(path, root)}
    if region is not None:
        out["region"] = region
    return out


def artifact_location(path: str, root: Path) -> dict:
    """A relative URI under ``%SRCROOT%``; an absolute file URI for files outside the root."""
    rel = relative_to(root)(path)
    if rel == ".." or rel.startswith("../") or rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
        return {"uri": Path(path).resolve().as_uri()}
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _dir_uri(root: Path) -> str:
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _fixes(fix: Fix | None, path: str, root: Path) -> list[dict]:
    """SARIF fixes for span edits; codemod fixes (computed when applied) have none here."""
    if fix is None or not fix.edits:
        return []
    if any(e.location[0] < 1 or e.end_location[0] < 1 for e in fix.edits):
        return []
    replacements = [
        {
            "deletedRegion": _span(e.location, e.end_location),
            "insertedContent": {"text": e.content},
        }
        for e in sorted(fix.edits, key=lambda e: (e.start, e.end))
    ]
    return [
        {
            "description": {"text": f"{fix.message} ({fix.applicability.value} fix)"},
            "artifactChanges": [
                {"artifactLocation": artifact_location(path, root), "replacements": replacements}
            ],
        }
    ]
