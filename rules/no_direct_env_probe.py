"""no-direct-env-probe: a suite reads a dependency env var instead of asking the helper."""

from lint_integration.registry import Rule

DOC = """## What it does
Finds integration suites that read a dependency's environment variable directly:
`os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)`, `"X" in os.environ`,
`process.env.X`, `os.Getenv`, `os.LookupEnv`. Aliases (`from os import environ as E`,
`env = os.environ`) are resolved. Variables in `allowed-env` (`HOME`, `PATH`, `PYTEST_*`, the
trust store and proxies, ...), writes (`os.environ["X"] = ...`), `monkeypatch.setenv` and
`t.Setenv` are not probes. Runner scripts and the shared helper may read the environment.

A read is a dependency probe when the variable's name says where or with which credentials to
reach something (`*_URL`, `*_HOST`, `*_DSN`, `*_TOKEN`, `*_PASSWORD`, `*_DB`, ...) or names a
service's resource (`STORAGE_S3_NAME`, `CACHE_REDIS`); knobs such as `DEBUG_TESTS`,
`UPDATE_GOLDEN` or `*_THRESHOLD`, knobs about a service (`KAFKA_HOME`, `POSTGRES_VERSION`,
`GRPC_TRACE`) and switches (`GRPC_SERVER_ASYNC`, `DB_SSL_ENABLED`, `GOOGLE_API_USE_MTLS`) are
left alone. Reads that only save and
restore a variable, guard its removal, refuse it before setting it (`if "X" in os.environ:
raise`), assert what the code under test set (or left unchanged; compared with a literal or a
name bound only to one), or read back what the same test set or removed earlier
(`monkeypatch.setenv`, `t.Setenv`, `patch.dict(os.environ, {...})` around the test or its
class) are environment hygiene, not probes;
so are reads in code kept among the suites that is not test code: Python handlers and
settings modules that import no test framework, a sample app with its own `package.json`
under a test folder, a Go `package main` program or `Example` function. A read whose value only
feeds a skip gate is reported through the gate (`no-skip-on-env`).

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
behaviour (the default is replaced by the mock default), and so does one that is an operand of
`or` / `and` (`os.getenv("X") or "localhost"`): those fixes are unsafe. A read whose truth alone
is tested (`if os.getenv("X"):`, `not ...`, `... is None`) has no fix: that code runs without
the variable on purpose, and `require_env` would make it required.
"""


def check_typescript(analysis, ctx):
    """TS/JS and Go: the tree-sitter frontends list the facts (``languages/envfacts.py``)."""
    from lint_integration.languages import envfacts

    return envfacts.probe_findings(analysis, ctx, RULE)


check_go = check_typescript


def check_python(analysis, ctx):
    """Python: dependency variables read directly in a suite (not through a skip gate)."""
    from lint_integration.findings import Applicability, Fix
    from lint_integration.languages.python import report

    if ctx.role != "suite" or not analysis.test_code:
        return []
    out = []
    for read in analysis.probes:
        fix = None
        if read.var:
            hint = f'require_env("{read.var}")'
            message = (
                f"suite reads {read.var} directly; use {hint} so repo mode gets the mock value "
                "and cluster mode fails fast"
            )
            if read.kind != "contains" and read.presence != "test":
                unsafe = read.has_default or read.presence == "fallback"
                safety = Applicability.UNSAFE if unsafe else Applicability.SAFE
                fix = Fix(safety, f"Replace the read with {hint}", codemod=RULE.name)
        elif read.vars:
            message = (
                f"suite reads {report.names(read.vars)} directly; use require_env(...) for each "
                "so repo mode gets the mock values and cluster mode fails fast"
            )
        else:
            message = (
                "suite reads an environment variable with a computed name directly; "
                "use require_env(...) from the shared helper"
            )
        start, end = analysis.span(read.node)
        out.append(ctx.finding(RULE, start, end, message, fix=fix))
    config = ctx.config
    for fn in analysis.env_functions:
        used = [v for v in fn.call_vars if not config.is_allowed_env(v)]
        reported_elsewhere = all(r.in_gate or r.gate_only or r.hygiene for r in fn.reads)
        if fn.gate_only or reported_elsewhere or (fn.call_vars and not used):
            continue
        listed = f" ({report.names(used)})" if used else ""
        message = (
            f"`{fn.name}` reads the environment variable named by its `{fn.param}` "
            f"argument{listed}; use require_env(...) from the shared helper"
        )
        start, end = analysis.header_span(fn.node)
        out.append(ctx.finding(RULE, start, end, message))
    return out


RULE = Rule(
    name="no-direct-env-probe",
    code="LI002",
    summary="Suites read dependency variables through the helper, not the environment.",
    doc=DOC,
    fixable=True,
    checks={"python": check_python, "typescript": check_typescript, "go": check_go},
)
