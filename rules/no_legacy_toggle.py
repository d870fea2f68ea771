"""no-legacy-toggle: a legacy live/skip toggle is read or set anywhere in the repo."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds reads and writes of legacy integration toggles such as `RUN_INTEGRATION_TESTS`,
`RUN_LIVE_TESTS`, `*_INTEGRATION_USE_LIVE_DB` and `*_USE_LIVE_*`, in code, runner scripts, CI
workflows, Helm values, Tiltfiles and `package.json` scripts. The patterns are configurable with
`legacy-toggles` / `extend-legacy-toggles`.

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

RULE = Rule(
    name="no-legacy-toggle",
    code="LI003",
    summary="Legacy integration toggles are replaced by INTEGRATION_MODE.",
    doc=DOC,
    fixable=True,
    checks={},
)
