"""``fix`` on Python suites: bytes that must survive (endings, encodings, BOM, mode), a codemod
whose output would not parse, and the command through a real subprocess."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from lint_integration import codemods
from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RuleSelection, RunOptions
from lint_integration.fixer import FixOptions, fix_run
from tests.conftest import run_cli

SUITE = "services/orders/tests/integration/test_orders.py"
SKIP = (
    "import os\n"
    "\n"
    "import pytest\n"
    "\n"
    "\n"
    '@pytest.mark.skipif(not os.getenv("ORDERS_DB"), reason="no db")\n'
    "def test_db():\n"
    "    assert True\n"
)
FIXED = (
    "from integration_mode import requires_env\n"
    "\n"
    "\n"
    '@requires_env("ORDERS_DB")\n'
    "def test_db():\n"
    "    assert True\n"
)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def put(root: Path, data: bytes, rel: str = SUITE) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def fix(root: Path, **options):
    config = load_config(None, root)
    files = discover([root], config).files
    opts = FixOptions(run_options=RunOptions(cache=False, jobs=1), **options)
    return fix_run(files, config, RuleSelection(config), [], opts)


def test_crlf_endings_are_kept_and_used_for_new_lines(repo):
    path = put(repo, SKIP.replace("\n", "\r\n").encode())
    fix(repo)
    assert path.read_bytes() == FIXED.replace("\n", "\r\n").encode()


def test_mixed_endings_survive_where_untouched(repo):
    source = SKIP + "\r\n\r\ndef test_other():\r\n    pass  # windows lines\r\n"
    path = put(repo, source.encode())
    fix(repo)
    assert (
        path.read_bytes()
        == (FIXED + "\r\n\r\ndef test_other():\r\n    pass  # windows lines\r\n").encode()
    )


def test_a_coding_cookie_and_its_encoding_are_kept(repo):
    source = "# -*- coding: latin-1 -*-\n# Café tests\n" + SKIP
    path = put(repo, source.encode("latin-1"))
    fix(repo)
    data = path.read_bytes()
    assert data.decode("latin-1").startswith("# -*- coding: latin-1 -*-\n# Café tests\n")
    assert "Caf\xe9".encode("latin-1") in data
    assert '@requires_env("ORDERS_DB")' in data.decode("latin-1")


def test_a_bom_is_kept(repo):
    path = put(repo, b"\xef\xbb\xbf" + SKIP.encode())
    fix(repo)
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.encode()


def test_permission_bits_are_kept(repo):
    path = put(repo, SKIP.encode())
    path.chmod(0o750)
    fix(repo)
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert path.read_text() == FIXED


def test_a_codemod_result_that_does_not_parse_is_not_written(repo, monkeypatch):
    path = put(repo, SKIP.encode())
    monkeypatch.setattr(codemods, "apply", lambda rule, text, findings, ctx: text + "def (:\n")
    report = fix(repo)
    assert path.read_text() == SKIP
    assert report.fixed == {}
    (problem,) = report.problems
    assert problem.startswith(f"{SUITE}:6:1: the fix for no-skip-on-env would produce code")
    assert "does not parse" in problem


def test_a_name_clash_is_left_as_a_finding(repo):
    source = SKIP + "\n\ndef requires_env(name):\n    return name\n"
    path = put(repo, source.encode())
    report = fix(repo)
    assert path.read_text() == source
    assert report.problems == [
        f"{SUITE}: the fix for no-skip-on-env was not applied: "
        "`requires_env` already means something else in this module"
    ]


@pytest.mark.parametrize(
    "tail",
    ["\n\x0cRETRIES = 3\n", "\n\ntry:\n    import yaml\nexcept ImportError :\n    yaml = None\n"],
)
def test_a_file_libcst_cannot_reproduce_is_left_untouched(repo, tail):
    """LibCST drops a form feed starting a statement and spaces before an except colon; a
    rewrite of such a file would lose them far from the fix."""
    source = SKIP + tail
    path = put(repo, source.encode())
    report = fix(repo)
    assert path.read_bytes() == source.encode()
    assert report.problems == [
        f"{SUITE}: the fix for no-skip-on-env was not applied: "
        "LibCST cannot reproduce this file exactly; fix it by hand"
    ]


def test_files_outside_suites_are_left_alone(repo):
    app = put(repo, b'import os\nURL = os.getenv("ORDERS_DB")\n', "services/orders/app/settings.py")
    report = fix(repo)
    assert app.read_bytes() == b'import os\nURL = os.getenv("ORDERS_DB")\n'
    assert report.fixed == {}


def test_suppressed_findings_are_not_fixed(repo):
    source = SKIP.replace(
        'reason="no db")\n', 'reason="no db")  # lint-integration: ignore[no-skip-on-env]\n'
    )
    path = put(repo, source.encode())
    fix(repo)
    assert path.read_text() == source


# -- on the command line -----------------------------------------------------------------


def test_cli_diff_then_fix_then_nothing_left(repo):
    path = put(repo, SKIP.encode())
    diff = run_cli(["fix", "--diff", "--no-cache", "services"], cwd=repo)
    assert diff.returncode == 1, diff.stderr
    assert path.read_text() == SKIP
    assert diff.stdout.startswith(f"--- a/{SUITE}\n+++ b/{SUITE}\n")
    assert '+@requires_env("ORDERS_DB")\n' in diff.stdout
    assert "Would fix 1 finding (no-skip-on-env: 1) in 1 file; no findings left." in diff.stderr

    done = run_cli(["fix", "--no-cache", "services"], cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Fixed 1 finding (no-skip-on-env: 1) in 1 file; no findings left.\n"
    assert path.read_text() == FIXED

    again = run_cli(["fix", "--no-cache", "services"], cwd=repo)
    assert again.returncode == 0
    assert again.stdout.startswith("No findings:")
    assert path.read_text() == FIXED


def test_cli_rule_selection_and_unsafe_fixes(repo, cli):
    source = (
        "import os\n\nimport pytest\n\n\n"
        '@pytest.mark.skipif(not os.getenv("ORDERS_DB"), reason="no db")\n'
        "def test_db():\n"
        '    assert os.environ.get("ORDERS_BROKER", "localhost:9092")\n'
    )
    path = put(repo, source.encode())
    only_probe = cli(["fix", "--no-cache", "-j", "1", "--rule", "no-direct-env-probe", "."])
    assert only_probe.exit_code == 1
    assert path.read_text() == source
    assert "1 left: 1 unsafe fix (use --unsafe-fixes)" in only_probe.output

    unsafe = cli(
        ["fix", "--no-cache", "-j", "1", "--rule", "no-direct-env-probe", "--unsafe-fixes", "."]
    )
    assert unsafe.exit_code == 0, unsafe.output
    assert 'assert require_env("ORDERS_BROKER")' in path.read_text()
    assert "skipif" in path.read_text()  # the other rule was not selected

    everything = cli(["fix", "--no-cache", "-j", "1", "."])
    assert everything.exit_code == 0
    assert "skipif" not in path.read_text()


def test_a_removed_import_leaves_the_blank_line_between_groups(repo):
    source = (
        "from __future__ import annotations\n"
        "\n"
        "import os\n"
        "import uuid\n"
        "\n"
        "import pytest\n"
        "\n"
        "\n"
        "@pytest.fixture\n"
        "def broker():\n"
        '    return connect(os.environ.get("ORDERS_BROKER_URL"), uuid.uuid4())\n'
    )
    path = put(repo, source.encode())
    fix(repo)
    assert path.read_text().startswith(
        "from __future__ import annotations\n\nimport uuid\n\nimport pytest\n"
    )
