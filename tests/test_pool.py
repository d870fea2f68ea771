"""The process pool: used only for enough work, and invisible in the results."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from lint_integration import engine, parallel
from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RunOptions
from tests import fake_frontend as fake
from tests.conftest import refuse_listing


def test_pool_size_needs_enough_files_and_more_than_one_job():
    assert parallel.pool_size(3, jobs=8) == 0  # a pre-commit sized batch stays in-process
    assert parallel.pool_size(parallel.POOL_MIN_FILES - 1, jobs=8) == 0
    assert parallel.pool_size(parallel.POOL_MIN_FILES, jobs=1) == 0
    assert parallel.pool_size(parallel.POOL_MIN_FILES, jobs=8) >= 2
    assert parallel.pool_size(10_000, jobs=3) == 3


@pytest.fixture
def big_tree(write, monkeypatch, tmp_path_factory):
    """Forty fake modules that read the environment, use each other, crash or fail to parse."""
    fake.install(monkeypatch)
    files: dict[str, str] = {}
    for i in range(40):
        lines = [f"ENV VAR_{i}"] if i % 3 == 0 else ["plain"]
        if i % 4 == 1:
            lines.append(f"use m{(i * 7) % 40:02d}")
        if i % 5 == 2:
            lines.append(f"use m{(i + 1) % 40:02d}")  # some of these close import cycles
        if i == 17:
            lines.append("broken")
        files[f"pkg/m{i:02d}.fake"] = "\n".join(lines) + "\n"
    files["pkg/untouched.fake"] = "nothing\n"
    root = write(files)
    log = tmp_path_factory.mktemp("log") / "pids"
    monkeypatch.setattr(fake, "PID_LOG", log)
    return root


def run(root: Path, **options):
    config = load_config(None, root)
    files = discover([root], config).files
    return engine.run(files, config, fake.selection(config), [], RunOptions(**options))


def outcome(result):
    return (
        [r.path for r in result.files],
        [r.findings for r in result.files],
        [r.suppressed for r in result.files],
        result.notices,
        result.findings,
    )


def workers_seen(log: Path) -> set[int]:
    return {int(line.split()[1]) for line in log.read_text().splitlines()} - {os.getpid()}


def test_results_are_identical_and_in_order_with_and_without_the_pool(big_tree):
    serial = run(big_tree, cache=False, jobs=1)
    assert workers_seen(fake.PID_LOG) == set()
    fake.PID_LOG.unlink()
    pooled = run(big_tree, cache=False, jobs=2)
    pids = workers_seen(fake.PID_LOG)
    assert 1 <= len(pids) <= 2  # the work really went to worker processes
    assert outcome(pooled) == outcome(serial)
    assert len(serial.findings) >= 20
    assert any("is env-derived" in f.message for f in serial.findings)
    assert any(f.rule == "parse-error" for f in serial.findings)


def test_workers_live_for_many_files(big_tree):
    run(big_tree, cache=False, jobs=2)
    lines = fake.PID_LOG.read_text().splitlines()
    per_pid: dict[str, int] = {}
    for line in lines:
        if line.startswith("analyze"):
            pid = line.split()[1]
            per_pid[pid] = per_pid.get(pid, 0) + 1
    workers = {pid: n for pid, n in per_pid.items() if int(pid) != os.getpid()}
    assert workers and max(workers.values()) > 5


def test_pooled_results_are_cached(big_tree):
    first = run(big_tree, jobs=2)
    fake.ANALYZED.clear()
    second = run(big_tree, jobs=2)
    assert fake.ANALYZED == []
    assert outcome(second) == outcome(first)


def test_a_dying_worker_does_not_lose_results(big_tree, monkeypatch):
    (big_tree / "pkg" / "m30.fake").write_text("ENV VAR_30\ncrash\n")
    monkeypatch.setattr(fake, "SURVIVOR_PID", os.getpid())
    serial = run(big_tree, cache=False, jobs=1)
    pooled = run(big_tree, cache=False, jobs=2)
    assert outcome(pooled) == outcome(serial)


def test_one_job_never_starts_a_process(big_tree):
    run(big_tree, cache=False, jobs=1)
    assert workers_seen(fake.PID_LOG) == set()


@pytest.fixture
def spread(monkeypatch, tmp_path_factory):
    """Spread whole runs (reading and prefiltering too) even for these small trees.

    Units are shared out as processes ask for them, and this process could take them all
    before a worker has started: here it takes none until each worker has taken one (however
    busy the machine), so the tests see work done in other processes.
    """
    monkeypatch.setattr(parallel, "POOL_MIN_DISCOVERED", 10)
    monkeypatch.setattr(parallel, "BLOCK", 4)
    here = os.getpid()
    claimed = parallel._claimed
    marks = tmp_path_factory.mktemp("claims")
    fork = parallel._fork_worker
    forked: list = []

    def counted(shared):
        child = fork(shared)  # the worker never returns here
        if child is not None:
            forked.append(child)
        return child

    def after_the_workers(shared):
        taken = claimed(shared)
        if os.getpid() != here:  # a worker: say so once it has a unit
            for index in taken:
                (marks / str(os.getpid())).touch()
                yield index
            return
        workers = len(forked)
        forked.clear()
        deadline = time.monotonic() + 30
        while len(list(marks.iterdir())) < workers and time.monotonic() < deadline:
            time.sleep(0.002)
        for mark in marks.iterdir():
            mark.unlink()
        yield from taken

    monkeypatch.setattr(parallel, "_claimed", after_the_workers)
    monkeypatch.setattr(parallel, "_fork_worker", counted)


def test_spreading_the_whole_run_gives_identical_results(big_tree, spread):
    serial = run(big_tree, cache=False, jobs=1)
    assert workers_seen(fake.PID_LOG) == set()
    spread_run = run(big_tree, cache=False, jobs=2)
    assert len(workers_seen(fake.PID_LOG)) >= 1
    assert outcome(spread_run) == outcome(serial)


def test_spread_runs_fill_and_use_the_cache(big_tree, spread):
    first = run(big_tree, jobs=2)
    fake.PID_LOG.unlink()
    second = run(big_tree, jobs=2)
    log = fake.PID_LOG.read_text() if fake.PID_LOG.exists() else ""
    assert "analyze" not in log
    assert outcome(second) == outcome(first)


def test_a_dying_worker_in_a_spread_run_does_not_lose_results(big_tree, spread, monkeypatch):
    (big_tree / "pkg" / "m30.fake").write_text("ENV VAR_30\ncrash\n")
    monkeypatch.setattr(fake, "SURVIVOR_PID", os.getpid())
    serial = run(big_tree, cache=False, jobs=1)
    spread_run = run(big_tree, cache=False, jobs=2)
    assert outcome(spread_run) == outcome(serial)


def test_workers_done_are_not_waited_for_while_they_exit_but_are_reaped(big_tree, spread):
    parallel.reap()
    spread_run = run(big_tree, cache=False, jobs=2)
    assert outcome(spread_run) == outcome(run(big_tree, cache=False, jobs=1))
    exiting = list(parallel._EXITING)
    assert len(exiting) == 1  # its last frame came: the run did not wait for it to exit
    run(big_tree, cache=False, jobs=2)  # the next spread run reaps it first
    for pid in exiting:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    parallel.reap()
    assert parallel._EXITING == []


def test_default_jobs_leave_out_the_cores_other_processes_are_using(monkeypatch):
    import io

    monkeypatch.setattr(parallel, "cpu_count", lambda: 4)
    for reading, jobs in (("0.90 0.52 0.58 1/83 30437\n", 4), ("2.10 1.0 0.5 3/90 1\n", 2)):
        monkeypatch.setattr(
            parallel, "open", lambda *a, r=reading, **k: io.StringIO(r), raising=False
        )
        assert parallel._jobs(None) == jobs  # the reading counts this process itself
    monkeypatch.setattr(
        parallel, "open", lambda *a, **k: io.StringIO("9 9 9 12/90 1\n"), raising=False
    )
    assert parallel._jobs(None) == 1  # never fewer than one
    assert parallel._jobs(3) == 3  # --jobs decides alone


@pytest.fixture
def deep_tree(write, monkeypatch, tmp_path_factory):
    """Fake modules in a repository of many directories, some deeper than a spread walk lists
    before it forks: ignore files (one with a bad pattern), a link met last but sorted first,
    and a directory that cannot be listed."""
    fake.install(monkeypatch)
    files: dict[str, str] = {
        ".gitignore": "ignored/\n",
        "t1/s2/.gitignore": "*.skip.fake\n[z-a]\n",
        # Bad patterns met deep in one tree, then high in a later one (listed before the fork).
        "t0/s3/u1/.gitignore": "[y-b]\n",
        "t2/.gitignore": "[x-c]\n",
    }
    for a in range(4):
        for b in range(4):
            for c in range(3):
                here = f"t{a}/s{b}/u{c}"
                for i in range(3):
                    body = [f"ENV VAR_{a}{b}{c}{i}"] if (a + b + c + i) % 4 == 0 else ["plain"]
                    if i == 1:
                        body.append("use m0")
                    if (a, b, c, i) == (2, 1, 0, 2):
                        body.append("broken")
                    files[f"{here}/m{i}.fake"] = "\n".join(body) + "\n"
                files[f"{here}/x.skip.fake"] = "ENV SKIPPED\n"
                files[f"{here}/ignored/m.fake"] = "ENV IGNORED\n"
        files[f"t{a}/top.fake"] = f"ENV TOP_{a}\n"
    files["locked/m.fake"] = "ENV LOCKED\n"
    root = write(files)
    (root / ".git").mkdir()
    (root / "0link.fake").symlink_to(root / "t0" / "s0" / "u0" / "ignored" / "m.fake")
    for a in range(4):  # links to files found by other processes (one at least)
        for b in range(4):
            (root / f"1dup{a}{b}.fake").symlink_to(root / f"t{a}" / f"s{b}" / "u2" / "m0.fake")
    refuse_listing(monkeypatch, "locked")
    log = tmp_path_factory.mktemp("log") / "pids"
    monkeypatch.setattr(fake, "PID_LOG", log)
    return root


def walked(root: Path, paths=None, **options):
    """A run whose walk may be handed over to several processes (as ``check`` does): its
    discovery, its results, and whether the walk was handed over."""
    config = load_config(None, root)
    selection = fake.selection(config)
    run_options = RunOptions(**options)
    spread = parallel.Spread(config, selection, run_options, os.getcwd())
    handed = []
    take_over = spread.take_over
    spread.take_over = lambda *a: handed.append(1) or take_over(*a)
    found = discover(paths or [root], config, spread=spread)
    run_options.spread = spread
    result = engine.run(found.files, config, selection, found.notices, run_options)
    return found, result, bool(handed)


def discovered(found):
    return (
        [(f.location, f.relpath, f.language, f.role, f.explicit) for f in found.files],
        found.notices,
        sorted(found.dirs),
        found.ignore_files,
    )


def handed_over_alike(root: Path, paths=None) -> bool:
    """Whether a run on two processes handed its walk over; what it found and reported must
    be what a one-process run finds and reports."""
    found, serial, _ = walked(root, paths, cache=False, jobs=1)
    spread_found, spread_run, handed = walked(root, paths, cache=False, jobs=2)
    assert discovered(spread_found) == discovered(found)
    assert outcome(spread_run) == outcome(serial)
    return handed


def test_a_walk_handed_over_finds_and_reports_the_same(deep_tree, spread):
    found, serial, handed = walked(deep_tree, cache=False, jobs=1)
    assert not handed
    assert workers_seen(fake.PID_LOG) == set()
    spread_found, spread_run, handed = walked(deep_tree, cache=False, jobs=2)
    assert handed
    assert len(workers_seen(fake.PID_LOG)) == 1  # one worker beside this process
    assert discovered(spread_found) == discovered(found)
    assert outcome(spread_run) == outcome(serial)
    # What the tree holds, so the comparison above is about something.
    relpaths = [f.relpath for f in found.files]
    assert relpaths[0] == "0link.fake"  # a link to an ignored file, met last, sorted first
    assert not any(p.startswith("1dup") for p in relpaths)  # links to files found directly
    assert not any("ignored/" in p or "locked" in p or p.startswith("t1/s2/x") for p in relpaths)
    assert len(relpaths) == 4 * 4 * 3 * 4 - 3 + 4 + 1
    assert any("IGNORED" in f.message for f in serial.findings)
    assert [n[n.index("[") : n.index("]") + 1] for n in found.notices if "bad pattern" in n] == [
        "[y-b]",
        "[z-a]",
        "[x-c]",
    ]
    assert any("locked: cannot read directory" in n for n in found.notices)
    assert any(f.rule == "parse-error" for f in serial.findings)
    assert sum("is env-derived" in f.message for f in serial.findings) >= 10


def test_a_walk_is_handed_over_in_units_of_its_order(deep_tree, spread, monkeypatch):
    # Listing before the fork goes down to the named directory's grandchildren here.
    monkeypatch.setattr(parallel, "SHALLOW", 3)
    monkeypatch.setattr(parallel, "UNITS_PER_PROCESS", 1000)
    found, _serial, _ = walked(deep_tree, cache=False, jobs=1)
    spread_found, _spread, handed = walked(deep_tree, cache=False, jobs=3)
    assert handed
    assert len(workers_seen(fake.PID_LOG)) == 2
    assert discovered(spread_found) == discovered(found)
    # The same walk in the same order, without a sort: the notices keep the walk's order.
    assert spread_found.dirs == found.dirs


def test_units_past_the_claims_a_pipe_holds_are_taken_in_runs(deep_tree, spread, monkeypatch):
    monkeypatch.setattr(parallel, "MAX_CLAIMS", 3)  # each number stands for a run of units
    assert handed_over_alike(deep_tree)


def test_named_directories_walked_in_turn_are_handed_over(deep_tree, spread):
    assert handed_over_alike(deep_tree, [deep_tree / f"t{a}" for a in range(4)])


def test_overlapping_directories_are_walked_here(deep_tree, spread):
    assert not handed_over_alike(deep_tree, [deep_tree, deep_tree / "t1"])  # t1's twice


def test_a_dying_worker_in_a_handed_over_walk_does_not_lose_results(deep_tree, spread, monkeypatch):
    for a in range(4):
        (deep_tree / f"t{a}" / "s3" / "u2" / "m2.fake").write_text("ENV VAR_DIE\ncrash\n")
    monkeypatch.setattr(fake, "SURVIVOR_PID", os.getpid())
    assert handed_over_alike(deep_tree)


def test_a_handed_over_walk_fills_and_uses_the_cache(deep_tree, spread):
    _found, first, handed = walked(deep_tree, jobs=2)
    assert handed
    fake.PID_LOG.unlink()
    _found, second, _ = walked(deep_tree, jobs=2)
    log = fake.PID_LOG.read_text() if fake.PID_LOG.exists() else ""
    assert "analyze" not in log
    assert outcome(second) == outcome(first)


@pytest.mark.parametrize(
    ("busy", "handed_over"),
    [
        ((1, 0), True),  # busy at the start only: a passing process
        ((0, 1), True),  # busy when the work is there only
        ((1, 1), False),  # busy in both readings: the whole run stays here
    ],
)
def test_default_jobs_read_how_busy_the_cores_are_twice(
    deep_tree, spread, monkeypatch, busy, handed_over
):
    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)
    found, serial, _ = walked(deep_tree, cache=False, jobs=1)
    taken: list[int] = []

    def reading() -> int:  # the first readings as given, then the last one again
        taken.append(busy[min(len(taken), len(busy) - 1)])
        return taken[-1]

    monkeypatch.setattr(parallel, "_busy_cpus", reading)
    spread_found, result, handed = walked(deep_tree, cache=False)
    assert handed is handed_over
    assert bool(workers_seen(fake.PID_LOG)) is handed_over
    assert taken[:2] == list(busy)  # read at the start, and again when the work was there
    assert discovered(spread_found) == discovered(found)
    assert outcome(result) == outcome(serial)


def test_a_small_tree_is_never_handed_over(deep_tree):
    _found, result, handed = walked(deep_tree, cache=False, jobs=2)
    assert not handed
    assert outcome(result) == outcome(walked(deep_tree, cache=False, jobs=1)[1])


def test_check_hands_a_big_walk_over_with_the_same_report(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from lint_integration.cli import main

    for i in range(30):
        body = (
            f"import os\n\nURL = os.environ['SVC_{i}_DATABASE_URL']\n" if i % 7 == 0 else "X = 1\n"
        )
        (tmp_path / "tests" / f"d{i % 4}").mkdir(parents=True, exist_ok=True)
        (tmp_path / "tests" / f"d{i % 4}" / f"test_{i:02d}.py").write_text(body)
    monkeypatch.chdir(tmp_path)
    args = ["check", "tests", "--no-cache", "--output-format", "concise"]
    serial = CliRunner().invoke(main, [*args, "--jobs", "1"])
    monkeypatch.setattr(parallel, "POOL_MIN_DISCOVERED", 5)
    handed = []
    original = parallel.Spread.take_over
    monkeypatch.setattr(
        parallel.Spread, "take_over", lambda self, *a: handed.append(1) or original(self, *a)
    )
    spread = CliRunner().invoke(main, [*args, "--jobs", "2"])
    assert handed  # the check really handed its walk over
    assert spread.exit_code == serial.exit_code == 1
    assert spread.output == serial.output
    assert serial.output.count("LI002") == 5
