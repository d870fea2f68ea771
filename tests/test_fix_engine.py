"""The fixer's loop on a span-edit language: passes, bounds, applicability, verification, writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lint_integration import fixer, textio
from lint_integration.config import load_config
from lint_integration.discovery import SourceFile, discover
from lint_integration.engine import RunOptions
from lint_integration.findings import Applicability, Edit, Finding, Fix
from lint_integration.fixer import FixOptions, apply_edits, fix_run, summary
from tests import fixer_fake as fake


@pytest.fixture
def tree(write, monkeypatch, tmp_path):
    fake.install(monkeypatch)
    monkeypatch.chdir(tmp_path)
    return write


def fix(root: Path, **options) -> fixer.FixReport:
    config = load_config(None, root)
    files = discover([root], config).files
    opts = FixOptions(run_options=RunOptions(cache=False, jobs=1), **options)
    return fix_run(files, config, fake.selection(config), [], opts)


def test_safe_fixes_are_applied_and_the_rest_reported(tree):
    root = tree({"a.fixfake": "ENV A\nUNSAFE B\nNOFIX\n"})
    report = fix(root)
    assert (root / "a.fixfake").read_text() == "req A\nUNSAFE B\nNOFIX\n"
    assert report.fixed == {"fake-fix": 1}
    assert [f.message for f in report.remaining] == ["UNSAFE found", "NOFIX found"]
    assert summary(report) == (
        "Fixed 1 finding (fake-fix: 1) in 1 file; "
        "2 left: 1 unsafe fix (use --unsafe-fixes), 1 without a fix."
    )


def test_unsafe_fixes_need_the_flag(tree):
    root = tree({"a.fixfake": "UNSAFE B\n"})
    report = fix(root, unsafe=True)
    assert (root / "a.fixfake").read_text() == "req B\n"
    assert summary(report) == "Fixed 1 finding (fake-fix: 1) in 1 file; no findings left."


def test_fixes_that_need_a_second_pass(tree):
    root = tree({"a.fixfake": "CHAIN A\n"})
    report = fix(root)
    assert (root / "a.fixfake").read_text() == "req A\n"
    assert report.remaining == []


def test_rounds_without_the_cache_recheck_only_what_changed(tree, monkeypatch):
    """``--no-cache`` keeps the project cache untouched, yet the re-check after a round parses
    only the files that changed (the rounds share a private cache)."""
    root = tree({"a.fixfake": "ENV A\n", "b.fixfake": "NOFIX\n", "c.fixfake": "NOFIX\n"})
    analysed: list[str] = []
    real = fake.analyze

    def counting(ctx):
        analysed.append(os.path.basename(ctx.file.path))
        return real(ctx)

    monkeypatch.setattr(fake, "analyze", counting)
    report = fix(root)
    assert (root / "a.fixfake").read_text() == "req A\n"
    assert [f.message for f in report.remaining] == ["NOFIX found", "NOFIX found"]
    assert analysed.count("b.fixfake") == 1
    assert analysed.count("c.fixfake") == 1
    assert not any(p.name.startswith(".lint-integration-cache") for p in root.iterdir())


def test_passes_are_bounded(tree):
    root = tree({"a.fixfake": "GROW\n"})
    report = fix(root, max_passes=4)
    assert (root / "a.fixfake").read_text() == "GROW!!!!\n"
    assert len(report.remaining) == 1
    assert report.left_reason(report.remaining[0]) == fixer.LEFT_FAILED
    assert report.problems == ["a.fixfake: fixes did not settle after 4 passes; stopped there"]


def test_a_fix_that_does_not_parse_is_never_written(tree):
    root = tree({"a.fixfake": "BREAK\nENV A\n"})
    report = fix(root)
    assert (root / "a.fixfake").read_text() == "BREAK\nreq A\n"
    assert report.problems == [
        "a.fixfake:1:1: the fix for fake-fix would produce code that does not parse "
        "(line 1: broken line); left as a finding"
    ]
    assert report.fixed == {"fake-fix": 1}
    assert [f.message for f in report.remaining] == ["BREAK found"]
    assert report.left_reason(report.remaining[0]) == fixer.LEFT_FAILED


def test_a_file_whose_only_fix_breaks_it_is_untouched(tree):
    root = tree({"a.fixfake": "BREAK\n"})
    before = (root / "a.fixfake").read_bytes()
    report = fix(root)
    assert (root / "a.fixfake").read_bytes() == before
    assert report.changed_files == []
    assert "left unchanged" not in summary(report)


def test_diff_mode_writes_nothing(tree):
    root = tree({"a.fixfake": "ENV A\nNOFIX\n"})
    report = fix(root, diff=True)
    assert (root / "a.fixfake").read_text() == "ENV A\nNOFIX\n"
    (patch,) = report.diffs()
    assert patch.splitlines()[:2] == [
        f"--- a/{report.files[0].display}",
        f"+++ b/{report.files[0].display}",
    ]
    assert "-ENV A\n+req A\n" in patch
    assert summary(report).startswith("Would fix 1 finding (fake-fix: 1) in 1 file; 1 left")


def test_a_second_run_changes_nothing(tree):
    root = tree({"a.fixfake": "ENV A\nCHAIN B\nNOFIX\n", "b.fixfake": "ENV C\n"})
    fix(root)
    snapshot = {p.name: p.read_bytes() for p in root.iterdir()}
    report = fix(root)
    assert {p.name: p.read_bytes() for p in root.iterdir()} == snapshot
    assert report.fixed == {}
    assert report.changed_files == []


def test_crlf_bom_and_permissions_survive(tree):
    root = tree({"run.fixfake": b"\xef\xbb\xbf# head\r\nENV A\r\nNOFIX\r\n"})
    path = root / "run.fixfake"
    path.chmod(0o755)
    fix(root)
    assert path.read_bytes() == b"\xef\xbb\xbf# head\r\nreq A\r\nNOFIX\r\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o755


def test_changed_on_disk_is_refused(tree, monkeypatch):
    root = tree({"a.fixfake": "ENV A\n"})
    real = textio.atomic_write

    def editor_saves_first(path, data, expected=None):
        Path(path).write_text("ENV A\n# typed meanwhile\n")
        return real(path, data, expected)

    monkeypatch.setattr(fixer, "atomic_write", editor_saves_first)
    report = fix(root)
    assert (root / "a.fixfake").read_text() == "ENV A\n# typed meanwhile\n"
    assert report.errors == [
        "a.fixfake: changed on disk while it was being fixed; not written (run fix again)"
    ]


def test_a_write_failure_is_an_error_and_leaves_the_file(tree, monkeypatch):
    root = tree({"a.fixfake": "ENV A\n"})

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixer, "atomic_write", disk_full)
    report = fix(root)
    assert (root / "a.fixfake").read_text() == "ENV A\n"
    assert report.errors == ["a.fixfake: cannot write: no space left on device; left unchanged"]


def test_a_symlink_out_of_the_root_is_not_written(tree, tmp_path_factory):
    # Discovery already skips such links; the fixer checks again before writing.
    outside = tmp_path_factory.mktemp("outside") / "x.fixfake"
    outside.write_text("ENV A\n")
    root = tree({"keep.fixfake": "NOFIX\n"})
    link = root / "link.fixfake"
    link.symlink_to(outside)
    config = load_config(None, root)
    files = [SourceFile(link, "link.fixfake", fake.LANGUAGE, "other")]
    opts = FixOptions(run_options=RunOptions(cache=False, jobs=1))
    report = fix_run(files, config, fake.selection(config), [], opts)
    assert outside.read_text() == "ENV A\n"
    assert report.errors == ["link.fixfake: links outside the project root; not written"]


def test_overlapping_edits_go_in_one_at_a_time():
    text = "abcdef"
    one = _finding("r1", Edit.at(text, 0, 3, "X"))
    two = _finding("r2", Edit.at(text, 2, 5, "Y"))
    three = _finding("r3", Edit.at(text, 5, 6, "Z"))
    assert apply_edits(text, [two, one, three]) == ("XdeZ", {"r1", "r3"})


def test_edits_take_the_file_line_ending():
    text = "a\r\nb\r\n"
    edit = _finding("r", Edit.at(text, 3, 4, "x\ny"))
    assert apply_edits(text, [edit], "\r\n") == ("a\r\nx\r\ny\r\n", {"r"})


def test_out_of_range_edits_are_ignored():
    edit = _finding("r", Edit(5, 9, "x"))
    assert apply_edits("abc", [edit]) == ("abc", set())


def _finding(rule: str, *edits: Edit) -> Finding:
    return Finding(
        rule, "LI999", "f", 1, 1, 1, 2, "m", Fix(Applicability.SAFE, "fix", edits=tuple(edits))
    )


def test_left_reasons():
    none = Finding("r", "LI999", "f", 1, 1, 1, 2, "m")
    unsafe = Finding(
        "r", "LI999", "f", 1, 1, 1, 2, "m", Fix(Applicability.UNSAFE, "x", codemod="r")
    )
    assert fixer.left_reason(none, unsafe=False) == fixer.LEFT_NO_FIX
    assert fixer.left_reason(unsafe, unsafe=False) == fixer.LEFT_UNSAFE
    assert fixer.left_reason(unsafe, unsafe=True) == fixer.LEFT_FAILED


def test_nothing_to_do(tree):
    root = tree({"a.fixfake": "just text\n"})
    report = fix(root)
    assert summary(report) == "No findings: 1 file checked."
    assert os.listdir(root) == ["a.fixfake"]
