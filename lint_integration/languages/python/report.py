"""Wording shared by the Python rules: what a gate skips, when, and what to use instead.

Messages are one line and name the variables, e.g. ``test skipped when ORDERS_DATABASE_URL is
unset; use requires_env("ORDERS_DATABASE_URL") so repo mode mocks and cluster mode fails
fast``.
"""

from __future__ import annotations

from lint_integration.languages.python import formula as F
from lint_integration.languages.python.facts import SkipGate

_SUBJECTS = {
    "test": "test skipped",
    "class": "test class skipped",
    "module": "module skipped",
    "param": "parametrized case skipped",
    "runner": "runner skips",
}


def names(items) -> str:
    items = [n for n in items if n]
    if not items:
        return "an environment variable"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def requires_call(variables, func: str = "requires_env") -> str:
    return f"{func}({', '.join(f'{chr(34)}{v}{chr(34)}' for v in variables)})"


def uses_note(gate: SkipGate) -> str:
    if gate.uses is None:
        return ""
    count = gate.uses
    return f" (used by {count} test{'' if count == 1 else 's'})"


def gate_vars(gate: SkipGate) -> list[str]:
    if gate.env_vars:
        return list(gate.env_vars)
    return list(gate.use_vars)


def subject(gate: SkipGate) -> str:
    """What is skipped, in the voice of the construct: ``test skipped``, ``marker `x` skips
    tests`` ..."""
    name = f" `{gate.target_name}`" if gate.target_name else ""
    action = gate.action_kind
    if action == "return" and gate.target == "test":
        return "test returns early (passing without running)"
    if action == "return" or action == "exit":
        return (
            "runner exits 0"
            if gate.target in ("runner", "module")
            else (f"{gate.target}{name} exits 0")
        )
    if action == "pytest.exit":
        return "test session exits"
    if action in ("collect_ignore", "ignore_collect"):
        return "tests not collected"
    if gate.target in ("marker", "decorator", "helper", "fixture", "hook"):
        return f"{gate.target}{name} skips tests"
    if gate.target == "predicate":
        return f"helper{name} decides skips"
    return _SUBJECTS.get(gate.target, "test skipped")


def when(gate: SkipGate, category_word: str = "") -> str:
    """When the skip happens: ``when X is unset``, ``unless X is enabled`` ..."""
    vs = gate_vars(gate)
    label = f"{category_word} " if category_word else ""
    if gate.dynamic and not gate.env_vars:
        passed = f" ({', '.join(gate.use_vars)})" if gate.use_vars else ""
        return f"when the variable passed to it{passed} is unset"
    if gate.target == "predicate" and not gate.direct:
        return f"on {label}{names(vs)}"
    if not vs:
        if gate.dynamic:
            return "when the environment variable passed to it is unset"
        return "depending on the environment"
    joined = names(vs)
    plural = len(vs) > 1
    if gate.polarity == "missing":
        when_ = getattr(gate, "when", None)
        if plural and when_ is not None and not F.missing_any(when_):
            joined = " and ".join(vs)
        return f"when {label}{joined} {'are' if plural and ' and ' in joined else 'is'} unset"
    if gate.polarity == "falsy":
        return f"unless {label}{joined} is enabled"
    if gate.polarity == "present":
        when_ = getattr(gate, "when", None)
        flags = when_ is not None and any(a[2] == F.FLAG for a, _ in F.literals(when_))
        return f"when {label}{joined} is {'enabled' if flags else 'set'}"
    return f"depending on {label}{joined}"
