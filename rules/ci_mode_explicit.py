"""ci-mode-explicit: a CI job or Tilt resource runs integration suites without setting the mode."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds GitHub Actions jobs and steps, Tekton tasks, Tilt resources and Helm test values that run
integration suites (`test:integration`, `run_integration_tests`, `pytest ... integration`,
`jest ... integration`, `go test -tags integration`, a runner script) without `INTEGRATION_MODE`
set at the workflow, job or step level (or in Tilt's `env`).

A workflow job is reported once, at its key (where the fix goes), however many of its steps run
suites; a Tekton task once, at the first step that runs a suite; a Tilt resource at its name.
Workflows, tasks and resources that run no integration suite are never reported.

## Why is this bad?
A job that does not say its mode runs in `repo` mode by default. If it was meant to be the live
gate, the team believes it has live coverage it does not have; either way the job's label cannot
say which signal it is.

## Example
```yaml
jobs:
  integration:
    runs-on: ubuntu-latest
    steps:
      - run: ./run_integration_tests.sh
```

## Use instead
```yaml
jobs:
  integration-repo:
    runs-on: ubuntu-latest
    env:
      INTEGRATION_MODE: repo
    steps:
      - run: ./run_integration_tests.sh
```

## Fix safety
Inserting `INTEGRATION_MODE: repo` into the job's `env:` is an unsafe fix: the job may have been
meant to run in cluster mode.
"""


def check_yaml(analysis, ctx):
    """Workflow jobs, Tekton tasks, Helm values, Tilt resources: one finding per job/task."""
    from lint_integration.languages import facts

    return facts.emit(RULE, ctx, analysis.ci_mode_sites())


check_tiltfile = check_yaml


RULE = Rule(
    name="ci-mode-explicit",
    code="LI008",
    summary="CI jobs and Tilt resources that run integration suites set INTEGRATION_MODE.",
    doc=DOC,
    fixable=True,
    checks={"yaml": check_yaml, "tiltfile": check_tiltfile},
)
