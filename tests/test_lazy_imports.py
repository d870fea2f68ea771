"""Heavy parsers are imported only when a file of their language needs parsing.

Each case runs the CLI in a fresh interpreter (so nothing imported by the test run leaks in) and
then lists which of LibCST, tree-sitter and PyYAML ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "libcst",
    "tree_sitter",
    "tree_sitter_bash",
    "tree_sitter_typescript",
    "tree_sitter_go",
    "yaml",
)

# The CLI run in a fresh interpreter, then a report line on what it left in ``sys.modules``.
RUN_CLI = """
import json, sys
from lint_integration.cli import main
try:
    main(sys.argv[1:], prog_name="lint-integration")
except SystemExit:
    pass
"""
PROBE = (
    RUN_CLI
    + f"""
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
print("\\nHEAVY=" + json.dumps(heavy))
"""
)

# One file per language with nothing any rule looks at: the prefilter drops all of them.
QUIET_TREE = {
    "services/orders/tests/test_orders.py": (
        "import json\n\n\ndef test_total():\n    assert json.loads('[1, 2]') == [1, 2]\n"
    ),
    "scripts/build.sh": "#!/bin/sh\nset -eu\nmake build\n",
    "services/orders/tests/orders.test.ts": (
        "import { total } from '@orders/total';\n\n"
        "test('total', () => expect(total([1])).toBe(1));\n"
    ),
    "services/orders/orders_test.go": (
        'package orders\n\nimport "testing"\n\nfunc TestTotal(t *testing.T) {\n\tif Total(1) != 1 {'
        '\n\t\tt.Fatal("bad")\n\t}\n}\n'
    ),
    ".github/workflows/ci.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n",
    "deploy/values.yaml": "replicaCount: 2\nimage:\n  tag: v1\n",
    "Tiltfile": "k8s_yaml('deploy/app.yaml')\n",
    "package.json": '{"name": "orders", "scripts": {"build": "tsc"}}\n',
}


def probed(probe: str, marker: str, args: list[str], cwd: Path):
    """Run ``probe`` (the CLI, then a report line ``marker=...``) in a fresh interpreter: the
    report and the finished process."""
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        timeout=120,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(f"{marker}=")]
    assert lines, done.stderr
    return lines[-1][len(marker) + 1 :], done


def heavy_after(args: list[str], cwd: Path) -> tuple[list[str], subprocess.CompletedProcess]:
    heavy, done = probed(PROBE, "HEAVY", args, cwd)
    return json.loads(heavy), done


def loaded_after(
    args: list[str], cwd: Path, wanted: str
) -> tuple[list[str], subprocess.CompletedProcess]:
    """The modules ``m`` for which the expression ``wanted`` holds that the CLI left loaded."""
    probe = (
        RUN_CLI + f"print('\\nLOADED=' + json.dumps(sorted(m for m in sys.modules if {wanted})))\n"
    )
    loaded, done = probed(probe, "LOADED", args, cwd)
    return json.loads(loaded), done


@pytest.mark.parametrize(
    "args",
    [["--help"], ["check", "--help"], ["rules"], ["explain", "no-skip-on-env"], ["--version"]],
)
def test_commands_that_parse_nothing_import_no_parser(args, tmp_path):
    heavy, done = heavy_after(args, tmp_path)
    assert done.stderr == ""
    assert heavy == []


def test_a_check_where_the_prefilter_drops_every_file_imports_no_parser(write):
    root = write({"pyproject.toml": "[tool.lint-integration]\n", **QUIET_TREE})
    heavy, done = heavy_after(["check", "--no-cache", "."], root)
    assert "internal error" not in done.stderr
    assert f"{len(QUIET_TREE)} files checked" in done.stdout
    assert heavy == []


def test_a_python_file_that_needs_parsing_imports_no_heavy_parser(write):
    """``check`` analyses Python with the standard ``ast``; LibCST is for ``fix`` only."""
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            **QUIET_TREE,
            "services/orders/tests/test_db.py": (
                "import os\n\nDATABASE_URL = os.environ['ORDERS_DATABASE_URL']\n"
            ),
        }
    )
    heavy, done = heavy_after(["check", "--no-cache", "."], root)
    assert "internal error" not in done.stderr
    assert "test_db.py" in done.stdout
    assert heavy == []


def test_a_shell_file_that_needs_parsing_imports_only_tree_sitter(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            **QUIET_TREE,
            "scripts/run_integration_tests.sh": (
                '#!/bin/sh\nif [ -z "${RUN_INTEGRATION_TESTS:-}" ]; then\n  exit 0\nfi\npytest\n'
            ),
        }
    )
    heavy, done = heavy_after(["check", "--no-cache", "."], root)
    assert "internal error" not in done.stderr
    assert "run_integration_tests.sh" in done.stdout
    assert "libcst" not in heavy
    assert "tree_sitter" in heavy


def test_a_yaml_file_that_needs_parsing_imports_only_pyyaml(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            **QUIET_TREE,
            ".github/workflows/integration.yml": (
                "on: push\njobs:\n  it:\n    runs-on: ubuntu-latest\n"
                "    env:\n      RUN_INTEGRATION_TESTS: '1'\n    steps:\n      - run: pytest\n"
            ),
        }
    )
    heavy, done = heavy_after(["check", "--no-cache", "."], root)
    assert "internal error" not in done.stderr
    assert "integration.yml" in done.stdout
    assert heavy == ["yaml"]


def test_dropped_config_files_import_no_shell_frontend(write):
    """YAML, Tiltfile and package.json scripts are analysed as shell once they are parsed; a
    file the prefilter drops needs neither that frontend nor a parser."""
    quiet = {
        path: text
        for path, text in QUIET_TREE.items()
        if path.endswith((".yml", ".yaml", "Tiltfile", "package.json"))
    }
    root = write({"pyproject.toml": "[tool.lint-integration]\n", **quiet})
    loaded, done = loaded_after(
        ["check", "--no-cache", "."],
        root,
        "m in ('yaml', 'lint_integration.languages.shell', 'tree_sitter')",
    )
    assert f"{len(quiet)} files checked" in done.stdout
    assert loaded == []


def test_clean_imports_no_parser(write):
    root = write({"pyproject.toml": "[tool.lint-integration]\n"})
    heavy, done = heavy_after(["clean"], root)
    assert done.stdout.startswith("No cache at")
    assert heavy == []


def test_a_small_check_starts_no_process_machinery(write):
    """A check too small to spread (pre-commit's) imports neither ``multiprocessing`` nor
    ``concurrent.futures``: importing them costs more than checking a handful of files."""
    root = write({"pyproject.toml": "[tool.lint-integration]\n", **QUIET_TREE})
    loaded, done = loaded_after(
        ["check", "--no-cache", "--jobs", "4", "."],
        root,
        "m.split('.')[0] in ('multiprocessing', 'concurrent', 'ctypes')",
    )
    assert f"{len(QUIET_TREE)} files checked" in done.stdout
    assert loaded == []


def test_a_check_imports_none_of_the_other_commands(write):
    """``fix``, ``init``, ``clean`` and ``inventory`` are imported only when they run (or when
    help lists them): a check, the command pre-commit runs, pays for none of them."""
    root = write({"pyproject.toml": "[tool.lint-integration]\n", **QUIET_TREE})
    loaded, _done = loaded_after(
        ["check", "--no-cache", "."],
        root,
        "m.startswith('lint_integration.cli_') or m == 'tempfile'",
    )
    assert loaded == ["lint_integration.cli_report"]


def test_warming_the_python_frontend_imports_all_a_check_of_a_suite_needs(write):
    """Workers are forked after ``warm``: what a parse and the rules import later is imported
    again in every worker, so ``warm`` must leave nothing of ours for them to import."""
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "services/orders/tests/flags.py": "import os\n\nLIVE = os.getenv('ORDERS_DB_URL')\n",
            "services/orders/tests/test_db.py": (
                "import os\n\nimport pytest\n\nfrom flags import LIVE\n\n"
                "MODE = os.environ.get('INTEGRATION_MODE')\n\n\n"
                "@pytest.mark.skipif(not LIVE, reason='no db')\n"
                "def test_db():\n    assert os.environ['ORDERS_DATABASE_URL']\n"
            ),
        }
    )
    probe = (
        "import sys\nfrom pathlib import Path\n"
        "from lint_integration.config import load_config\n"
        "from lint_integration.discovery import discover\n"
        "from lint_integration.engine import RuleSelection, RunOptions\n"
        "from lint_integration.languages.python import warm\n"
        "from lint_integration.parallel import Runner\n"
        "config = load_config(Path('pyproject.toml'))\n"
        "files = discover([Path('.')], config).files\n"
        "warm()\n"
        "runner = Runner(config, RuleSelection(config), RunOptions(cache=False), '.')\n"
        "before = set(sys.modules)\n"
        "results = [runner.process(i, f) for i, f in enumerate(files)]\n"
        "rules = sorted({f.rule for r in results for f in r.findings})\n"
        "late = sorted(m for m in set(sys.modules) - before if m.startswith('lint_integration'))\n"
        "import json\n"
        "print('SEEN=' + json.dumps({'rules': rules, 'late': late}))\n"
    )
    seen, done = probed(probe, "SEEN", [], root)
    seen = json.loads(seen)
    assert {"no-skip-on-env", "mode-via-helper"} <= set(seen["rules"]), done.stdout
    assert seen["late"] == []
