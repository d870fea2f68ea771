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

RULE = Rule(
    name="mode-via-helper",
    code="LI004",
    summary="INTEGRATION_MODE is read only through the shared helper.",
    doc=DOC,
    fixable=True,
    checks={},
)
