"""Cached Python results follow the files that import a module, not just the module itself."""

from __future__ import annotations

import json

from tests.conftest import run_cli

MARKERS = """\
import os

import pytest

live_only = pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no db")
"""

USER = """\
from .markers import live_only


@live_only
def test_{name}():
    assert True
"""


def messages(root) -> list[str]:
    proc = run_cli(["check", "--output-format", "json", "."], cwd=root)
    assert proc.returncode == 1, proc.stderr
    return [d["message"] for d in json.loads(proc.stdout)]


def test_used_by_count_is_not_replayed_stale_when_an_importer_appears(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "tests/__init__.py": "",
            "tests/markers.py": MARKERS,
            "tests/test_a.py": USER.format(name="a"),
        }
    )
    (root / ".git").mkdir()
    first = messages(root)
    assert len(first) == 1 and "used by 1 test" in first[0]
    (root / "tests" / "test_b.py").write_text(USER.format(name="b"))
    second = messages(root)
    assert len(second) == 1 and "used by 2 tests" in second[0], second
    (root / "tests" / "test_b.py").write_text("def test_b():\n    assert True\n")
    third = messages(root)
    assert "used by 1 test" in third[0], third
