"""``--since REF``: changed files, their importers, and clear errors outside git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import lint_integration.rules
import pytest

from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.since import SinceError, importers, select_since
from tests import fake_frontend as fake

_NO_SIGNING = ("-c", "commit.gpgsign=false")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *_NO_SIGNING, *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def repo(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "lib/helpers.py": "import os\nLIVE = os.getenv('DB')\n",
            "lib/quiet.py": "X = 1\n",
            "pkg/__init__.py": "FLAG = 1\n",
            "pkg/test_rel.py": "from . import FLAG\n",
            "pkg/test_other.py": "from .sibling import thing\n",
            "tests/test_direct.py": "from lib.helpers import LIVE\n",
            "tests/test_multiline.py": "from lib import (\n    quiet,\n    helpers,\n)\n",
            "tests/mid.py": "from lib.helpers import LIVE as L\n",
            "tests/test_through_mid.py": "from tests.mid import L\n",
            "tests/test_unrelated.py": "import json\nhelpers_text = 'helpers'\n",
            "tests/test_untouched.py": "from lib.quiet import X\n",
        }
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def selected(root: Path, ref: str = "HEAD") -> list[str]:
    config = load_config(root / "pyproject.toml")
    files = discover([root], config).files
    return [f.relpath for f in select_since(files, ref, root, config.source)]


def test_nothing_changed_selects_nothing(repo):
    assert selected(repo) == []


def test_unstaged_staged_and_untracked_changes(repo):
    (repo / "lib/quiet.py").write_text("X = 2\n")  # unstaged
    (repo / "tests/test_new.py").write_text("import os\n")  # untracked
    git(repo, "add", "tests/test_new.py")
    (repo / "tests/test_scratch.py").write_text("pass\n")  # untracked, not staged
    (repo / "ignored.log").write_text("")
    assert selected(repo) == [
        "lib/quiet.py",
        "tests/test_multiline.py",  # imports quiet
        "tests/test_new.py",
        "tests/test_scratch.py",
        "tests/test_untouched.py",  # imports quiet
    ]


def test_importers_are_found_directly_and_transitively(repo):
    (repo / "lib/helpers.py").write_text("import os\nLIVE = os.getenv('DATABASE_URL')\n")
    assert selected(repo) == [
        "lib/helpers.py",
        "tests/mid.py",
        "tests/test_direct.py",
        "tests/test_multiline.py",
        "tests/test_through_mid.py",  # through tests/mid.py
        "tests/test_unrelated.py",  # mentions the name: kept, to be safe
    ]


def test_changed_package_init_selects_relative_importers(repo):
    (repo / "pkg/__init__.py").write_text("FLAG = 2\n")
    assert selected(repo) == ["pkg/__init__.py", "pkg/test_rel.py"]


def test_deleted_module_selects_its_importers(repo):
    (repo / "tests/mid.py").unlink()
    assert selected(repo) == ["tests/test_through_mid.py"]


def test_committed_changes_since_an_older_ref(repo):
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "tests/test_untouched.py").write_text("from lib.quiet import X  # edited\n")
    git(repo, "commit", "-q", "-am", "second")
    assert selected(repo, "HEAD") == []
    assert selected(repo, base) == ["tests/test_untouched.py"]
    assert selected(repo, "HEAD~1") == ["tests/test_untouched.py"]


def test_a_config_change_selects_everything(repo):
    (repo / "pyproject.toml").write_text("[tool.lint-integration]\nallowed-env = ['DB']\n")
    assert len(selected(repo)) == len(discover([repo], load_config(None, repo)).files)


def test_unknown_ref_and_option_like_ref(repo):
    with pytest.raises(SinceError, match="unknown git ref 'no-such-branch'"):
        selected(repo, "no-such-branch")
    with pytest.raises(SinceError, match="unknown git ref"):
        selected(repo, "--output=owned.txt")
    assert not (repo / "owned.txt").exists()


def test_not_a_git_repository(write):
    root = write({"pyproject.toml": "[tool.lint-integration]\n", "test_a.py": "pass\n"})
    with pytest.raises(SinceError, match="needs a git repository"):
        selected(root)


def test_importers_search_is_a_fixpoint(tmp_path):
    files = {"a.py": "X = 1\n", "b.py": "import a\n", "c.py": "import b\n", "d.py": "import z\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    paths = [str(tmp_path / n) for n in files]
    found = importers({str(tmp_path / "a.py")}, paths)
    assert sorted(os.path.basename(p) for p in found) == ["b.py", "c.py"]


def test_cli_errors_exit_2(cli, repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("not-a-repo")
    (outside / "test_b.py").write_text("pass\n")
    result = cli(["check", "--since", "HEAD", str(outside)])
    assert result.exit_code == 2
    assert "needs a git repository" in result.output
    result = cli(["check", "--since", "nope", str(repo)])
    assert result.exit_code == 2
    assert "unknown git ref 'nope'" in result.output
    result = cli(["fix", "--since", "nope", str(repo)])
    assert result.exit_code == 2
    assert "unknown git ref 'nope'" in result.output


def test_cli_lints_only_what_changed(cli, write, monkeypatch):
    fake.install(monkeypatch)
    monkeypatch.setattr(lint_integration.rules, "RULES", (*lint_integration.rules.RULES, fake.RULE))
    root = write({"a.fake": "ENV A\n", "b.fake": "ENV B\n", "c.fake": "use b\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    (root / "a.fake").write_text("ENV A2\n")
    monkeypatch.chdir(root)
    result = cli(["check", "--no-cache", "--since", "HEAD", "--output-format", "concise"])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["a.fake:1:1: LI990 [fake-env] reads A2"]
    everything = cli(["check", "--no-cache", "--output-format", "concise"])
    assert len(everything.output.splitlines()) == 3
