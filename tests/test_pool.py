"""The process pool: used only for enough work, and invisible in the results."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lint_integration import engine, parallel
from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RunOptions
from tests import fake_frontend as fake


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
def spread(monkeypatch):
    """Spread whole runs (reading and prefiltering too) even for this small tree."""
    monkeypatch.setattr(parallel, "POOL_MIN_DISCOVERED", 10)
    monkeypatch.setattr(parallel, "BLOCK", 4)


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


def test_spread_size():
    assert parallel.spread_size(parallel.POOL_MIN_DISCOVERED - 1, jobs=4) == 0
    assert parallel.spread_size(parallel.POOL_MIN_DISCOVERED, jobs=1) == 0
    assert parallel.spread_size(100_000, jobs=4) == 4


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


def run_streamed(root: Path, **options):
    """A run whose files go to workers while discovery walks (as ``check`` does)."""
    config = load_config(None, root)
    selection = fake.selection(config)
    run_options = RunOptions(**options)
    stream = parallel.Stream(config, selection, run_options, os.getcwd())
    started_while_walking = []

    def found(file):
        stream.add(file)
        started_while_walking.append(stream.started)

    files = discover([root], config, on_file=found).files
    run_options.stream = stream
    try:
        return engine.run(files, config, selection, [], run_options), any(started_while_walking)
    finally:
        stream.close()


def test_streaming_files_during_discovery_gives_identical_results(big_tree, spread):
    # A link discovered last but sorted first: results follow the sorted list, not the walk.
    (big_tree / "vendor").mkdir()
    (big_tree / "vendor" / "real.fake").write_text("ENV LINKED\n")
    (big_tree / "0link.fake").symlink_to(big_tree / "vendor" / "real.fake")
    serial = run(big_tree, cache=False, jobs=1)
    assert workers_seen(fake.PID_LOG) == set()
    streamed, started_while_walking = run_streamed(big_tree, cache=False, jobs=2)
    assert started_while_walking  # workers had files before the walk was over
    assert len(workers_seen(fake.PID_LOG)) >= 1
    assert outcome(streamed) == outcome(serial)
    assert streamed.files[0].path.endswith("0link.fake")
    assert any("LINKED" in f.message for f in streamed.findings)


def test_a_dying_worker_in_a_streamed_run_does_not_lose_results(big_tree, spread, monkeypatch):
    (big_tree / "pkg" / "m30.fake").write_text("ENV VAR_30\ncrash\n")
    monkeypatch.setattr(fake, "SURVIVOR_PID", os.getpid())
    serial = run(big_tree, cache=False, jobs=1)
    streamed, _ = run_streamed(big_tree, cache=False, jobs=2)
    assert outcome(streamed) == outcome(serial)


def test_a_small_tree_is_never_streamed(big_tree):
    streamed, started_while_walking = run_streamed(big_tree, cache=False, jobs=2)
    assert not started_while_walking
    assert outcome(streamed) == outcome(run(big_tree, cache=False, jobs=1))


def test_check_streams_a_big_tree_with_the_same_report(tmp_path, monkeypatch):
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
    monkeypatch.setattr(parallel, "POOL_MIN_DISCOVERED", 10)
    monkeypatch.setattr(parallel, "BLOCK", 4)
    started = []
    original = parallel.Stream._start
    monkeypatch.setattr(parallel.Stream, "_start", lambda self: started.append(1) or original(self))
    streamed = CliRunner().invoke(main, [*args, "--jobs", "2"])
    assert started  # the check really streamed
    assert streamed.exit_code == serial.exit_code == 1
    assert streamed.output == serial.output
    assert serial.output.count("LI002") == 5
