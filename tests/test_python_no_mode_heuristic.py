"""no-mode-heuristic on Python: CI detection that decides live-vs-mock, a skip or the mode, and
aliases of INTEGRATION_MODE; CI bumping a timeout or logging is not a mode decision."""

from __future__ import annotations

from tests.python_support import FIXTURES, lint


def table(path: str):
    return [
        (f.line, f.column, f.code, f.fix.applicability.value if f.fix else None, f.message)
        for f in lint(FIXTURES, path)
    ]


def test_heuristics_that_decide_the_mode():
    assert table("no-mode-heuristic/bad_heuristics.py") == [
        (
            5,
            12,
            "LI005",
            None,
            "live-vs-mock decided by KUBERNETES_SERVICE_HOST; set INTEGRATION_MODE "
            "explicitly and read it with current_mode()",
        ),
        (
            6,
            13,
            "LI005",
            "unsafe",
            "TEST_MODE is an alias of INTEGRATION_MODE; read the mode with "
            "current_mode() from the shared helper",
        ),
        (
            9,
            1,
            "LI005",
            None,
            "test skipped when CI is enabled; CI is CI detection, not a mode: set "
            "INTEGRATION_MODE explicitly and gate with cluster_only",
        ),
        (
            15,
            8,
            "LI005",
            None,
            "live-vs-mock decided by GITHUB_ACTIONS; set INTEGRATION_MODE explicitly "
            "and read it with current_mode()",
        ),
        (
            23,
            57,
            "LI005",
            None,
            "INTEGRATION_MODE derived from CI; set the mode explicitly where the job runs",
        ),
    ]


def test_ci_for_timeouts_and_logs_is_not_a_mode_decision():
    assert table("no-mode-heuristic/good_heuristics.py") == []


def test_application_code_only_when_it_sets_the_mode(tmp_path):
    (tmp_path / "app.py").write_text(
        "import os\n"
        'USE_LIVE = "CI" in os.environ\n'
        'os.environ["INTEGRATION_MODE"] = "cluster" if os.getenv("CI") else "repo"\n'
    )
    found = lint(tmp_path, "app.py")
    assert [(f.line, f.code) for f in found] == [(3, "LI005")]
