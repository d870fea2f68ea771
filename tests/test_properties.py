"""Property tests: ``check`` is calm on any input, and ``fix`` is safe on any module built from
the rule fixtures' own fragments.

The number of examples comes from the Hypothesis profile chosen in tests/conftest.py: a bounded
run by default, many more with LINT_INTEGRATION_HYPOTHESIS_PROFILE=long.
"""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lint_integration import registry
from lint_integration.config import load_config
from lint_integration.discovery import SourceFile, discover
from lint_integration.engine import (
    FileResult,
    ProjectIndex,
    RuleSelection,
    RunOptions,
    check_file,
    check_source,
    run,
)
from lint_integration.fixer import FixOptions, fix_run
from lint_integration.languages import ParseFailure
from lint_integration.languages.nesting import check_depth
from lint_integration.languages.python.tree import quiet_parse
from lint_integration.textio import split_lines
from tests.conftest import FIXTURES

SUITE = "services/orders/tests/integration/test_generated.py"
RULES = {rule.name for rule in registry.all_rules()}


def _project(files: dict[str, bytes], tmp: str) -> tuple[Path, object, list[SourceFile]]:
    root = Path(tmp)
    (root / ".git").mkdir()
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    config = load_config(None, root)
    found = discover([root], config)
    return root, config, found.files


def _sane(result: FileResult, text: str) -> None:
    """Every finding names a known rule and points inside the file (lines as Python counts them:
    a lone CR ends a line too)."""
    n_lines = len(split_lines(text)) + 1
    for finding in result.findings + result.suppressed:
        assert finding.rule in RULES
        assert 1 <= finding.line <= finding.end_line <= n_lines + 1, finding
        assert finding.column >= 1 and finding.end_column >= 1, finding
        if finding.line == finding.end_line:
            assert finding.column <= finding.end_column, finding


def analyse(text: str, rel: str = SUITE) -> FileResult:
    """Decode, parse and run every rule on ``text`` as the file ``rel`` (no prefilter)."""
    with tempfile.TemporaryDirectory() as tmp:
        _, config, files = _project({rel: text.encode("utf-8", "surrogatepass")}, tmp)
        (file,) = files
        raw = Path(file.path).read_bytes()
        result = check_source(file, raw, config, RuleSelection(config), ProjectIndex(config))
    _sane(result, text)
    return result


ENV_SNIPPETS = [
    "import os\nURL = os.environ['ORDERS_DATABASE_URL']\n",
    "import os, pytest\n@pytest.mark.skipif(not os.getenv('BROKER_URL'), reason='x')\n"
    "def test_a():\n    pass\n",
    "import os\nif os.environ.get('INTEGRATION_MODE') == 'live':\n    pass\n",
    "import os\nLIVE = os.getenv('RUN_INTEGRATION_TESTS') == '1'\n",
    "from os import environ as E\nMODE = E.get('TEST_MODE')\n",
]


@given(source=hypothesmith.from_grammar())
def test_check_never_crashes_on_a_generated_module(source):
    result = analyse(source)
    assert result.parsed or [f.rule for f in result.findings] == ["parse-error"]


@given(source=hypothesmith.from_node(), env=st.sampled_from(ENV_SNIPPETS), first=st.booleans())
def test_check_never_crashes_on_a_generated_module_with_env_reads(source, env, first):
    text = env + "\n" + source if first else source + "\n" + env
    result = analyse(text)
    if result.parsed and not first:
        # The env read comes last, after whatever the generated code binds: still reported.
        assert result.findings or result.suppressed, text


@given(source=hypothesmith.from_grammar())
def test_the_nesting_guard_never_turns_away_generated_code(source):
    """Everything Python's own compiler accepts at ordinary depth passes the guard."""
    check_depth(source)


@given(text=st.text(max_size=400))
def test_the_nesting_guard_only_ever_raises_parse_failure(text):
    try:
        check_depth(text)
    except ParseFailure as exc:
        assert exc.line >= 1 and exc.column >= 1


# Pieces of several languages, shuffled into mostly broken files.
TOKENS = [
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "<",
    ">",
    ";",
    ":",
    ",",
    ".",
    "=",
    "==",
    "!=",
    "+",
    "-",
    "'",
    '"',
    "`",
    "$",
    "${",
    "#",
    "//",
    "/*",
    "*/",
    "\\",
    "\n",
    "\r\n",
    "\t",
    " ",
    "  - ",
    "if",
    "then",
    "fi",
    "else",
    "func",
    "package",
    "import",
    "const",
    "describe",
    "it",
    "os.environ",
    "os.getenv(",
    "process.env.",
    "os.Getenv(",
    "os.LookupEnv(",
    "t.Skip(",
    "ORDERS_URL",
    "RUN_INTEGRATION_TESTS",
    "INTEGRATION_MODE",
    "cluster",
    "live",
    "exit 0",
    "pytest.mark.skipif(",
    "@",
    "env:",
    "jobs:",
    "run:",
    "\x00",
    "\ufeff",
    "\u2028",
    "é",
]
LANGUAGE_FILES = [
    "services/orders/__tests__/orders.test.ts",
    "services/orders/pkg/orders_test.go",
    "services/orders/run_integration_tests.sh",
    ".github/workflows/integration.yml",
    "services/orders/chart/values.yaml",
    "package.json",
    "Tiltfile",
    SUITE,
]


@given(
    rel=st.sampled_from(LANGUAGE_FILES),
    parts=st.lists(st.sampled_from(TOKENS), max_size=60),
    raw_tail=st.binary(max_size=8),
)
def test_check_never_crashes_on_token_soup_in_any_language(rel, parts, raw_tail):
    data = "".join(parts).encode("utf-8") + raw_tail
    with tempfile.TemporaryDirectory() as tmp:
        _, config, files = _project({rel: data}, tmp)
        (file,) = files
        selection = RuleSelection(config)
        result = check_file(file, config, selection, ProjectIndex(config))
        assert isinstance(result, FileResult)
        raw_result = check_source(file, data, config, selection, ProjectIndex(config))
    text = data.decode("utf-8", "replace")
    _sane(result, text)
    _sane(raw_result, text)


# -- fix, on modules built from the rule fixtures ------------------------------------------------


def _fixture_fragments() -> tuple[list[str], list[str], list[str]]:
    """(imports, fragments of bad_* files, fragments of good_* files) of the Python fixtures."""
    imports: dict[str, None] = {}
    bad: list[str] = []
    good: list[str] = []
    for path in sorted((FIXTURES / "python").glob("*/*.py")):
        if not path.name.startswith(("bad_", "good_")):
            continue
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        for stmt in module.body:
            code = module.code_for_node(stmt).strip("\n") + "\n"
            is_import = isinstance(stmt, cst.SimpleStatementLine) and all(
                isinstance(small, (cst.Import, cst.ImportFrom)) for small in stmt.body
            )
            if is_import:
                if "__future__" not in code:
                    imports[code.strip() + "\n"] = None
            else:
                (bad if path.name.startswith("bad_") else good).append(code)
    return list(imports), bad, good


IMPORTS, BAD, GOOD = _fixture_fragments()


def test_the_fixtures_give_enough_fragments():
    assert len(BAD) >= 20 and len(GOOD) >= 10 and len(IMPORTS) >= 5


def _module(fragments: list[str], newline: str) -> str:
    text = "".join(IMPORTS) + "\n\n" + "\n\n".join(fragments)
    return text.replace("\n", newline)


def _encoded(text: str, bom: bool) -> bytes:
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")


def _fix_twice(files: dict[str, bytes], unsafe: bool):
    """Fix the tree twice; returns (bytes after the first, after the second, first report)."""
    with tempfile.TemporaryDirectory() as tmp:
        root, config, found = _project(files, tmp)
        options = FixOptions(unsafe=unsafe, run_options=RunOptions(cache=False, jobs=1))
        selection = RuleSelection(config)
        report = fix_run(found, config, selection, [], options)
        first = {rel: (root / rel).read_bytes() for rel in files}
        fix_run(found, config, selection, [], options)
        second = {rel: (root / rel).read_bytes() for rel in files}
        return first, second, report


def _findings(files: dict[str, bytes]) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root, config, found = _project(files, tmp)
        result = run(found, config, RuleSelection(config), [], RunOptions(cache=False, jobs=1))
        counts = {rel: 0 for rel in files}
        for finding in result.findings:
            rel = Path(finding.path).resolve().relative_to(root.resolve()).as_posix()
            counts[rel] += 1
        return counts


newlines = st.sampled_from(["\n", "\r\n"])
# A share of the profile's examples for the properties that run ``fix`` twice per example.
fix_examples = settings(max_examples=max(5, settings.default.max_examples // 3))


@pytest.mark.parametrize("unsafe", [False, True])
@fix_examples
@given(
    picked=st.lists(st.sampled_from(BAD + GOOD), min_size=1, max_size=5),
    newline=newlines,
    bom=st.booleans(),
)
def test_fix_output_parses_and_a_second_fix_is_a_no_op(picked, newline, bom, unsafe):
    data = _encoded(_module(picked, newline), bom)
    first, second, report = _fix_twice({SUITE: data}, unsafe)
    fixed = first[SUITE]
    assert second[SUITE] == fixed, "a second fix changed the file again"
    assert report.errors == []
    assert fixed.startswith(codecs.BOM_UTF8) == bom
    text = fixed.decode("utf-8-sig")
    quiet_parse(text)  # the generated code's odd corners (``...[x]``) only draw warnings
    cst.parse_module(text)
    if newline == "\r\n":
        assert "\n" not in text.replace("\r\n", ""), "a bare LF crept into a CRLF file"
    else:
        assert "\r" not in text


@fix_examples
@given(
    picked=st.lists(st.sampled_from(BAD + GOOD), min_size=1, max_size=5),
    newline=newlines,
)
def test_fix_never_changes_a_module_check_reports_clean(picked, newline):
    data = _module(picked, newline).encode()
    assume(_findings({SUITE: data})[SUITE] == 0)
    first, _, report = _fix_twice({SUITE: data}, unsafe=True)
    assert first[SUITE] == data
    assert report.errors == []


@fix_examples
@given(
    clean=st.lists(st.sampled_from(GOOD), min_size=1, max_size=4),
    dirty=st.lists(st.sampled_from(BAD), min_size=1, max_size=4),
    newline=newlines,
)
def test_fix_leaves_clean_files_alone_while_fixing_their_neighbours(clean, dirty, newline):
    other = "services/orders/tests/integration/test_neighbour.py"
    files = {SUITE: _module(clean, newline).encode(), other: _module(dirty, newline).encode()}
    assume(_findings(files)[SUITE] == 0)
    first, _, _ = _fix_twice(files, unsafe=True)
    assert first[SUITE] == files[SUITE]
