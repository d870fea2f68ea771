"""Bad input, each case through the real command line: one clear line naming the file and the
problem, the other files still linted, the documented exit code, never a traceback.

Exit codes: 1 when there are findings (parse errors included), 0 when clean, 2 for usage,
configuration and internal errors. Odd files are generated here, in tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, refuse_listing, run_cli

SKIP_ON_ENV = """\
import os

import pytest


@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no db")
def test_orders():
    assert True
"""
# What SKIP_ON_ENV at services/orders/tests/test_orders.py reports.
GOOD = "services/orders/tests/test_orders.py:6:1: LI001 [no-skip-on-env] "
GOOD_PATH = "services/orders/tests/test_orders.py"


def check(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli(["check", "--no-cache", "--output-format", "concise", *args], cwd=tree)


def assert_calm(proc) -> None:
    """No traceback, no Python warning, a documented exit code."""
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out, out
    assert "Warning:" not in out, out
    assert proc.returncode in (0, 1, 2), (proc.returncode, out)


def lines(proc) -> list[str]:
    return proc.stdout.splitlines()


def notices(proc) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line]


@pytest.fixture
def tree(write):
    """A tree whose one good file has one finding; tests add the bad files."""
    return write({GOOD_PATH: SKIP_ON_ENV})


def in_process(cli, tree: Path, monkeypatch, *args: str):
    monkeypatch.chdir(tree)
    return cli(["check", "--no-cache", "--jobs", "1", "--output-format", "concise", *args])


# -- empty files, comments only --------------------------------------------------------------

EVERY_LANGUAGE = (
    "services/orders/tests/test_empty.py",
    "services/orders/__tests__/empty.test.ts",
    "services/orders/pkg/empty_test.go",
    "services/orders/run_integration_tests.sh",
    ".github/workflows/integration.yml",
    "services/orders/chart/values.yaml",
    "package.json",
    "Tiltfile",
)
COMMENT = {
    ".py": "# RUN_INTEGRATION_TESTS os.environ INTEGRATION_MODE\n",
    ".ts": "// process.env.RUN_INTEGRATION_TESTS INTEGRATION_MODE\n/* os.Getenv */\n",
    ".go": '// os.Getenv("RUN_INTEGRATION_TESTS") INTEGRATION_MODE\n',
    ".sh": "#!/usr/bin/env bash\n# RUN_INTEGRATION_TESTS INTEGRATION_MODE $X\n",
    ".yml": "# RUN_INTEGRATION_TESTS INTEGRATION_MODE\n",
    ".yaml": "# RUN_INTEGRATION_TESTS: '1'\n",
    ".json": "",
    "": "# RUN_INTEGRATION_TESTS INTEGRATION_MODE os.getenv\n",
}


@pytest.mark.parametrize("kind", ["empty", "blank", "comments"])
def test_empty_and_comment_only_files_are_clean_in_every_language(write, kind):
    files = {}
    for path in EVERY_LANGUAGE:
        suffix = os.path.splitext(path)[1]
        files[path] = {"empty": "", "blank": "\n\n   \n", "comments": COMMENT[suffix]}[kind]
    proc = check(write(files), "--output-format", "text")
    assert_calm(proc)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout == f"All clear: {len(EVERY_LANGUAGE)} files checked.\n"
    assert proc.stderr == ""


# -- syntax errors -----------------------------------------------------------------------------


def test_syntax_errors_are_one_line_each_and_the_rest_is_still_linted(tmp_path):
    shutil.copytree(FIXTURES / "bad_input" / "syntax", tmp_path, dirs_exist_ok=True)
    proc = check(tmp_path)
    assert_calm(proc)
    assert proc.returncode == 1
    assert lines(proc) == [
        ".github/workflows/integration.yml:6:5: LI900 [parse-error] "
        "YAML error: did not find expected ',' or ']'",
        "Tiltfile:3:1: LI900 [parse-error] Tiltfile syntax error: expected one of *, **, NAME",
        "package.json:2:1: LI900 [parse-error] JSON error: Expecting ',' delimiter",
        "services/orders/__tests__/broken.test.ts:5:31: LI900 [parse-error] "
        "syntax error: unexpected end of file (an unclosed bracket or string?)",
        "services/orders/pkg/broken_test.go:12:1: LI900 [parse-error] syntax error: missing `}`",
        "services/orders/run_integration_tests.sh:4:1: LI900 [parse-error] "
        "shell syntax error: missing `fi`",
        "services/orders/tests/test_broken.py:4:17: LI900 [parse-error] "
        "syntax error: invalid syntax",
        lines(proc)[-1],
    ]
    assert lines(proc)[-1].startswith(GOOD)
    assert proc.stderr == ""


def test_parse_errors_are_notices_when_parse_error_is_not_selected(tmp_path):
    shutil.copytree(FIXTURES / "bad_input" / "syntax", tmp_path, dirs_exist_ok=True)
    proc = check(tmp_path, "--select", "no-skip-on-env")
    assert_calm(proc)
    assert proc.returncode == 1
    assert [line for line in lines(proc)] == [lines(proc)[0]]
    assert lines(proc)[0].startswith(GOOD)
    assert (
        "lint-integration: services/orders/tests/test_broken.py:4:17: syntax error: "
        "invalid syntax" in notices(proc)
    )


def test_parse_errors_in_json_and_github_output(tmp_path):
    shutil.copytree(FIXTURES / "bad_input" / "syntax", tmp_path, dirs_exist_ok=True)
    proc = run_cli(["check", "--no-cache", "--output-format", "json", "."], cwd=tmp_path)
    assert_calm(proc)
    assert proc.returncode == 1
    rows = json.loads(proc.stdout)
    broken = [r for r in rows if r["path"] == "services/orders/tests/test_broken.py"]
    assert broken == [
        {
            "rule": "parse-error",
            "code": "LI900",
            "path": "services/orders/tests/test_broken.py",
            "line": 4,
            "column": 17,
            "end_line": 4,
            "end_column": 17,
            "message": "syntax error: invalid syntax",
            "fix": None,
        }
    ]
    proc = run_cli(["check", "--no-cache", "--output-format", "github", "."], cwd=tmp_path)
    assert_calm(proc)
    assert (
        "::error title=LI900 parse-error,file=services/orders/tests/test_broken.py,line=4,col=17,"
        "endLine=4,endColumn=17::LI900 [parse-error] syntax error: invalid syntax"
    ) in proc.stdout.splitlines()


# -- encodings ---------------------------------------------------------------------------------

GERMAN = SKIP_ON_ENV.replace('reason="no db"', 'reason="keine Datenbank: Größe"')


def test_latin1_cookie_is_decoded_and_checked(write):
    tree = write(
        {
            "services/orders/tests/test_latin1.py": b"# -*- coding: latin-1 -*-\n"
            + GERMAN.encode("latin-1"),
            "services/orders/tests/test_cp1252.py": b"#!/usr/bin/env python\n"
            b"# vim: set fileencoding=cp1252 :\n" + GERMAN.replace("ö", "\u20ac").encode("cp1252"),
        }
    )
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 1
    assert [line.split(" [")[0] for line in lines(proc)] == [
        "services/orders/tests/test_cp1252.py:8:1: LI001",
        "services/orders/tests/test_latin1.py:7:1: LI001",
    ]


def test_undecodable_bytes_without_a_cookie_name_the_line(tree):
    (tree / "services/orders/tests/test_bytes.py").write_bytes(GERMAN.encode("latin-1"))
    (tree / "services/orders/__tests__").mkdir(parents=True)
    (tree / "services/orders/__tests__/bytes.test.ts").write_bytes(
        b"// caf\xe9\nconst url = process.env.ORDERS_URL;\n"
    )
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 1
    column = GERMAN.splitlines()[5].index("ö") + 1
    assert lines(proc) == [
        "services/orders/__tests__/bytes.test.ts:1:7: LI900 [parse-error] "
        "invalid utf-8 byte b'\\xe9' (only UTF-8 is read)",
        f"services/orders/tests/test_bytes.py:6:{column}: LI900 [parse-error] "
        "invalid utf-8 byte b'\\xf6'",
        lines(proc)[2],
    ]
    assert lines(proc)[2].startswith(GOOD)


def test_unknown_coding_cookie_is_a_parse_error(tree):
    (tree / "services/orders/tests/test_klingon.py").write_bytes(
        b"# coding: klingon\n" + SKIP_ON_ENV.encode()
    )
    proc = check(tree)
    assert_calm(proc)
    assert lines(proc)[0] == (
        "services/orders/tests/test_klingon.py:1:1: LI900 [parse-error] "
        "unknown encoding in coding cookie: klingon"
    )
    assert lines(proc)[1].startswith(GOOD)


BOM = b"\xef\xbb\xbf"


def test_utf8_bom_is_read_and_findings_keep_their_lines(write):
    tree = write(
        {
            "services/orders/tests/test_bom.py": BOM + SKIP_ON_ENV.encode(),
            "services/orders/__tests__/bom.test.ts": BOM
            + b"// header\nconst url = process.env.ORDERS_URL;\n",
            ".github/workflows/bom.yml": BOM + b"on: push\nenv:\n  RUN_INTEGRATION_TESTS: '1'\n",
        }
    )
    proc = check(tree)
    assert_calm(proc)
    assert [line.split(" [")[0] for line in lines(proc)] == [
        ".github/workflows/bom.yml:3:3: LI003",
        "services/orders/__tests__/bom.test.ts:2:13: LI002",
        "services/orders/tests/test_bom.py:6:1: LI001",
    ]


# -- line endings ------------------------------------------------------------------------------

SOURCES = {
    "services/orders/tests/test_orders.py": SKIP_ON_ENV,
    "services/orders/__tests__/orders.test.ts": (
        "// header\n\nconst url = process.env.ORDERS_URL;\n\n"
        'test("x", () => {\n  expect(url).toBeTruthy();\n});\n'
    ),
    "services/orders/pkg/orders_test.go": (
        'package pkg\n\nimport (\n\t"os"\n\t"testing"\n)\n\n'
        'func TestX(t *testing.T) {\n\tif os.Getenv("ORDERS_URL") == "" {\n'
        '\t\tt.Skip("no orders")\n\t}\n}\n'
    ),
    "services/orders/run_integration_tests.sh": (
        '#!/bin/bash\n# header\n\nif [ -n "$RUN_INTEGRATION_TESTS" ]; then\n  pytest tests\nfi\n'
    ),
    ".github/workflows/integration.yml": (
        "# header\non: push\n\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n"
        '      RUN_INTEGRATION_TESTS: "1"\n    steps:\n      - run: pytest tests/integration\n'
    ),
}


def _mixed(text: str) -> str:
    """Alternate CRLF and LF line endings."""
    parts = text.split("\n")
    return "".join(p + ("\r\n" if i % 2 else "\n") for i, p in enumerate(parts[:-1])) + parts[-1]


def test_crlf_and_mixed_line_endings_report_the_same_places(tmp_path):
    converters = {"lf": lambda t: t, "crlf": lambda t: t.replace("\n", "\r\n"), "mixed": _mixed}
    for name, convert in converters.items():
        for rel, text in SOURCES.items():
            (tmp_path / name / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name / rel).write_bytes(convert(text).encode())
    proc = check(tmp_path, *converters)
    assert_calm(proc)
    by_tree = {name: [] for name in converters}
    for line in lines(proc):
        name, _, rest = line.partition("/")
        by_tree[name].append(rest)
    assert len(by_tree["lf"]) == 7
    assert by_tree["crlf"] == by_tree["lf"]
    assert by_tree["mixed"] == by_tree["lf"]


def test_form_feeds_and_unicode_line_separators_do_not_shift_lines(cli, tree, monkeypatch):
    """``str.splitlines`` breaks at U+2028 and form feeds; parsers do not: a suppression on the
    finding's own line must still apply, and the excerpt must show that line."""
    text = SKIP_ON_ENV.replace("import pytest\n", 'import pytest\n\nX = "a\u2028b"\n\x0c')
    path = tree / "services/orders/tests/test_separators.py"
    path.write_text(text, encoding="utf-8")
    result = in_process(cli, tree, monkeypatch, "--output-format", "text", "--show-source", ".")
    out = result.output.splitlines()
    at = out.index(next(line for line in out if line.startswith("services/orders/tests/test_sep")))
    assert out[at].startswith("services/orders/tests/test_separators.py:8:1: LI001")
    assert out[at + 1] == "   8 | " + text.split("\n")[7]
    path.write_text(text.replace('reason="no db")', 'reason="no db")  # noqa: LI001'), "utf-8")
    result = in_process(cli, tree, monkeypatch, ".")
    assert [line.split(":")[0] for line in result.output.splitlines()] == [GOOD_PATH]


# -- NUL bytes and binary files ----------------------------------------------------------------


def test_nul_bytes_are_a_parse_error_naming_the_line(tree):
    raw = SKIP_ON_ENV.encode()
    at = raw.index(b"def ")
    (tree / "services/orders/tests/test_nul.py").write_bytes(raw[:at] + b"\x00" + raw[at:])
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 1
    assert lines(proc)[0] == (
        "services/orders/tests/test_nul.py:7:1: LI900 [parse-error] "
        "file contains NUL bytes (binary?)"
    )
    assert lines(proc)[1].startswith(GOOD)


def test_binary_files_with_source_extensions_are_passed_over(tree):
    noise = bytes(range(256)) * 64
    for rel in (
        "services/orders/tests/test_blob.py",
        "services/orders/__tests__/blob.test.ts",
        "services/orders/pkg/blob_test.go",
        ".github/workflows/blob.yml",
        "services/orders/tests/test_utf16.py",
    ):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        data = SKIP_ON_ENV.encode("utf-16") if "utf16" in rel else noise
        (tree / rel).write_bytes(data)
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 1
    assert len(lines(proc)) == 1
    assert lines(proc)[0].startswith(GOOD)
    assert proc.stderr == ""


# -- big files ---------------------------------------------------------------------------------


def test_a_20_mb_file_is_skipped_with_a_notice(tree):
    big = tree / "services/orders/tests/test_generated.py"
    line = b'VALUE = os.environ.get("ORDERS_DATABASE_URL")  # generated\n'
    with open(big, "wb") as fh:
        fh.write(b"import os\n")
        fh.write(line * (20 * 1024 * 1024 // len(line) + 1))
    size = big.stat().st_size
    assert size > 20 * 1024 * 1024
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 1
    assert [line.split(" [")[0] for line in lines(proc)] == [GOOD.split(" [")[0]]
    assert notices(proc) == [
        f"lint-integration: services/orders/tests/test_generated.py: skipped, {size:,} bytes "
        "is over max-file-size (5,242,880)"
    ]


def test_max_file_size_is_configurable(tree):
    (tree / "lint-integration.toml").write_text("max-file-size = 100\n")
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 0
    size = len(SKIP_ON_ENV.encode())
    assert notices(proc) == [
        f"lint-integration: {GOOD_PATH}: skipped, {size:,} bytes is over max-file-size (100)"
    ]
    (tree / "lint-integration.toml").write_text(f"max-file-size = {size}\n")
    assert check(tree).returncode == 1


# -- deep nesting ------------------------------------------------------------------------------

DEEP = 5000


def _deep_files() -> dict[str, str]:
    n = DEEP
    probe = 'import os\n\n\ndef test_a():\n    url = os.environ["ORDERS_URL"]\n\n\n'
    return {
        "tests/test_parens.py": probe + "x = " + "(" * n + "1" + ")" * n + "\n",
        "tests/test_chain.py": probe + "x = " + " + ".join(["y"] * n) + "\n",
        "tests/test_subscripts.py": probe + "x = y" + "[0]" * n + "\n",
        "tests/test_calls.py": probe + "x = f" + "()" * n + "\n",
        "tests/test_unary.py": probe + "x = " + "-" * n + "y\n",
        "tests/test_or.py": probe + "x = " + " or ".join(["a == 1"] * 400) + "\n",
        "tests/test_elif.py": probe + "if a:\n    pass\n" + "elif a:\n    pass\n" * 1500,
        "tests/test_condition.py": (
            "import pytest\n\n\n@pytest.mark.skipif('"
            + "(" * n
            + "1"
            + ")" * n
            + "', reason='x')\ndef test_a():\n    pass\n"
        ),
        "tests/test_blocks.py": probe
        + "".join(" " * i + "if x:\n" for i in range(150))
        + " " * 150
        + "x\n",
        "Tiltfile": 'local_resource("x", cmd="RUN_INTEGRATION_TESTS=1")\ny = ' + "[" * n + "]" * n,
        "svc/__tests__/deep.test.ts": (
            "const x = process.env.ORDERS_URL;\nconst y = " + "(" * n * 10 + "1" + ")" * n * 10
        ),
        "go/pkg/deep_test.go": (
            'package pkg\n\nimport "os"\n\nvar x = os.Getenv("ORDERS_URL")\nvar y = '
            + "(" * n * 10
            + "1"
            + ")" * n * 10
            + "\n"
        ),
        "scripts/run_integration_tests.sh": (
            '#!/bin/bash\necho "$RUN_INTEGRATION_TESTS"\n'
            + "if true; then\n" * 2000
            + "true\n"
            + "fi\n" * 2000
            + "(" * n
            + "true"
            + ")" * n
            + "\n"
        ),
        ".github/workflows/deep.yml": "env:\n  RUN_INTEGRATION_TESTS: '1'\nx: "
        + "[" * n * 10
        + "]" * n * 10
        + "\n",
        "package.json": '{"scripts": {"test": "RUN_INTEGRATION_TESTS=1 jest"}, "x": '
        + "[" * n * 10
        + "]" * n * 10
        + "}",
    }


def test_deep_nesting_is_a_parse_error_never_a_crash(write):
    """LibCST's native parser and libyaml's composer overflow the C stack on very deep input;
    the process must survive (a crash would show as a negative return code) and say why."""
    tree = write({**_deep_files(), GOOD_PATH: SKIP_ON_ENV})
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    got = {line.split(":")[0]: line for line in lines(proc) if "LI900" in line}
    deep = "LI900 [parse-error] nesting too deep to parse"
    assert set(got) == {
        "tests/test_parens.py",
        "tests/test_chain.py",
        "tests/test_subscripts.py",
        "tests/test_calls.py",
        "tests/test_unary.py",
        "tests/test_blocks.py",
        "Tiltfile",
        ".github/workflows/deep.yml",
        "package.json",
    }
    assert got["tests/test_parens.py"] == (
        f"tests/test_parens.py:8:205: {deep} (more than 200 nested brackets)"
    )
    assert got["tests/test_chain.py"] == (
        f"tests/test_chain.py:8:4003: {deep} (an expression more than 1000 levels deep)"
    )
    # ``a or b or ...`` is one flat node in ``ast``: the file is analysed like any other.
    assert [line for line in lines(proc) if line.startswith("tests/test_or.py:")] == [
        "tests/test_or.py:5:11: LI002 [no-direct-env-probe] suite reads ORDERS_URL directly; "
        'use require_env("ORDERS_URL") so repo mode gets the mock value and cluster mode fails '
        "fast"
    ]
    # 1,500 ``elif`` branches are within what Python's own parser builds: analysed as well.
    assert [line for line in lines(proc) if line.startswith("tests/test_elif.py:")] == [
        "tests/test_elif.py:5:11: LI002 [no-direct-env-probe] suite reads ORDERS_URL directly; "
        'use require_env("ORDERS_URL") so repo mode gets the mock value and cluster mode fails '
        "fast"
    ]
    assert got["tests/test_blocks.py"].startswith(
        "tests/test_blocks.py:108:1: LI900 [parse-error] "
    )
    assert got["tests/test_blocks.py"].endswith("indentation")
    assert got[".github/workflows/deep.yml"] == (
        f".github/workflows/deep.yml:3:1003: {deep} (more than 1000 levels)"
    )
    assert (
        got["package.json"]
        == "package.json:1:1: LI900 [parse-error] JSON nesting too deep to parse"
    )
    linted = {line.split(":")[0] for line in lines(proc) if "LI900" not in line}
    # Tree-sitter parses any depth: those files are linted as usual.
    assert {
        "svc/__tests__/deep.test.ts",
        "go/pkg/deep_test.go",
        "scripts/run_integration_tests.sh",
        GOOD_PATH,
    } <= linted
    # The string condition is parsed (never run); too deep to parse means unknown, not a crash.
    assert "tests/test_condition.py" not in got


# -- unreadable files and directories ----------------------------------------------------------


def test_unreadable_file_is_a_parse_error_naming_it(cli, tree, monkeypatch):
    """chmod 000 does not stop root, so the refusal is injected where files are opened."""
    (tree / "services/orders/tests/test_secret.py").write_text(SKIP_ON_ENV)
    real_open = os.open

    def deny(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("test_secret.py"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        GOOD + result.output.splitlines()[0][len(GOOD) :],
        "services/orders/tests/test_secret.py:1:1: LI900 [parse-error] "
        "cannot read file: permission denied",
    ]
    assert "Traceback" not in result.output


def test_unreadable_directory_is_a_notice_and_the_rest_is_linted(cli, tree, monkeypatch):
    (tree / "services/payments/tests").mkdir(parents=True)
    (tree / "services/payments/tests/test_payments.py").write_text(SKIP_ON_ENV)
    refuse_listing(monkeypatch, "payments")
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert (
        "lint-integration: services/payments: cannot read directory (permission denied); "
        "skipped" in out
    )
    assert [line for line in out if "LI0" in line] == [next(x for x in out if x.startswith(GOOD))]


def test_directories_named_like_source_files(tree):
    """A directory where a file is expected: walked as a directory, never read as a module."""
    odd = tree / "services/orders/tests/test_dir.py"
    odd.mkdir()
    (odd / "test_inner.py").write_text(SKIP_ON_ENV)
    (tree / "services/orders/tests/helpers.py").mkdir()
    (tree / "services/orders/tests/test_imports.py").write_text(
        "import pytest\n\nfrom helpers import LIVE\n\n\n"
        '@pytest.mark.skipif(not LIVE, reason="x")\ndef test_a():\n    pass\n'
    )
    proc = check(tree, ".", "services/orders/tests/test_dir.py")
    assert_calm(proc)
    assert [line.split(" [")[0] for line in lines(proc)] == [
        "services/orders/tests/test_dir.py/test_inner.py:6:1: LI001",
        GOOD.split(" [")[0],
    ]
    assert proc.stderr == ""


def test_a_fifo_named_like_source_never_blocks(tree):
    """Reading a FIFO would wait forever for a writer: named ones are skipped, unnamed ones are
    never reached (the walk takes regular files only)."""
    os.mkfifo(tree / "services/orders/tests/test_pipe.py")
    os.mkfifo(tree / "services/orders/run_integration_tests")
    os.mkfifo(tree / "services/orders/tests/helpers.py")
    (tree / "services/orders/tests/test_imports.py").write_text(
        "from helpers import LIVE\nimport pytest\n\n\n"
        '@pytest.mark.skipif(not LIVE, reason="x")\ndef test_a():\n    pass\n'
    )
    proc = check(
        tree,
        ".",
        "services/orders/tests/test_pipe.py",
        "services/orders/run_integration_tests",
    )
    assert_calm(proc)
    assert proc.returncode == 1
    assert lines(proc)[0].startswith(GOOD)
    assert notices(proc) == [
        "lint-integration: services/orders/tests/test_pipe.py: skipped, not a regular file"
    ]


# -- symlinks ----------------------------------------------------------------------------------


def test_symlink_loops_and_links_out_of_the_tree(tmp_path):
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    (root / "services/orders/tests").mkdir(parents=True)
    outside.mkdir()
    (root / GOOD_PATH).write_text(SKIP_ON_ENV)
    (outside / "test_elsewhere.py").write_text(SKIP_ON_ENV)
    tests = root / "services/orders/tests"
    (tests / "test_out.py").symlink_to(outside / "test_elsewhere.py")
    (tests / "loop_a.py").symlink_to("loop_b.py")
    (tests / "loop_b.py").symlink_to("loop_a.py")
    (tests / "dir_loop").symlink_to("..")
    (tests / "out_dir").symlink_to(outside)
    (tests / "test_dangling.py").symlink_to("nowhere.py")
    (tests / "test_alias.py").symlink_to("test_orders.py")
    proc = check(root)
    assert_calm(proc)
    assert proc.returncode == 1
    assert [line.split(" [")[0] for line in lines(proc)] == [GOOD.split(" [")[0]]
    assert notices(proc) == [
        "lint-integration: services/orders/tests/test_out.py: symlink points outside the "
        "scanned tree; skipped"
    ]
    named = check(
        root,
        "--output-format",
        "text",
        "services/orders/tests/test_out.py",
        "services/orders/tests/loop_a.py",
        "services/orders/tests/out_dir",
        "services/orders/tests/test_dangling.py",
    )
    assert_calm(named)
    assert named.returncode == 0
    assert named.stdout == "All clear: 0 files checked.\n"
    assert notices(named) == [
        "lint-integration: services/orders/tests/test_out.py: symlink points outside the "
        "scanned tree; skipped",
        "lint-integration: services/orders/tests/loop_a.py: cannot resolve path "
        "(Symlink loop from 'services/orders/tests/loop_a.py'); skipped",
        "lint-integration: services/orders/tests/out_dir: is a symlink to a directory; "
        "not followed",
        "lint-integration: services/orders/tests/test_dangling.py: cannot resolve path "
        "(no such file or directory); skipped",
    ]


# -- files that vanish -------------------------------------------------------------------------


def test_a_file_that_vanishes_after_discovery_is_a_notice(cli, tree, monkeypatch):
    victim = tree / "services/orders/tests/test_gone.py"
    victim.write_text(SKIP_ON_ENV)
    from lint_integration import discovery

    real_discover = discovery.discover

    def discover_then_delete(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        assert any(f.path.name == "test_gone.py" for f in found.files)
        victim.unlink()
        return found

    monkeypatch.setattr(discovery, "discover", discover_then_delete)
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert (
        "lint-integration: services/orders/tests/test_gone.py: skipped, it vanished before it "
        "could be read"
    ) in out
    assert [line for line in out if "LI0" in line or "LI9" in line] == [
        next(x for x in out if x.startswith(GOOD))
    ]


def test_a_module_that_vanishes_before_an_importer_reads_it(cli, tree, monkeypatch):
    """Imports are followed into sibling modules; one that is gone is unknown, not an error."""
    tests = tree / "services/orders/tests"
    (tests / "flags.py").write_text('import os\nLIVE = os.getenv("ORDERS_DATABASE_URL")\n')
    (tests / "test_flagged.py").write_text(
        "import pytest\n\nfrom flags import LIVE\n\n\n"
        '@pytest.mark.skipif(not LIVE, reason="x")\ndef test_a():\n    pass\n'
    )
    from lint_integration import discovery

    real_discover = discovery.discover

    def discover_then_delete(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        (tests / "flags.py").unlink()
        found.files = [f for f in found.files if f.path.name != "flags.py"]
        return found

    monkeypatch.setattr(discovery, "discover", discover_then_delete)
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.splitlines()[0].startswith(GOOD)


# -- non-ASCII paths ---------------------------------------------------------------------------

UMLAUT = "services/zahlungen/tests/test_über.py"


def test_non_ascii_paths_in_text_json_and_github_output(write, cli, monkeypatch):
    tree = write({UMLAUT: SKIP_ON_ENV})
    text = check(tree, "--output-format", "text")
    assert_calm(text)
    assert text.stdout.splitlines()[0].startswith(f"{UMLAUT}:6:1: LI001 [no-skip-on-env] ")
    as_json = in_process(cli, tree, monkeypatch, "--output-format", "json", ".")
    assert json.loads(as_json.output)[0]["path"] == UMLAUT
    github = in_process(cli, tree, monkeypatch, "--output-format", "github", ".")
    assert github.output.startswith(
        f"::error title=LI001 no-skip-on-env,file={UMLAUT},line=6,col=1,"
    )


def test_a_file_name_that_is_not_utf8_prints_in_every_format(tmp_path):
    """Linux file names are bytes; one that is not UTF-8 must not stop a strict-UTF-8 report."""
    directory = tmp_path / "services/orders/tests"
    directory.mkdir(parents=True)
    with open(os.path.join(os.fsencode(directory), b"test_\xff.py"), "wb") as fh:
        fh.write(SKIP_ON_ENV.encode())
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRATION_MODE")}
    env["PYTHONIOENCODING"] = "utf-8:strict"
    for fmt in ("text", "github", "sarif"):
        proc = subprocess.run(
            [sys.executable, "-m", "lint_integration", "check", f"--output-format={fmt}"],
            cwd=tmp_path,
            capture_output=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 1, (fmt, proc.stderr)
        assert b"Traceback" not in proc.stderr
        assert b"xff.py" in proc.stdout, fmt


# -- configuration -----------------------------------------------------------------------------

BAD_CONFIGS = [
    ("lint-integration.toml", "select = [\n", "not valid TOML: "),
    ("lint-integration.toml", b"\xff\xfe", "config is not valid UTF-8"),
    ("lint-integration.toml", 'select = "LI001"\n', "'select' expects a list of strings"),
    ("lint-integration.toml", "selec = ['LI001']\n", "unknown key 'selec' (did you mean"),
    ("lint-integration.toml", 'max-file-size = "big"\n', "'max-file-size' expects a positive"),
    ("lint-integration.toml", "respect-gitignore = 1\n", "expects true or false"),
    ("lint-integration.toml", "roles = 3\n", "'roles' expects a table"),
    ("lint-integration.toml", "tool = 1\n", "unknown key 'tool'"),
    ("lint-integration.toml", 'exclude = ["a[b"]\n', "bad glob 'a[b'"),
    ("pyproject.toml", "[tool.lint-integration\n", "not valid TOML: "),
    ("pyproject.toml", "[tool]\nlint-integration = 1\n", "tool.lint-integration: expected a table"),
    (
        "pyproject.toml",
        '[tool.lint-integration]\nper-file-ignores = {"x" = ["no-skip-on-en"]}\n',
        "unknown rule selector 'no-skip-on-en' (did you mean 'no-skip-on-env'?)",
    ),
    (
        "pyproject.toml",
        "[tool.lint-integration.helper]\npath = 1\n",
        "'tool.lint-integration.helper.path' expects a non-empty string",
    ),
]


@pytest.mark.parametrize(("name", "body", "expected"), BAD_CONFIGS)
def test_bad_config_is_one_line_and_exit_2(cli, tree, monkeypatch, name, body, expected):
    path = tree / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body)
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith(f"lint-integration: error: {path}: ")
    assert expected in result.output


def test_config_errors_through_a_real_process(tree):
    (tree / "lint-integration.toml").write_text("[[[\n")
    proc = check(tree)
    assert_calm(proc)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert notices(proc) == [
        f"lint-integration: error: {tree / 'lint-integration.toml'}: not valid TOML: "
        "Invalid initial character for a key part (at line 1, column 3)"
    ]


@pytest.mark.parametrize(
    "body",
    ["tool = 1\n", 'tool = "lint-integration"\n', "[tool]\nother = 1\n"],
)
def test_a_pyproject_that_is_not_ours_is_passed_over(tree, cli, monkeypatch, body):
    (tree / "pyproject.toml").write_text(body)
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 1
    assert result.output.startswith(GOOD)


def test_a_config_with_a_bom_is_read(tree, cli, monkeypatch):
    (tree / "pyproject.toml").write_bytes(
        BOM + b'[tool.lint-integration]\nignore = ["no-skip-on-env"]\n'
    )
    result = in_process(cli, tree, monkeypatch, "--output-format", "text", ".")
    assert result.exit_code == 0
    assert result.output == "All clear: 1 file checked.\n"


# -- .gitignore --------------------------------------------------------------------------------

NAMES = (
    "tests/test_a.py",
    "tests/test_b.py",
    "tests/sub/test_c.py",
    "tests/test_ sp.py",
    "tests/test_[x].py",
    "tests/test_\\x.py",
)
# What ``git ls-files --others --exclude-standard`` lists for each .gitignore (checked with git).
GITIGNORES = [
    ("\\\n", set(NAMES)),
    ("[\n", set(NAMES)),
    ("!\n", set(NAMES)),
    ("**/\n", set()),
    ("tests/**\n", set()),
    ("test_a.py   \n", set(NAMES) - {"tests/test_a.py"}),
    ("test_a.py\\ \n", set(NAMES)),
    ("**/sub/\n", set(NAMES) - {"tests/sub/test_c.py"}),
    ("/tests/sub\n", set(NAMES) - {"tests/sub/test_c.py"}),
    ("*.py\n!tests/test_a.py\n", {"tests/test_a.py"}),
    ("test_*.py\n!test_a.py\n", {"tests/test_a.py"}),
    ("\\[x\\]\n", set(NAMES)),
    ("test_[[]x].py\n", set(NAMES) - {"tests/test_[x].py"}),
    ("test_\\\\x.py\n", set(NAMES) - {"tests/test_\\x.py"}),
    ("test_a.py\r\ntests/sub/\r\n", set(NAMES) - {"tests/test_a.py", "tests/sub/test_c.py"}),
    ("# test_a.py\n\n   \n", set(NAMES)),
]


@pytest.mark.filterwarnings("ignore:Possible nested set:FutureWarning")
@pytest.mark.parametrize(("gitignore", "kept"), GITIGNORES)
def test_odd_gitignore_patterns_match_what_git_does(write, cli, monkeypatch, gitignore, kept):
    tree = write({name: 'import os\nX = os.environ["ORDERS_URL"]\n' for name in NAMES})
    (tree / ".git").mkdir()
    (tree / ".gitignore").write_bytes(gitignore.encode())
    result = in_process(cli, tree, monkeypatch, ".")
    assert "Traceback" not in result.output and "Warning" not in result.output
    reported = {line.split(":")[0] for line in result.output.splitlines() if ": LI" in line}
    assert reported == kept
    assert result.exit_code == (1 if kept else 0)


def test_a_bad_gitignore_line_is_named_and_the_rest_still_applies(write, cli, monkeypatch):
    tree = write({name: 'import os\nX = os.environ["ORDERS_URL"]\n' for name in NAMES})
    (tree / ".git").mkdir()
    (tree / ".gitignore").write_text("test_a.py\n[z-a]\ntest_b.py\n")
    result = in_process(cli, tree, monkeypatch, ".")
    out = result.output.splitlines()
    assert (
        "lint-integration: .gitignore:2: ignoring bad pattern '[z-a]': "
        "bad character range z-a at position 10"
    ) in out
    reported = {line.split(":")[0] for line in out if ": LI" in line}
    assert reported == set(NAMES) - {"tests/test_a.py", "tests/test_b.py"}


def test_a_huge_gitignore(write, cli, monkeypatch):
    tree = write({name: 'import os\nX = os.environ["ORDERS_URL"]\n' for name in NAMES})
    (tree / ".git").mkdir()
    patterns = [f"generated_{i}/**/*.py" for i in range(3000)] + ["test_b.py"]
    (tree / ".gitignore").write_text("\n".join(patterns) + "\n")
    result = in_process(cli, tree, monkeypatch, ".")
    reported = {line.split(":")[0] for line in result.output.splitlines() if ": LI" in line}
    assert reported == set(NAMES) - {"tests/test_b.py"}


# -- internal errors ---------------------------------------------------------------------------


CRASH_PATH = "services/orders/tests/test_crash.py"


def _break_python_frontend(monkeypatch):
    """The Python frontend fails on ``test_crash.py`` only, as a bug would."""
    from lint_integration.languages import python

    real = python.analyze

    def analyze(ctx):
        if ctx.file.path.name == "test_crash.py":
            raise ValueError("frontend exploded")
        return real(ctx)

    monkeypatch.setattr(python, "analyze", analyze)


def test_an_internal_error_names_the_file_and_the_run_goes_on(cli, tree, monkeypatch):
    (tree / CRASH_PATH).write_text(SKIP_ON_ENV)
    _break_python_frontend(monkeypatch)
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{GOOD_PATH}:")  # the other file is still checked and reported
    assert lines[-1] == (
        "lint-integration: internal error: ValueError: frontend exploded (while checking "
        f"{CRASH_PATH}) (run with --verbose for the traceback); please report it at "
        "https://github.com/platform/lint-integration/issues"
    )
    assert len(lines) == 2


def test_an_internal_error_in_the_prefilter_is_reported_the_same_way(cli, tree, monkeypatch):
    from lint_integration.languages import python

    real = python.might_match

    def might_match(raw, role, config):
        if b"# crash here" in raw:
            raise ValueError("prefilter exploded")
        return real(raw, role, config)

    monkeypatch.setattr(python, "might_match", might_match)
    (tree / CRASH_PATH).write_text(SKIP_ON_ENV + "# crash here\n")
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{GOOD_PATH}:")
    assert lines[-1].startswith(
        f"lint-integration: internal error: ValueError: prefilter exploded (while checking "
        f"{CRASH_PATH})"
    )
    assert len(lines) == 2


def test_verbose_shows_the_traceback_of_an_internal_error(cli, tree, monkeypatch):
    (tree / CRASH_PATH).write_text(SKIP_ON_ENV)
    _break_python_frontend(monkeypatch)
    result = in_process(cli, tree, monkeypatch, "--verbose", ".")
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.output
    assert 'raise ValueError("frontend exploded")' in result.output
    assert result.output.splitlines()[-1] == (
        "lint-integration: internal error: ValueError: frontend exploded (while checking "
        f"{CRASH_PATH}); please report it at https://github.com/platform/lint-integration/issues"
    )


def test_a_crashed_file_is_not_remembered_by_the_cache(cli, tree, monkeypatch):
    """The next run (bug fixed, or not) checks the file again rather than replaying a crash."""
    (tree / CRASH_PATH).write_text(SKIP_ON_ENV)
    monkeypatch.chdir(tree)
    with monkeypatch.context() as patched:
        _break_python_frontend(patched)
        first = cli(["check", "--jobs", "1", "--output-format", "concise", "."])
    second = cli(["check", "--jobs", "1", "--output-format", "concise", "."])
    assert first.exit_code == 2
    assert second.exit_code == 1
    assert f"{CRASH_PATH}:" in second.output


HOOKED_MAIN = """\
import sys
from lint_integration.languages import python

real = python.analyze

def analyze(ctx):
    if ctx.file.path.name == "test_crash.py":
        raise KeyError("boom")
    return real(ctx)

python.analyze = analyze
from lint_integration.cli import main
main(prog_name="lint-integration")
"""


def test_an_internal_error_in_a_real_process(tree):
    """The frontend is replaced before the command line starts; nothing in the tool knows."""
    (tree / CRASH_PATH).write_text(SKIP_ON_ENV)
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRATION_MODE")}
    for extra, traceback in (([], False), (["--verbose"], True)):
        proc = subprocess.run(
            [sys.executable, "-c", HOOKED_MAIN, "check", "--no-cache", *extra, "."],
            cwd=tree,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 2
        assert f"{GOOD_PATH}:" in proc.stdout
        assert CRASH_PATH not in proc.stdout
        assert ("Traceback" in proc.stderr) is traceback
        assert proc.stderr.splitlines()[-1].startswith(
            f"lint-integration: internal error: KeyError: 'boom' (while checking {CRASH_PATH})"
        )
        assert proc.stderr.splitlines()[-1].endswith(
            "please report it at https://github.com/platform/lint-integration/issues"
        )


def test_a_rule_that_recurses_too_deep_is_a_parse_error(cli, tree, monkeypatch):
    """A RecursionError while walking a deep tree is about the input, not a bug."""
    from lint_integration.rules import NO_SKIP_ON_ENV

    def deep(analysis, ctx):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(NO_SKIP_ON_ENV.checks, "python", deep)
    result = in_process(cli, tree, monkeypatch, ".")
    assert result.exit_code == 1
    assert result.output == f"{GOOD_PATH}:1:1: LI900 [parse-error] nesting too deep to parse\n"


# -- a warm run ----------------------------------------------------------------------------------


def test_a_warm_run_on_bad_input_says_the_same_and_sees_a_repair(tmp_path):
    """The result cache and the unchanged-tree shortcut must neither hide nor keep bad input."""
    shutil.copytree(FIXTURES / "bad_input" / "syntax", tmp_path, dirs_exist_ok=True)
    args = ["check", "--output-format", "concise", "."]
    first = run_cli(args, cwd=tmp_path)
    second = run_cli(args, cwd=tmp_path)
    assert (second.returncode, second.stdout, second.stderr) == (
        first.returncode,
        first.stdout,
        first.stderr,
    )
    broken = tmp_path / "services/orders/tests/test_broken.py"
    broken.write_text(broken.read_text().replace("test_refund(:", "test_refund():"))
    third = run_cli(args, cwd=tmp_path)
    assert "test_broken.py:4:17: LI900" in first.stdout
    assert "test_broken.py:4:17: LI900" not in third.stdout
    assert "test_broken.py:5:12: LI002" in third.stdout


# -- interrupted -------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["write", "replace"])
def test_ctrl_c_during_fix_is_one_line_exit_130_and_loses_nothing(cli, tree, monkeypatch, where):
    suite = tree / GOOD_PATH
    before = suite.read_bytes()
    real = getattr(os, where)

    def interrupted(*args, **kwargs):
        if where == "replace" or (args and args[0] > 2):  # not stdout or stderr
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.chdir(tree)
    monkeypatch.setattr(os, where, interrupted)
    result = cli(["fix", "--no-cache", "--jobs", "1", "."])
    monkeypatch.setattr(os, where, real)
    assert result.exit_code == 130
    assert result.output.splitlines()[-1] == "lint-integration: interrupted"
    assert suite.read_bytes() == before
    assert [p.name for p in suite.parent.iterdir()] == ["test_orders.py"]


def test_an_internal_error_crosses_process_boundaries_whole():
    """Workers send a FileCrash back to the parent by pickling: nothing of it may be lost."""
    import pickle

    from lint_integration.engine import FileCrash

    crash = pickle.loads(pickle.dumps(FileCrash("a/b.py", "KeyError: 'x'", "Traceback ...")))
    assert (crash.path, crash.error, crash.details) == ("a/b.py", "KeyError: 'x'", "Traceback ...")
    assert str(crash) == "KeyError: 'x' (while checking a/b.py)"


# -- reading one file ----------------------------------------------------------------------


def test_read_file_takes_regular_files_whole_and_refuses_the_rest(tmp_path, monkeypatch):
    from lint_integration import textio
    from lint_integration.textio import NotRead, read_file

    (tmp_path / "a.py").write_bytes(b"x = 1\r\n" * 3)
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "dir.py").mkdir()
    os.mkfifo(tmp_path / "pipe.py")
    assert read_file(tmp_path / "a.py") == b"x = 1\r\n" * 3
    assert read_file(tmp_path / "a.py", 21) == b"x = 1\r\n" * 3  # exactly at the limit
    assert read_file(tmp_path / "empty.py", 10) == b""
    with pytest.raises(NotRead) as over:
        read_file(tmp_path / "a.py", 20)
    assert over.value.size == 21
    for odd in (tmp_path / "dir.py", tmp_path / "pipe.py", "/dev/null", "/dev/zero"):
        with pytest.raises(NotRead, match="not a regular file"):
            read_file(odd, 1000)
    # A file that grows between its size and its read is read again, the careful way.
    grown = b"x = 1\r\n" * 3 + b"y = 2\n"
    real_pread = os.pread
    monkeypatch.setattr(textio, "_PREAD", lambda fd, n, at: real_pread(fd, n, at) + b"y")
    assert read_file(tmp_path / "a.py") == b"x = 1\r\n" * 3
    (tmp_path / "a.py").write_bytes(grown)
    assert read_file(tmp_path / "a.py", 100) == grown
