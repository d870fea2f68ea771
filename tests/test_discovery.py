"""Discovery: gitignore files (nested, negated, info/exclude), excludes, symlinks, roles."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lint_integration.config import load_config
from lint_integration.discovery import discover
from tests.conftest import refuse_listing


def rels(root: Path, paths: list[str] | None = None, force: bool = False, **cfg) -> list[str]:
    config = load_config(None, root)
    for key, value in cfg.items():
        setattr(config, key, value)
    targets = [root / p for p in paths] if paths else [root]
    return [f.relpath for f in discover(targets, config, force_exclude=force).files]


def test_nested_gitignores_negation_and_info_exclude(write):
    root = write(
        {
            ".git/info/exclude": "secret_*.py\n",
            ".gitignore": "generated/\n*.log\n",
            "services/a/.gitignore": "tmp_*.py\n!tmp_keep.py\n",
            "services/a/tests/test_a.py": "",
            "services/a/tests/tmp_x.py": "",
            "services/a/tests/tmp_keep.py": "",
            "services/b/tmp_x.py": "",
            "generated/test_gen.py": "",
            "secret_test.py": "",
        }
    )
    found = rels(root)
    assert "services/a/tests/test_a.py" in found
    assert "services/a/tests/tmp_keep.py" in found  # negated in the nested .gitignore
    assert "services/a/tests/tmp_x.py" not in found
    assert "services/b/tmp_x.py" in found  # the nested rule does not leak to a sibling
    assert "generated/test_gen.py" not in found
    assert "secret_test.py" not in found


def test_a_walk_builds_no_hyperscan_database_for_its_ignore_files(write, monkeypatch):
    """pathspec matches with Hyperscan when it is installed (the ``fast`` extra installs it),
    compiling a database for every ignore file and glob list up front (about 25 ms each); a
    walk keeps to pathspec's own backend and still honours negations."""
    import hyperscan

    built = []
    database = hyperscan.Database

    def counted(*args, **kwargs):
        built.append(args)
        return database(*args, **kwargs)

    monkeypatch.setattr(hyperscan, "Database", counted)
    root = write(
        {
            ".git/info/exclude": "*.log\n",
            ".gitignore": "generated/\n",
            "services/a/.gitignore": "tmp_*.py\n!tmp_keep.py\n",
            "services/a/tests/tmp_x.py": "",
            "services/a/tests/tmp_keep.py": "",
            "services/b/tests/test_b.py": "",
            "services/c/tests/test_c.py": "",
            "generated/test_gen.py": "",
        }
    )
    found = rels(root, extend_exclude=("services/c/",), include=("*.py", "!skip_*.py"))
    assert found == ["services/a/tests/tmp_keep.py", "services/b/tests/test_b.py"]
    assert built == []


def test_default_excludes_skip_venvs_node_modules_and_caches(write):
    root = write(
        {
            ".venv/lib/site.py": "",
            "node_modules/pkg/index.test.js": "",
            "__pycache__/x.py": "",
            ".git/hooks/pre-commit.py": "",
            "sdk/tests/testdata/syntax-error/component.py": "syntax error here\n",
            "src/app.py": "",
        }
    )
    assert rels(root) == ["src/app.py"]


def test_config_exclude_and_include(write):
    root = write({"a/test_x.py": "", "b/test_y.py": "", "b/z.sh": ""})
    assert rels(root, extend_exclude=("a/",)) == ["b/test_y.py", "b/z.sh"]
    assert rels(root, include=("*.sh",)) == ["b/z.sh"]


def test_explicit_file_is_linted_even_if_excluded_unless_forced(write):
    root = write({".gitignore": "ignored_test.py\n", "ignored_test.py": "", ".git/HEAD": ""})
    assert rels(root, ["ignored_test.py"]) == ["ignored_test.py"]
    assert rels(root, ["ignored_test.py"], force=True) == []


def test_symlinks_out_of_tree_and_loops_are_not_followed(write, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "test_outside.py").write_text("")
    root = write({"repo/tests/test_in.py": ""}) / "repo"
    (root / "tests" / "link_dir").symlink_to(outside, target_is_directory=True)
    (root / "tests" / "test_link.py").symlink_to(outside / "test_outside.py")
    (root / "tests" / "loop").symlink_to(root / "tests", target_is_directory=True)
    (root / "tests" / "test_alias.py").symlink_to(root / "tests" / "test_in.py")
    config = load_config(None, root)
    result = discover([root], config)
    found = [f.relpath for f in result.files]
    assert found == ["tests/test_in.py"]  # the in-tree alias is deduplicated
    assert any("symlink points outside" in n for n in result.notices)


def test_roles_and_languages(write):
    root = write(
        {
            "services/orders/tests/integration/test_api.py": "",
            "services/orders/run_integration_tests.sh": "",
            "tools/integration-runner/integration_mode.py": "",
            "tools/integration-runner/run.py": "",
            ".github/workflows/ci.yml": "",
            "charts/orders/values-test.yaml": "",
            "Tiltfile": "",
            "services/web/__tests__/api.test.ts": "",
            "sdk/go/client_test.go": "",
            "services/orders/app/main.py": "",
            "scripts/run-e2e": "#!/usr/bin/env bash\necho hi\n",
            "scripts/notes": "plain text\n",
        }
    )
    config = load_config(None, root)
    got = {f.relpath: (f.language, f.role) for f in discover([root], config).files}
    assert got["services/orders/tests/integration/test_api.py"] == ("python", "suite")
    assert got["services/orders/run_integration_tests.sh"] == ("shell", "runner")
    assert got["tools/integration-runner/integration_mode.py"] == ("python", "helper")
    assert got["tools/integration-runner/run.py"] == ("python", "runner")
    assert got[".github/workflows/ci.yml"] == ("yaml", "ci")
    assert got["charts/orders/values-test.yaml"] == ("yaml", "ci")
    assert got["Tiltfile"] == ("tiltfile", "ci")
    assert got["services/web/__tests__/api.test.ts"] == ("typescript", "suite")
    assert got["sdk/go/client_test.go"] == ("go", "suite")
    assert got["services/orders/app/main.py"] == ("python", "other")
    assert got["scripts/run-e2e"] == ("shell", "other")
    assert "scripts/notes" not in got


def test_roles_are_configurable(write):
    root = write(
        {
            "lint-integration.toml": '[roles]\nextend-suite = ["qa/**"]\n',
            "qa/checks.py": "",
        }
    )
    from lint_integration.config import find_config

    config = load_config(find_config(root))
    assert [(f.relpath, f.role) for f in discover([root], config).files] == [
        ("qa/checks.py", "suite")
    ]


def test_unreadable_directory_is_a_notice_not_a_crash(write, monkeypatch):
    root = write({"ok/test_a.py": "", "locked/test_b.py": ""})
    refuse_listing(monkeypatch, "locked")
    result = discover([root], load_config(None, root))
    assert [f.relpath for f in result.files] == ["ok/test_a.py"]
    assert any("locked: cannot read directory (permission denied)" in n for n in result.notices)


def test_missing_path_is_a_notice(write):
    root = write({"a.py": ""})
    result = discover([root / "nope"], load_config(None, root))
    assert result.files == []
    assert result.notices == [f"{root / 'nope'}: no such file or directory"]


def test_a_path_is_shown_the_same_whichever_way_display_path_takes(tmp_path, monkeypatch):
    from lint_integration.engine import display_path

    monkeypatch.chdir(tmp_path)
    cwd = str(tmp_path)
    for path in [
        "a.py",
        "tests/a.py",
        "tests/a b.py",
        "x/y/z-1.py",
        "./a.py",
        "tests/../a.py",
        "tests//a.py",
        "tests/.hidden/a.py",
        "../up.py",
        "tést.py",
        "a/b..py",
    ]:
        # A ``Path`` always takes the long way (normalize against the working directory).
        assert display_path(path, cwd) == display_path(Path(path), cwd), path


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [".", "py", ".py", "PY", "Tiltfile", "package.json", ".d.ts", "ts", "a", "sh", "star"]
        ),
        min_size=1,
        max_size=5,
    ).map("".join)
)
def test_a_name_tells_the_language_its_path_would(name):
    """The walk's ``name_language`` (with its shortcut for ``.py``) agrees with
    ``language_of``; only a name that needs its shebang says so instead."""
    from lint_integration.classify import NEEDS_HEAD, language_of, name_language, needs_head

    found = name_language(name)
    if needs_head(name):
        assert found is NEEDS_HEAD
    else:
        assert found == language_of(f"some/dir/{name}")
    for named in ("a.py", ".a.py", "..py", ".py", "a.PY", "x.d.ts", "Tiltfile", "run"):
        expected = NEEDS_HEAD if needs_head(named) else language_of(named)
        assert name_language(named) == expected
