"""``lint-integration inventory``: suites, their env dependencies, mechanisms and readiness."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from lint_integration.inventory import Suite, service_of, suite_dir, to_json, to_markdown

from .conftest import REPO, run_cli

EXAMPLE = REPO / "examples" / "monorepo"


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        (
            "services/orders/tests/integration/test_a.py",
            ("services/orders/tests/integration", True),
        ),
        (
            "services/orders/tests/integration/api/v1/test_a.py",
            ("services/orders/tests/integration", True),
        ),
        (
            "services/threads/__tests__/integration/threads.test.ts",
            ("services/threads/__tests__/integration", True),
        ),
        (
            "services/orders/integration_tests/test_a.py",
            ("services/orders/integration_tests", True),
        ),
        ("services/orders/tests/unit/test_a.py", ("services/orders/tests", False)),
        ("packages/sdk-go/client_integration_test.go", ("packages/sdk-go", True)),
        ("packages/sdk-go/client_test.go", ("packages/sdk-go", False)),
        ("web/e2e/login.spec.ts", ("web/e2e", True)),
        ("test_top.py", (".", False)),
    ],
)
def test_suite_directories(relpath, expected):
    assert suite_dir(relpath) == expected


@pytest.mark.parametrize(
    ("var", "service"),
    [
        ("ORDERS_DATABASE_URL", "database"),
        ("WORKFLOWS_DATABASE_URL", "database"),
        ("PLATFORM_POSTGRES_DSN", "Postgres"),
        ("PGHOST", "Postgres"),
        ("TEMPORAL_ADDRESS", "Temporal"),
        ("WORKFLOWS_TEMPORAL_NAMESPACE", "Temporal"),
        ("AMEIDE_GRPC_BASE_URL", "gRPC endpoint"),
        ("ORDERS_GRPC_URL", "gRPC endpoint"),
        ("THREADS_BASE_URL", "HTTP endpoint"),
        ("REDIS_URL", "Redis"),
        ("KAFKA_BROKERS", "Kafka"),
        ("ORDERS_BROKER_URL", "message broker"),
        ("ORDERS_EVENTS_TOPIC", "message broker"),
        ("PAYMENTS_LEDGER_URL", "endpoint"),
        ("STRIPE_API_KEY", "secret"),
        ("GITHUB_TOKEN", "secret"),
        ("CHAT_NAMESPACE", "Kubernetes namespace"),
        ("THREADS_FEATURE_FLAGS", "feature flags"),
        ("ORDERS_REGION", "config"),
    ],
)
def test_services_are_inferred_from_variable_names(var, service):
    assert service_of(var) == service


def make_suite(path: str, helper: bool, env: set[str], findings: dict[str, int]) -> Suite:
    suite = Suite(path, files=[f"{path}/test_a.py"], languages={"python"})
    suite.uses_helper = helper
    suite.env_vars = set(env)
    suite.findings = Counter(findings)
    return suite


def test_readiness_needs_the_helper_and_no_other_mechanism():
    ready = make_suite("a/tests/integration", True, {"A_DATABASE_URL"}, {})
    mixed = make_suite("b/tests/integration", True, set(), {"no-skip-on-env": 1})
    legacy = make_suite("c/tests/integration", False, {"C_GRPC_URL"}, {"no-legacy-toggle": 2})
    bare = make_suite("d/tests/integration", False, set(), {})
    assert ready.dual_mode_ready and ready.mechanisms == ["helper"]
    assert not mixed.dual_mode_ready and mixed.mechanisms == ["helper", "skips"]
    assert not legacy.dual_mode_ready and legacy.mechanisms == ["legacy toggles"]
    assert not bare.dual_mode_ready and bare.mechanisms == []


def test_markdown_table_and_json_shape():
    suites = [
        make_suite("a/tests/integration", True, {"A_DATABASE_URL", "TEMPORAL_ADDRESS"}, {}),
        make_suite("b|c/tests/integration", False, set(), {"no-direct-env-probe": 3}),
    ]
    text = to_markdown(suites)
    lines = text.splitlines()
    assert lines[0] == "| Suite | Language | Env vars | Services | Mechanisms | Dual-mode ready |"
    assert lines[1] == "| --- | --- | --- | --- | --- | --- |"
    assert lines[2] == (
        "| `a/tests/integration` | Python | `A_DATABASE_URL`, `TEMPORAL_ADDRESS` | database, "
        "Temporal | helper | yes |"
    )
    assert lines[3] == "| `b\\|c/tests/integration` | Python | - | - | direct probes | no |"
    assert lines[-1] == "1 of 2 integration suites are dual-mode ready."
    data = to_json(suites)
    assert data["summary"] == {"suites": 2, "dual_mode_ready": 1}
    first = data["suites"][0]
    assert list(first["services"].items()) == [
        ("database", ["A_DATABASE_URL"]),
        ("Temporal", ["TEMPORAL_ADDRESS"]),
    ]
    assert first["dual_mode_ready"] is True
    assert data["suites"][1]["findings"] == {"no-direct-env-probe": 3}


# -- real runs -------------------------------------------------------------------------------


def test_helper_calls_in_every_language_are_found(write, cli, monkeypatch):
    root = write(
        {
            "svc/py/tests/integration/test_a.py": (
                "from integration_mode import require_env, requires_env\n\n\n"
                '@requires_env("PY_DATABASE_URL", "PY_REDIS_URL")\n'
                "def test_a():\n"
                '    assert require_env("PY_GRPC_URL")\n'
                '    # require_env("PY_COMMENTED_OUT")\n'
            ),
            "svc/ts/__tests__/integration/a.test.ts": (
                "import { requireEnv } from '@platform/integration-mode';\n"
                "const url = requireEnv('TS_BASE_URL');\n"
                'test("a", () => expect(url).toBeTruthy());\n'
            ),
            "svc/go/integration/a_test.go": (
                "package integration\n\n"
                'import "example.com/platform/testsupport/integrationmode"\n\n'
                "func TestA(t *testing.T) {\n"
                '\t_ = integrationmode.RequireEnv(t, "GO_TEMPORAL_ADDRESS")\n'
                "}\n"
            ),
            "svc/unit/tests/test_plain.py": "def test_plain():\n    assert 1 + 1 == 2\n",
        }
    )
    monkeypatch.chdir(root)
    result = cli(["inventory", ".", "--format", "json"])
    assert result.exit_code == 0, result.output
    suites = {s["suite"]: s for s in json.loads(result.stdout)["suites"]}
    # A test directory with nothing integration-related in it is not a suite of the inventory.
    assert sorted(suites) == [
        "svc/go/integration",
        "svc/py/tests/integration",
        "svc/ts/__tests__/integration",
    ]
    py = suites["svc/py/tests/integration"]
    assert py["env_vars"] == ["PY_DATABASE_URL", "PY_GRPC_URL", "PY_REDIS_URL"]
    assert list(py["services"].items()) == [
        ("database", ["PY_DATABASE_URL"]),
        ("gRPC endpoint", ["PY_GRPC_URL"]),
        ("Redis", ["PY_REDIS_URL"]),
    ]
    assert py["mechanisms"] == ["helper"] and py["dual_mode_ready"] is True
    assert suites["svc/ts/__tests__/integration"]["env_vars"] == ["TS_BASE_URL"]
    assert suites["svc/ts/__tests__/integration"]["languages"] == ["TypeScript/JavaScript"]
    assert suites["svc/go/integration"]["env_vars"] == ["GO_TEMPORAL_ADDRESS"]
    assert suites["svc/go/integration"]["dual_mode_ready"] is True


def inventory_of_example(fmt: str) -> str:
    done = run_cli(["inventory", str(EXAMPLE), "--format", fmt], cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_example_monorepo_inventory():
    data = json.loads(inventory_of_example("json"))
    suites = {s["suite"]: s for s in data["suites"]}
    orders = suites["services/orders/tests/integration"]
    assert orders["dual_mode_ready"] is False
    assert {"skips", "direct probes", "legacy toggles"} <= set(orders["mechanisms"])
    assert "helper" not in orders["mechanisms"]
    assert {"ORDERS_DATABASE_URL", "ORDERS_GRPC_URL", "ORDERS_EVENTS_TOPIC"} <= set(
        orders["env_vars"]
    )
    # Toggles, allowed variables and the mode itself are not dependencies.
    for name in ("RUN_INTEGRATION_TESTS", "ORDERS_INTEGRATION_USE_LIVE_DB", "ORDERS_LOG_LEVEL"):
        assert name not in orders["env_vars"]
    assert orders["services"]["gRPC endpoint"] == ["ORDERS_GRPC_URL"]
    payments = suites["services/payments/tests/integration"]
    assert payments["dual_mode_ready"] is True
    assert payments["mechanisms"] == ["helper"]
    assert payments["env_vars"] == ["PAYMENTS_DATABASE_URL", "PAYMENTS_LEDGER_URL"]


def test_readme_shows_the_example_inventory():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Suite inventory\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    assert match, "README.md has no '## Suite inventory' section"
    table = inventory_of_example("markdown")
    assert table.strip() in match.group(1), "README table is out of date:\n" + table


def test_inventory_output_file_and_cli_errors(tmp_path: Path, cli, monkeypatch):
    monkeypatch.chdir(REPO)
    out = tmp_path / "docs" / "suites.md"
    result = cli(["inventory", str(EXAMPLE), "--output-file", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert out.read_text("utf-8").startswith("| Suite | Language |")
    bad = cli(["inventory", str(EXAMPLE), "--format", "yaml"])
    assert bad.exit_code == 2
