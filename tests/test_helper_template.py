"""The shared helper and pytest plugin that ``lint-integration init`` writes into a repo."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

TEMPLATES = Path(__file__).resolve().parent.parent / "lint_integration" / "templates"
HELPER_DIR = "tools/integration-runner"


def install(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``root`` a scratch repo with the helper and plugin where ``init`` puts them."""
    (root / ".git").mkdir()
    target = root / HELPER_DIR
    target.mkdir(parents=True)
    for name in ("integration_mode.py", "integration_mode_plugin.py"):
        shutil.copy(TEMPLATES / name, target / name)
    for var in ("INTEGRATION_MODE", "INTEGRATION_ENV_FILE", "ORDERS_DB", "BROKER_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return install(tmp_path, monkeypatch)


@pytest.fixture
def prepo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The same scratch repo, inside pytester's directory (for in-process pytest runs)."""
    root = install(pytester.path, monkeypatch)
    pytester.syspathinsert(root / HELPER_DIR)
    return root


@pytest.fixture
def helper(repo: Path):
    """A fresh copy of the helper module (no cached mode or mock defaults)."""
    path = repo / HELPER_DIR / "integration_mode.py"
    spec = importlib.util.spec_from_file_location("integration_mode_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mocks(repo: Path, text: str, name: str = ".env.integration") -> Path:
    path = repo / name
    path.write_text(text, encoding="utf-8")
    return path


# -- parse_integration_mode -------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, ""])
def test_unset_or_empty_means_repo(helper, value):
    assert helper.parse_integration_mode(value) is helper.IntegrationMode.REPO


@pytest.mark.parametrize("value", ["repo", "local", "cluster"])
def test_each_mode_parses_to_itself(helper, value):
    mode = helper.parse_integration_mode(value)
    assert mode.value == value
    assert str(mode) == value
    assert mode == value  # a str enum: comparisons with the literal still hold


@pytest.mark.parametrize("value", ["live", "mock", "ci", " repo", "repo ", "1", "true"])
def test_unknown_values_raise_with_the_allowed_values(helper, value):
    with pytest.raises(helper.IntegrationModeError) as info:
        helper.parse_integration_mode(value)
    message = str(info.value)
    assert repr(value) in message
    assert "repo, local, cluster" in message
    assert isinstance(info.value, ValueError)


def test_case_typo_is_rejected_with_a_hint(helper):
    with pytest.raises(helper.IntegrationModeError, match=r"did you mean 'cluster'\?"):
        helper.parse_integration_mode("Cluster")


def test_only_cluster_is_live(helper):
    assert [m.is_live for m in helper.IntegrationMode] == [False, False, True]


# -- current_mode ---------------------------------------------------------------------------


def test_current_mode_defaults_to_repo(helper):
    assert helper.current_mode() is helper.IntegrationMode.REPO


def test_current_mode_reads_the_variable_once(helper, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "cluster")
    assert helper.current_mode() is helper.IntegrationMode.CLUSTER
    monkeypatch.setenv("INTEGRATION_MODE", "repo")
    assert helper.current_mode() is helper.IntegrationMode.CLUSTER
    helper.reset()
    assert helper.current_mode() is helper.IntegrationMode.REPO


def test_current_mode_rejects_an_invalid_value(helper, monkeypatch):
    bad = "staging"
    monkeypatch.setenv("INTEGRATION_MODE", bad)  # lint-integration: ignore[invalid-mode-value]
    with pytest.raises(helper.IntegrationModeError, match="'staging'"):
        helper.current_mode()


# -- require_env: cluster -------------------------------------------------------------------


def test_cluster_returns_the_live_value(helper, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "cluster")
    monkeypatch.setenv("ORDERS_DB", "postgresql://live/orders")
    assert helper.require_env("ORDERS_DB") == "postgresql://live/orders"


def test_cluster_fails_fast_naming_a_missing_variable(helper, repo, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "cluster")
    mocks(repo, "ORDERS_DB=sqlite:///mock.db\n")  # cluster never falls back to mocks
    with pytest.raises(helper.IntegrationEnvError) as info:
        helper.require_env("ORDERS_DB")
    assert "ORDERS_DB" in str(info.value)
    assert "ORDERS_DB is not set" in str(info.value)


def test_cluster_treats_an_empty_value_as_missing(helper, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "cluster")
    monkeypatch.setenv("ORDERS_DB", "")
    with pytest.raises(helper.IntegrationEnvError, match="ORDERS_DB is empty"):
        helper.require_env("ORDERS_DB")


def test_cluster_with_an_invalid_mode_raises_before_reading(helper, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "live")  # lint-integration: ignore[invalid-mode-value]
    monkeypatch.setenv("ORDERS_DB", "x")
    with pytest.raises(helper.IntegrationModeError):
        helper.require_env("ORDERS_DB")


# -- require_env: repo / local --------------------------------------------------------------


@pytest.mark.parametrize("mode", ["", "repo", "local"])
def test_repo_and_local_return_the_mock_default(helper, repo, monkeypatch, mode):
    monkeypatch.setenv("INTEGRATION_MODE", mode)
    mocks(repo, "ORDERS_DB=sqlite:///mock.db\n")
    monkeypatch.setenv("ORDERS_DB", "postgresql://live/orders")  # never the live value
    assert helper.require_env("ORDERS_DB") == "sqlite:///mock.db"


def test_repo_fails_loudly_when_the_mock_default_is_missing(helper, repo):
    path = mocks(repo, "OTHER=1\n")
    with pytest.raises(helper.IntegrationEnvError) as info:
        helper.require_env("ORDERS_DB")
    message = str(info.value)
    assert "ORDERS_DB" in message
    assert str(path) in message
    assert "INTEGRATION_MODE=repo" in message


def test_repo_fails_loudly_when_the_mock_file_is_missing(helper):
    with pytest.raises(helper.IntegrationEnvError) as info:
        helper.require_env("ORDERS_DB")
    message = str(info.value)
    assert ".env.integration is missing" in message
    assert "INTEGRATION_ENV_FILE" in message


def test_the_search_stops_at_the_repository_root(helper, repo):
    mocks(repo.parent, "ORDERS_DB=outside\n")  # above .git: not this repo's fixture
    try:
        with pytest.raises(helper.IntegrationEnvError, match="is missing"):
            helper.require_env("ORDERS_DB")
    finally:
        (repo.parent / ".env.integration").unlink()


def test_the_file_next_to_the_helper_wins(helper, repo):
    mocks(repo, "ORDERS_DB=root\n")
    mocks(repo / HELPER_DIR, "ORDERS_DB=beside-helper\n")
    assert helper.require_env("ORDERS_DB") == "beside-helper"


def test_the_file_is_found_from_the_working_directory(repo, monkeypatch):
    elsewhere = repo / "vendored" / "integration_mode.py"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes((repo / HELPER_DIR / "integration_mode.py").read_bytes())
    spec = importlib.util.spec_from_file_location("integration_mode_cwd", elsewhere)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    work = repo / "services" / "orders"
    work.mkdir(parents=True)
    mocks(work, "ORDERS_DB=service-level\n")
    monkeypatch.chdir(work)
    assert module.require_env("ORDERS_DB") == "service-level"


def test_an_explicit_env_file(helper, repo, monkeypatch):
    mocks(repo, "ORDERS_DB=default\n")
    custom = mocks(repo, "ORDERS_DB=custom\n", name="ci.env")
    monkeypatch.setenv("INTEGRATION_ENV_FILE", str(custom))
    assert helper.require_env("ORDERS_DB") == "custom"


def test_an_explicit_env_file_that_does_not_exist(helper, monkeypatch):
    monkeypatch.setenv("INTEGRATION_ENV_FILE", "nowhere.env")
    with pytest.raises(helper.IntegrationEnvError, match=r"nowhere\.env does not name a file"):
        helper.require_env("ORDERS_DB")


def test_mock_file_syntax(helper, repo):
    mocks(
        repo,
        "\ufeff# header\n"
        "\n"
        "PLAIN=a b  # trailing comment\n"
        "export EXPORTED=1\n"
        "SINGLE='it''s # not a comment'\n".replace("''", "")
        + 'DOUBLE="line\\nnext \\"q\\" \\\\n"\n'
        "EMPTY=\n"
        "  SPACED = value \n",
    )
    assert helper.mock_defaults() == {
        "PLAIN": "a b",
        "EXPORTED": "1",
        "SINGLE": "its # not a comment",
        "DOUBLE": 'line\nnext "q" \\n',
        "EMPTY": "",
        "SPACED": "value",
    }


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("NO_EQUALS", "expected NAME=value"),
        ("BAD-NAME=1", "expected NAME=value"),
        ("OPEN='abc", "unterminated ' quote"),
        ('X="a" b', "unexpected text after the quoted value"),
    ],
)
def test_a_malformed_mock_file_names_the_line(helper, repo, line, problem):
    mocks(repo, f"# ok\n{line}\n")
    with pytest.raises(helper.IntegrationEnvError, match=rf"\.env\.integration:2: {problem}"):
        helper.require_env("X")


@pytest.mark.parametrize("bad", ["", None, 3])
def test_require_env_needs_a_name(helper, bad):
    with pytest.raises(TypeError, match="non-empty string"):
        helper.require_env(bad)


# -- requires_env / cluster_only ------------------------------------------------------------


NO_PLUGIN = pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")


@NO_PLUGIN
def test_requires_env_is_a_pytest_mark(helper):
    mark = helper.requires_env("ORDERS_DB", "BROKER_URL")
    assert mark.name == "requires_env"
    assert mark.args == ("ORDERS_DB", "BROKER_URL")


def test_requires_env_needs_names(helper):
    with pytest.raises(TypeError, match="at least one"):
        helper.requires_env()
    with pytest.raises(TypeError):
        helper.requires_env("")


@NO_PLUGIN
def test_cluster_only_is_a_pytest_mark(helper):
    assert helper.cluster_only.name == "cluster_only"
    with pytest.raises(AttributeError):
        helper.no_such_name  # noqa: B018


def test_the_helper_imports_without_pytest(repo):
    code = (
        "import sys; sys.modules['pytest'] = None; "
        "import integration_mode as m; print(m.current_mode().value)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo / HELPER_DIR,
        capture_output=True,
        text=True,
        env={"INTEGRATION_MODE": "local", "PATH": "/usr/bin:/bin"},
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "local"


@pytest.mark.parametrize(("value", "code", "out"), [("cluster", 0, "cluster"), ("bad", 2, "")])
def test_running_the_helper_prints_or_rejects_the_mode(repo, value, code, out):
    done = subprocess.run(
        [sys.executable, str(repo / HELPER_DIR / "integration_mode.py")],
        capture_output=True,
        text=True,
        env={"INTEGRATION_MODE": value, "PATH": "/usr/bin:/bin"},
        timeout=30,
    )
    assert done.returncode == code
    assert done.stdout.strip() == out
    if code:
        assert "invalid INTEGRATION_MODE 'bad'" in done.stderr


# -- the pytest plugin ----------------------------------------------------------------------

SUITE = """
import pytest
from integration_mode import cluster_only, require_env, requires_env

@cluster_only
def test_live_settlement():
    pass

@cluster_only
class TestLiveOnly:
    def test_a(self):
        pass

    def test_b(self):
        pass

@requires_env("ORDERS_DB")
def test_orders():
    assert require_env("ORDERS_DB")

def test_plain():
    pass
"""


def run_suite(pytester: pytest.Pytester, repo: Path, source: str = SUITE, *args: str):
    pytester.makepyfile(test_suite=source)
    return pytester.runpytest_inprocess(
        "-p", "no:hypothesispytest", "-p", "integration_mode_plugin", *args
    )


def test_plugin_deselects_cluster_only_tests_in_repo_mode(pytester, prepo):
    mocks(prepo, "ORDERS_DB=sqlite:///mock.db\n")
    result = run_suite(pytester, prepo)
    result.stdout.fnmatch_lines(
        [
            "integration mode: repo (mock defaults from *.env.integration)",
            "*integration mode repo: 3 cluster-only tests deselected",
        ]
    )
    result.assert_outcomes(passed=2, deselected=3)


def test_plugin_counts_one_test_in_the_singular(pytester, prepo, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "local")
    source = "from integration_mode import cluster_only\n\n@cluster_only\ndef test_x():\n    pass\n"
    result = run_suite(pytester, prepo, source)
    result.stdout.fnmatch_lines(["integration mode local: 1 cluster-only test deselected"])
    result.assert_outcomes(deselected=1)


def test_plugin_runs_cluster_only_tests_in_cluster_mode(pytester, prepo, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "cluster")
    monkeypatch.setenv("ORDERS_DB", "postgresql://live/orders")
    result = run_suite(pytester, prepo)
    result.stdout.fnmatch_lines(["integration mode: cluster (live dependencies, no mocks)"])
    assert "deselected" not in result.stdout.str()
    result.assert_outcomes(passed=5)


def test_requires_env_fails_in_cluster_mode_naming_the_variable(pytester, prepo, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "cluster")
    result = run_suite(pytester, prepo)
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        ["FAILED test_suite.py::test_orders - Failed: ORDERS_DB is not set*"]
    )
    assert "skipped" not in result.stdout.str()


def test_requires_env_fails_in_repo_mode_without_a_mock_default(pytester, prepo):
    mocks(prepo, "OTHER=1\n")
    result = run_suite(pytester, prepo)
    result.assert_outcomes(passed=1, failed=1, deselected=3)
    result.stdout.fnmatch_lines(
        ["FAILED test_suite.py::test_orders - Failed: ORDERS_DB has no mock default in *"]
    )


def test_requires_env_as_pytestmark_and_on_a_class(pytester, prepo, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "cluster")
    monkeypatch.setenv("BROKER_URL", "kafka://live")
    source = """
from integration_mode import requires_env

pytestmark = requires_env("BROKER_URL")

@requires_env("ORDERS_DB")
class TestOrders:
    def test_one(self):
        pass

def test_broker_only():
    pass
"""
    result = run_suite(pytester, prepo, source)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED *TestOrders::test_one - *ORDERS_DB*"])


def test_plugin_rejects_an_invalid_mode_at_startup(pytester, prepo, monkeypatch):
    monkeypatch.setenv("INTEGRATION_MODE", "live")  # lint-integration: ignore[invalid-mode-value]
    result = run_suite(pytester, prepo)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*invalid INTEGRATION_MODE 'live'*repo, local, cluster*"])


def test_plugin_header_says_when_the_mock_file_is_missing(pytester, prepo):
    result = run_suite(pytester, prepo, "def test_x():\n    pass\n")
    result.stdout.fnmatch_lines(["integration mode: repo (mock defaults file * not found)"])
    result.assert_outcomes(passed=1)


def test_plugin_in_a_real_subprocess(repo, tmp_path):
    suite = repo / "services" / "orders" / "tests"
    suite.mkdir(parents=True)
    (suite / "test_suite.py").write_text(SUITE, encoding="utf-8")
    mocks(repo, "ORDERS_DB=sqlite:///mock.db\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:hypothesispytest",
            "-p",
            "integration_mode_plugin",
            "-q",
            str(suite),
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(repo / HELPER_DIR), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "integration mode repo: 3 cluster-only tests deselected" in done.stdout
    assert "2 passed, 3 deselected" in done.stdout
