"""The rule registry: metadata, docs and per-language checks, looked up by name, code or prefix."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lint_integration.findings import Finding

# A check receives the language frontend's analysis of one file and the file's context.
Check = Callable[[Any, Any], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """One rule of the contract. ``checks`` maps a language name to its check function."""

    name: str
    code: str
    summary: str
    doc: str
    fixable: bool = False
    checks: Mapping[str, Check] = field(default_factory=dict)
    # Languages the rule covers even when the check lives in a shared frontend pass.
    extra_languages: tuple[str, ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        langs = list(self.checks)
        langs += [lang for lang in self.extra_languages if lang not in langs]
        return tuple(langs)


PARSE_ERROR = Rule(
    name="parse-error",
    code="LI900",
    summary="A file could not be read or parsed, so it was not checked.",
    doc="""## What it does
Reports a file that could not be read, decoded or parsed, with the parser's line and message.

## Why is this bad?
A file the linter cannot read is a file whose integration gates nobody has checked. The run
goes on with the other files; this finding makes the gap visible instead of silent.

## Example
```python
def test_orders(:
    ...
```

## Use instead
Fix the syntax error, or exclude generated and vendored files with `extend-exclude`.

## Fix safety
There is no fix.
""",
)

# Most specific first: when two findings cover the same construct, the earlier rule wins.
PRIORITY = (
    "parse-error",
    "invalid-mode-value",
    "no-legacy-toggle",
    "no-mode-heuristic",
    "mode-via-helper",
    "runner-validates-mode",
    "ci-mode-explicit",
    "no-skip-on-env",
    "no-direct-env-probe",
)


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in code order (imports the rule modules on first use)."""
    from lint_integration.rules import RULES

    return tuple(sorted((PARSE_ERROR, *RULES), key=lambda r: r.code))


def rule_by_name() -> dict[str, Rule]:
    return {r.name: r for r in all_rules()}


def lookup(selector: str) -> list[Rule]:
    """Rules matching a name, a code or a code prefix (``LI``, ``LI00``, ``ALL``)."""
    sel = selector.strip()
    rules = all_rules()
    if sel.upper() == "ALL":
        return list(rules)
    by_name = [r for r in rules if r.name == sel.lower()]
    if by_name:
        return by_name
    return [r for r in rules if r.code.startswith(sel.upper())] if sel else []


def priority(rule_name: str) -> int:
    try:
        return PRIORITY.index(rule_name)
    except ValueError:
        return len(PRIORITY)
