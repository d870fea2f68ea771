"""The alias resolver: names are resolved by what they were bound to, never by spelling, and
local imports are found on disk relative to the importing file."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_integration.config import Config
from lint_integration.languages import ParseFailure
from lint_integration.languages.python import analyze_source
from lint_integration.languages.python.resolver import module_path, resolve_symbol


def analyse(source: str, name: str = "test_x.py"):
    return analyze_source(source, Path("/nonexistent") / name, Config(root=Path("/nonexistent")))


def read_vars(source: str) -> list[str | None]:
    return [r.var for r in analyse(source).reads]


@pytest.mark.parametrize(
    "source",
    [
        'import os\nos.environ["A_URL"]\n',
        'import os as o\no.getenv("A_URL")\n',
        'from os import environ as E\nE.get("A_URL")\n',
        'from os import getenv as g\ng("A_URL")\n',
        'from os import environ\n"A_URL" in environ\n',
        'import os\nenv = os.environ\nenv["A_URL"]\n',
        'import os\nread = os.environ.get\nread("A_URL")\n',
        'import os\nKEY = "A_URL"\nos.getenv(KEY)\n',
        'import os\n"A_URL" in os.environ.keys()\n',
        'import os\ndef f():\n    import os as inner\n    return inner.getenv("A_URL")\n',
    ],
)
def test_env_reads_through_every_binding(source):
    assert read_vars(source) == ["A_URL"]


@pytest.mark.parametrize(
    "source",
    [
        # Spelled like the environment, bound to something else.
        'def app(environ, start):\n    return environ.get("A_URL")\n',
        'environ = {}\nenviron["A_URL"]\n',
        'import os\ndef f(os):\n    return os.getenv("A_URL")\n',
        'from config import getenv\ngetenv("A_URL")\n',
        # Writes, deletes and removals are not reads.
        'import os\nos.environ["A_URL"] = "x"\n',
        'import os\ndel os.environ["A_URL"]\n',
        'import os\nos.environ.pop("A_URL", None)\n',
        'import os\nos.environ["PATH"] += ":/x"\n',
        'import os\nenv = dict(os.environ)\nenv["A_URL"]\n',
    ],
)
def test_lookalikes_are_not_reads(source):
    assert read_vars(source) == []


@pytest.mark.parametrize(
    "source",
    [
        'import os\nimport pytest\n@pytest.mark.skipif(not os.getenv("A_URL"), reason="")\n'
        "def test_a():\n    pass\n",
        'import os\nimport pytest as pt\n@pt.mark.skipif(not os.getenv("A_URL"), reason="")\n'
        "def test_a():\n    pass\n",
        'import os\nfrom pytest import mark\n@mark.skipif(not os.getenv("A_URL"), reason="")\n'
        "def test_a():\n    pass\n",
        'import os\nimport pytest\nm = pytest.mark\n@m.skipif(not os.getenv("A_URL"), reason="")\n'
        "def test_a():\n    pass\n",
        'import os\nfrom unittest import skipIf\n@skipIf(not os.getenv("A_URL"), "")\n'
        "def test_a():\n    pass\n",
        'import os\nimport unittest as ut\n@ut.skipUnless(os.getenv("A_URL"), "")\n'
        "def test_a():\n    pass\n",
        'import os\nfrom pytest import skip\ndef test_a():\n    if not os.getenv("A_URL"):\n'
        '        skip("x")\n',
        'import os\nfrom pytest import skip as sk\ndef test_a():\n    if not os.getenv("A_URL"):\n'
        '        sk("x")\n',
    ],
)
def test_skip_apis_through_every_binding(source):
    gates = analyse(source).gates
    assert [(g.env_vars, g.polarity) for g in gates] == [(("A_URL",), "missing")]


def test_a_local_skip_function_is_not_pytest_skip():
    source = (
        "import os\ndef skip(msg):\n    pass\n"
        'def test_a():\n    if not os.getenv("A_URL"):\n        skip("x")\n'
    )
    assert analyse(source).gates == []


def test_global_declaration_binds_the_module_name():
    source = (
        "import os\nimport pytest\nURL = None\n"
        "def setup_module():\n    global URL\n    URL = os.getenv('A_URL')\n"
        "def test_a():\n    if not URL:\n        pytest.skip('x')\n"
    )
    gates = analyse(source).gates
    assert [g.env_vars for g in gates] == [("A_URL",)]


def test_syntax_errors_raise_parse_failure_with_position():
    with pytest.raises(ParseFailure) as info:
        analyse("def test_a(:\n    pass\n")
    assert (info.value.line, info.value.column) == (1, 12)


def test_module_paths_relative_absolute_and_libraries(tmp_path):
    pkg = tmp_path / "services" / "orders" / "tests"
    (pkg / "integration").mkdir(parents=True)
    for rel in ("__init__.py", "markers.py", "integration/__init__.py", "integration/t.py"):
        (pkg / rel).write_text("")
    importer = pkg / "integration" / "t.py"
    assert module_path(importer, "..markers") == str(pkg / "markers.py")
    assert module_path(importer, ".") == str(pkg / "integration" / "__init__.py")
    assert module_path(importer, "services.orders.tests.markers") == str(pkg / "markers.py")
    assert module_path(importer, "os") is None
    assert module_path(importer, "pytest") is None
    assert module_path(importer, "nowhere.markers") is None
    assert resolve_symbol(importer, "..markers.live_only") == (str(pkg / "markers.py"), "live_only")
    assert resolve_symbol(importer, ".t") == (str(pkg / "integration" / "t.py"), None)
