"""no-mode-heuristic: the mode is inferred from other variables or an alias."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds code that decides live-vs-mocked behaviour from variables other than `INTEGRATION_MODE`:
CI detection (`CI`, `GITHUB_ACTIONS`, `KUBERNETES_SERVICE_HOST`, ... configurable with
`heuristic-vars`) or an alias of the mode (`TEST_MODE`, `INTEGRATION_ENV`, ... configurable with
`mode-aliases`). CI detection is reported only where it decides the mode: a skip, a live/mock flag
(`USE_LIVE = "CI" in os.environ`), a branch that picks live or mocked clients, or a value of
`INTEGRATION_MODE`; reading `CI` to raise a timeout or turn on logging is left alone, and so is
a skip on CI for one platform only (`sys.platform == "darwin" and CI`, `runtime.GOOS`,
`process.platform`: a runner's limits, not a mode). A skip on CI detection is this rule's, not
`no-skip-on-env`'s.

## Why is this bad?
Heuristics make the same suite mock on one runner and hit live services on another. The contract
has one knob and no aliases: CI sets `INTEGRATION_MODE` explicitly.

## Example
```python
import os

USE_LIVE = "KUBERNETES_SERVICE_HOST" in os.environ
```

## Use instead
```python
from integration_mode import IntegrationMode, current_mode

USE_LIVE = current_mode() is IntegrationMode.CLUSTER
```

## Fix safety
Reading an alias of the mode becomes `current_mode()` (unsafe: the alias may carry other values).
CI-detection heuristics are reported without a fix, because the intent needs a human.
"""


def check_typescript(analysis, ctx):
    """TS/JS and Go: the tree-sitter frontends list the facts (``languages/envfacts.py``)."""
    from lint_integration.languages import envfacts

    return envfacts.heuristic_findings(analysis, ctx, RULE)


check_go = check_typescript


def check_shell(analysis, ctx):
    """Shell (and scripts in CI YAML and Tiltfiles): aliases read, CI detection setting the mode."""
    from lint_integration.languages import facts

    return facts.emit(RULE, ctx, analysis.heuristics())


check_yaml = check_tiltfile = check_shell


def check_python(analysis, ctx):
    """Python: mode aliases and CI detection that decide live-vs-mock, a skip or the mode."""
    from lint_integration.findings import Applicability, Fix
    from lint_integration.languages.python import report

    if ctx.role == "helper":
        return []
    out = []
    for use in analysis.heuristics:
        if ctx.role not in ("suite", "runner") and use.reason != "sets-mode":
            continue
        fix = None
        what = (
            f"{use.var} is an alias of INTEGRATION_MODE"
            if use.alias
            else f"{use.var} is CI detection, not a mode"
        )
        if use.reason == "gate":
            gate = use.gate
            message = (
                f"{report.subject(gate)} {report.when(gate)}{report.uses_note(gate)}; {what}: "
                "set INTEGRATION_MODE explicitly and gate with cluster_only"
            )
            span = analysis.gate_span(gate)
        elif use.alias:
            message = f"{what}; read the mode with current_mode() from the shared helper"
            span = analysis.span(use.node)
            fix = Fix(
                Applicability.UNSAFE, "Replace the read with current_mode()", codemod=RULE.name
            )
        elif use.reason == "sets-mode":
            message = (
                f"INTEGRATION_MODE derived from {use.var}; set the mode explicitly where the job "
                "runs"
            )
            span = analysis.span(use.node)
        else:
            message = (
                f"live-vs-mock decided by {use.var}; set INTEGRATION_MODE explicitly and read it "
                "with current_mode()"
            )
            span = analysis.span(use.node)
        out.append(ctx.finding(RULE, span[0], span[1], message, fix=fix))
    return out


RULE = Rule(
    name="no-mode-heuristic",
    code="LI005",
    summary="The mode comes from INTEGRATION_MODE, never from CI detection or aliases.",
    doc=DOC,
    fixable=True,
    checks={
        "python": check_python,
        "typescript": check_typescript,
        "go": check_go,
        "shell": check_shell,
        "yaml": check_yaml,
        "tiltfile": check_tiltfile,
    },
)
