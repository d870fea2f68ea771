"""``lint-integration fix`` on the command line: exit codes, --diff, the summary."""

from __future__ import annotations

import inspect

import pytest
from click.testing import CliRunner

from lint_integration import fixer, registry
from lint_integration.cli import main
from tests import fixer_fake as fake
from tests.conftest import run_cli


@pytest.fixture
def repo(write, monkeypatch, tmp_path):
    fake.install(monkeypatch)
    real = registry.all_rules
    monkeypatch.setattr(registry, "all_rules", lambda: (*real(), fake.RULE, fake.RULE2))
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    return write


def invoke(*args: str):
    """Run the CLI in-process with stdout and stderr kept apart."""
    kwargs = (
        {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}
    )
    return CliRunner(**kwargs).invoke(main, ["fix", "--no-cache", "-j", "1", *args])


def test_exit_0_when_everything_was_fixed(repo):
    repo({"a.fixfake": "ENV A\nCHAIN B\n"})
    result = invoke()
    assert result.exit_code == 0, result.output
    assert result.stdout == "Fixed 2 findings (fake-fix: 2) in 1 file; no findings left.\n"


def test_exit_1_lists_what_is_left_and_why(repo):
    repo({"a.fixfake": "ENV A\nUNSAFE B\nNOFIX\n", "b.fixfake": "plain\n"})
    result = invoke()
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "a.fixfake:2:1: LI991 [fake-fix] UNSAFE found (unsafe fix: use --unsafe-fixes)",
        "a.fixfake:3:1: LI991 [fake-fix] NOFIX found",
        "Fixed 1 finding (fake-fix: 1) in 1 file; "
        "2 left: 1 unsafe fix (use --unsafe-fixes), 1 without a fix.",
    ]


def test_unsafe_fixes_flag(repo):
    root = repo({"a.fixfake": "UNSAFE B\n"})
    result = invoke("--unsafe-fixes")
    assert result.exit_code == 0
    assert (root / "a.fixfake").read_text() == "req B\n"


def test_quiet_prints_only_the_summary(repo):
    repo({"a.fixfake": "NOFIX\n"})
    result = invoke("-q")
    assert result.exit_code == 1
    assert result.stdout == "Nothing to fix; 1 left: 1 without a fix.\n"


def test_diff_prints_a_patch_and_writes_nothing(repo):
    root = repo({"a.fixfake": "ENV A\nNOFIX\n"})
    result = invoke("--diff")
    assert result.exit_code == 1
    assert (root / "a.fixfake").read_text() == "ENV A\nNOFIX\n"
    assert result.stdout == (
        "--- a/a.fixfake\n+++ b/a.fixfake\n@@ -1,2 +1,2 @@\n-ENV A\n+req A\n NOFIX\n"
    )
    assert "Would fix 1 finding (fake-fix: 1) in 1 file; 1 left: 1 without a fix." in result.stderr


def test_diff_exit_0_when_there_is_nothing_to_change(repo):
    repo({"a.fixfake": "NOFIX\n"})
    result = invoke("--diff")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_rule_selection(repo):
    root = repo({"a.fixfake": "ENV A\n"})
    result = invoke("--rule", "parse-error")
    assert result.exit_code == 0
    assert (root / "a.fixfake").read_text() == "ENV A\n"
    assert invoke("--ignore", "LI991").exit_code == 0
    assert (root / "a.fixfake").read_text() == "ENV A\n"


def test_unknown_rule_is_a_usage_error(repo):
    result = invoke("--rule", "no-skip-on-evn")
    assert result.exit_code == 2
    assert "unknown rule selector 'no-skip-on-evn' (did you mean 'no-skip-on-env'?)" in (
        result.stderr
    )


def test_a_write_failure_exits_2(repo, monkeypatch):
    root = repo({"a.fixfake": "ENV A\n"})

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fixer, "atomic_write", denied)
    result = invoke()
    assert result.exit_code == 2
    assert "lint-integration: error: a.fixfake: cannot write: permission denied" in result.stderr
    assert (root / "a.fixfake").read_text() == "ENV A\n"


def test_a_fix_that_breaks_the_file_is_reported(repo):
    repo({"a.fixfake": "BREAK\n"})
    result = invoke()
    assert result.exit_code == 1
    assert "the fix for fake-fix would produce code that does not parse" in result.stderr
    assert "1 whose fix could not be applied (see above)" in result.stdout


def test_help_names_the_options():
    done = run_cli(["fix", "--help"])
    assert done.returncode == 0
    for option in ("--diff", "--unsafe-fixes", "--rule", "--select", "--ignore", "--config"):
        assert option in done.stdout
