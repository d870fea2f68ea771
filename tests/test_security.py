"""Security: the tool never imports, evaluates or executes the code it scans, never reads or
writes through a symlink out of the scanned tree, and treats its config as data.

Every trap below would leave a marker file (or stop the process) if it ever ran.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli


def _trap(marker: Path, name: str) -> str:
    """Python that leaves ``marker/name`` behind when run."""
    return f"open({str(marker / name)!r}, 'w').write('ran')\n"


def _traps(tree: Path, marker: Path) -> dict[str, str]:
    t = lambda name: _trap(marker, name)  # noqa: E731
    touch = f"touch {marker}/shell"
    return {
        # Modules a careless tool would import: the suite, its conftest and package, plugins.
        "services/orders/tests/__init__.py": t("package_init"),
        "services/orders/tests/conftest.py": (
            t("conftest")
            + "pytest_plugins = ['services.orders.tests.evil_plugin']\n\n\n"
            + "def pytest_configure(config):\n    "
            + t("hook")
        ),
        "services/orders/tests/evil_plugin.py": t("plugin"),
        "services/orders/tests/helpers.py": (
            "import os\n" + t("helpers") + 'LIVE = os.getenv("ORDERS_DATABASE_URL")\n'
        ),
        "services/orders/tests/test_orders.py": (
            "import os\n\nimport pytest\n\nfrom helpers import LIVE\n"
            + t("test_module")
            + "\n\n"
            # String conditions are parsed, never evaluated.
            + f"@pytest.mark.skipif(\"open({str(marker / 'condition')!r}, 'w') or "
            + "not os.getenv('ORDERS_DATABASE_URL')\", reason='no db')\n"
            + "def test_orders():\n    assert True\n\n\n"
            + "@pytest.mark.skipif(\"__import__('os').system('"
            + touch
            + "') == 0\", reason='x')\n"
            + "def test_system():\n    assert True\n\n\n"
            + '@pytest.mark.skipif(not LIVE, reason="x")\n'
            + "def test_live():\n    assert True\n\n\n"
            + "def test_probe():\n"
            + '    assert os.environ["ORDERS_DATABASE_URL"]\n'
        ),
        "services/orders/setup.py": t("setup"),
        # A repository's own module named like one the tool imports must never shadow it.
        **{f"{name}.py": t(f"shadow_{name}") for name in SHADOWED},
        "sitecustomize.py": t("sitecustomize"),
        "usercustomize.py": t("usercustomize"),
        # Other languages: commands are parsed, never run; YAML tags never construct objects.
        "services/orders/run_integration_tests.sh": (
            f'#!/usr/bin/env bash\n$({touch})\n`{touch}`\nif [ -z "$RUN_INTEGRATION_TESTS" ];'
            " then\n  exit 0\nfi\npytest tests\n"
        ),
        ".github/workflows/integration.yml": (
            "on: push\njobs:\n  integration:\n    runs-on: ubuntu-latest\n"
            f"    env:\n      RUN_INTEGRATION_TESTS: !!python/object/apply:os.system ['{touch}']\n"
            "    steps:\n      - run: pytest tests/integration\n"
        ),
        "services/orders/chart/values.yaml": (
            f"env:\n  RUN_INTEGRATION_TESTS: !!python/object/apply:os.system ['{touch}']\n"
        ),
        "package.json": (
            '{"scripts": {"test:integration": "RUN_INTEGRATION_TESTS=1 jest", '
            f'"postinstall": "{touch}"}}}}\n'
        ),
        "Tiltfile": (
            "load('ext://evil', 'evil')\n"
            f"local('{touch}')\n"
            'local_resource("orders", cmd="RUN_INTEGRATION_TESTS=1 pytest")\n'
        ),
        "services/orders/__tests__/orders.test.ts": (
            "import { execSync } from 'child_process';\n"
            f"execSync('{touch}');\n"
            "const url = process.env.ORDERS_URL;\n"
        ),
    }


SHADOWED = ("click", "yaml", "pathspec", "libcst", "tree_sitter", "json", "hashlib", "tomllib")


@pytest.fixture
def trapped(tmp_path):
    tree = tmp_path / "repo"
    marker = tmp_path / "markers"
    marker.mkdir()
    for rel, text in _traps(tree, marker).items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    (tree / ".git").mkdir()
    return tree, marker


def _scanned_modules(tree: Path) -> list[str]:
    root = str(tree.resolve())
    found = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if path and os.path.realpath(path).startswith(root + os.sep):
            found.append(name)
    return found


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--no-cache", "."],
        ["check", "."],
        ["fix", "--unsafe-fixes", "--no-cache", "."],
        ["fix", "--diff", "."],
        ["inventory", "."],
    ],
)
def test_nothing_scanned_is_ever_run_in_a_real_process(trapped, command):
    """``python -m`` puts the working directory first on sys.path: the shadowing modules at
    the root of the scanned tree must still not be imported."""
    tree, marker = trapped
    proc = run_cli(command, cwd=tree)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert sorted(os.listdir(marker)) == []
    if command[0] == "check":
        assert "services/orders/tests/test_orders.py" in proc.stdout


def test_nothing_scanned_is_imported_in_process(trapped, cli, monkeypatch):
    tree, marker = trapped
    monkeypatch.chdir(tree)
    before = set(sys.modules)
    checked = cli(["check", "--no-cache", "--jobs", "1", "."])
    fixed = cli(["fix", "--unsafe-fixes", "--no-cache", "--jobs", "1", "."])
    assert checked.exit_code == 1, checked.output
    assert fixed.exit_code in (0, 1), fixed.output
    assert sorted(os.listdir(marker)) == []
    assert _scanned_modules(tree) == []
    new = set(sys.modules) - before
    assert not any(name.startswith("services") or name in ("conftest", "helpers") for name in new)
    # The fix rewrote the suite: the trap lines are still there, untouched and never run.
    suite = (tree / "services/orders/tests/test_orders.py").read_text()
    assert "open(" in suite and "require_env" in suite


# -- symlinks out of the tree ----------------------------------------------------------------

DIRTY = """\
import os

import pytest


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no db")
def test_orders():
    assert os.environ["ORDERS_DATABASE_URL"]
"""


@pytest.fixture
def linked(tmp_path):
    """A repository with links to a file and a directory outside it, and one inside it."""
    tree = tmp_path / "repo"
    outside = tmp_path / "outside"
    (tree / "services/orders/tests").mkdir(parents=True)
    (outside / "shared").mkdir(parents=True)
    (tree / ".git").mkdir()
    (outside / "test_elsewhere.py").write_text(DIRTY)
    (outside / "shared/test_shared.py").write_text(DIRTY)
    tests = tree / "services/orders/tests"
    (tests / "test_real.py").write_text(DIRTY)
    (tests / "test_out.py").symlink_to(outside / "test_elsewhere.py")
    (tests / "shared").symlink_to(outside / "shared")
    (tests / "test_alias.py").symlink_to("test_real.py")
    return tree, outside


def _snapshot(directory: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(directory)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "paths",
    [
        ["."],
        ["services/orders/tests/test_out.py", "services/orders/tests/shared"],
        ["services/orders/tests/shared/test_shared.py"],
    ],
)
def test_fix_never_writes_through_a_link_out_of_the_tree(linked, paths):
    tree, outside = linked
    before = _snapshot(outside)
    proc = run_cli(["fix", "--unsafe-fixes", "--no-cache", *paths], cwd=tree)
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    assert _snapshot(outside) == before
    check = run_cli(["check", "--no-cache", *paths], cwd=tree)
    assert "outside" not in check.stdout
    assert "test_elsewhere" not in check.stdout and "test_shared" not in check.stdout


def test_an_in_tree_link_is_fixed_once_through_its_target_and_stays_a_link(linked):
    tree, _ = linked
    tests = tree / "services/orders/tests"
    proc = run_cli(["fix", "--no-cache", "."], cwd=tree)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tests / "test_alias.py").is_symlink()
    assert os.readlink(tests / "test_alias.py") == "test_real.py"
    assert "requires_env" in (tests / "test_real.py").read_text()
    assert "in 1 file" in proc.stdout


def test_reading_never_follows_a_link_out_of_the_tree(linked):
    """Not even to summarize an imported module: a suite importing through an outside link
    gets no facts from the outside file."""
    tree, outside = linked
    (outside / "flags.py").write_text('import os\nLIVE = os.getenv("ORDERS_DATABASE_URL")\n')
    tests = tree / "services/orders/tests"
    (tests / "flags.py").symlink_to(outside / "flags.py")
    (tests / "test_flagged.py").write_text(
        "import pytest\n\nfrom flags import LIVE\n\n\n"
        '@pytest.mark.skipif(not LIVE, reason="x")\ndef test_a():\n    pass\n'
    )
    proc = run_cli(["check", "--no-cache", "--output-format", "concise", "."], cwd=tree)
    flagged = [line for line in proc.stdout.splitlines() if "test_flagged" in line]
    assert flagged == []


# -- config is data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "select = [\"__import__('os').system('touch {m}/config')\"]\n",
        "[helper]\npython-module = \"__import__('os').system('touch {m}/config')\"\n",
        "max-file-size = \"__import__('os').system('touch {m}/config')\"\n",
        'legacy-toggles = ["$(touch {m}/config)", "`touch {m}/config`"]\n',
        'extend-exclude = ["$(touch {m}/config)"]\n',
    ],
)
def test_config_is_data_only(trapped, body):
    tree, marker = trapped
    (tree / "lint-integration.toml").write_text(body.format(m=marker))
    proc = run_cli(["check", "--no-cache", "."], cwd=tree)
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1, 2)
    if proc.returncode == 2:
        assert len(proc.stderr.splitlines()) == 1
    assert sorted(os.listdir(marker)) == []


def test_directories_resolve_as_realpath_does_one_link_at_a_time(linked, tmp_path):
    """The link checks resolve a directory from its parent's real path; through links to
    directories, chains of links, dangling links and missing directories the answer is still
    ``os.path.realpath``'s."""
    from lint_integration.textio import real_dir

    tree, outside = linked
    tests = tree / "services/orders/tests"
    (tree / "alias").symlink_to(tests.parent, target_is_directory=True)
    (tree / "chain").symlink_to("alias", target_is_directory=True)
    (tree / "dangling").symlink_to(tmp_path / "missing")
    (outside / "shared/deeper").mkdir()
    probes = [
        tests,
        tests / "shared",
        tests / "shared/deeper",
        tree / "alias/tests",
        tree / "chain/tests/shared/deeper",
        tree / "dangling",
        tree / "dangling/below",
        tree / "not-there/below",
        tree / "services",
    ]
    memo: dict[str, str] = {}
    for probe in probes:  # one memo for all: later answers build on earlier ones
        directory = os.path.abspath(probe)
        assert real_dir(directory, memo) == os.path.realpath(directory), probe
