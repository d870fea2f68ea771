"""The Python frontend is calm on any input: valid code never raises, invalid code raises only
ParseFailure, deep nesting is left to the engine's RecursionError handling."""

from __future__ import annotations

from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_integration.config import Config
from lint_integration.languages import ParseFailure
from lint_integration.languages.python import analyze_source

CONFIG = Config(root=Path("/nonexistent"))
PATH = Path("/nonexistent/tests/test_fuzz.py")

# Fragments of real gates, reads and writes, recombined at random.
FRAGMENTS = [
    "import os",
    "import pytest",
    "from os import environ as E, getenv as g",
    "from unittest import skipIf, skipUnless, SkipTest",
    'URL = os.getenv("A_URL")',
    'env = os.environ\nKEY = env.get("B_URL", "")',
    'live = pytest.mark.skipif(not os.environ.get("C_URL"), reason="x")',
    "def has():\n    return all(v in os.environ for v in ('D_URL', 'E_URL'))",
    "def flag(key):\n    return os.environ.get(key, '').lower() in ('1', 'true')",
    "@live\ndef test_a():\n    pass",
    '@pytest.mark.skipif("not os.environ.get(\'F_URL\')", reason="s")\ndef test_b():\n    pass',
    "def test_c():\n    if not URL:\n        pytest.skip('x')\n    return URL",
    "def test_d():\n    if not has():\n        return",
    "@skipUnless(flag('RUN_SLOW'), 'slow')\ndef test_e():\n    pass",
    'def test_f(monkeypatch):\n    monkeypatch.setenv("INTEGRATION_MODE", "live")',
    'MODE = os.environ.get("INTEGRATION_MODE", "repo")\nif MODE == "Cluster":\n    pass',
    'if os.getenv("CI"):\n    client = "mock"',
    'collect_ignore = ["x"] if not g("G_URL") else []',
    "try:\n    T = os.environ['H_TOKEN']\nexcept KeyError:\n    raise SkipTest('x')",
    "global_name = (w := os.getenv('I_URL')) or pytest.skip('x')",
    'x = {"RUN_INTEGRATION_TESTS": "1", **os.environ}',
    "def pytest_ignore_collect(collection_path, config):\n    return not os.getenv('J_URL')",
]


def _analyse(source: str):
    try:
        analysis = analyze_source(source, PATH, CONFIG)
    except ParseFailure:
        return None
    for gate in analysis.gates:
        analysis.gate_span(gate)
    for read in analysis.reads:
        analysis.span(read.node)
    return analysis


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12))
def test_recombined_gates_never_raise(parts):
    _analyse("\n\n".join(parts) + "\n")


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_arbitrary_valid_python_never_raises(source):
    _analyse(source)


@pytest.mark.parametrize(
    "source",
    ["def f(:\n", "if True:\npass\n", "'''unterminated\n", "@\n", "x = (\n"],
)
def test_invalid_code_raises_parse_failure(source):
    with pytest.raises(ParseFailure):
        analyze_source(source, PATH, CONFIG)


def test_nonlocal_with_target_binds_without_raising():
    # ``nonlocal c`` then ``async with ... as c``: the name binds in another scope.
    source = (
        "async def test_clients():\n"
        "    c = None\n"
        "    async def inner():\n"
        "        nonlocal c\n"
        "        async with make() as c:\n"
        "            assert c\n"
        "        for c in []:\n"
        "            pass\n"
    )
    analyze_source(source, PATH, CONFIG)
