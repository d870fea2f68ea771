"""invalid-mode-value: INTEGRATION_MODE compared with or set to an unknown value."""

from lint_integration.registry import Rule

VALID_MODES = ("repo", "local", "cluster")

DOC = """## What it does
Finds places where `INTEGRATION_MODE`, or a value read from it, is compared with or set to
anything but `repo`, `local` or `cluster`: `== "live"`, `case live)`, `INTEGRATION_MODE: mock` in
a workflow, `mode === 'integration'` in TypeScript.

## Why is this bad?
The helper rejects unknown values at startup, so a job that sets `INTEGRATION_MODE: live` fails,
and a comparison with `"live"` is never true: its branch is dead code that looks like coverage.

## Example
```yaml
env:
  INTEGRATION_MODE: live
```

## Use instead
```yaml
env:
  INTEGRATION_MODE: cluster
```

## Fix safety
Only unambiguous spellings are fixed (`Cluster` → `cluster`, `REPO` → `repo`); anything else
(`live`, `mock`, `ci`) needs a human and is reported without a fix.
"""


def check_typescript(analysis, ctx):
    """TS/JS and Go: the tree-sitter frontends list the facts (``languages/envfacts.py``)."""
    from lint_integration.languages import envfacts

    return envfacts.invalid_mode_findings(analysis, ctx, RULE)


check_go = check_typescript


def check_shell(analysis, ctx):
    """Shell, CI YAML, Tiltfiles, package.json: the frontends list the sites (``facts.Site``)."""
    from lint_integration.languages import facts

    return facts.emit(RULE, ctx, analysis.invalid_modes())


check_yaml = check_tiltfile = check_package_json = check_shell


def check_python(analysis, ctx):
    """Python: INTEGRATION_MODE compared with, or set to, an unknown value."""
    from lint_integration.findings import Applicability, Fix

    if ctx.role == "helper":
        return []
    out = []
    for value in analysis.mode_values:
        if value.valid:
            continue
        verb = "compared with" if value.context == "compare" else "set to"
        message = (
            f'INTEGRATION_MODE {verb} "{value.value}", which is not a mode (repo, local, cluster)'
        )
        fix = None
        if value.suggestion:
            message += f'; use "{value.suggestion}"'
            fix = Fix(Applicability.SAFE, f'Use "{value.suggestion}"', codemod=RULE.name)
        node = value.construct if value.context == "compare" else value.node
        start, end = analysis.span(node)
        out.append(ctx.finding(RULE, start, end, message, fix=fix))
    return out


RULE = Rule(
    name="invalid-mode-value",
    code="LI006",
    summary="INTEGRATION_MODE is only ever repo, local or cluster.",
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
