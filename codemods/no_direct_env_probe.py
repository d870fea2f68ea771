"""no-direct-env-probe: ``os.getenv("X")`` / ``os.environ["X"]`` / ``.get("X", d)`` in a suite
become ``require_env("X")``.

The key expression is kept as written (a literal, or the constant that names the variable).
Reads with a default are rewritten too, but their finding's fix is unsafe: the default gives way
to the mock default in repo/local mode. Membership tests (``"X" in os.environ``), ``pop`` and
reads inside string ``skipif`` conditions are left as findings.
"""

from __future__ import annotations

from typing import Any

from lint_integration.codemods._base import FindingCodemod, Span, require_env_call

REWRITABLE = ("get", "getenv", "subscript")


class NoDirectEnvProbeCommand(FindingCodemod):
    """Replace direct reads of dependency variables with require_env."""

    RULE = "no-direct-env-probe"
    DESCRIPTION = "Replace direct env reads in suites with require_env."

    def plan(self, analysis: Any, spans: set[Span]) -> None:
        for read in analysis.probes:
            if analysis.span(read.node) not in spans:
                continue
            if read.kind not in REWRITABLE or read.in_string or read.key_node is None:
                self.skip(f"a `{read.kind}` read has no require_env form", read.node)
                continue
            self.replace(read.node, require_env_call(read.key_node), "require_env")
