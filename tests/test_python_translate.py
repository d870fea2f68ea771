"""The LibCST view of the ``ast`` analysis that codemods rewrite: located nodes, shared facts,
the same spans, and findings left alone when their code cannot be located."""

from __future__ import annotations

import libcst as cst
import pytest

from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RuleSelection, RunOptions
from lint_integration.fixer import FixOptions, fix_run
from lint_integration.languages.python import analyze_source
from lint_integration.languages.python.cstmap import CstLocator
from lint_integration.languages.python.translate import to_cst
from tests.python_support import project_config

SOURCE = (
    "import os\n"
    "\n"
    "import pytest\n"
    "\n"
    "\n"
    '@pytest.mark.skipif(not os.getenv("ORDERS_DB"), reason="no db")\n'
    "def test_db():\n"
    '    url = os.environ["ORDERS_CACHE_URL"]\n'
    '    if os.getenv("INTEGRATION_MODE") == "Cluster":\n'
    "        pass\n"
)
SUITE = "services/orders/tests/integration/test_orders.py"


def _analysis(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.lint-integration]\n")
    return analyze_source(SOURCE, tmp_path / "tests" / "test_x.py", project_config(tmp_path))


def test_nodes_become_libcst_nodes_with_the_same_spans(tmp_path):
    analysis = _analysis(tmp_path)
    view = to_cst(analysis)
    assert isinstance(view.module, cst.Module) and view.module.code == SOURCE
    (gate,) = view.gates
    assert isinstance(gate.node, cst.Call) and isinstance(gate.decorator, cst.Decorator)
    assert gate.decorator.decorator is gate.node
    assert isinstance(gate.target_node, cst.FunctionDef)
    assert view.gate_span(gate) == analysis.gate_span(analysis.gates[0]) == ((6, 1), (6, 64))
    for old, new in zip(analysis.reads, view.reads, strict=True):
        assert view.span(new.node) == analysis.span(old.node)
        assert new.key_node is None or isinstance(new.key_node, cst.SimpleString)
    (value,) = view.mode_values
    assert isinstance(value.node, cst.SimpleString) and value.node.value == '"Cluster"'
    assert isinstance(value.construct, cst.Comparison)


def test_shared_facts_stay_shared(tmp_path):
    view = to_cst(_analysis(tmp_path))
    (gate,) = view.gates
    assert all(any(r is read for read in view.reads) for r in gate.reads)
    (mode_read,) = view.mode_reads
    assert any(mode_read.read is read for read in view.reads)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_finding_whose_code_cannot_be_located_is_left_with_a_reason(repo, monkeypatch):
    path = repo / SUITE
    path.parent.mkdir(parents=True)
    source = SOURCE.replace('"Cluster"', '"cluster"')
    path.write_text(source)
    monkeypatch.setattr(CstLocator, "find", lambda self, node: None)
    config = load_config(None, repo)
    files = discover([repo], config).files
    opts = FixOptions(run_options=RunOptions(cache=False, jobs=1))
    report = fix_run(files, config, RuleSelection(config), [], opts)
    assert path.read_text() == source  # nothing written on a guess
    assert report.fixed == {}
    assert report.problems
    assert all("could not be matched in the concrete syntax tree" in p for p in report.problems)
