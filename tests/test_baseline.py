"""Baselines: record today's findings, report only new ones, survive unrelated edits."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from lint_integration.baseline import (
    BASELINE_VERSION,
    apply_baseline,
    entries_for,
    load_baseline,
    write_baseline,
)
from lint_integration.config import ConfigError
from lint_integration.discovery import SourceFile
from lint_integration.engine import FileContext, FileResult, RunResult
from lint_integration.registry import rule_by_name
from lint_integration.textio import decode

from .conftest import run_cli

PROBE = re.compile(r"os\.getenv\(\"(\w+)\"\)")


def fake_run(root: Path, rels: list[str]) -> RunResult:
    """What the engine reports for files whose only violations are ``os.getenv("X")`` probes:
    findings built through the engine's own ``FileContext.finding`` (real snippets)."""
    rule = rule_by_name()["no-direct-env-probe"]
    files = []
    for rel in rels:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        display = os.path.relpath(path)
        ctx = FileContext(
            SourceFile(path, rel, "python", "suite"), decode(text.encode()), None, None, display
        )
        findings = []
        for m in PROBE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            end = (line, col + len(m.group()))
            findings.append(ctx.finding(rule, (line, col), end, f"reads {m.group(1)}"))
        files.append(FileResult(display, findings))
    return RunResult(files, [], len(files))


SUITE = """\
import os


def test_orders():
    url = os.getenv("ORDERS_DATABASE_URL")
    assert url


def test_events():
    topic = os.getenv("ORDERS_EVENTS_TOPIC")
    assert topic
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "svc/tests").mkdir(parents=True)
    (tmp_path / "svc/tests/test_orders.py").write_text(SUITE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def reported(root: Path, baseline: Path, rels=("svc/tests/test_orders.py",)):
    result, outcome = apply_baseline(fake_run(root, list(rels)), load_baseline(baseline))
    return [f.message for f in result.findings], outcome, result


def test_a_fresh_baseline_hides_everything_it_recorded(project):
    base = project / ".lint-baseline.json"
    assert write_baseline(base, fake_run(project, ["svc/tests/test_orders.py"]).findings) == 2
    messages, outcome, result = reported(project, base)
    assert messages == []
    assert (outcome.hidden, outcome.stale) == (2, 0)
    assert result.notices == [f"baseline {base}: 2 known findings not reported"]


def test_files_with_nothing_to_say_pass_through_a_baseline_as_they_are(project):
    """Most results of a big run are ``PlainResult``s (no lists of their own): a baseline
    leaves them as they are and still hides what the others hold."""
    from lint_integration.engine import PlainResult

    base = project / ".lint-baseline.json"
    run = fake_run(project, ["svc/tests/test_orders.py"])
    write_baseline(base, run.findings)
    plain = PlainResult("svc/tests/test_clean.py")
    mixed = RunResult([*run.files, plain], [], 2)
    result, outcome = apply_baseline(mixed, load_baseline(base))
    assert (outcome.hidden, outcome.stale) == (2, 0)
    assert result.files[1] is plain
    assert result.files[0].findings == [] and result.findings == []
    assert plain == FileResult("svc/tests/test_clean.py")
    with pytest.raises(TypeError):
        plain.notices.append("a notice")  # shared by every PlainResult: it never grows
    assert PlainResult("x").notices == []


def test_the_file_is_versioned_sorted_relative_and_stable(project):
    base = project / "ci" / "baseline.json"
    base.parent.mkdir()
    found = fake_run(project, ["svc/tests/test_orders.py"]).findings
    write_baseline(base, list(reversed(found)))
    first = base.read_bytes()
    data = json.loads(first)
    assert data["version"] == BASELINE_VERSION
    assert [e["path"] for e in data["entries"]] == ["../svc/tests/test_orders.py"] * 2
    assert {e["rule"] for e in data["entries"]} == {"no-direct-env-probe"}
    assert {e["code"] for e in data["entries"]} == {"LI002"}
    assert data["entries"] == sorted(
        data["entries"], key=lambda e: (e["path"], e["rule"], e["code"], e["fingerprint"])
    )
    assert not any("line" in e for e in data["entries"])  # line numbers never match anything
    write_baseline(base, found)
    assert base.read_bytes() == first


def test_inserting_lines_above_a_finding_keeps_it_baselined(project):
    base = project / "baseline.json"
    write_baseline(base, fake_run(project, ["svc/tests/test_orders.py"]).findings)
    path = project / "svc/tests/test_orders.py"
    path.write_text(
        '"""Orders."""\n\nimport json\n\n\n'
        + SUITE.replace("    assert url", "    assert url  # the live url"),
        encoding="utf-8",
    )
    messages, outcome, _ = reported(project, base)
    assert messages == []
    assert outcome.stale == 0


def test_a_new_finding_of_the_same_kind_in_the_same_file_is_reported(project):
    base = project / "baseline.json"
    write_baseline(base, fake_run(project, ["svc/tests/test_orders.py"]).findings)
    path = project / "svc/tests/test_orders.py"
    # An exact copy of a recorded line, and a new variable: both are new findings.
    path.write_text(
        SUITE
        + '\n\ndef test_more():\n    url = os.getenv("ORDERS_DATABASE_URL")\n'
        + '    cache = os.getenv("ORDERS_CACHE_URL")\n',
        encoding="utf-8",
    )
    messages, outcome, result = reported(project, base)
    assert sorted(messages) == ["reads ORDERS_CACHE_URL", "reads ORDERS_DATABASE_URL"]
    assert outcome.hidden == 2
    assert [f.line for f in result.findings] == [15, 16]  # the copy, not the original


def test_fixing_a_baselined_finding_only_notes_the_stale_entry(project):
    base = project / "baseline.json"
    write_baseline(base, fake_run(project, ["svc/tests/test_orders.py"]).findings)
    path = project / "svc/tests/test_orders.py"
    path.write_text(SUITE.replace('os.getenv("ORDERS_EVENTS_TOPIC")', '"orders.events"'), "utf-8")
    messages, outcome, result = reported(project, base)
    assert messages == []
    assert (outcome.hidden, outcome.stale) == (1, 1)
    assert any("1 entry no longer matches" in n for n in result.notices)


def test_entries_outside_the_run_are_not_stale_and_are_kept_on_rewrite(project):
    other = project / "svc/tests/test_other.py"
    other.write_text('import os\nX = os.getenv("OTHER_URL")\n', encoding="utf-8")
    base = project / "baseline.json"
    both = ["svc/tests/test_orders.py", "svc/tests/test_other.py"]
    write_baseline(base, fake_run(project, both).findings)

    def scope(path: str, rule: str) -> bool:
        return path == "svc/tests/test_orders.py"

    _, outcome = apply_baseline(
        fake_run(project, ["svc/tests/test_orders.py"]), load_baseline(base), scope
    )
    assert (outcome.hidden, outcome.stale) == (2, 0)
    # Rewriting the baseline for one file keeps the other file's entries.
    path = project / "svc/tests/test_orders.py"
    path.write_text(SUITE.replace('os.getenv("ORDERS_EVENTS_TOPIC")', '"x"'), encoding="utf-8")
    write_baseline(base, fake_run(project, ["svc/tests/test_orders.py"]).findings, scope)
    paths = [e.path for e in load_baseline(base).entries]
    assert paths == ["svc/tests/test_orders.py", "svc/tests/test_other.py"]


def test_matching_works_from_any_working_directory(project, monkeypatch):
    base = project / "baseline.json"
    write_baseline(base, fake_run(project, ["svc/tests/test_orders.py"]).findings)
    monkeypatch.chdir(project / "svc")
    messages, outcome, _ = reported(project, Path("../baseline.json"))
    assert messages == [] and outcome.hidden == 2


def test_identical_constructs_are_counted_not_collapsed(project):
    path = project / "svc/tests/test_orders.py"
    path.write_text('import os\nA = os.getenv("X_URL")\nB = os.getenv("X_URL")\n', "utf-8")
    entries = entries_for(fake_run(project, ["svc/tests/test_orders.py"]).findings, project)
    # The snippets differ ("A = ..." and "B = ..."), and so do the fingerprints.
    assert len({e.fingerprint for e in entries}) == 2
    path.write_text('import os\nos.getenv("X_URL")\nos.getenv("X_URL")\n', "utf-8")
    entries = entries_for(fake_run(project, ["svc/tests/test_orders.py"]).findings, project)
    assert len({e.fingerprint for e in entries}) == 2  # same code, told apart by occurrence


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "baseline file not found"),
        ("{not json", "baseline is not valid JSON"),
        ("[]", "not a lint-integration baseline"),
        ('{"version": 99, "entries": []}', "unsupported baseline version 99"),
        ('{"version": 1, "entries": {}}', "'entries' must be a list"),
        ('{"version": 1, "entries": [{"path": 1}]}', "baseline entry 0 needs"),
        (b"\xff\xfe", "baseline is not valid JSON"),
    ],
)
def test_bad_baseline_files_are_one_line_errors(tmp_path, content, message):
    path = tmp_path / "b.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_baseline(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


# -- through the CLI ------------------------------------------------------------------------


@pytest.mark.parametrize("content", [None, "{broken", '{"version": 2, "entries": []}'])
def test_cli_missing_or_corrupt_baseline_exits_2_with_one_line(tmp_path, content):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n", "utf-8")
    base = tmp_path / "base.json"
    if content is not None:
        base.write_text(content, encoding="utf-8")
    done = run_cli(["check", str(tmp_path), "--baseline", str(base)], cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lint-integration: error: ")
    assert str(base) in lines[0]


def test_cli_write_baseline_writes_and_exits_zero(tmp_path, cli, monkeypatch):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli(["check", ".", "--write-baseline", "out/base.json"])
    assert result.exit_code == 0
    data = json.loads((tmp_path / "out/base.json").read_text("utf-8"))
    assert data["version"] == BASELINE_VERSION
    assert isinstance(data["entries"], list)
    again = cli(["check", ".", "--baseline", "out/base.json"])
    assert again.exit_code == 0


# -- real runs over the reports fixture (Python, TypeScript, Go, YAML and shell findings) ----

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "reports"
ORDERS = "services/orders/tests/integration/test_orders.py"


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    return root


def check(cli, *args: str):
    return cli(["check", ".", "--no-cache", "--output-format", "concise", *args])


def test_real_baseline_round_trip_survives_edits_and_reports_new_findings(repo, cli):
    before = check(cli)
    assert before.exit_code == 1
    n = len(before.output.strip().splitlines())
    written = check(cli, "--write-baseline", "baseline.json")
    assert written.exit_code == 0
    assert f"wrote {n} baseline entries to baseline.json" in written.output
    entries = json.loads((repo / "baseline.json").read_text("utf-8"))["entries"]
    assert len(entries) == n
    assert {e["path"].rsplit(".", 1)[-1] for e in entries} == {"py", "ts", "go", "yml", "sh"}

    clean = check(cli, "--baseline", "baseline.json")
    assert clean.exit_code == 0, clean.output
    assert f"{n} known findings not reported" in clean.output
    assert "no longer match" not in clean.output

    # Lines inserted above every finding of the Python suite: nothing new.
    suite = repo / ORDERS
    text = suite.read_text("utf-8")
    suite.write_text('"""Shifted."""\n\nimport json  # noqa: F401\n\n' + text, "utf-8")
    shifted = check(cli, "--baseline", "baseline.json")
    assert shifted.exit_code == 0, shifted.output

    # A new probe of a variable already probed elsewhere in the file is reported.
    suite.write_text(
        suite.read_text("utf-8")
        + '\n\ndef test_broker_again():\n    broker = os.environ.get("ORDERS_BROKER_URL", "x")\n'
        + "    assert broker\n",
        "utf-8",
    )
    new = check(cli, "--baseline", "baseline.json")
    assert new.exit_code == 1
    reported = [line for line in new.output.splitlines() if "LI0" in line]
    assert len(reported) == 1
    assert reported[0].startswith(f"{ORDERS}:34:")
    assert "ORDERS_BROKER_URL" in reported[0]


def test_real_fixed_findings_leave_only_a_notice(repo, cli):
    assert check(cli, "--write-baseline", "baseline.json").exit_code == 0
    suite = repo / ORDERS
    text = suite.read_text("utf-8")
    start = text.index("def test_broker():")
    end = text.index("def test_topic():")
    suite.write_text(text[:start] + text[end:], "utf-8")
    result = check(cli, "--baseline", "baseline.json")
    assert result.exit_code == 0, result.output
    assert "1 entry no longer matches a finding (fixed or changed)" in result.output
    # Checking only another directory never calls this file's entries stale.
    other = cli(["check", "packages", "--no-cache", "--baseline", "baseline.json"])
    assert other.exit_code == 0
    assert "no longer match" not in other.output


def test_real_baseline_from_another_directory_through_a_subprocess(repo):
    done = run_cli(["check", ".", "--no-cache", "--write-baseline", "ci/baseline.json"], cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    paths = {e["path"] for e in json.loads((repo / "ci/baseline.json").read_text())["entries"]}
    assert all(p.startswith("../") for p in paths)
    sub = repo / "services"
    done = run_cli(["check", "..", "--no-cache", "--baseline", "../ci/baseline.json"], cwd=sub)
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_cli(["check", "orders", "--no-cache", "--baseline", "../ci/baseline.json"], cwd=sub)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no longer match" not in done.stderr
