"""JUnit XML: one testcase per checked file (clean files pass), one failure per finding.

CI systems that only understand test reports (Jenkins, GitLab, Azure, Buildkite) then show
which files break the contract, with each finding's position and rule.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lint_integration.engine import RunResult

SUITE_NAME = "lint-integration"

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def format_junit(result: RunResult, options: dict) -> str:
    cases = []
    failed = 0
    total_failures = 0
    for file_result in sorted(result.files, key=lambda r: r.path):
        findings = sorted(file_result.findings, key=lambda f: f.sort_key())
        case = ET.Element(
            "testcase",
            {
                "classname": SUITE_NAME,
                "name": _clean(file_result.path),
                "file": _clean(file_result.path),
                "time": "0",
            },
        )
        for f in findings:
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "message": _clean(f"{f.line}:{f.column}: {f.code} [{f.rule}] {f.message}"),
                    "type": f.code,
                },
            )
            failure.text = _clean(
                f"{f.path}:{f.line}:{f.column}: {f.code} [{f.rule}] {f.message}"
                + (f"\nfix ({f.fix.applicability.value}): {f.fix.message}" if f.fix else "")
            )
        if findings:
            failed += 1
            total_failures += len(findings)
        cases.append(case)
    counts = {
        "tests": str(len(cases)),
        "failures": str(failed),
        "errors": "0",
        "skipped": "0",
        "time": "0",
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts})
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", {"name": "findings", "value": str(total_failures)})
    suite.extend(cases)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
