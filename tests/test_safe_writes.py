"""``fix`` never loses a byte: atomic writes under injected failures, and faithful round trips."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest

from lint_integration.textio import ChangedOnDisk, atomic_write, encode, read_source

ORIGINAL = b"def test_x():\n    assert True\n"
NEW = b"def test_x():\n    assert 1\n"


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "test_x.py"
    path.write_bytes(ORIGINAL)
    return path


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".li-tmp"))


def test_writes_the_new_bytes_and_leaves_no_temp_file(target):
    atomic_write(target, NEW, expected=ORIGINAL)
    assert target.read_bytes() == NEW
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("mode", [0o755, 0o640, 0o600, 0o444])
def test_permission_bits_are_kept(target, mode):
    target.chmod(mode)
    atomic_write(target, NEW)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == NEW


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path):
    real = tmp_path / "real" / "test_x.py"
    real.parent.mkdir()
    real.write_bytes(ORIGINAL)
    link = tmp_path / "link.py"
    link.symlink_to(real)
    atomic_write(link, NEW, expected=ORIGINAL)
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert real.read_bytes() == NEW
    assert leftovers(real.parent) == [] and leftovers(tmp_path) == []


def test_refuses_when_the_file_changed_since_it_was_read(target):
    target.write_bytes(b"# edited by someone else\n")
    with pytest.raises(ChangedOnDisk):
        atomic_write(target, NEW, expected=ORIGINAL)
    assert target.read_bytes() == b"# edited by someone else\n"
    assert leftovers(target.parent) == []


def test_refuses_when_the_file_changes_during_the_write(target, monkeypatch):
    real_fsync = os.fsync

    def concurrent_editor(fd):
        target.write_bytes(b"# saved by an editor meanwhile\n")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", concurrent_editor)
    with pytest.raises(ChangedOnDisk):
        atomic_write(target, NEW, expected=ORIGINAL)
    assert target.read_bytes() == b"# saved by an editor meanwhile\n"
    assert leftovers(target.parent) == []


def test_disk_full_leaves_the_original_and_no_temp_file(target, monkeypatch):
    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError) as info:
        atomic_write(target, NEW, expected=ORIGINAL)
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == ORIGINAL
    assert leftovers(target.parent) == []


def test_disk_full_after_a_partial_write(target, monkeypatch):
    real_write = os.write
    calls = []

    def half_then_full(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:5]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OSError):
        atomic_write(target, NEW)
    assert target.read_bytes() == ORIGINAL
    assert leftovers(target.parent) == []


def test_short_writes_are_completed(target, monkeypatch):
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, bytes(data[:3])))
    atomic_write(target, NEW)
    assert target.read_bytes() == NEW


def test_fsync_failure_cleans_up(target, monkeypatch):
    def broken(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        atomic_write(target, NEW)
    assert target.read_bytes() == ORIGINAL
    assert leftovers(target.parent) == []


def test_read_only_directory_cannot_create_the_temp_file(target, monkeypatch):
    # Tests run as root, which ignores directory permissions: inject the failure instead.
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(PermissionError):
        atomic_write(target, NEW)
    assert target.read_bytes() == ORIGINAL


def test_read_only_file_system_at_rename(target, monkeypatch):
    def erofs(src, dst):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", erofs)
    with pytest.raises(OSError):
        atomic_write(target, NEW)
    assert target.read_bytes() == ORIGINAL
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_ctrl_c_mid_write_leaves_the_original_and_no_temp_file(target, monkeypatch, where):
    real = getattr(os, where)
    state = {"calls": 0}

    def interrupted(*args):
        state["calls"] += 1
        if where == "write" and state["calls"] == 1:
            real(args[0], bytes(args[1][:4]))  # some bytes reach the temp file first
        raise KeyboardInterrupt

    monkeypatch.setattr(os, where, interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, NEW, expected=ORIGINAL)
    assert target.read_bytes() == ORIGINAL
    assert leftovers(target.parent) == []


def test_a_vanished_file_is_an_error_not_a_new_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write(tmp_path / "gone.py", NEW)
    assert list(tmp_path.iterdir()) == []


def test_the_directory_fsync_is_best_effort(target, monkeypatch):
    real_open = os.open

    def no_dir_open(path, flags, *args):
        if Path(path) == target.parent:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", no_dir_open)
    atomic_write(target, NEW)
    assert target.read_bytes() == NEW


# -- encodings, BOM, line endings: a round trip through read_source/encode is byte-exact -----

ROUND_TRIPS = {
    "utf8": "x = 'café'\n".encode(),
    "bom": b"\xef\xbb\xbfx = 'caf\xc3\xa9'\n",
    "latin1-cookie": "# -*- coding: latin-1 -*-\nx = 'café'\n".encode("latin-1"),
    "cp1252-cookie-line2": "#!/usr/bin/env python\n# coding=cp1252\nx = '€'\n".encode("cp1252"),
    "crlf": b"import os\r\n\r\nx = 1\r\n",
    "mixed": b"import os\r\nx = 1\ny = 2\r\n",
    "no-final-newline": b"x = 1",
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_unchanged_text_round_trips_byte_for_byte(tmp_path, name):
    path = tmp_path / "m.py"
    path.write_bytes(ROUND_TRIPS[name])
    src = read_source(path, python=True)
    assert encode(src.text, src) == ROUND_TRIPS[name]
    atomic_write(path, encode(src.text, src), expected=src.raw)
    assert path.read_bytes() == ROUND_TRIPS[name]


def test_edited_text_keeps_the_cookie_encoding_and_bom(tmp_path):
    latin = tmp_path / "latin.py"
    latin.write_bytes("# coding: latin-1\nx = 'café'\n".encode("latin-1"))
    src = read_source(latin, python=True)
    atomic_write(latin, encode(src.text.replace("x", "y"), src), expected=src.raw)
    assert latin.read_bytes() == "# coding: latin-1\ny = 'café'\n".encode("latin-1")

    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfx = 1\r\n")
    src = read_source(bom, python=True)
    assert src.bom and src.newline == "\r\n"
    atomic_write(bom, encode(src.text.replace("1", "2"), src), expected=src.raw)
    assert bom.read_bytes() == b"\xef\xbb\xbfx = 2\r\n"


def test_read_source_records_the_permission_bits(tmp_path):
    path = tmp_path / "run.py"
    path.write_bytes(b"x = 1\n")
    path.chmod(0o750)
    assert read_source(path, python=True).mode == 0o750
