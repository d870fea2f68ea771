"""The CLI end to end: exit codes, output formats, selection, suppressions, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import run_cli

SKIP_ON_ENV = """\
import os

import pytest


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no db")
def test_orders():
    assert True
"""

PROBE = """\
import os


def test_publish():
    url = os.environ["EVENTS_BROKER_URL"]
    assert url
"""

CLEAN = """\
from integration_mode import require_env


def test_publish():
    assert require_env("EVENTS_BROKER_URL")
"""


@pytest.fixture
def tree(write):
    return write(
        {
            "services/orders/tests/test_orders.py": SKIP_ON_ENV,
            "services/events/tests/test_events.py": PROBE,
            "services/payments/tests/test_payments.py": CLEAN,
        }
    )


def test_text_output_exit_1_and_summary(tree):
    proc = run_cli(["check", "."], cwd=tree)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(
        "services/events/tests/test_events.py:5:11: LI002 [no-direct-env-probe] "
    )
    assert "EVENTS_BROKER_URL" in lines[0]
    assert lines[1].startswith("services/orders/tests/test_orders.py:6:1: LI001 [no-skip-on-env] ")
    assert "ORDERS_DATABASE_URL" in lines[1]
    assert lines[-1].startswith("Found 2 findings in 2 files")
    assert "3 files checked" in lines[-1]
    assert proc.stderr == ""


def test_clean_tree_exits_0(write):
    root = write({"services/payments/tests/test_payments.py": CLEAN})
    proc = run_cli(["check", str(root)])
    assert proc.returncode == 0
    assert proc.stdout.strip() == "All clear: 1 file checked."


def test_exit_zero_and_quiet(tree):
    proc = run_cli(["check", "--exit-zero", "--quiet", "."], cwd=tree)
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 2  # findings only, no summary


def test_json_output_shape(tree):
    proc = run_cli(["check", "--output-format", "json", "."], cwd=tree)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [d["code"] for d in data] == ["LI002", "LI001"]
    probe = data[0]
    assert set(probe) >= {
        "rule",
        "code",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "fix",
    }
    assert probe["path"] == os.path.join("services", "events", "tests", "test_events.py")
    assert (probe["line"], probe["column"]) == (5, 11)
    assert probe["end_line"] == 5 and probe["end_column"] > probe["column"]
    assert probe["fix"]["applicability"] == "safe"
    assert data[1]["rule"] == "no-skip-on-env"


def test_concise_and_github_formats(tree):
    concise = run_cli(["check", "--output-format", "concise", "."], cwd=tree)
    assert concise.stdout.count("\n") == 2 and "Found" not in concise.stdout
    github = run_cli(["check", "--output-format", "github", "."], cwd=tree)
    first = github.stdout.splitlines()[0]
    assert first.startswith("::error title=LI002 no-direct-env-probe,")
    assert "file=services/events/tests/test_events.py,line=5,col=11," in first


def test_show_source_draws_a_caret(tree):
    proc = run_cli(["check", "--show-source", "services/events"], cwd=tree)
    out = proc.stdout.splitlines()
    assert out[1] == '   5 |     url = os.environ["EVENTS_BROKER_URL"]'
    assert out[2].startswith("     |           ^^^^")


def test_statistics(tree):
    proc = run_cli(["check", "--statistics", "."], cwd=tree)
    assert "    1  LI001  [*] no-skip-on-env" in proc.stdout
    assert "    1  LI002  [*] no-direct-env-probe" in proc.stdout


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "no-skip-on-env"], ["LI001"]),
        (["--select", "LI002"], ["LI002"]),
        (["--rule", "no-direct-env-probe"], ["LI002"]),
        (["--ignore", "LI00"], []),
        (["--select", "LI", "--ignore", "no-skip-on-env"], ["LI002"]),
    ],
)
def test_select_ignore_by_name_code_prefix(tree, args, codes):
    proc = run_cli(["check", "--output-format", "json", *args, "."], cwd=tree)
    assert [d["code"] for d in json.loads(proc.stdout)] == codes
    assert proc.returncode == (1 if codes else 0)


def test_per_file_ignores_from_config(tree):
    (tree / "pyproject.toml").write_text(
        '[tool.lint-integration]\nper-file-ignores = { "services/events/**" = ["LI002"] }\n'
    )
    proc = run_cli(["check", "--output-format", "json", "."], cwd=tree)
    assert [d["code"] for d in json.loads(proc.stdout)] == ["LI001"]


def test_suppressed_findings_are_counted_and_listed(write):
    root = write(
        {
            "tests/test_x.py": PROBE.replace(
                '["EVENTS_BROKER_URL"]', '["EVENTS_BROKER_URL"]  # noqa: LI002'
            )
        }
    )
    proc = run_cli(["check", "."], cwd=root)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "All clear: 1 file checked, 1 suppressed."
    proc = run_cli(["check", "--show-suppressed", "."], cwd=root)
    assert "LI002 [no-direct-env-probe]" in proc.stdout and "(suppressed)" in proc.stdout


def test_parse_error_is_a_finding_and_the_run_goes_on(write):
    # The prefilter passes only files that could hold a finding, so the broken file reads env.
    root = write(
        {
            "tests/test_broken.py": "import os\n\ndef test_x(:\n    os.getenv('X')\n",
            "tests/test_probe.py": PROBE,
        }
    )
    proc = run_cli(["check", "--output-format", "concise", "."], cwd=root)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(os.path.join("tests", "test_broken.py") + ":3:")
    assert "LI900 [parse-error]" in lines[0]
    assert "LI002" in lines[1]
    assert "Traceback" not in proc.stderr


def test_invalid_utf8_is_a_parse_error_naming_the_line(write):
    root = write({"tests/test_bad.py": b"import os\nx = '\xff'\nos.getenv('X')\n"})
    proc = run_cli(["check", "--output-format", "concise", "."], cwd=root)
    assert proc.returncode == 1
    assert "test_bad.py:2:6: LI900 [parse-error] invalid utf-8 byte" in proc.stdout


def test_rules_and_explain_commands():
    rules = run_cli(["rules"])
    assert rules.returncode == 0
    assert rules.stdout.splitlines()[0].split() == ["CODE", "NAME", "FIXABLE", "LANGUAGES"]
    assert any(line.startswith("LI001  no-skip-on-env") for line in rules.stdout.splitlines())
    by_code = run_cli(["explain", "LI001"])
    by_name = run_cli(["explain", "no-skip-on-env"])
    assert by_code.stdout == by_name.stdout
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in by_code.stdout
    unknown = run_cli(["explain", "no-skip-on-evn"])
    assert unknown.returncode == 2
    assert "did you mean 'no-skip-on-env'" in unknown.stderr


def test_every_rule_has_a_complete_doc():
    from lint_integration import registry

    for rule in registry.all_rules():
        for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
            assert heading in rule.doc, (rule.name, heading)
        assert rule.code.startswith("LI") and len(rule.code) == 5


def test_in_process_matches_subprocess(tree, cli, monkeypatch):
    monkeypatch.chdir(tree)
    result = cli(["check", "--output-format", "json", "."])
    assert result.exit_code == 1
    proc = run_cli(["check", "--output-format", "json", "."], cwd=tree)
    assert json.loads(result.output) == json.loads(proc.stdout)


def test_version_and_module_entry_point():
    proc = run_cli(["--version"])
    assert proc.returncode == 0 and "lint-integration" in proc.stdout


@pytest.mark.parametrize(
    ("code", "status", "stderr"), [(3, 3, ""), (None, 0, ""), ("boom", 1, "boom\n")]
)
def test_the_entry_point_exits_as_sys_exit_would_but_for_the_teardown(code, status, stderr):
    """Skipping the interpreter's teardown keeps what matters of an exit: the status, the
    output still buffered, the exit handlers."""
    script = (
        "import atexit, sys\n"
        "from lint_integration.fast import _leave\n"
        "atexit.register(lambda: sys.stdout.write(' handlers ran'))\n"
        "sys.stdout.write('buffered')\n"
        f"_leave({code!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (status, "buffered handlers ran", stderr)
