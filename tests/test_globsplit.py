"""The walk's split glob matching agrees with pathspec on every path, file or directory."""

from __future__ import annotations

import itertools
import random

import pathspec

from lint_integration.config import (
    DEFAULT_EXCLUDE,
    DEFAULT_ROLES,
    ROLE_ORDER,
    gitignore_spec,
    load_config,
    split_globs,
)
from lint_integration.discovery import discover
from lint_integration.globsplit import SplitRoles

# Globs of every shape the split tells apart: a name at any depth, a directory at any depth,
# anchored paths, ``**`` in the middle and at the end, classes, escapes, literal punctuation.
GLOBS = [
    *DEFAULT_EXCLUDE,
    "*.py",
    "tests/",
    "**/tests/**",
    "/build",
    "docs/_build",
    "a/*",
    "a/**/b",
    "[!a]bc",
    "*",
    "**",
    "*/",
    "**/x/**",
    "x/**/",
    "test_*.py",
    "?.py",
    "x/*.py",
    "*.py[cod]",
    ".github/workflows/*.yml",
    "a/b/",
    "/a/b/",
    "b/**/*.py",
    "\\!x",
    "foo*",
    "d-e",
    "a?b",
    "*.py,cover",
    "*~",
    "bazel-*",
    "*$py.class",
    "share/python-wheels/",
    "[+-0]x",
    "[a-c]d",
]
SEGMENTS = [
    "a",
    "b",
    "x",
    "tests",
    "test",
    "build",
    "docs",
    "_build",
    ".github",
    "workflows",
    "ci.yml",
    "x.py",
    "test_a.py",
    "a.pyc",
    "pkg.egg-info",
    "node_modules",
    "!x",
    "d-e",
    "a b",
    "a.py,cover",
    "x~",
    "bazel-out",
    "a$py.class",
    "share",
    "python-wheels",
    "+x",
    "/x",
    "cd",
    "abc",
    "bbc",
]


def _paths(rng: random.Random, count: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(count):
        parts = [rng.choice(SEGMENTS) for _ in range(rng.randint(0, 4))]
        name = rng.choice(SEGMENTS)
        if "/" in name:
            name = name.strip("/")
        out.append(("".join(p.strip("/") + "/" for p in parts), name))
    return out


def _answer(test, name: str) -> bool:
    return test if isinstance(test, bool) else test(name)


def test_split_globs_agree_with_pathspec_on_files_and_directories():
    rng = random.Random(7)
    compared = 0
    for _ in range(400):
        globs = rng.sample(GLOBS, rng.randint(1, 6))
        spec = gitignore_spec(globs)
        split = split_globs(spec)
        assert split is not None  # positive globs only
        for prefix, name in _paths(rng, 25):
            file_path, dir_path = prefix + name, prefix + name + "/"
            assert _answer(split.in_dir(prefix), name) == spec.match_file(file_path), (
                globs,
                file_path,
            )
            assert _answer(split.dirs_in(prefix), name) == spec.match_file(dir_path), (
                globs,
                dir_path,
            )
            compared += 2
    assert compared == 20_000


def test_a_glob_list_with_a_negation_is_not_split():
    assert split_globs(gitignore_spec(["*.py", "!keep.py"])) is None


def test_split_roles_agree_with_the_first_matching_role():
    rng = random.Random(11)
    specs = {role: gitignore_spec(list(DEFAULT_ROLES[role])) for role in ROLE_ORDER}
    split = SplitRoles([(role, split_globs(specs[role])) for role in ROLE_ORDER], "other")
    segments = [
        *SEGMENTS,
        "tools",
        "integration-runner",
        ".tekton",
        "integrationmode",
        "integration_mode.py",
        "run_x_integration.py",
        "run_integration_tests.sh",
        "__tests__",
        "a.test.ts",
        "values-a.yaml",
        "Tiltfile",
        "conftest.py",
    ]
    roles_seen = set()
    for _ in range(5000):
        parts = [rng.choice(segments).strip("/") for _ in range(rng.randint(0, 4))]
        prefix = "".join(p + "/" for p in parts)
        name = rng.choice(segments).strip("/")
        expected = next(
            (role for role in ROLE_ORDER if specs[role].match_file(prefix + name)), "other"
        )
        assert split.in_dir(prefix)(name) == expected, prefix + name
        roles_seen.add(expected)
    assert roles_seen == {*ROLE_ORDER, "other"}


def test_a_walk_finds_what_pathspec_would_keep_with_the_role_it_would_give(write):
    """The walk asks the split tests; the plain matchers over the same tree must agree."""
    names = ["tests", "build", "docs", "a", "x.py", "test_x.py", "b.py", "keep.py", "run.sh"]
    files: dict[str, str] = {
        ".git/info/exclude": "secret_*.py\n",
        ".gitignore": "docs/_build\n*.py[cod]\n/build\nlogs/\n",
        "services/.gitignore": "tmp_*.py\n!tmp_keep.py\n",
        "lint-integration.toml": 'extend-exclude = ["gen/"]\n[roles]\nextend-suite = ["qa/**"]\n',
    }
    for depth in range(3):
        for combo in itertools.product(["services", "qa", "docs", "gen", "tests"], names[:4]):
            directory = "/".join(combo[: depth + 1])
            for name in ("x.py", "test_x.py", "tmp_a.py", "tmp_keep.py", "y.pyc.py", "run.sh"):
                files[f"{directory}/{name}"] = ""
    files["docs/_build/x.py"] = ""
    files["build/x.py"] = ""
    files["logs/x.py"] = ""
    root = write(files)
    from lint_integration.config import find_config

    config = load_config(find_config(root))
    found = {f.relpath: f.role for f in discover([root], config).files}

    ignore_root = pathspec.GitIgnoreSpec.from_lines(files[".gitignore"].splitlines())
    ignore_services = pathspec.GitIgnoreSpec.from_lines(files["services/.gitignore"].splitlines())
    exclude = config.spec("exclude")
    expected = {}
    for relpath in files:
        if not relpath.endswith((".py", ".sh")):
            continue
        if relpath.startswith(".git/") or relpath.startswith("secret_"):
            continue
        if exclude.match_file(relpath) or ignore_root.match_file(relpath):
            continue
        if relpath.startswith("services/"):
            verdict = ignore_services.check_file(relpath[len("services/") :]).include
            if verdict:
                continue
        expected[relpath] = next(
            (role for role in ROLE_ORDER if config.spec(role).match_file(relpath)), "other"
        )
    assert found == expected
    assert "services/tests/tmp_keep.py" in found and "services/tests/tmp_a.py" not in found


WALK_DIRS = ["tests", "build", "docs", "_build", "a", "b", "x", "qa", "gen", ".github", "workflows"]
WALK_DIRS += ["tools", "integration-runner", "d-e", "a b", "pkg.egg-info", "__tests__", "test"]
WALK_FILES = ["x.py", "test_a.py", "conftest.py", "keep.py", "a.pyc.py", "run_integration_tests.sh"]
WALK_FILES += ["ci.yml", "values-a.yaml", "Tiltfile", "b.test.ts", "main_test.go"]
ROLE_GLOBS = ["qa/**", "**/x/**", "a/*", "docs/_build", "x/*.py", "*.py", "b/**/*.py", "gen/"]


def _random_tree(rng: random.Random, root) -> list[str]:
    dirs = [""]
    for _ in range(rng.randint(4, 14)):
        parent = rng.choice(dirs)
        if parent.count("/") < 4:
            dirs.append(f"{parent}{rng.choice(WALK_DIRS)}/")
    (root / ".git" / "info").mkdir(parents=True)
    if rng.random() < 0.3:
        (root / ".git" / "info" / "exclude").write_text(rng.choice(GLOBS) + "\n")
    for directory in set(dirs):
        (root / directory).mkdir(parents=True, exist_ok=True)
        for name in rng.sample(WALK_FILES, rng.randint(1, 4)):
            (root / directory / name).write_text("")
        if rng.random() < 0.35:
            lines = rng.sample(GLOBS, rng.randint(1, 3))
            if rng.random() < 0.2:
                lines.append("!keep.py")  # negations: asked the whole way
            (root / directory / ".gitignore").write_text("\n".join(lines) + "\n")
    config = []
    if rng.random() < 0.6:
        config.append(f"extend-exclude = {rng.sample(GLOBS, rng.randint(1, 2))!r}")
    roles = [
        f"extend-{role} = {rng.sample(ROLE_GLOBS, rng.randint(1, 2))!r}"
        for role in ROLE_ORDER
        if rng.random() < 0.4
    ]
    if roles:
        config += ["[roles]", *roles]
    (root / "lint-integration.toml").write_text("\n".join(config) + "\n")
    return sorted(set(dirs))


def test_a_walk_handing_answers_down_the_tree_agrees_with_asking_every_path_whole(
    tmp_path, monkeypatch
):
    """A directory's exclude, ignore-file and role answers come from its parent's (and are
    shared by directories in the same state); the walk asking each path whole, with nothing
    split, must find the same files with the same roles and consult the same ignore files."""
    import lint_integration.discovery as discovery_module
    from lint_integration.config import Config, find_config

    rng = random.Random(23)
    compared = 0
    for case in range(60):
        root = tmp_path / f"case{case}"
        root.mkdir()
        dirs = _random_tree(rng, root)
        # The whole tree, and a directory named on its own (maybe one an ignore file covers).
        for named in (root, root / rng.choice(dirs)):
            handed = discover([named], load_config(find_config(root)))
            with monkeypatch.context() as whole:
                whole.setattr(Config, "split", lambda self, key: None)
                whole.setattr(discovery_module, "split_role_matcher", lambda config: None)
                whole.setattr(discovery_module._IgnoreStack, "_split", lambda self, spec: None)
                asked = discover([named], load_config(find_config(root)))
            found = [(f.relpath, f.role) for f in handed.files]
            assert found == [(f.relpath, f.role) for f in asked.files], (case, named)
            assert handed.ignore_files == asked.ignore_files, (case, named)
            assert handed.notices == asked.notices, (case, named)
            compared += len(found)
    assert compared > 300


def test_a_directory_with_its_own_ignore_file_is_not_taken_for_one_of_the_same_name(write):
    """Directories in the same state share what their subdirectories' names decide, but
    never across an ignore file of the subdirectory's own."""
    root = write(
        {
            ".git/HEAD": "",
            "a/x/keep.py": "",
            "b/x/keep.py": "",
            "b/x/.gitignore": "keep.py\n",
            "c/tests/x/.gitignore": "keep.py\n",
            "c/tests/x/keep.py": "",
            "d/tests/x/keep.py": "",
        }
    )
    found = [f.relpath for f in discover([root], load_config(None, root)).files]
    assert found == ["a/x/keep.py", "d/tests/x/keep.py"]


def test_a_named_directory_an_ignore_file_covers_has_every_file_ignored(write):
    root = write({".git/HEAD": "", ".gitignore": "build/\n", "build/x.py": "", "y.py": ""})
    config = load_config(None, root)
    assert [f.relpath for f in discover([root], config).files] == ["y.py"]
    assert discover([root / "build"], config).files == []
