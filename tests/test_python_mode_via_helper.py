"""mode-via-helper on Python: INTEGRATION_MODE read directly (in constants, comparisons and skip
gates) outside the shared helper; the helper itself may read it."""

from __future__ import annotations

from lint_integration.languages.python import analyze_source
from tests.python_support import FIXTURES, lint, project_config


def table(path: str):
    return [
        (f.line, f.column, f.code, f.fix.applicability.value if f.fix else None, f.message)
        for f in lint(FIXTURES, path)
    ]


def test_direct_reads_and_mode_gates():
    assert table("mode-via-helper/bad_mode_reads.py") == [
        (
            5,
            8,
            "LI004",
            "safe",
            "INTEGRATION_MODE read directly; use current_mode() from the shared helper",
        ),
        (
            8,
            1,
            "LI004",
            None,
            "test skipped depending on INTEGRATION_MODE read directly; use "
            "cluster_only or current_mode() from the shared helper",
        ),
        (
            14,
            8,
            "LI004",
            "safe",
            "INTEGRATION_MODE read directly; use current_mode() from the shared helper",
        ),
    ]


def test_helper_and_helper_users_are_quiet():
    assert table("mode-via-helper/good_mode.py") == []
    assert table("mode-via-helper/tools") == []


def test_mode_read_facts_know_what_they_are_compared_with():
    path = FIXTURES / "mode-via-helper/bad_mode_reads.py"
    analysis = analyze_source(path.read_text(), path, project_config(FIXTURES))
    compared = {analysis.span(m.node)[0][0]: (m.compared, m.fixable) for m in analysis.mode_reads}
    assert compared[5] == (("repo", "local"), True)
    assert compared[14] == (("cluster",), True)
