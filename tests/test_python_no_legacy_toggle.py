"""no-legacy-toggle on Python: toggles gating skips (through constants too), read as a live
switch, and set for child processes; plain mentions in strings and docs are not uses."""

from __future__ import annotations

from tests.python_support import FIXTURES, lint


def table(path: str):
    return [
        (f.line, f.column, f.code, f.fix.applicability.value if f.fix else None, f.message)
        for f in lint(FIXTURES, path)
    ]


def test_toggle_gates_reads_and_writes():
    assert table("no-legacy-toggle/bad_toggles.py") == [
        (
            9,
            1,
            "LI003",
            "safe",
            "test skipped unless legacy toggle RUN_INTEGRATION_TESTS is enabled; mark "
            "live-only tests cluster_only (INTEGRATION_MODE=cluster is the one switch "
            "for live runs)",
        ),
        (
            14,
            1,
            "LI003",
            "safe",
            "test skipped unless legacy toggle RUN_LIVE_TESTS is enabled; mark "
            "live-only tests cluster_only (INTEGRATION_MODE=cluster is the one switch "
            "for live runs)",
        ),
        (
            20,
            8,
            "LI003",
            "safe",
            "legacy toggle ORDERS_INTEGRATION_USE_LIVE_DB read; use current_mode() is "
            "IntegrationMode.CLUSTER (INTEGRATION_MODE=cluster)",
        ),
        (
            28,
            5,
            "LI003",
            None,
            "legacy toggle RUN_INTEGRATION_TESTS set; set INTEGRATION_MODE=cluster instead",
        ),
        (
            29,
            5,
            "LI003",
            None,
            "legacy toggle PAYMENTS_USE_LIVE_API set; set INTEGRATION_MODE=cluster instead",
        ),
        (
            30,
            51,
            "LI003",
            None,
            "legacy toggle RUN_LIVE_TESTS set; set INTEGRATION_MODE=cluster instead",
        ),
        (
            31,
            28,
            "LI003",
            None,
            "legacy toggle RUN_INTEGRATION_TESTS set; set INTEGRATION_MODE=cluster instead",
        ),
    ]


def test_helper_and_mentions_are_quiet():
    assert table("no-legacy-toggle/good_toggles.py") == []


def test_toggles_are_reported_in_application_code_too(tmp_path):
    (tmp_path / "settings.py").write_text(
        'import os\nLIVE_DB = os.getenv("ORDERS_INTEGRATION_USE_LIVE_DB") == "1"\n'
    )
    (tmp_path / "integration_mode.py").write_text('import os\nos.getenv("RUN_LIVE_TESTS")\n')
    found = lint(tmp_path, ".")
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.code) for f in found] == [
        ("settings.py", 2, "LI003")
    ]
