"""no-legacy-toggle: a legacy live/skip toggle is read or set anywhere in the repo."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds reads and writes of legacy integration toggles such as `RUN_INTEGRATION_TESTS`,
`RUN_LIVE_TESTS`, `*_INTEGRATION_USE_LIVE_DB`, `*_USE_LIVE_*` and envtest's
`USE_EXISTING_CLUSTER`, in code, runner scripts, CI workflows, Helm values, Tiltfiles and
`package.json` scripts. The patterns are configurable with `legacy-toggles` /
`extend-legacy-toggles`.

## Why is this bad?
Each toggle is a second, private mode switch. Together they make it impossible to tell which
suites ran against live services. `INTEGRATION_MODE=cluster` is the one switch for live runs.

## Example
```python
@pytest.mark.skipif(os.getenv("RUN_INTEGRATION_TESTS") != "1", reason="live only")
def test_payment_roundtrip():
    ...
```

## Use instead
```python
from integration_mode import cluster_only

@cluster_only
def test_payment_roundtrip():
    ...
```

## Fix safety
A live-only gate becomes `cluster_only` and a read becomes
`current_mode() is IntegrationMode.CLUSTER`; both are safe. In YAML `env:` maps the toggle is
replaced by `INTEGRATION_MODE: cluster` (or removed when the mode is already set).
"""


def check_typescript(analysis, ctx):
    """TS/JS and Go: the tree-sitter frontends list the facts (``languages/envfacts.py``)."""
    from lint_integration.languages import envfacts

    return envfacts.toggle_findings(analysis, ctx, RULE)


check_go = check_typescript


def check_shell(analysis, ctx):
    """Shell, CI YAML, Tiltfiles, package.json: the frontends list the sites (``facts.Site``)."""
    from lint_integration.languages import facts

    return facts.emit(RULE, ctx, analysis.legacy_toggles())


check_yaml = check_tiltfile = check_package_json = check_shell


def check_python(analysis, ctx):
    """Python: legacy toggles read, set or gating skips, in every role but the helper."""
    from lint_integration.findings import Applicability, Fix
    from lint_integration.languages.python import report

    if ctx.role == "helper":
        return []
    out = []
    for use in analysis.toggles:
        fix = None
        if use.kind == "gate":
            gate = use.gate
            message = (
                f"{report.subject(gate)} {report.when(gate, 'legacy toggle')}"
                f"{report.uses_note(gate)}; mark live-only tests cluster_only "
                "(INTEGRATION_MODE=cluster is the one switch for live runs)"
            )
            span = analysis.gate_span(gate)
            if use.fixable:
                fix = Fix(
                    Applicability.SAFE, "Replace the gate with cluster_only", codemod=RULE.name
                )
        elif use.kind == "read":
            message = (
                f"legacy toggle {use.var} read; use current_mode() is IntegrationMode.CLUSTER "
                "(INTEGRATION_MODE=cluster)"
            )
            span = analysis.span(use.test_node or use.node)
            if use.fixable:
                fix = Fix(
                    Applicability.SAFE,
                    "Replace the test with current_mode() is IntegrationMode.CLUSTER",
                    codemod=RULE.name,
                )
        else:
            message = f"legacy toggle {use.var} set; set INTEGRATION_MODE=cluster instead"
            span = analysis.span(use.node)
        out.append(ctx.finding(RULE, span[0], span[1], message, fix=fix))
    return out


RULE = Rule(
    name="no-legacy-toggle",
    code="LI003",
    summary="Legacy integration toggles are replaced by INTEGRATION_MODE.",
    doc=DOC,
    fixable=True,
    checks={
        "python": check_python,
        "typescript": check_typescript,
        "go": check_go,
        "shell": check_shell,
        "yaml": check_yaml,
        "tiltfile": check_tiltfile,
        "package-json": check_package_json,
    },
)
