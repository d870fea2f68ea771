"""no-mode-heuristic: the mode is inferred from other variables or an alias."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds code that decides live-vs-mocked behaviour from variables other than `INTEGRATION_MODE`:
CI detection (`CI`, `GITHUB_ACTIONS`, `KUBERNETES_SERVICE_HOST`, ... configurable with
`heuristic-vars`) or an alias of the mode (`TEST_MODE`, `INTEGRATION_ENV`, ... configurable with
`mode-aliases`).

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

RULE = Rule(
    name="no-mode-heuristic",
    code="LI005",
    summary="The mode comes from INTEGRATION_MODE, never from CI detection or aliases.",
    doc=DOC,
    fixable=True,
    checks={},
)
