"""invalid-mode-value on Python: INTEGRATION_MODE compared with (also through a constant and in a
skip gate) or set to anything but repo, local or cluster; only a case fix is offered."""

from __future__ import annotations

from tests.python_support import FIXTURES, lint


def table(path: str):
    return [
        (f.line, f.column, f.code, f.fix.applicability.value if f.fix else None, f.message)
        for f in lint(FIXTURES, path)
    ]


def test_invalid_values_compared_and_set():
    assert table("invalid-mode-value/bad_values.py") == [
        (
            6,
            8,
            "LI004",
            None,
            "INTEGRATION_MODE read directly; use current_mode() from the shared helper",
        ),
        (
            9,
            21,
            "LI006",
            None,
            'INTEGRATION_MODE compared with "live", which is not a mode (repo, local, cluster)',
        ),
        (
            15,
            8,
            "LI006",
            None,
            'INTEGRATION_MODE compared with "mock", which is not a mode (repo, local, cluster)',
        ),
        (
            20,
            44,
            "LI006",
            "safe",
            'INTEGRATION_MODE set to "Cluster", which is not a mode (repo, local, '
            'cluster); use "cluster"',
        ),
        (
            21,
            38,
            "LI006",
            None,
            'INTEGRATION_MODE set to "integration", which is not a mode (repo, local, cluster)',
        ),
        (
            22,
            57,
            "LI006",
            None,
            'INTEGRATION_MODE set to "live", which is not a mode (repo, local, cluster)',
        ),
        (
            23,
            33,
            "LI006",
            None,
            'INTEGRATION_MODE set to "ci", which is not a mode (repo, local, cluster)',
        ),
    ]


def test_valid_values_and_unrelated_comparisons_are_quiet():
    assert table("invalid-mode-value/good_values.py") == []
