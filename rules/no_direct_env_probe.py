"""no-direct-env-probe: a suite reads a dependency env var instead of asking the helper."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds integration suites that read a dependency's environment variable directly:
`os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)`, `"X" in os.environ`,
`process.env.X`, `os.Getenv`, `os.LookupEnv`. Aliases (`from os import environ as E`,
`env = os.environ`) are resolved. Variables in `allowed-env` (`HOME`, `PATH`, `PYTEST_*`, ...),
writes (`os.environ["X"] = ...`), `monkeypatch.setenv` and `t.Setenv` are not probes. Runner
scripts and the shared helper may read the environment.

## Why is this bad?
A direct read returns `None` or `""` when the variable is missing, so the test quietly runs
half-configured. The helper's `require_env` decides by mode: the live value (or a fast failure)
in cluster mode, the deterministic mock default in repo/local mode.

## Example
```python
import os

def test_publish():
    url = os.environ.get("EVENTS_BROKER_URL", "localhost:9092")
```

## Use instead
```python
from integration_mode import require_env

def test_publish():
    url = require_env("EVENTS_BROKER_URL")
```

## Fix safety
The fix is safe for reads with a literal variable name. A read with a default value changes
behaviour (the default is replaced by the mock default), so that fix is unsafe.
"""

RULE = Rule(
    name="no-direct-env-probe",
    code="LI002",
    summary="Suites read dependency variables through the helper, not the environment.",
    doc=DOC,
    fixable=True,
    checks={},
)
