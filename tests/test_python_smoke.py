"""A small, realistic monorepo slice (billing suites, a conftest, shared markers, a runner, the
helper, application settings and one broken file) linted end to end by a real subprocess."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.python_support import FIXTURES

SMOKE = FIXTURES / "suite_smoke"


def test_realistic_suite_end_to_end():
    result = run_cli(["check", "--output-format", "json", "--no-cache", "."], cwd=SMOKE)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    found = [
        (f["path"].rsplit("/", 1)[-1], f["line"], f["code"], f["fix"] and f["fix"]["applicability"])
        for f in json.loads(result.stdout)
    ]
    assert found == [
        ("conftest.py", 7, "LI003", None),  # hook skips everything unless the legacy toggle
        ("conftest.py", 16, "LI002", "safe"),  # the fixture's read is also returned: a probe
        ("conftest.py", 17, "LI001", "safe"),  # ... and its skip when it is missing
        ("helpers.py", 6, "LI001", "safe"),  # marker: once, at its definition
        ("helpers.py", 10, "LI002", "unsafe"),  # a read with a default
        ("test_broken.py", 4, "LI900", None),  # unparsable: reported, the run goes on
        ("test_invoices.py", 7, "LI006", None),  # INTEGRATION_MODE compared with "live"
        ("test_invoices.py", 25, "LI005", None),  # skipped on CI
        ("run_billing_integration.py", 7, "LI001", None),  # runner exits 0
    ]
    messages = {f["line"]: f["message"] for f in json.loads(result.stdout)}
    assert messages[6] == (
        "marker `requires_stripe` skips tests when STRIPE_API_KEY is unset (used by 2 tests); "
        'define it as requires_env("STRIPE_API_KEY") so repo mode mocks and cluster mode fails '
        "fast"
    )
    # The application's settings and the shared helper read the environment freely.
    assert not any(name in ("settings.py", "integration_mode.py") for name, *_ in found)
