"""no-skip-on-env on Python suites: every gate shape (decorators, imperative skips, conftest
hooks, markers / factories / predicates reported once at their definition), runners' exit-0
gates, and the quiet shapes next to them."""

from __future__ import annotations

import pytest

from lint_integration.languages.python import analyze_source
from tests.python_support import FIXTURES, lint, project_config

REQ = "so repo mode mocks and cluster mode fails fast"


def table(path: str):
    return [
        (f.line, f.column, f.code, f.fix.applicability.value if f.fix else None, f.message)
        for f in lint(FIXTURES, path)
    ]


def test_decorator_gates_resolve_aliases_constants_and_string_conditions():
    assert table("no-skip-on-env/bad_decorators.py") == [
        (
            14,
            1,
            "LI001",
            "safe",
            "test skipped when ORDERS_DATABASE_URL is unset; use "
            'requires_env("ORDERS_DATABASE_URL") so repo mode mocks and cluster mode '
            "fails fast",
        ),
        (
            19,
            1,
            "LI001",
            "safe",
            "test skipped when ORDERS_DATABASE_URL is unset; use "
            'requires_env("ORDERS_DATABASE_URL") so repo mode mocks and cluster mode '
            "fails fast",
        ),
        (
            24,
            1,
            "LI001",
            "safe",
            "test skipped when PAYMENTS_API_KEY is unset; use "
            'requires_env("PAYMENTS_API_KEY") so repo mode mocks and cluster mode '
            "fails fast",
        ),
        (
            29,
            1,
            "LI001",
            "safe",
            'test skipped when BROKER_URL is unset; use requires_env("BROKER_URL") so '
            "repo mode mocks and cluster mode fails fast",
        ),
        (
            34,
            1,
            "LI001",
            "safe",
            "test skipped when STRING_CONDITION_URL is unset; use "
            'requires_env("STRING_CONDITION_URL") so repo mode mocks and cluster mode '
            "fails fast",
        ),
        (
            39,
            1,
            "LI001",
            "safe",
            'test skipped when REDIS_URL is unset; use requires_env("REDIS_URL") so '
            "repo mode mocks and cluster mode fails fast",
        ),
        (
            44,
            1,
            "LI001",
            None,
            'test skipped when WALRUS_DSN is unset; use requires_env("WALRUS_DSN") so '
            "repo mode mocks and cluster mode fails fast",
        ),
        (
            49,
            1,
            "LI001",
            "safe",
            "test skipped when AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is unset; "
            'use requires_env("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") so repo '
            "mode mocks and cluster mode fails fast",
        ),
        (
            57,
            1,
            "LI001",
            None,
            "test class skipped unless RUN_SLOW is enabled; mark live-only tests "
            "cluster_only instead of an opt-in variable",
        ),
        (
            63,
            1,
            "LI001",
            None,
            'test skipped when SEARCH_URL is unset; use requires_env("SEARCH_URL") so '
            "repo mode mocks and cluster mode fails fast",
        ),
    ]


def test_imperative_gates_in_tests_fixtures_and_setup():
    assert table("no-skip-on-env/bad_imperative.py") == [
        (
            8,
            1,
            "LI001",
            "safe",
            "module skipped when GCP_PROJECT is unset; use "
            'requires_env("GCP_PROJECT") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            13,
            5,
            "LI001",
            "safe",
            'test skipped when BROKER_URL is unset; use requires_env("BROKER_URL") so '
            "repo mode mocks and cluster mode fails fast",
        ),
        (
            19,
            5,
            "LI001",
            None,
            'test skipped when SEARCH_URL is unset; use requires_env("SEARCH_URL") so '
            "repo mode mocks and cluster mode fails fast",
        ),
        (
            26,
            5,
            "LI001",
            "safe",
            "test returns early (passing without running) when LEDGER_DSN is unset; "
            'use requires_env("LEDGER_DSN") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            32,
            11,
            "LI001",
            None,
            'test skipped when CACHE_URL is unset; use requires_env("CACHE_URL") so '
            "repo mode mocks and cluster mode fails fast",
        ),
        (
            39,
            5,
            "LI001",
            None,
            'test skipped when VAULT_TOKEN is unset; use requires_env("VAULT_TOKEN") '
            "so repo mode mocks and cluster mode fails fast",
        ),
        (
            46,
            9,
            "LI001",
            None,
            "test skipped when MAIL_HOST or MAIL_PORT is unset; use "
            'requires_env("MAIL_HOST", "MAIL_PORT") so repo mode mocks and cluster '
            "mode fails fast",
        ),
        (
            52,
            5,
            "LI001",
            "safe",
            "fixture `billing_client` skips tests when BILLING_API_KEY is unset (used "
            'by 1 test); use requires_env("BILLING_API_KEY") so repo mode mocks and '
            "cluster mode fails fast",
        ),
        (
            64,
            9,
            "LI001",
            "safe",
            "test class skipped when INVENTORY_URL is unset; use "
            'requires_env("INVENTORY_URL") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            68,
            9,
            "LI001",
            "safe",
            "test skipped when WAREHOUSE_URL is unset; use "
            'requires_env("WAREHOUSE_URL") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            72,
            9,
            "LI001",
            "safe",
            "test skipped when SHIPPING_URL is unset; use "
            'requires_env("SHIPPING_URL") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            77,
            5,
            "LI001",
            None,
            "test `test_exit_zero_in_suite` exits 0 when TRACKING_URL is unset; use "
            'requires_env("TRACKING_URL") so repo mode mocks and cluster mode fails '
            "fast",
        ),
    ]


def test_conftest_hooks_and_collection_gates():
    assert table("no-skip-on-env/bad_hooks.py") == [
        (
            8,
            1,
            "LI001",
            None,
            "tests not collected when PAYMENTS_SANDBOX_URL is unset; use "
            'requires_env("PAYMENTS_SANDBOX_URL") so repo mode mocks and cluster mode '
            "fails fast",
        ),
        (
            11,
            23,
            "LI001",
            None,
            "tests not collected when LIVE_API_TOKEN is unset; use "
            'requires_env("LIVE_API_TOKEN") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            15,
            5,
            "LI001",
            None,
            "hook `pytest_collection_modifyitems` skips tests when SEARCH_CLUSTER_URL "
            'is unset; use requires_env("SEARCH_CLUSTER_URL") so repo mode mocks and '
            "cluster mode fails fast",
        ),
        (
            24,
            5,
            "LI001",
            None,
            "hook `pytest_runtest_setup` skips tests when KAFKA_BROKERS is unset; use "
            'requires_env("KAFKA_BROKERS") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            29,
            5,
            "LI001",
            None,
            "tests not collected when GRAPH_DB_URL is unset; use "
            'requires_env("GRAPH_DB_URL") so repo mode mocks and cluster mode fails '
            "fast",
        ),
        (
            33,
            5,
            "LI001",
            None,
            "test session exits when METRICS_PUSH_URL is unset; use "
            'requires_env("METRICS_PUSH_URL") so repo mode mocks and cluster mode '
            "fails fast",
        ),
        (
            38,
            46,
            "LI002",
            "safe",
            'suite reads ORDERS_TEST_DSN directly; use require_env("ORDERS_TEST_DSN") '
            "so repo mode gets the mock value and cluster mode fails fast",
        ),
        (
            44,
            5,
            "LI001",
            None,
            "fixture `orders_dsn` skips tests when ORDERS_TEST_DSN is unset; use "
            'requires_env("ORDERS_TEST_DSN") so repo mode mocks and cluster mode '
            "fails fast",
        ),
    ]


def test_markers_factories_predicates_and_helpers_are_reported_once_at_definition():
    assert table("no-skip-on-env/bad_indirect.py") == [
        (
            6,
            13,
            "LI001",
            "safe",
            "marker `live_only` skips tests when PAYMENTS_API_KEY is unset (used by 2 "
            'tests); define it as requires_env("PAYMENTS_API_KEY") so repo mode mocks '
            "and cluster mode fails fast",
        ),
        (
            10,
            12,
            "LI001",
            None,
            "decorator `requires_var` skips tests when the variable passed to it "
            "(LEDGER_URL, AUDIT_URL) is unset (used by 2 tests); have it apply "
            "requires_env(name) so repo mode mocks and cluster mode fails fast",
        ),
        (
            13,
            1,
            "LI001",
            None,
            "helper `_has_creds` decides skips when S3_ACCESS_KEY or S3_SECRET_KEY is "
            'unset (used by 1 test); use requires_env("S3_ACCESS_KEY", '
            '"S3_SECRET_KEY") so repo mode mocks and cluster mode fails fast',
        ),
        (
            28,
            12,
            "LI001",
            None,
            "decorator `slow` skips tests unless RUN_SLOW_TESTS is enabled (used by 1 "
            "test); mark live-only tests cluster_only instead of an opt-in variable",
        ),
        (
            32,
            5,
            "LI001",
            None,
            "helper `require_mailbox` skips tests when MAILBOX_URL is unset (used by "
            '1 test); use requires_env("MAILBOX_URL") so repo mode mocks and cluster '
            "mode fails fast",
        ),
    ]


def test_quiet_shapes_report_nothing():
    assert table("no-skip-on-env/good_skips.py") == []


def test_runner_exit_zero_and_early_return_gates_only():
    assert table("runner") == [
        (
            12,
            5,
            "LI001",
            None,
            "runner exits 0 when ORDERS_BROKER_URL is unset; in cluster mode fail "
            'fast with require_env("ORDERS_BROKER_URL"), in repo mode run on mocks',
        ),
        (
            21,
            5,
            "LI001",
            None,
            "runner exits 0 when ORDERS_DATABASE_URL is unset; in cluster mode fail "
            'fast with require_env("ORDERS_DATABASE_URL"), in repo mode run on mocks',
        ),
    ]


def test_gate_facts_carry_nodes_polarity_and_fixability():
    text = (FIXTURES / "no-skip-on-env/bad_decorators.py").read_text()
    config = project_config(FIXTURES)
    analysis = analyze_source(text, FIXTURES / "no-skip-on-env/bad_decorators.py", config)
    gate = analysis.gates[0]
    assert gate.kind == "mark" and gate.action_kind == "skipif"
    func = next(s for s in analysis.module.body if getattr(s, "name", None) == "test_create_order")
    assert gate.decorator.decorator is func.decorator_list[0] is gate.node
    assert gate.env_vars == ("ORDERS_DATABASE_URL",)
    assert (gate.polarity, gate.pure, gate.fixable, gate.target) == ("missing", True, True, "test")
    assert analysis.gate_span(gate) == ((14, 1), (14, 80))
    # The read inside the gate is reported through it, never as a probe.
    assert all(r.in_gate or r.gate_only for r in analysis.reads)


def test_other_roles_are_not_reported(tmp_path):
    source = (
        "import os, pytest\n\n"
        '@pytest.mark.skipif(not os.getenv("X_URL"), reason="")\n'
        "def f():\n    pass\n"
    )
    app = tmp_path / "app.py"
    app.write_text(source)
    from tests.python_support import lint as run_lint

    assert run_lint(tmp_path, "app.py") == []
    (tmp_path / "test_app.py").write_text(source)
    assert [f.code for f in run_lint(tmp_path, "test_app.py")] == ["LI001"]


@pytest.mark.parametrize(
    ("condition", "polarity", "fixable"),
    [
        ('not os.getenv("A_URL")', "missing", True),
        ('os.getenv("A_URL") is None', "missing", True),
        ('os.environ.get("A_URL", "") == ""', "missing", True),
        ('"A_URL" not in os.environ', "missing", True),
        ('"A_URL" not in os.environ.keys()', "missing", True),
        ('not (os.getenv("A_URL") or "")', "missing", True),
        ('not os.getenv("A_URL") or not os.getenv("B_URL")', "missing", True),
        ('not os.getenv("A_URL") and not os.getenv("B_URL")', "missing", False),
        ('not any(os.getenv(v) for v in ("A_URL", "B_URL"))', "missing", False),
        ('not bool(int(os.getenv("A_FLAG", "0")))', "falsy", False),
        ('os.getenv("A_FLAG", "").lower() not in ("1", "true")', "falsy", False),
        ('os.getenv("A_FLAG") != "1"', "falsy", False),
        ('os.getenv("A_ENV") != "staging"', "mixed", False),
        # Skipped only when set to one value: an unset variable runs the test (an opt-out).
        ('os.getenv("A_ENV") == "staging"', "present", False),
        ('os.environ.get("A_ENV") in ("staging", "cloud")', "present", False),
        ('os.getenv("A_ENV", "staging") == "staging"', "mixed", False),
        ('os.getenv("A_ENV", "") in ("", "staging")', "mixed", False),
        ('os.getenv("A_URL") is not None', "present", False),
        # A falsy default reads as unset: the condition is about the variable being set.
        ('not os.environ.get("A_URL", False)', "missing", True),
        ('not (os.getenv("A_URL") or 0)', "missing", True),
        ('os.environ.get("A_DEBUG_RANGES", False)', "present", False),
        ('sys.flags.optimize or os.environ.get("A_DEBUG_RANGES", False)', "present", False),
    ],
)
def test_condition_shapes(condition, polarity, fixable):
    source = (
        f"import os\nimport sys\nimport pytest\n\n@pytest.mark.skipif({condition}, reason='x')\n"
        "def test_a():\n    pass\n"
    )
    path = FIXTURES / "no-skip-on-env" / "test_snippet.py"
    analysis = analyze_source(source, path, project_config(FIXTURES))
    assert [(g.polarity, g.fixable) for g in analysis.gates] == [(polarity, fixable)]


def test_a_service_query_with_a_defaulted_variable_is_not_an_env_gate():
    # The variable has a literal default; the skip comes from what the service answers.
    assert table("no-skip-on-env/good_service_state.py") == []
    source = (
        "import os\nimport pytest\nfrom search.client import model_is_deployed\n"
        'MODEL_ID = os.getenv("MODEL_ID")\n'
        "def test_embeddings(search_client):\n"
        "    if not model_is_deployed(search_client, MODEL_ID):\n"
        "        pytest.skip('no model')\n"
    )
    gates = analyze_source(source, FIXTURES / "tests" / "test_x.py", project_config(FIXTURES)).gates
    assert [sorted(g.env_vars) for g in gates] == [["MODEL_ID"]]


@pytest.mark.parametrize(
    ("setup", "condition", "gate"),
    [
        # The connection string always has a value: the answer is the server's.
        ('DSN = os.getenv("PG_DSN", "dbname=test")', "psycopg2.connect(DSN) is None", None),
        ("DSN = f\"dbname={os.getenv('PG_DB', 'test')}\"", "not connect(DSN)", None),
        ('DSN = os.getenv("PG_DSN", "dbname=test")', "not local_connect(DSN)", None),
        # Without a default, or with a switch's default, the variable still decides.
        ('DSN = os.getenv("PG_DSN")', "psycopg2.connect(DSN) is None", ["PG_DSN"]),
        ('LIVE = os.getenv("RUN_LIVE", "0")', "not json.loads(LIVE)", ["RUN_LIVE"]),
        ('LIVE = os.getenv("RUN_LIVE", "false")', "not local_connect(LIVE)", ["RUN_LIVE"]),
    ],
)
def test_a_call_given_variables_that_always_have_a_value_answers_for_itself(setup, condition, gate):
    source = (
        "import json\nimport os\nimport psycopg2\nimport pytest\n"
        "from db import connect\n"
        f"{setup}\n\n"
        "def local_connect(dsn):\n    return psycopg2.connect(dsn)\n\n"
        "def test_query():\n"
        f"    if {condition}:\n"
        "        return\n"
    )
    gates = analyze_source(source, FIXTURES / "tests" / "test_x.py", project_config(FIXTURES)).gates
    assert [sorted(g.env_vars) for g in gates] == ([gate] if gate else [])
