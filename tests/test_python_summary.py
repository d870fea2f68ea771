"""Cross-module analysis: per-module summaries, constants flowing from sibling modules into
gates, markers and predicates reported once at their definition with their uses counted across
the importers, re-exports through package ``__init__`` and star imports."""

from __future__ import annotations

from lint_integration.engine import ProjectIndex
from lint_integration.languages.python import analyze_source
from tests.python_support import FIXTURES, lint, project_config

CROSS = "cross/services/orders/tests"


def table(path: str):
    return [(f.path.rsplit("/", 1)[-1], f.line, f.code, f.message) for f in lint(FIXTURES, path)]


def test_cross_module_suite_end_to_end():
    assert table("cross") == [
        (
            "helpers.py",
            4,
            "LI002",
            'suite reads LEDGER_URL directly; use require_env("LEDGER_URL") so '
            "repo mode gets the mock value and cluster mode fails fast",
        ),
        (
            "helpers.py",
            7,
            "LI001",
            "helper `has_creds` decides skips when ORDERS_S3_KEY or "
            "ORDERS_S3_SECRET is unset (used by 1 test); use "
            'requires_env("ORDERS_S3_KEY", "ORDERS_S3_SECRET") so repo mode mocks '
            "and cluster mode fails fast",
        ),
        (
            "test_orders.py",
            7,
            "LI001",
            "test skipped when AMEIDE_GRPC_BASE_URL is unset; use "
            'requires_env("AMEIDE_GRPC_BASE_URL") so repo mode mocks and cluster '
            "mode fails fast",
        ),
        (
            "markers.py",
            7,
            "LI001",
            "marker `live_only` skips tests when PAYMENTS_API_KEY is unset (used "
            'by 4 tests); define it as requires_env("PAYMENTS_API_KEY") so repo '
            "mode mocks and cluster mode fails fast",
        ),
    ]


def test_summaries_list_env_derived_exports():
    config = project_config(FIXTURES)
    project = ProjectIndex(config)
    helpers = project.summary("python", FIXTURES / CROSS / "integration/helpers.py")
    assert {name: (e.kind, e.vars) for name, e in helpers.exports.items()} == {
        "GRPC_URL": ("const", ("AMEIDE_GRPC_BASE_URL",)),
        "LEDGER_URL": ("const", ("LEDGER_URL",)),
        "has_creds": ("predicate", ("ORDERS_S3_KEY", "ORDERS_S3_SECRET")),
    }
    markers = project.summary("python", FIXTURES / CROSS / "markers.py")
    assert {name: e.kind for name, e in markers.exports.items()} == {"live_only": "marker"}
    indirect = project.summary("python", FIXTURES / "no-skip-on-env/bad_indirect.py")
    assert {name: e.kind for name, e in indirect.exports.items()} == {
        "live_only": "marker",
        "requires_var": "decorator",
        "_has_creds": "predicate",
        "parse_flag_from_env": "envfunc",
        "_run_slow": "const",
        "slow": "decorator",
    }


def test_constant_used_only_by_importer_gates_is_not_a_probe():
    config = project_config(FIXTURES)
    path = FIXTURES / CROSS / "integration/helpers.py"
    analysis = analyze_source(path.read_text(), path, config, ProjectIndex(config))
    reads = {r.var: (r.gate_only, r in analysis.probes) for r in analysis.reads}
    assert reads["AMEIDE_GRPC_BASE_URL"] == (True, False)
    assert reads["LEDGER_URL"] == (False, True)


def test_without_a_project_each_file_stands_alone():
    config = project_config(FIXTURES)
    path = FIXTURES / CROSS / "integration/test_orders.py"
    assert analyze_source(path.read_text(), path, config).gates == []


def test_reexports_star_imports_and_flag_parsers(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "tests/__init__.py": "",
            "tests/support/__init__.py": "from .env import *\nfrom .flags import RUN_E2E\n",
            "tests/support/env.py": 'import os\nSEARCH_URL = os.getenv("SEARCH_URL")\n',
            "tests/support/flags.py": (
                "import os\n\n"
                "def parse_flag_from_env(key, default=False):\n"
                "    value = os.environ.get(key)\n"
                "    return default if value is None else value.lower() in ('1', 'true')\n\n"
                'RUN_E2E = parse_flag_from_env("RUN_E2E")\n'
            ),
            "tests/test_search.py": (
                "import pytest\n"
                "from tests.support import SEARCH_URL, RUN_E2E\n\n"
                "@pytest.mark.skipif(SEARCH_URL is None, reason='no search')\n"
                "def test_search():\n    pass\n\n"
                "@pytest.mark.skipif(not RUN_E2E, reason='e2e')\n"
                "def test_e2e():\n    pass\n"
            ),
        }
    )
    found = [(f.path.rsplit("/", 1)[-1], f.line, f.message.split(";")[0]) for f in lint(root, ".")]
    assert found == [
        ("test_search.py", 4, "test skipped when SEARCH_URL is unset"),
        ("test_search.py", 8, "test skipped unless RUN_E2E is enabled"),
    ]


def test_module_level_skip_in_a_package_init(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "tests/gcp/__init__.py": (
                "import os\nimport pytest\n\n"
                'if "gcp" not in os.environ.get("TOX_ENV_NAME", ""):\n'
                '    pytest.skip("gcp only", allow_module_level=True)\n'
            ),
        }
    )
    assert [(f.line, f.code, f.message.split(";")[0]) for f in lint(root, ".")] == [
        (4, "LI001", "module skipped depending on TOX_ENV_NAME")
    ]


def test_a_constant_reassigned_at_module_level_exports_every_value(tmp_path):
    """``DSN = os.environ.get("X")`` then ``if DSN == "": DSN = None``: importers see the env
    value, as the module's own analysis does, not only the last assignment."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "__init__.py").write_text("")
    (tests / "testconfig.py").write_text(
        'import os\n\nREPL_DSN = os.environ.get("ORDERS_REPL_DSN")\n'
        'if REPL_DSN == "":\n    REPL_DSN = None\n'
    )
    (tests / "test_repl.py").write_text(
        "import pytest\n\nfrom .testconfig import REPL_DSN\n\n\n"
        '@pytest.mark.skipif(REPL_DSN is None, reason="no replication")\n'
        "def test_replicates():\n    pass\n"
    )
    gates = [(f.path.rsplit("/", 1)[-1], f.line) for f in lint(tmp_path, ".") if f.code == "LI001"]
    assert gates == [("test_repl.py", 6)]
