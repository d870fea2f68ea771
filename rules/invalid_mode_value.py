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

RULE = Rule(
    name="invalid-mode-value",
    code="LI006",
    summary="INTEGRATION_MODE is only ever repo, local or cluster.",
    doc=DOC,
    fixable=True,
    checks={},
)
