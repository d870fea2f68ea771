"""The Python frontend on CPython's ``ast``: spans as a concrete tree reports them, newer syntax,
and ``check`` without LibCST."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from lint_integration.languages.python import analyze_source
from tests.conftest import REPO
from tests.python_support import project_config


def _analysis(text: str, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.lint-integration]\n")
    return analyze_source(text, tmp_path / "tests" / "test_x.py", project_config(tmp_path))


def test_spans_count_characters_and_leave_out_parentheses(tmp_path):
    text = textwrap.dedent(
        """\
        import os
        é = "ünïcode"; url = os.environ["ORDERS_DATABASE_URL"]
        if (os.getenv("CACHE_URL")):
            pass
        print(os.getenv("QUEUE_URL"))
        print((os.getenv("TOPIC_URL")))
        """
    )
    analysis = _analysis(text, tmp_path)
    spans = {r.var: analysis.span(r.node) for r in analysis.reads}
    assert spans["ORDERS_DATABASE_URL"] == ((2, 22), (2, 55))
    assert spans["CACHE_URL"] == ((3, 5), (3, 27))
    assert spans["QUEUE_URL"] == ((5, 7), (5, 29))
    assert spans["TOPIC_URL"] == ((6, 8), (6, 30))


def test_decorator_and_header_spans(tmp_path):
    text = textwrap.dedent(
        """\
        import os
        import pytest


        @pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"), reason="no db")
        def test_orders():
            pass


        def test_inline():
            if not os.getenv("ORDERS_DATABASE_URL"):
                pytest.skip("no db")
        """
    )
    analysis = _analysis(text, tmp_path)
    mark, inline = sorted(analysis.gates, key=lambda g: analysis.gate_span(g))
    assert analysis.gate_span(mark) == ((5, 1), (5, 74))
    assert analysis.span(mark.node) == ((5, 2), (5, 74))
    assert analysis.gate_span(inline) == ((11, 5), (11, 44))


def _newer_snippet() -> str:
    if sys.version_info < (3, 12):
        return "type Url = str\n"
    return "try:\n    pass\nexcept KeyError, ValueError:\n    pass\n"  # Python 3.14 syntax


def test_newer_syntax_is_a_notice_not_a_parse_error(write, cli, monkeypatch):
    snippet = _newer_snippet()
    if sys.version_info >= (3, 14):  # nothing newer to write: stand in for an older parser
        import lint_integration.languages.python.analysis as analysis_module

        def old_parse(text, *args, **kwargs):
            raise SyntaxError("invalid syntax", ("x.py", 1, 1, text))

        monkeypatch.setattr(analysis_module.ast, "parse", old_parse)
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "services/orders/tests/test_new.py": (
                "import os\n\nURL = os.environ['ORDERS_URL']\n" + snippet
            ),
        }
    )
    done = cli(["check", "--no-cache", str(root)])
    assert "LI900" not in done.output
    assert "test_new.py: uses Python syntax newer than the running Python" in done.output
    assert "run lint-integration under a newer Python" in done.output


def test_invalid_code_is_still_a_parse_error(write, cli):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "services/orders/tests/test_bad.py": "import os\ndef f(:\n    os.environ['X']\n",
        }
    )
    done = cli(["check", "--no-cache", str(root)])
    assert "LI900" in done.output
    assert "newer than the running Python" not in done.output


_IN_PROCESS = """
import sys
from lint_integration.cli import main
try:
    main(["check", "--no-cache", "--jobs", "1", sys.argv[1]])
except SystemExit:
    pass
print("libcst imported:", "libcst" in sys.modules)
"""


def test_check_with_findings_never_imports_libcst(write):
    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "services/orders/tests/test_db.py": textwrap.dedent(
                """\
                import os
                import pytest

                DATABASE_URL = os.environ["ORDERS_DATABASE_URL"]


                @pytest.mark.skipif(not os.getenv("ORDERS_CACHE_URL"), reason="no cache")
                def test_cache():
                    assert os.environ.get("INTEGRATION_MODE") == "cluster"
                """
            ),
            "Tiltfile": (
                "local_resource('orders', cmd='pytest services/orders/tests',\n"
                "               env={'RUN_INTEGRATION_TESTS': '1'})\n"
            ),
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, str(root)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert "LI001" in done.stdout and "LI002" in done.stdout and "LI004" in done.stdout
    assert "Tiltfile:2:21: LI003" in done.stdout
    assert "libcst imported: False" in done.stdout


def test_warnings_about_the_checked_code_are_not_printed(write):
    from tests.conftest import run_cli

    root = write(
        {
            "pyproject.toml": "[tool.lint-integration]\n",
            "services/orders/tests/test_warn.py": (
                'import os\n\nPATTERN = "\\d+"\nURL = os.environ["ORDERS_URL"]\n'
                "assert PATTERN is not 'x'\n"
            ),
        }
    )
    done = run_cli(["check", "--no-cache", str(root)], cwd=root)
    assert "test_warn.py:4:7: LI002" in done.stdout
    assert done.stderr == ""
