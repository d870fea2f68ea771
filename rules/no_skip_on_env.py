"""no-skip-on-env: a test, fixture, hook or runner skips because an env var is missing."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds tests, classes, modules, fixtures, conftest hooks and runner scripts that **skip**, return
early or exit 0 because an environment variable is missing or falsy: pytest `skipif` / `skip` /
`importorskip`-style gates, unittest `skipIf` / `skipUnless` / `skipTest` / `SkipTest`, Jest
`cond ? describe : describe.skip` and `describe.skipIf`, Go `t.Skip`, shell `exit 0`. Gates hidden
behind a marker, decorator factory or predicate helper are reported once, at their definition.

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

RULE = Rule(
    name="no-skip-on-env",
    code="LI001",
    summary="Tests must not skip because an environment variable is missing.",
    doc=DOC,
    fixable=True,
    checks={},
)
