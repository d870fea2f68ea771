"""mode-via-helper: INTEGRATION_MODE is read directly outside the shared helper."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds direct reads of `INTEGRATION_MODE` (`os.environ["INTEGRATION_MODE"]`,
`process.env.INTEGRATION_MODE`, `os.Getenv("INTEGRATION_MODE")`) outside the shared helper
module (`integration_mode.py`, `integrationmode/`, `integration-mode.ts`, `integrationMode.ts` by
default).

## Why is this bad?
Every direct read re-implements the parsing: one treats `""` as repo, another lower-cases, a third
falls back to `repo` on a typo. The contract is strict and is implemented once, in the helper.

## Example
```python
import os

LIVE = os.environ.get("INTEGRATION_MODE", "repo") == "cluster"
```

## Use instead
```python
from integration_mode import IntegrationMode, current_mode

LIVE = current_mode() is IntegrationMode.CLUSTER
```

## Fix safety
Replacing a read with `current_mode()` is safe when the result is compared with a valid mode
literal; other uses are reported without a fix.
"""


def check_typescript(analysis, ctx):
    """TS/JS and Go: the tree-sitter frontends list the facts (``languages/envfacts.py``)."""
    from lint_integration.languages import envfacts

    return envfacts.mode_read_findings(analysis, ctx, RULE)


check_go = check_typescript


def check_python(analysis, ctx):
    """Python: INTEGRATION_MODE read directly (or gating a skip) outside the helper."""
    from lint_integration.findings import Applicability, Fix
    from lint_integration.languages.python import report

    if ctx.role == "helper":
        return []
    out = []
    for mode in analysis.mode_reads:
        if mode.read.in_gate or mode.read.gate_only:
            continue
        message = "INTEGRATION_MODE read directly; use current_mode() from the shared helper"
        fix = None
        if mode.fixable:
            fix = Fix(Applicability.SAFE, "Replace the read with current_mode()", codemod=RULE.name)
        start, end = analysis.span(mode.node)
        out.append(ctx.finding(RULE, start, end, message, fix=fix))
    for gate in analysis.gates:
        if gate.category != "mode":
            continue
        message = (
            f"{report.subject(gate)} depending on INTEGRATION_MODE read directly"
            f"{report.uses_note(gate)}; use cluster_only or current_mode() from the shared helper"
        )
        start, end = analysis.gate_span(gate)
        out.append(ctx.finding(RULE, start, end, message))
    return out


RULE = Rule(
    name="mode-via-helper",
    code="LI004",
    summary="INTEGRATION_MODE is read only through the shared helper.",
    doc=DOC,
    fixable=True,
    checks={"python": check_python, "typescript": check_typescript, "go": check_go},
)
