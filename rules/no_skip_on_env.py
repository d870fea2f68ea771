"""no-skip-on-env: a test, fixture, hook or runner skips because an env var is missing."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds tests, classes, modules, fixtures, conftest hooks and runner scripts that **skip**, return
early or exit 0 because an environment variable is missing or falsy: pytest `skipif` / `skip` /
`importorskip`-style gates, unittest `skipIf` / `skipUnless` / `skipTest` / `SkipTest`, Jest
`cond ? describe : describe.skip` and `describe.skipIf`, Go `t.Skip`, shell `exit 0`. Gates hidden
behind a marker, decorator factory or predicate helper are reported once, at their definition.
A skip because a variable is *set* (an opt-out knob such as `DEBUG_LOG`) is not reported; gates on
legacy toggles, CI detection or `INTEGRATION_MODE` itself are reported by their own rules. Nor are
an `exit 0` after a runner's last suite command (an optional notification or upload), a return
from a Go test helper (it hands control back to the test) and the entry check of a Go helper
process (`GO_WANT_HELPER_PROCESS`, or any variable another test of the file sets for the child
it starts, or a test that ends the process or blocks for good once it runs as one). A gate
comparing a variable with a value (`X != "on"`) is an opt-in switch: it is reported with the
advice to run live-only tests in cluster mode; one that skips only when the variable equals a
value (`X == "cloud"`) runs the test when it is unset and is not reported. A skip on
what a call answers, when every variable the call is given always has a value (a default that is
not a switch's `"0"` or `"false"`: `connect(os.getenv("DSN", "dbname=test")) is None`), is decided
by the service, not by a missing variable, and is not reported.

## Why is this bad?
A skipped integration test is green and proves nothing. In repo/local mode the suite must run
against deterministic mocks; in cluster mode a missing variable is a broken environment that must
fail fast. A silent skip hides both.

## Example
```python
import os
import pytest

@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no database")
def test_create_order():
    ...
```

## Use instead
```python
from integration_mode import requires_env

@requires_env("ORDERS_DATABASE_URL")
def test_create_order():
    ...
```
`requires_env` returns the live value in cluster mode (or fails naming the variable) and the mock
default from `.env.integration` in repo/local mode.

## Fix safety
The fix is safe when the gate tests only for the variable being missing or empty. Gates that
combine the variable with other conditions, or compare it with a value, are reported without a fix.
"""


def check_typescript(analysis, ctx):
    """TS/JS and Go: the tree-sitter frontends list the facts (``languages/envfacts.py``)."""
    from lint_integration.languages import envfacts

    return envfacts.skip_findings(analysis, ctx, RULE)


check_go = check_typescript


def check_shell(analysis, ctx):
    """Runner and suite shell scripts: a missing-variable test that exits 0 or returns."""
    from lint_integration.languages import facts

    if ctx.role not in ("runner", "suite"):
        return []
    return facts.emit(RULE, ctx, analysis.skip_gates())


def check_yaml(analysis, ctx):
    """CI scripts (``run:``, ``script:``) that run an integration suite and exit 0 first."""
    from lint_integration.languages import facts

    return facts.emit(RULE, ctx, analysis.skip_gates())


def check_python(analysis, ctx):
    """Python: gates on dependency variables; runners only for exit-0 / early-return gates."""
    from lint_integration.findings import Applicability, Fix
    from lint_integration.languages.python import report

    if ctx.role not in ("suite", "runner"):
        return []
    out = []
    for gate in analysis.gates:
        # Skipping because a variable is *set* (an opt-out knob) is not a missing dependency.
        if gate.category != "dependency" or gate.polarity == "present":
            continue
        if ctx.role == "runner" and gate.action_kind not in ("exit", "return"):
            continue
        variables = report.gate_vars(gate)
        hint = report.requires_call(variables) if variables else 'requires_env("...")'
        if gate.action_kind in ("exit", "return") and gate.target in ("runner", "module"):
            require = report.requires_call(variables, "require_env")
            advice = f"in cluster mode fail fast with {require}, in repo mode run on mocks"
        elif gate.polarity == "missing" and gate.dynamic and not gate.env_vars:
            advice = (
                "have it apply requires_env(name) so repo mode mocks and cluster mode fails fast"
            )
        elif gate.polarity == "missing":
            verb = "define it as" if gate.target in ("marker", "decorator") else "use"
            advice = f"{verb} {hint} so repo mode mocks and cluster mode fails fast"
        elif gate.polarity == "falsy":
            advice = "mark live-only tests cluster_only instead of an opt-in variable"
        else:
            advice = f"use {hint} for dependencies and cluster_only for live-only tests"
        message = f"{report.subject(gate)} {report.when(gate)}{report.uses_note(gate)}; {advice}"
        fix = None
        if gate.fixable:
            fix = Fix(Applicability.SAFE, f"Replace the skip with {hint}", codemod=RULE.name)
        start, end = analysis.gate_span(gate)
        out.append(ctx.finding(RULE, start, end, message, fix=fix))
    return out


RULE = Rule(
    name="no-skip-on-env",
    code="LI001",
    summary="Tests must not skip because an environment variable is missing.",
    doc=DOC,
    fixable=True,
    checks={
        "python": check_python,
        "typescript": check_typescript,
        "go": check_go,
        "shell": check_shell,
        "yaml": check_yaml,
    },
)
