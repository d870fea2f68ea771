"""Inline suppressions: lint-integration ignore comments, noqa codes and file-level ignores."""

from __future__ import annotations

from lint_integration.findings import Finding
from lint_integration.suppressions import Suppressions


def finding(line: int, rule: str = "no-skip-on-env", code: str = "LI001") -> Finding:
    return Finding(rule, code, "t.py", line, 1, line, 5, "msg")


def covered(text: str, f: Finding) -> bool:
    return Suppressions.scan(text).covers(f)


def test_ignore_on_the_line_and_the_line_before():
    text = (
        "a = 1  # lint-integration: ignore[no-skip-on-env]\n"
        "# lint-integration: ignore\n"
        "b = 2\n"
        "c = 3\n"
    )
    assert covered(text, finding(1))
    assert covered(text, finding(3))  # bare ignore on the line before
    assert not covered(text, finding(4))


def test_ignore_lists_names_or_codes_and_only_those():
    text = "x  # lint-integration: ignore[LI002, no-legacy-toggle]\n"
    assert covered(text, finding(1, "no-direct-env-probe", "LI002"))
    assert covered(text, finding(1, "no-legacy-toggle", "LI003"))
    assert not covered(text, finding(1))


def test_noqa_codes_apply_to_their_own_line_only():
    text = "x = 1  # noqa: LI001\ny = 2  # noqa: E501\nz = 3\n"
    assert covered(text, finding(1))
    assert not covered(text, finding(2))  # another tool's code
    assert not covered(text, finding(3))  # a noqa comment never reaches the next line


def test_bare_noqa_and_slash_comments():
    assert covered("x = 1  # noqa\n", finding(1))
    assert covered("const x = 1; // noqa: LI001\n", finding(1))
    assert covered("// lint-integration: ignore[no-skip-on-env]\nit('x')\n", finding(2))


def test_file_level_ignore():
    text = "# lint-integration: ignore-file[no-direct-env-probe]\n\n\nx = 1\n"
    assert covered(text, finding(4, "no-direct-env-probe", "LI002"))
    assert not covered(text, finding(4))
    assert covered("# lint-integration: ignore-file\n\nx\n", finding(3))
