"""Config loading: discovery by walking up, validation errors with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_integration.config import ConfigError, find_config, load_config
from tests.conftest import run_cli


def test_pyproject_table_is_found_walking_up(write):
    root = write(
        {
            "pyproject.toml": '[tool.lint-integration]\nextend-allowed-env = ["MY_VAR"]\n',
            "services/a/tests/test_x.py": "",
        }
    )
    found = find_config(root / "services" / "a" / "tests")
    assert found == root / "pyproject.toml"
    cfg = load_config(found)
    assert cfg.root == root
    assert cfg.is_allowed_env("MY_VAR")
    assert cfg.is_allowed_env("HOME")  # extend- keeps the defaults
    assert cfg.is_allowed_env("SSL_CERT_FILE") and cfg.is_allowed_env("https_proxy")


def test_pyproject_without_our_table_is_passed_over(write):
    root = write(
        {
            "pyproject.toml": '[tool.lint-integration]\nignore = ["LI002"]\n',
            "pkg/pyproject.toml": "[project]\nname = 'pkg'\n",
            "pkg/tests/test_x.py": "",
        }
    )
    assert find_config(root / "pkg" / "tests") == root / "pyproject.toml"


def test_dedicated_file_wins_and_has_top_level_keys(write):
    root = write(
        {
            "pyproject.toml": '[tool.lint-integration]\nignore = ["LI002"]\n',
            "lint-integration.toml": 'legacy-toggles = ["OLD_TOGGLE"]\n',
        }
    )
    found = find_config(root)
    assert found == root / "lint-integration.toml"
    cfg = load_config(found)
    assert cfg.is_legacy_toggle("OLD_TOGGLE")
    assert not cfg.is_legacy_toggle("RUN_INTEGRATION_TESTS")  # replaced, not extended


def test_legacy_toggle_patterns():
    cfg = load_config(None, Path("."))
    assert cfg.is_legacy_toggle("RUN_INTEGRATION_TESTS")
    assert cfg.is_legacy_toggle("ORDERS_INTEGRATION_USE_LIVE_DB")
    assert cfg.is_legacy_toggle("PAYMENTS_USE_LIVE_KAFKA")
    assert not cfg.is_legacy_toggle("INTEGRATION_MODE")
    assert not cfg.is_legacy_toggle("ORDERS_DATABASE_URL")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            '[tool.lint-integration]\nselcet = ["LI001"]\n',
            "unknown key 'tool.lint-integration.selcet' (did you mean 'select'?)",
        ),
        (
            '[tool.lint-integration]\nignore = "LI001"\n',
            "'tool.lint-integration.ignore' expects a list of strings, got a string",
        ),
        (
            '[tool.lint-integration]\nmax-file-size = "big"\n',
            "'tool.lint-integration.max-file-size' expects a positive integer",
        ),
        ('[tool.lint-integration]\nexclude = ["services/[a-"]\n', "bad glob 'services/[a-'"),
        (
            '[tool.lint-integration.roles]\nsuites = ["qa/**"]\n',
            "unknown role 'tool.lint-integration.roles.suites' (did you mean 'suite'?)",
        ),
        (
            '[tool.lint-integration.helper]\npython_module = "x"\n',
            "unknown key 'tool.lint-integration.helper.python_module' "
            "(did you mean 'python-module'?)",
        ),
        ("[tool.lint-integration\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(write, body, expected):
    root = write({"pyproject.toml": body})
    with pytest.raises(ConfigError) as info:
        load_config(find_config(root) or root / "pyproject.toml")
    assert expected in str(info.value)
    assert str(root / "pyproject.toml") in str(info.value)


def test_cli_config_error_exits_2_with_one_line(write):
    root = write(
        {
            "pyproject.toml": '[tool.lint-integration]\nselcet = ["LI001"]\n',
            "tests/test_x.py": "x = 1\n",
        }
    )
    proc = run_cli(["check", str(root)])
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "pyproject.toml" in lines[0] and "did you mean 'select'" in lines[0]
    assert "Traceback" not in proc.stderr


def test_cli_config_not_toml_exits_2(write):
    root = write({"lint-integration.toml": "this is = = not toml\n", "a.py": ""})
    proc = run_cli(["check", str(root)])
    assert proc.returncode == 2
    assert "lint-integration.toml: not valid TOML" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_explicit_config_flag_overrides_and_missing_file_is_an_error(write, tmp_path):
    root = write({"custom.toml": 'ignore = ["ALL"]\n', "a.py": ""})
    proc = run_cli(["check", "--config", str(root / "custom.toml"), str(root)])
    assert proc.returncode == 0
    proc = run_cli(["check", "--config", str(tmp_path / "nope.toml"), str(root)])
    assert proc.returncode == 2
    assert "nope.toml: config file not found" in proc.stderr


def test_unknown_rule_selector_is_a_usage_error(cli, write):
    root = write({"a.py": ""})
    proc = run_cli(["check", "--select", "no-skip-on-evn", str(root)])
    assert proc.returncode == 2
    assert "unknown rule selector 'no-skip-on-evn' (did you mean 'no-skip-on-env'?)" in proc.stderr


def test_fingerprint_changes_with_settings(write):
    a = load_config(write({"a.toml": 'extend-allowed-env = ["A"]\n'}) / "a.toml")
    b = load_config(write({"b.toml": 'extend-allowed-env = ["B"]\n'}) / "b.toml")
    assert a.fingerprint() != b.fingerprint()
