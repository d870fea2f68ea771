"""The result cache: hits, and every kind of invalidation (content, config, rules, dependencies)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from lint_integration import engine
from lint_integration.cache import CACHE_DIR_NAME, Cache
from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import ProjectIndex, RunOptions
from tests import fake_frontend as fake


@pytest.fixture
def tree(write, monkeypatch):
    fake.install(monkeypatch)
    return write(
        {
            "a.fake": "use b\n",
            "b.fake": "use c\n",
            "c.fake": "ENV ORDERS_DB\n",
            "d.fake": "ENV PAYMENTS_KEY\n",
            "quiet.fake": "nothing to see\n",
            "bad.fake": "broken\n",
        }
    )


def check(root: Path, config=None, **options):
    config = config or load_config(None, root)
    files = discover([root], config).files
    fake.ANALYZED.clear()
    fake.SUMMARIZED.clear()
    return engine.run(files, config, fake.selection(config), [], RunOptions(**options))


def messages(result) -> list[tuple[str, int, str]]:
    return [(os.path.basename(f.path), f.line, f.message) for f in result.findings]


def entries(root: Path) -> list[Path]:
    return [p for p in (root / CACHE_DIR_NAME).rglob("*") if p.is_file() and p.parent.parent.name]


def test_second_run_parses_nothing_and_gives_the_same_findings(tree):
    first = check(tree)
    assert sorted(fake.ANALYZED) == ["a.fake", "b.fake", "bad.fake", "c.fake", "d.fake"]
    assert messages(first) == [
        ("a.fake", 1, "b is env-derived: c(ORDERS_DB)"),
        ("b.fake", 1, "c is env-derived: ORDERS_DB"),
        ("bad.fake", 1, "broken line"),
        ("c.fake", 1, "reads ORDERS_DB"),
        ("d.fake", 1, "reads PAYMENTS_KEY"),
    ]
    second = check(tree)
    assert fake.ANALYZED == []
    assert fake.SUMMARIZED == []
    assert second.findings == first.findings
    assert [r.path for r in second.files] == [r.path for r in first.files]


def test_cache_dir_is_self_ignoring_and_tagged(tree):
    check(tree)
    cache = tree / CACHE_DIR_NAME
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")


def test_changed_content_reparses_only_that_file(tree):
    check(tree)
    (tree / "d.fake").write_text("ENV PAYMENTS_KEY\nENV PAYMENTS_SECRET\n")
    result = check(tree)
    assert fake.ANALYZED == ["d.fake"]
    assert ("d.fake", 2, "reads PAYMENTS_SECRET") in messages(result)


def test_changed_dependency_invalidates_importers_transitively(tree):
    check(tree)
    (tree / "c.fake").write_text("nothing here any more\n")
    result = check(tree)
    # a uses b uses c: both depend on c's content, d and bad do not.
    assert sorted(fake.ANALYZED) == ["a.fake", "b.fake"]
    assert [m for m in messages(result) if m[0] in ("a.fake", "b.fake", "c.fake")] == []


def test_a_dependency_that_appears_invalidates(tree):
    (tree / "c.fake").unlink()
    first = check(tree)
    assert [m for m in messages(first) if m[0] == "b.fake"] == []
    (tree / "c.fake").write_text("ENV LATE\n")
    result = check(tree)
    assert sorted(fake.ANALYZED) == ["a.fake", "b.fake", "c.fake"]
    assert ("b.fake", 1, "c is env-derived: LATE") in messages(result)


def test_config_change_invalidates_everything(tree):
    check(tree)
    config = load_config(None, tree)
    config.allowed_env = (*config.allowed_env, "ORDERS_DB")
    check(tree, config)
    assert len(fake.ANALYZED) == 5


def test_rule_selection_is_part_of_the_key(tree):
    check(tree)
    config = load_config(None, tree)
    files = discover([tree], config).files
    sel = fake.selection(config)
    del sel.rules["parse-error"]
    fake.ANALYZED.clear()
    result = engine.run(files, config, sel, [], RunOptions())
    assert len(fake.ANALYZED) == 5
    assert any("bad.fake:1:1: broken line" in n for n in result.notices)


def test_summaries_are_cached_across_runs(tree):
    config = load_config(None, tree)
    cache = Cache.for_run(config, fake.selection(config), None)
    first = ProjectIndex(config, cache)
    assert first.summary("fake", tree / "a.fake") == "b(c(ORDERS_DB))"
    assert sorted(fake.SUMMARIZED) == ["a.fake", "b.fake", "c.fake"]
    fake.SUMMARIZED.clear()
    again = ProjectIndex(config, Cache.for_run(config, fake.selection(config), None))
    with again.recording() as deps:
        assert again.summary("fake", tree / "a.fake") == "b(c(ORDERS_DB))"
    assert fake.SUMMARIZED == []
    assert {os.path.basename(p) for p in deps} == {"a.fake", "b.fake", "c.fake"}
    (tree / "c.fake").write_text("ENV OTHER\n")
    third = ProjectIndex(config, Cache.for_run(config, fake.selection(config), None))
    assert third.summary("fake", tree / "a.fake") == "b(c(OTHER))"
    assert sorted(fake.SUMMARIZED) == ["a.fake", "b.fake", "c.fake"]


def test_no_cache_neither_reads_nor_writes(tree):
    check(tree)
    result = check(tree, cache=False)
    assert len(fake.ANALYZED) == 5
    assert len(result.findings) == 5
    other = tree / "fresh"
    other.mkdir()
    (other / "e.fake").write_text("ENV X\n")
    check(other, load_config(None, other), cache=False)
    assert not (other / CACHE_DIR_NAME).exists()


def test_custom_cache_dir(tree, tmp_path_factory):
    where = tmp_path_factory.mktemp("elsewhere") / "cache"
    check(tree, cache_dir=where)
    assert not (tree / CACHE_DIR_NAME).exists()
    assert (where / ".gitignore").is_file()
    check(tree, cache_dir=where)
    assert fake.ANALYZED == []


def test_corrupt_entries_are_ignored_and_rebuilt(tree):
    first = check(tree)
    stored = entries(tree)
    assert stored
    for i, path in enumerate(stored):
        path.write_bytes([b"", b"\x80\x05garbage", b"not a pickle at all"][i % 3])
    second = check(tree)
    assert second.findings == first.findings
    assert len(fake.ANALYZED) == 5
    check(tree)
    assert fake.ANALYZED == []


class Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


def test_a_planted_entry_cannot_run_code(tree):
    first = check(tree)
    payload = pickle.dumps(Boom())
    for path in entries(tree):
        path.write_bytes(payload)
    second = check(tree)
    assert not (tree / "pwned.txt").exists()
    assert not (Path.cwd() / "pwned.txt").exists()
    assert second.findings == first.findings


def test_an_unwritable_cache_location_is_not_an_error(tree):
    blocker = tree / "blocker"
    blocker.write_text("a file where the cache directory should go")
    result = check(tree, cache_dir=blocker / "cache")
    assert len(result.findings) == 5


def test_results_follow_the_current_directory(tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    first = check(tree)
    assert {f.path for f in first.findings} >= {os.path.join(tree.name, "a.fake")}
    monkeypatch.chdir(tree)
    second = check(tree)
    assert {f.path for f in second.findings} >= {"a.fake", "d.fake"}


def test_import_cycles_give_the_same_summary_whoever_asks_first(write, monkeypatch):
    fake.install(monkeypatch)
    root = write({"x.fake": "use y\nENV X\n", "y.fake": "use x\nENV Y\n"})
    config = load_config(None, root)
    forward = ProjectIndex(config)
    xs = (forward.summary("fake", root / "x.fake"), forward.summary("fake", root / "y.fake"))
    backward = ProjectIndex(config)
    ys = backward.summary("fake", root / "y.fake")
    assert (backward.summary("fake", root / "x.fake"), ys) == xs
    assert xs == ("y(Y),X", "x(X),Y")


# -- the warm run's manifest -----------------------------------------------------------------


def age(root: Path, seconds: int = 60) -> None:
    """Make every file and directory under ``root`` look ``seconds`` old (not racy)."""
    import time

    past = time.time() - seconds
    for directory, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(directory, name), (past, past))
        os.utime(directory, (past, past))


@pytest.fixture
def cli_tree(tree, monkeypatch):
    import lint_integration.rules

    monkeypatch.setattr(lint_integration.rules, "RULES", (*lint_integration.rules.RULES, fake.RULE))
    monkeypatch.chdir(tree)
    (tree / CACHE_DIR_NAME).mkdir()
    age(tree)
    return tree


def cli_check(cli, *args: str):
    fake.ANALYZED.clear()
    return cli(["check", "--output-format", "concise", *args])


def walks(monkeypatch) -> list[int]:
    """Count discovery walks from now on."""
    import lint_integration.discovery as discovery

    calls: list[int] = []
    real = discovery.discover

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(discovery, "discover", counting)
    return calls


def test_a_warm_check_neither_walks_nor_reads(cli, cli_tree, monkeypatch):
    first = cli_check(cli)
    assert first.exit_code == 1 and len(fake.ANALYZED) == 5
    assert list((cli_tree / CACHE_DIR_NAME / "manifests").iterdir())
    calls = walks(monkeypatch)
    monkeypatch.setattr(engine, "stage_file", None)  # reading a file would now fail loudly
    second = cli_check(cli)
    assert calls == [] and fake.ANALYZED == []
    assert second.output == first.output and second.exit_code == 1


def test_an_edit_a_new_file_or_a_dependency_change_ends_the_shortcut(cli, cli_tree, monkeypatch):
    cli_check(cli)
    calls = walks(monkeypatch)
    (cli_tree / "d.fake").write_text("ENV PAYMENTS_KEY\nENV MORE\n")
    assert "reads MORE" in cli_check(cli).output and calls == [1]
    age(cli_tree)
    cli_check(cli)  # remembered again
    (cli_tree / "sub").mkdir()
    (cli_tree / "sub" / "e.fake").write_text("ENV NEW\n")
    assert "reads NEW" in cli_check(cli).output and len(calls) == 3


def test_a_module_read_only_through_summaries_ends_the_shortcut(cli, cli_tree, monkeypatch):
    cli_check(cli, "a.fake")
    calls = walks(monkeypatch)
    assert (
        cli_check(cli, "a.fake").output
        == "a.fake:1:1: LI990 [fake-env] b is env-derived: c(ORDERS_DB)\n"
    )
    assert calls == []
    (cli_tree / "c.fake").write_text("ENV CHANGED\n")  # not linted, but a's summary of b reads it
    assert "b is env-derived: c(CHANGED)" in cli_check(cli, "a.fake").output
    assert calls == [1]


def test_no_manifest_for_files_changed_a_moment_ago(cli, cli_tree, monkeypatch):
    (cli_tree / "d.fake").write_text("ENV FRESH\n")
    cli_check(cli)
    assert not (cli_tree / CACHE_DIR_NAME / "manifests").exists()


def test_no_manifest_without_the_cache(cli, cli_tree):
    cli_check(cli, "--no-cache")
    assert not (cli_tree / CACHE_DIR_NAME / "manifests").exists()


def test_clean_removes_the_cache(cli, cli_tree):
    cli_check(cli)
    result = cli(["clean"])
    assert result.exit_code == 0 and result.output.startswith("Removed ")
    assert not (cli_tree / CACHE_DIR_NAME).exists()
    assert cli(["clean"]).output.startswith("No cache at")


def test_clean_refuses_a_directory_that_is_not_a_cache(cli, cli_tree):
    (cli_tree / "precious").mkdir()
    result = cli(["clean", "--cache-dir", "precious"])
    assert result.exit_code == 2
    assert (cli_tree / "precious").is_dir()


# -- dependencies read outside summaries -----------------------------------------------------


def test_derived_reads_and_listings_are_dependencies(write, monkeypatch):
    fake.install(monkeypatch)
    root = write({"a.fake": "ENV COUNTED\n", "data/one.txt": "1\n"})
    config = load_config(None, root)

    def counted(project):
        directory = root / "data"
        names = sorted(os.listdir(directory))
        project.note_listing(directory, names)
        for name in names:
            project.note_read(directory / name, (directory / name).read_bytes())
        return len(names), sum(len((directory / n).read_bytes()) for n in names)

    def analyze(ctx):
        fake.ANALYZED.append(ctx.relpath)
        found = ctx.project.derive(("count",), lambda: counted(ctx.project))
        return [(1, 6, f"{found[0]} files, {found[1]} bytes")]

    monkeypatch.setattr(fake, "analyze", analyze)
    assert messages(check(root, config)) == [("a.fake", 1, "1 files, 2 bytes")]
    assert messages(check(root, config)) == [("a.fake", 1, "1 files, 2 bytes")]
    assert fake.ANALYZED == []
    (root / "data" / "one.txt").write_text("11\n")
    assert messages(check(root, config)) == [("a.fake", 1, "1 files, 3 bytes")]
    (root / "data" / "two.txt").write_text("2\n")
    assert messages(check(root, config)) == [("a.fake", 1, "2 files, 5 bytes")]


# -- the entry point's shortcut --------------------------------------------------------------

ENTRY = """
import atexit, sys
marker = sys.argv.pop(1)
atexit.register(lambda: open(marker, "w").write(str("click" in sys.modules)))
from lint_integration.fast import main
main()
"""


def entry_point(root: Path, *args: str):
    import subprocess
    import sys

    marker = root.parent / f"{root.name}-marker"
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, str(marker), *args],
        cwd=root,
        capture_output=True,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr, marker.read_text() == "True"


def _tool_mtime() -> int:
    from lint_integration.cache import tool_files

    return max(os.stat(p).st_mtime_ns for p in tool_files())


def test_an_unchanged_check_is_replayed_without_loading_the_tool(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "tests/test_orders.py": "import os\n\nURL = os.environ['ORDERS_DATABASE_URL']\n",
            "tests/test_plain.py": "def test_total():\n    assert 1 + 1 == 2\n",
        }
    )
    args = ("check", "tests", "--output-format", "concise")
    for _attempt in range(3):  # the tool's own files may be edited meanwhile (a new tool)
        before = _tool_mtime()
        age(root)
        first = entry_point(root, *args)
        assert first[0] == 1 and b"test_orders.py" in first[1] and first[3]  # a full run
        age(root)
        second = entry_point(root, *args)  # remembers its output
        third = entry_point(root, *args)
        if _tool_mtime() == before:
            break
    assert second[:3] == first[:3] and second[3]
    assert third[:3] == first[:3]
    assert third[3] is False  # replayed: the command line was never even imported
    (root / "tests" / "test_plain.py").write_text("import os\nX = os.getenv('PAYMENTS_KEY')\n")
    fourth = entry_point(root, *args)
    assert fourth[3] and b"PAYMENTS_KEY" in fourth[1]


def test_a_replay_notices_an_ignore_file_that_appears(write):
    """Files recorded as absent are not stat'ed again while their directory is unchanged, so a
    new one must show through its directory."""
    root = write(
        {
            ".git/info/exclude": "",  # a repository: .gitignore files count
            "pyproject.toml": "[tool.lint-integration]\n",
            "tests/test_orders.py": "import os\n\nURL = os.environ['ORDERS_DATABASE_URL']\n",
        }
    )
    args = ("check", "tests", "--output-format", "concise")
    replayed = None
    for _attempt in range(3):
        before = _tool_mtime()
        age(root)
        entry_point(root, *args)
        age(root)
        entry_point(root, *args)
        replayed = entry_point(root, *args)
        if _tool_mtime() == before:
            break
    assert replayed is not None and replayed[3] is False and b"test_orders.py" in replayed[1]
    (root / "tests" / ".gitignore").write_text("test_orders.py\n")
    after = entry_point(root, *args)
    assert after[3] and after[0] == 0 and b"test_orders.py" not in after[1]


def test_commands_that_write_or_read_more_are_never_replayed():
    from lint_integration.fast import _key

    assert _key(["check", "tests", "--output-format", "json", "-q"]) is not None
    for extra in ("--no-cache", "--since=main", "--output-file=x", "--baseline=b", "--config=c"):
        assert _key(["check", "tests", extra]) is None
    assert _key(["fix", "tests"]) is None
    assert _key([]) is None
