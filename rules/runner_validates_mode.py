"""runner-validates-mode: a runner script ignores the mode or never rejects invalid values."""

from lint_integration.registry import Rule

DOC = """## What it does
Checks runner scripts (`run_integration_tests.sh`, `run_*integration*.sh`, scripts under
`tools/integration-runner/`) for a read of `INTEGRATION_MODE` followed by a branch that rejects
unknown values: a `case` with a failing `*)` arm, or a test that exits non-zero.

A script counts as a runner when its name says so or when it runs a test command (`pytest`,
`jest`, `go test`, `pnpm test...`); helper scripts beside the runners that run no tests are left
alone. A runner that runs or sources another runner or the shared mode helper leaves the mode to
that script, which is checked on its own.

## Why is this bad?
The runner is where the mode is decided for the whole run. A runner that ignores the mode cannot
wire mocks or assert live dependencies, and one that accepts any value lets `INTEGRATION_MODE=live`
run the mocked path while everyone believes it was live.

## Example
```bash
#!/usr/bin/env bash
MODE="${INTEGRATION_MODE:-repo}"
if [ "$MODE" = "cluster" ]; then export USE_LIVE=1; fi
pytest tests/integration
```

## Use instead
```bash
#!/usr/bin/env bash
MODE="${INTEGRATION_MODE:-repo}"
case "$MODE" in
  repo|local) ;;
  cluster) : "${ORDERS_DATABASE_URL:?cluster mode needs ORDERS_DATABASE_URL}" ;;
  *) echo "invalid INTEGRATION_MODE: $MODE (expected repo|local|cluster)" >&2; exit 2 ;;
esac
pytest tests/integration
```
`lint-integration init --runner` writes such a template.

## Fix safety
There is no automatic fix: the branch for each mode needs a human.
"""


def check_shell(analysis, ctx):
    """Runner scripts (by role, or suite-folder scripts that run tests): ``languages/shell.py``."""
    from lint_integration.languages import facts

    site = analysis.runner_problem(ctx.role)
    return facts.emit(RULE, ctx, [site] if site else [])


RULE = Rule(
    name="runner-validates-mode",
    code="LI007",
    summary="Runner scripts parse INTEGRATION_MODE once and reject invalid values.",
    doc=DOC,
    fixable=False,
    checks={"shell": check_shell},
)
