"""no-direct-env-probe on Python suites: reads through every alias, and the reads that are not
probes (allowed-env, writes, hygiene, assertions on what the code set, knobs, computed names,
WSGI environs, deployed handlers kept under tests/)."""

from __future__ import annotations

from tests.python_support import FIXTURES, lint


def table(path: str):
    return [
        (f.line, f.column, f.code, f.fix.applicability.value if f.fix else None, f.message)
        for f in lint(FIXTURES, path)
    ]


def test_reads_through_aliases_constants_and_fstrings():
    assert table("no-direct-env-probe/bad_reads.py") == [
        (
            12,
            11,
            "LI002",
            "safe",
            "suite reads ORDERS_DATABASE_URL directly; use "
            'require_env("ORDERS_DATABASE_URL") so repo mode gets the mock value and '
            "cluster mode fails fast",
        ),
        (
            17,
            14,
            "LI002",
            "unsafe",
            "suite reads EVENTS_BROKER_URL directly; use "
            'require_env("EVENTS_BROKER_URL") so repo mode gets the mock value and '
            "cluster mode fails fast",
        ),
        (
            22,
            12,
            "LI002",
            "safe",
            'suite reads CACHE_HOST directly; use require_env("CACHE_HOST") so repo '
            "mode gets the mock value and cluster mode fails fast",
        ),
        (
            23,
            12,
            "LI002",
            "safe",
            'suite reads CACHE_PORT directly; use require_env("CACHE_PORT") so repo '
            "mode gets the mock value and cluster mode fails fast",
        ),
        (
            24,
            12,
            "LI002",
            "safe",
            'suite reads SEARCH_ENDPOINT directly; use require_env("SEARCH_ENDPOINT") '
            "so repo mode gets the mock value and cluster mode fails fast",
        ),
        (
            28,
            12,
            "LI002",
            "safe",
            "suite reads AMEIDE_GRPC_BASE_URL directly; use "
            'require_env("AMEIDE_GRPC_BASE_URL") so repo mode gets the mock value and '
            "cluster mode fails fast",
        ),
        (
            32,
            12,
            "LI002",
            None,
            'suite reads VAULT_TOKEN directly; use require_env("VAULT_TOKEN") so repo '
            "mode gets the mock value and cluster mode fails fast",
        ),
        (
            36,
            28,
            "LI002",
            "safe",
            'suite reads LEDGER_API_URL directly; use require_env("LEDGER_API_URL") '
            "so repo mode gets the mock value and cluster mode fails fast",
        ),
        (
            41,
            20,
            "LI002",
            "safe",
            'suite reads S3_ACCESS_KEY directly; use require_env("S3_ACCESS_KEY") so '
            "repo mode gets the mock value and cluster mode fails fast",
        ),
        (
            41,
            58,
            "LI002",
            "safe",
            'suite reads S3_SECRET_KEY directly; use require_env("S3_SECRET_KEY") so '
            "repo mode gets the mock value and cluster mode fails fast",
        ),
    ]


def test_non_probes_report_nothing():
    assert table("no-direct-env-probe/good_reads.py") == []
    assert table("no-direct-env-probe/good_lambda_handler.py") == []


def test_runner_and_helper_may_read_the_environment(tmp_path):
    source = 'import os\nURL = os.environ["ORDERS_DATABASE_URL"]\n'
    (tmp_path / "integration_mode.py").write_text(source)
    (tmp_path / "tools" / "integration-runner").mkdir(parents=True)
    (tmp_path / "tools" / "integration-runner" / "run.py").write_text(source)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text(source)
    found = lint(tmp_path, ".")
    assert [(f.path.endswith("test_x.py"), f.code) for f in found] == [(True, "LI002")]


def test_values_the_test_owns_are_not_probes():
    # Read back after monkeypatch.setenv / del, saved and compared unchanged, or asserted
    # against literals after the code under test set it.
    assert table("no-direct-env-probe/good_own_values.py") == []


def test_own_value_shapes_still_report_dependency_reads():
    # Read before the write, a saved value used as a dependency, a write in another function,
    # a saved value inspected (not compared for equality).
    assert [
        (line, code, fix)
        for line, _col, code, fix, _msg in table("no-direct-env-probe/bad_own_values.py")
    ] == [
        (9, "LI002", "safe"),
        (14, "LI002", "safe"),
        (20, "LI002", "safe"),
        (37, "LI002", "unsafe"),
    ]


def test_a_read_whose_presence_is_tested_gets_no_fix_and_a_fallback_an_unsafe_one():
    """``require_env`` makes a variable required: code that tests whether it is set runs
    without it on purpose, so that read is reported with no fix; a fallback (``or``) is
    dropped by the fix, so that fix is unsafe."""
    got = {
        (line, col): safety
        for line, col, code, safety, _ in table("no-direct-env-probe/bad_presence_reads.py")
        if code == "LI002"
    }
    assert got == {
        (10, 11): "unsafe",  # os.environ.get("CACHE_HOST") or "localhost"
        (11, 12): None,  # not os.getenv(...)
        (13, 8): None,  # ... is None
        (15, 12): "safe",  # assert os.getenv(...) demands the variable, as require_env does
        (16, 22): None,  # bool(...)
        (16, 48): "safe",  # a plain read
    }


def test_a_service_name_makes_a_probe_unless_a_knob_word_follows(tmp_path):
    # A service's resources (a bucket, a store, the service itself) are where a test reaches
    # it; its home directory, version, tracing or timeout are knobs about it.
    probes = ("STORAGE_S3_NAME", "OPENAI_VECTOR_STORE_ID", "CACHE_REDIS", "REDIS_TEST_URL")
    probes += ("ORDERS_DB", "KAFKA_TOPIC", "TEST_SERVER", "SERVER_LOG_TOKEN", "AWS_REGISTRY_PATH")
    knobs = ("KAFKA_HOME", "TEMPORAL_TEST_PROTO3", "GRPC_TRACE", "BASE_DIR", "POSTGRES_VERSION")
    knobs += ("AZURE_TIMEOUT_SECONDS", "ELASTICSEARCH_IMAGE", "SERVER_VERSION", "CLIENT_TIMEOUT")
    knobs += ("INSTANCE_COUNT", "SERVER_LOG_LEVEL", "CLIENT_RETRIES", "APP_INSTANCE_MARKER")
    knobs += ("TEMPORAL_TEST_OTEL_OUTPUT", "TEMPORAL_TEST_CLUSTER_EVENTS_FILE")
    knobs += ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "HTTPS_PROXY")  # allowed-env by default
    lines = ["import os", "", "", "def test_it():"]
    lines += [f'    print(os.environ.get("{name}"))' for name in (*probes, *knobs)]
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("\n".join(lines) + "\n")
    reported = [f.message.split()[2] for f in lint(tmp_path, ".") if f.code == "LI002"]
    assert reported == list(probes)


def test_unittest_assertions_on_the_environments_state_are_not_probes(tmp_path):
    """Checked against a literal, or for absence: what the code under test did to the
    environment. Checked for presence, or against another value: a dependency's value."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_loader.py").write_text(
        "import os\n"
        "import unittest\n\n\n"
        "class LoaderTests(unittest.TestCase):\n"
        "    def test_exports(self):\n"
        '        load_config("config.yaml")\n'
        '        self.assertEqual(os.environ["ORDERS_DB_URL"], "postgres://stub")\n'
        '        self.assertEqual("t0k", os.environ.get("ORDERS_TOKEN"))\n'
        '        self.assertIsNone(os.environ.get("ORDERS_API_URL"))\n'
        '        self.assertTrue(os.environ.get("BILLING_DB_URL"))\n'
        '        self.assertNotEqual(os.getenv("BILLING_TOKEN"), "")\n'
        '        self.assertEqual(client.url, os.environ["BILLING_API_URL"])\n'
        '        self.assertEqual(connect(os.environ["BILLING_HOST"]), "ok")\n'
    )
    reported = [(f.line, f.message.split()[2]) for f in lint(tmp_path, ".") if f.code == "LI002"]
    assert reported == [
        (11, "BILLING_DB_URL"),
        (12, "BILLING_TOKEN"),
        (13, "BILLING_API_URL"),
        (14, "BILLING_HOST"),
    ]


def test_values_patched_into_the_environment_are_read_back_not_probed(tmp_path):
    """``patch.dict(os.environ, ...)`` (a context, a method or class decorator, keywords,
    ``clear=True``) and ``monkeypatch.setitem`` put the value there: reading it back checks the
    test's own value. A variable the patch does not name is still a dependency's."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_auth.py").write_text(
        "import os\n"
        "from unittest import mock\n"
        "from unittest.mock import patch\n\n\n"
        "class TestAuth:\n"
        "    def test_context(self, creds):\n"
        '        env = {"AWS_ACCESS_KEY_ID": creds.key}\n'
        '        env["AWS_SECRET_ACCESS_KEY"] = creds.secret\n'
        "        with patch.dict(os.environ, env):\n"
        '            assert os.environ["AWS_ACCESS_KEY_ID"] == creds.key\n'
        '            connect(os.environ["AWS_SECRET_ACCESS_KEY"])\n'
        '            connect(os.environ["ELASTIC_URL"])\n\n'
        '    @mock.patch.dict(os.environ, {"DATABASE_URL": "postgres://stub"})\n'
        "    def test_decorated(self):\n"
        '        connect(os.environ["DATABASE_URL"])\n\n'
        "    def test_keywords_and_clear(self, monkeypatch):\n"
        '        with mock.patch.dict("os.environ", REDIS_URL="redis://stub"):\n'
        '            connect(os.environ["REDIS_URL"])\n'
        '        monkeypatch.setitem(os.environ, "S3_BUCKET", "stub")\n'
        '        connect(os.environ["S3_BUCKET"])\n'
        "        with patch.dict(os.environ, {}, clear=True):\n"
        '            connect(os.environ.get("KAFKA_BROKERS"))\n\n'
        "    def test_before_the_patch(self):\n"
        '        connect(os.environ["MONGODB_URI"])\n'
        '        with patch.dict(os.environ, {"MONGODB_URI": "mongodb://stub"}):\n'
        "            pass\n\n\n"
        '@patch.dict(os.environ, {"SNOWFLAKE_ACCOUNT": "stub"})\n'
        "class TestPatchedClass:\n"
        "    def test_method(self):\n"
        '        connect(os.environ["SNOWFLAKE_ACCOUNT"])\n'
        '        connect(os.environ["SNOWFLAKE_USER"])\n'
    )
    reported = [(f.line, f.message.split()[2]) for f in lint(tmp_path, ".") if f.code == "LI002"]
    assert reported == [(13, "ELASTIC_URL"), (28, "MONGODB_URI"), (37, "SNOWFLAKE_USER")]


def test_a_test_refusing_a_variable_or_comparing_it_with_a_literal_name_is_not_probing(tmp_path):
    """``if "X" in os.environ: raise`` refuses a variable the test then sets itself, and a
    name bound only to a literal compares as the literal does. Raising when a variable is
    missing, or comparing it with a computed value, still reads a dependency."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_export.py").write_text(
        "import os\n\n\n"
        "def test_exports():\n"
        '    value = "localhost"\n'
        '    export("database_host", value)\n'
        '    assert os.environ["DATABASE_HOST"] == value\n'
        '    if "AWS_ACCESS_KEY_ID" in os.environ:\n'
        '        raise Exception("already set")\n'
        '    os.environ["AWS_ACCESS_KEY_ID"] = "stub"\n\n\n'
        "def test_dependencies():\n"
        "    expected = service_url()\n"
        '    assert os.environ["ORDERS_API_URL"] == expected\n'
        '    host = "localhost"\n'
        "    host = discover()\n"
        '    assert os.environ["ORDERS_DB_HOST"] == host\n'
        '    if not os.getenv("ORDERS_DATABASE_URL"):\n'
        '        raise RuntimeError("set ORDERS_DATABASE_URL")\n'
        '    if "ORDERS_TOKEN" not in os.environ:\n'
        '        raise RuntimeError("set ORDERS_TOKEN")\n'
    )
    reported = [(f.line, f.message.split()[2]) for f in lint(tmp_path, ".") if f.code == "LI002"]
    assert reported == [
        (15, "ORDERS_API_URL"),
        (18, "ORDERS_DB_HOST"),
        (19, "ORDERS_DATABASE_URL"),
        (21, "ORDERS_TOKEN"),
    ]
