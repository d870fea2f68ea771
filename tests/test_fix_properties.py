"""Property tests: on modules assembled from fixture fragments, ``fix`` output always parses,
a second ``fix`` is a no-op, and a module ``check`` reports clean is never changed.

The normal run tries a few examples per property; LINT_INTEGRATION_HYPOTHESIS_PROFILE=long
runs many more.
"""

from __future__ import annotations

import ast
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RuleSelection, RunOptions, run
from lint_integration.fixer import FixOptions, fix_run

settings.register_profile(
    "lint-integration-default",
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "lint-integration-long",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = (
    "lint-integration-long"
    if os.environ.get("LINT_INTEGRATION_HYPOTHESIS_PROFILE") == "long"
    else "lint-integration-default"
)

HEADER = "import os\nimport sys\nimport unittest\n\nimport pytest\n"

# Fragments with a finding (most of them fixable), each a top-level statement; {n} keeps names
# unique when a fragment is used twice.
DIRTY = [
    '@pytest.mark.skipif(not os.getenv("ORDERS_DB_{n}"), reason="no db")\n'
    "def test_skip_{n}():\n    pass\n",
    "@pytest.mark.skipif(\n    os.environ.get('BROKER_{n}') is None,\n    reason='x',\n)\n"
    "@pytest.mark.parametrize('v', [1])\ndef test_params_{n}(v):\n    assert v\n",
    '@unittest.skipUnless(os.environ.get("TOPIC_{n}"), "no topic")\n'
    "class Events{n}Test(unittest.TestCase):\n    def test_a(self):\n        pass\n",
    "@pytest.fixture\ndef url_{n}():\n"
    '    url = os.environ.get("URL_{n}")\n    if not url:\n        pytest.skip("no url")\n'
    "    return url\n",
    'def test_probe_{n}():\n    assert os.environ["PROBE_{n}"]  # keep this comment\n',
    'def test_default_{n}():\n    assert os.environ.get("DEF_{n}", "localhost")\n',
    '@pytest.mark.skipif(os.getenv("RUN_INTEGRATION_TESTS") != "1", reason="live")\n'
    "def test_live_{n}():\n    pass\n",
    "def test_refund_{n}():\n"
    '    if os.environ.get("RUN_LIVE_TESTS") != "1":\n        pytest.skip("live only")\n'
    "    assert True\n",
    'LIVE_{n} = os.getenv("PAYMENTS_USE_LIVE_DB") == "true"\n',
    'def mode_{n}():\n    return os.environ.get("INTEGRATION_MODE") == "cluster"\n',
    'MODE_{n} = os.getenv("TEST_MODE")\n',
    'def typo_{n}():\n    return os.getenv("INTEGRATION_MODE") == "Cluster"\n',
    '@pytest.mark.skipif(not os.getenv("A_{n}") or sys.platform == "win32", reason="x")\n'
    "def test_mixed_{n}():\n    pass\n",
    "class TestNested{n}:\n    class TestInner:\n"
    '        @pytest.mark.skipif(not os.getenv("NESTED_{n}"), reason="x")\n'
    "        def test_x(self):\n            pass\n",
]

# Fragments without findings: a clean module built from them must come back unchanged.
CLEAN = [
    "def test_plain_{n}():\n    assert 1 + 1 == 2\n",
    'def test_home_{n}():\n    assert os.environ.get("HOME") is not None or True\n',
    'def test_monkeypatch_{n}(monkeypatch):\n    monkeypatch.setenv("ORDERS_DB", "sqlite://")\n',
    "@pytest.mark.slow\ndef test_marked_{n}():\n    pass\n",
    "# A comment between tests.\n",
    'def test_sys_{n}():\n    assert sys.platform != "plan9"\n',
]


def module(parts: list[tuple[str, int]], crlf: bool) -> str:
    body = "\n\n".join(fragment.replace("{n}", str(n)) for fragment, n in parts)
    text = HEADER + "\n\n" + body
    return text.replace("\n", "\r\n") if crlf else text


def fix_text(text: str, unsafe: bool) -> tuple[str, str, object]:
    """Fix ``text`` as a suite module; returns (first result, second result, first report)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        path = root / "services/orders/tests/integration/test_generated.py"
        path.parent.mkdir(parents=True)
        path.write_bytes(text.encode())
        config = load_config(None, root)
        files = discover([path], config).files
        selection = RuleSelection(config)
        options = FixOptions(unsafe=unsafe, run_options=RunOptions(cache=False, jobs=1))
        report = fix_run(files, config, selection, [], options)
        first = path.read_bytes().decode()
        fix_run(files, config, selection, [], options)
        second = path.read_bytes().decode()
        return first, second, report


def findings_of(text: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        path = root / "services/orders/tests/integration/test_generated.py"
        path.parent.mkdir(parents=True)
        path.write_bytes(text.encode())
        config = load_config(None, root)
        files = discover([path], config).files
        opts = RunOptions(cache=False, jobs=1)
        return len(run(files, config, RuleSelection(config), [], opts).findings)


fragments = st.lists(
    st.tuples(st.sampled_from(DIRTY + CLEAN), st.integers(min_value=0, max_value=3)),
    min_size=1,
    max_size=6,
    unique=True,
)


@settings.get_profile(PROFILE)
@given(parts=fragments, crlf=st.booleans(), unsafe=st.booleans())
def test_fix_output_parses_and_a_second_fix_is_a_no_op(parts, crlf, unsafe):
    text = module(parts, crlf)
    first, second, report = fix_text(text, unsafe)
    ast.parse(first)
    assert second == first
    assert report.errors == []
    if crlf:
        assert "\n" not in first.replace("\r\n", "")


@settings.get_profile(PROFILE)
@given(
    parts=st.lists(
        st.tuples(st.sampled_from(CLEAN), st.integers(min_value=0, max_value=3)),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    crlf=st.booleans(),
)
def test_fix_never_changes_a_clean_module(parts, crlf):
    text = module(parts, crlf)
    assert findings_of(text) == 0
    first, _, report = fix_text(text, unsafe=True)
    assert first == text
    assert report.fixed == {}
