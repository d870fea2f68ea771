"""The prefilter is conservative: when a frontend's ``might_match`` says no, no rule can fire.

Checked on every source file under tests/fixtures, tests/snapshots and examples/ (all languages,
in every role), and on Hypothesis-mutated variants of them (lines deleted, duplicated, swapped,
borrowed from another file, identifiers renamed to env-ish names, files truncated). Also shows
the common case: files that name nothing a rule looks at are dropped before parsing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_integration import registry
from lint_integration.classify import LANGUAGES, language_of
from lint_integration.config import CONFIG_FILENAMES, load_config
from lint_integration.discovery import SourceFile
from lint_integration.engine import ProjectIndex, RuleSelection, check_source
from lint_integration.languages import frontend

REPO = Path(__file__).resolve().parent.parent
SOURCE_ROOTS = (REPO / "tests" / "fixtures", REPO / "tests" / "snapshots", REPO / "examples")
ROLES = ("suite", "runner", "ci", "helper", "other")


@dataclass(frozen=True)
class Sample:
    path: Path
    relpath: str
    language: str
    root: Path
    raw: bytes


def _project_root(path: Path, source_root: Path) -> Path:
    """The nearest directory with a config file or .git, else the fixture area directory."""
    for directory in path.parents:
        if directory == source_root.parent:
            break
        if (directory / ".git").exists() or any(
            (directory / name).is_file() for name in CONFIG_FILENAMES
        ):
            return directory
    rel = path.relative_to(source_root).parts
    return source_root / rel[0] if len(rel) > 1 else source_root


@cache
def corpus() -> tuple[Sample, ...]:
    samples = []
    for source_root in SOURCE_ROOTS:
        if not source_root.is_dir():
            continue
        for directory, dirnames, filenames in os.walk(source_root):
            dirnames[:] = sorted(d for d in dirnames if d not in ("__pycache__", ".git"))
            for name in sorted(filenames):
                path = Path(directory) / name
                raw = path.read_bytes()
                language = language_of(str(path), raw[:128])
                if language is None or frontend(language) is None:
                    continue
                root = _project_root(path, source_root)
                relpath = path.relative_to(root).as_posix()
                samples.append(Sample(path, relpath, language, root, raw))
    return tuple(samples)


@cache
def _config(root: Path):
    for name in CONFIG_FILENAMES:
        candidate = root / name
        if candidate.is_file() and (
            name != "pyproject.toml" or b"[tool.lint-integration" in candidate.read_bytes()
        ):
            return load_config(candidate)
    return load_config(None, root)


@cache
def _selection(root: Path) -> RuleSelection:
    config = _config(root)
    return RuleSelection(config, [r.name for r in registry.all_rules()])


def findings(sample: Sample, role: str, raw: bytes) -> list:
    """What every rule reports on ``raw`` as ``sample``'s file in ``role``, parse errors aside."""
    config = _config(sample.root)
    file = SourceFile(sample.path, sample.relpath, sample.language, role)
    result = check_source(file, raw, config, _selection(sample.root), ProjectIndex(config))
    return [f for f in (*result.findings, *result.suppressed) if f.rule != "parse-error"]


def dropped_by_prefilter(module, raw: bytes, file: SourceFile, config) -> bool:
    """Both stages, as the engine runs them: ``might_match``, then ``prescreen`` if any."""
    if not module.might_match(raw, file.role, config):
        return True
    prescreen = getattr(module, "prescreen", None)
    return prescreen is not None and not prescreen(raw, file, config, ProjectIndex(config))


def assert_conservative(sample: Sample, raw: bytes) -> int:
    """Check every role; returns how many roles the prefilter dropped."""
    module = frontend(sample.language)
    config = _config(sample.root)
    dropped = 0
    for role in ROLES:
        file = SourceFile(sample.path, sample.relpath, sample.language, role)
        if not dropped_by_prefilter(module, raw, file, config):
            continue
        dropped += 1
        found = findings(sample, role, raw)
        assert found == [], (
            f"{sample.path} as {role}: might_match said no, but rules report "
            + "; ".join(f"{f.line}:{f.column} {f.rule} {f.message}" for f in found)
        )
    return dropped


def test_the_corpus_covers_every_language():
    languages = {s.language for s in corpus()}
    assert languages >= {"python", "shell", "yaml"}, languages
    assert len(corpus()) >= 50


def test_every_language_has_a_prefilter():
    for language in LANGUAGES:
        module = frontend(language)
        assert module is not None, language
        assert callable(getattr(module, "might_match", None)), language
        assert callable(getattr(module, "analyze", None)), language


def test_no_rule_fires_on_a_dropped_corpus_file():
    dropped = sum(assert_conservative(sample, sample.raw) for sample in corpus())
    assert dropped > 0  # some (file, role) pairs really were dropped and then checked


# -- mutations -----------------------------------------------------------------------------

_IDENT = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
ENVISH = [
    b"environ",
    b"getenv",
    b"env",
    b"E",
    b"os",
    b"skip",
    b"skipif",
    b"skipIf",
    b"skipUnless",
    b"SkipTest",
    b"LIVE",
    b"INTEGRATION_MODE",
    b"RUN_INTEGRATION_TESTS",
    b"TEST_MODE",
    b"CI",
    b"process",
    b"Getenv",
    b"LookupEnv",
    b"Skip",
    b"exit",
    b"x",
]


@st.composite
def mutated(draw, language: str):
    samples = [s for s in corpus() if s.language == language]
    sample = draw(st.sampled_from(samples))
    lines = sample.raw.splitlines(keepends=True) or [b""]
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "rename", "borrow", "truncate"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "truncate":
            lines = lines[: i + 1]
        elif op == "borrow":
            other = draw(st.sampled_from(samples)).raw.splitlines(keepends=True)
            if other:
                lines.insert(i, other[draw(st.integers(0, len(other) - 1))])
        elif op == "rename":
            text = b"".join(lines)
            names = sorted(set(_IDENT.findall(text)))
            if names:
                old = draw(st.sampled_from(names))
                new = draw(st.sampled_from(ENVISH))
                text = re.sub(rb"\b" + re.escape(old) + rb"\b", new, text)
                lines = text.splitlines(keepends=True) or [b""]
    return sample, b"".join(lines)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_no_rule_fires_on_a_dropped_mutant(language):
    if not any(s.language == language for s in corpus()):
        # No fixtures for this language: nothing to mutate, and the check above covers it.
        assert frontend(language) is not None
        return

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(mutated(language))
    def check(case):
        sample, raw = case
        assert_conservative(sample, raw)

    check()


# -- the common case -------------------------------------------------------------------------

QUIET = {
    ("python", "services/orders/tests/test_totals.py", "suite"): (
        b'"""Totals in every environment."""\nimport json\nimport pytest\n\n'
        b"from orders.totals import total\n"
        b"from .factories import make_order\n\n\n"
        b"@pytest.mark.parametrize('items', [[1, 2], []])\n"
        b"def test_total(items):\n    assert total(items) == sum(items)\n\n\n"
        b"@pytest.mark.skip(reason='flaky upstream')\n"
        b"def test_order():\n    assert make_order().id == 1\n"
    ),
    ("python", "services/orders/orders/models.py", "other"): (
        b"from dataclasses import dataclass\n\n\n@dataclass\nclass Order:\n    id: int\n"
    ),
    ("shell", "scripts/build.sh", "other"): b"#!/bin/sh\nset -eu\nmake build\n",
    ("typescript", "web/src/total.ts", "other"): (
        b"export function total(xs: number[]): number {\n"
        b"  return xs.reduce((a, b) => a + b, 0);\n}\n"
    ),
    ("go", "services/orders/total.go", "other"): (
        b'package orders\n\nimport "fmt"\n\nfunc Total(xs []int) string {\n'
        b"\treturn fmt.Sprint(len(xs))\n}\n"
    ),
    (
        "yaml",
        "deploy/app.yaml",
        "other",
    ): b"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n",
    ("yaml", ".github/workflows/lint.yml", "ci"): (
        b"on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n"
        b"      - run: make lint\n"
    ),
    ("tiltfile", "Tiltfile", "ci"): b"k8s_yaml('deploy/app.yaml')\nk8s_resource('web')\n",
    ("package-json", "package.json", "other"): b'{"name": "web", "scripts": {"build": "tsc"}}\n',
}
# The modules the quiet suite imports: local, and nothing env-derived in them.
QUIET_PROJECT = {
    "services/orders/orders/__init__.py": b"",
    "services/orders/orders/totals.py": b"def total(items):\n    return sum(items)\n",
    "services/orders/tests/__init__.py": b"",
    "services/orders/tests/factories.py": (
        b"from orders.models import Order\n\n\ndef make_order():\n    return Order(1)\n"
    ),
}


@pytest.mark.parametrize(("language", "relpath", "role"), sorted(QUIET))
def test_files_that_name_nothing_a_rule_reads_are_dropped(language, relpath, role, tmp_path):
    for rel, content in {**QUIET_PROJECT, relpath: QUIET[(language, relpath, role)]}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(content)
    (tmp_path / "services/orders/orders/models.py").write_bytes(
        QUIET[("python", "services/orders/orders/models.py", "other")]
    )
    config = load_config(None, tmp_path)
    file = SourceFile(tmp_path / relpath, relpath, language, role)
    raw = QUIET[(language, relpath, role)]
    assert dropped_by_prefilter(frontend(language), raw, file, config)


# -- the second stage: a suite's imports -------------------------------------------------------

HELPERS = "import os\n\nLIVE = os.getenv('ORDERS_DATABASE_URL')\n"
SUITE_BODY = "\n\n@pytest.mark.skipif(not LIVE, reason='no db')\ndef test_db():\n    pass\n"


@pytest.mark.parametrize(
    ("imports", "files", "kept"),
    [
        ("from helpers import LIVE", {}, True),
        ("from .helpers import LIVE", {}, True),
        ("from . import helpers\nLIVE = helpers.LIVE", {}, True),
        ("import helpers as h\nLIVE = h.LIVE", {}, True),
        ("from helpers import (\n    OTHER,\n    LIVE,\n)", {}, True),
        ("from helpers \\\n    import LIVE", {}, True),
        ("from helpers \\\r\n    import LIVE", {}, True),  # a CRLF continuation
        ("from reexport import LIVE", {"reexport.py": "from helpers import LIVE\n"}, True),
        ("from star import *", {"star.py": "from .helpers import *\n"}, True),
        ("from pkg.inner import LIVE", {"pkg/__init__.py": "", "pkg/inner.py": HELPERS}, True),
        (
            "from pkg import inner\nLIVE = inner.LIVE",
            {"pkg/__init__.py": "", "pkg/inner.py": HELPERS},
            True,
        ),
        ("from quiet import LIVE", {"quiet.py": "LIVE = True\n"}, False),
        ("import json; from helpers import LIVE", {}, True),
        ("from json import loads; import helpers\nLIVE = helpers.LIVE", {}, True),
        ("if True: from helpers import LIVE", {}, True),
        # ``from X import helpers`` binds an attribute of X, never the top-level ``helpers``.
        ("from quiet import helpers\nLIVE = helpers.LIVE", {"quiet.py": "helpers = 1\n"}, False),
        ("from django.test import TestCase\nLIVE = 1", {}, False),
        ("from json import loads as LIVE", {}, False),
    ],
)
def test_the_second_stage_follows_imports(imports, files, kept, tmp_path):
    tree = {"tests/__init__.py": "", "tests/helpers.py": HELPERS, "tests/conftest.py": ""}
    tree.update({f"tests/{rel}": text for rel, text in files.items()})
    suite = f"import pytest\n{imports}\n{SUITE_BODY}"
    tree["tests/test_db.py"] = suite
    for rel, text in tree.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    config = load_config(None, tmp_path)
    file = SourceFile(tmp_path / "tests/test_db.py", "tests/test_db.py", "python", "suite")
    module = frontend("python")
    dropped = dropped_by_prefilter(module, suite.encode(), file, config)
    assert dropped is not kept
    sample = Sample(file.path, file.relpath, "python", tmp_path, suite.encode())
    _config.cache_clear()
    _selection.cache_clear()
    found = findings(sample, "suite", suite.encode())
    if dropped:
        assert found == []
    else:  # the gate really does depend on the import: dropping this file would lose it
        assert [f.rule for f in found] == ["no-skip-on-env"]


@pytest.mark.parametrize(("end", "kept"), [(HELPERS, True), ("LIVE = False\n", False)])
def test_the_graph_does_not_read_again_a_module_the_prefilter_read(
    end, kept, tmp_path, monkeypatch
):
    """A helper module that is a file of the run too, staged before the suite that imports
    it: the graph answers from what the prefilter found in it, reads it once, and still
    follows it to the module it imports (which reads the environment, or not)."""
    from lint_integration.languages.python import importgraph

    tree = {
        "tests/__init__.py": "",
        "tests/consts.py": end,
        "tests/helpers.py": "from .consts import LIVE\n",
        "tests/test_db.py": f"import pytest\nfrom .helpers import LIVE\n{SUITE_BODY}",
    }
    for rel, text in tree.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    reads: list[str] = []
    read_file = importgraph.read_file

    def counted(path, *args, **kwargs):
        reads.append(os.path.basename(path))
        return read_file(path, *args, **kwargs)

    monkeypatch.setattr(importgraph, "read_file", counted)  # the graph's reads
    config = load_config(None, tmp_path)
    project = ProjectIndex(config)
    assert _staged(tmp_path, "tests/helpers.py", config, project) is kept
    assert _staged(tmp_path, "tests/test_db.py", config, project) is kept
    assert reads.count("helpers.py") == 0  # the stage's own read is not the graph's
    assert reads.count("consts.py") == 1
    fresh = ProjectIndex(config)  # a graph that never saw helpers.py gives the same answer
    assert _staged(tmp_path, "tests/test_db.py", config, fresh) is kept
    assert reads.count("helpers.py") == 1


def test_a_staged_module_linked_out_of_the_project_is_not_followed(tmp_path):
    """A file of the run that is a link out of the project, staged before a suite that
    imports it: the graph never follows such a link, so that suite gets the answer a graph
    that never staged the link gives (here: nothing reaches the environment)."""
    project_dir = tmp_path / "proj"
    (project_dir / "tests").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "helpers.py").write_text("from .consts import LIVE\n")
    (project_dir / "tests" / "__init__.py").write_text("")
    (project_dir / "tests" / "consts.py").write_text(HELPERS)
    (project_dir / "tests" / "helpers.py").symlink_to(tmp_path / "outside" / "helpers.py")
    suite = f"import pytest\nfrom .helpers import LIVE\n{SUITE_BODY}"
    (project_dir / "tests" / "test_db.py").write_text(suite)
    config = load_config(None, project_dir)
    project = ProjectIndex(config)
    # helpers.py's own import reaches consts.py
    assert _staged(project_dir, "tests/helpers.py", config, project) is True
    assert _staged(project_dir, "tests/test_db.py", config, project) is False
    assert _staged(project_dir, "tests/test_db.py", config, ProjectIndex(config)) is False


def _staged(root, rel: str, config, project) -> bool:
    """Both prefilter stages for the suite ``rel`` under ``root`` (the first must keep it)."""
    module = frontend("python")
    raw = (root / rel).read_bytes()
    file = SourceFile(root / rel, rel, "python", "suite")
    assert module.might_match(raw, file.role, config)
    return module.prescreen(raw, file, config, project)


_LINKS = [
    "from .{nxt} import LIVE\n",
    "from .{nxt} import *\n",
    "from . import {nxt}\nLIVE = {nxt}.LIVE\n",
    "from tests.{nxt} import (\n    LIVE,\n)\n",
    "import tests.{nxt} as other\nLIVE = other.LIVE\n",
    "LIVE = True\n",  # the chain is broken here
]
_ENDS = [HELPERS, "LIVE = False\n", "import os\n\nLIVE = 'environ' in os.__dict__\n"]


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    links=st.lists(st.sampled_from(_LINKS), min_size=0, max_size=3),
    end=st.sampled_from(_ENDS),
    use=st.sampled_from(_LINKS[:5]),
)
def test_the_second_stage_is_conservative_on_import_chains(links, end, use, tmp_path_factory):
    root = tmp_path_factory.mktemp("chain")
    modules = [f"m{i}" for i in range(len(links) + 1)]
    tree = {"tests/__init__.py": "", f"tests/{modules[-1]}.py": end}
    for i, link in enumerate(links):
        tree[f"tests/{modules[i]}.py"] = link.format(nxt=modules[i + 1])
    suite = "import pytest\n" + use.format(nxt=modules[0]) + SUITE_BODY
    tree["tests/test_db.py"] = suite
    for rel, text in tree.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    config = load_config(None, root)
    file = SourceFile(root / "tests/test_db.py", "tests/test_db.py", "python", "suite")
    if dropped_by_prefilter(frontend("python"), suite.encode(), file, config):
        sample = Sample(file.path, file.relpath, "python", root, suite.encode())
        assert findings(sample, "suite", suite.encode()) == []


def test_toggle_fragments_are_the_fewest_substrings_that_find_every_toggle():
    from lint_integration.languages.facts import literal_fragments

    patterns = ["RUN_INTEGRATION_TESTS", "*_INTEGRATION_USE_LIVE_DB", "*_USE_LIVE_*", "USE_MOCK_*"]
    assert literal_fragments(patterns) == [b"RUN_INTEGRATION_TESTS", b"_USE_LIVE_", b"USE_MOCK_"]
    assert literal_fragments(["*_USE_MOCK_*", "*_USE_MOCK_*"]) == [b"_USE_MOCK_"]
    assert literal_fragments(["RUN_*", "*"]) is None


def test_the_second_stage_skips_the_token_search_only_for_what_the_first_kept_for_imports():
    from lint_integration.languages import python

    config = load_config(None, REPO)
    imports_only = b"from .helpers import LIVE\n"
    with_token = b"import os\nfrom .helpers import LIVE\nURL = os.getenv('ORDERS_URL')\n"
    assert python.might_match(imports_only, "suite", config)
    assert python.kept_for_imports_only(imports_only)
    assert not python.kept_for_imports_only(bytes(bytearray(imports_only)))  # another object
    assert python.might_match(with_token, "suite", config)
    assert not python.kept_for_imports_only(with_token)


NEEDLES = [b"environ", b"getenv", b"INTEGRATION_MODE", b"RUN_INTEGRATION_TESTS", b"_USE_LIVE_"]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [*NEEDLES, b"env", b"INTEGRATION", b"_LIVE_", b"x", b"\n", b"USE_", b"\0", b"\xff"]
        ),
        max_size=12,
    ),
    st.lists(st.sampled_from(NEEDLES), min_size=1, max_size=5, unique=True),
)
def test_both_scans_find_exactly_what_a_scan_per_needle_finds(pieces, needles):
    from lint_integration.languages.envfacts import Needles

    raw = b"".join(pieces)
    expected = any(needle in raw for needle in needles)
    anchored = Needles(needles, native=False)
    assert anchored.native is None
    assert all(any(anchor in needle for anchor in anchored.anchors) for needle in needles)
    assert anchored(raw) == expected
    native = Needles(needles)
    assert native.native is not None  # the test extra installs Hyperscan
    assert native(raw) == expected
    assert native(raw) == expected  # no match is left over from the scan before


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*NEEDLES, b"import", b"imp", b"ort", b"x", b"\n", b"\0", b"\xff"]),
        max_size=14,
    ),
    st.lists(st.sampled_from(NEEDLES), min_size=1, max_size=5, unique=True),
)
def test_the_marked_scan_finds_a_needle_or_every_mark(pieces, needles):
    """One pass for the needles and the marks: ``None`` exactly when a needle is there, else
    the offset of every mark, with Hyperscan and without."""
    from lint_integration.languages.envfacts import MarkedNeedles, Needles

    raw = b"".join(pieces)
    marks = [i for i in range(len(raw)) if raw.startswith(b"import", i)]
    expected = None if any(needle in raw for needle in needles) else marks
    native = MarkedNeedles(Needles(needles), b"import")
    assert native._native is not None  # the test extra installs Hyperscan
    plain = MarkedNeedles(Needles(needles, native=False), b"import", native=False)
    assert plain(raw) == expected
    assert native(raw) == expected
    assert native(raw) == expected  # nothing is left over from the scan before


def test_import_statements_are_the_same_from_known_marks():
    from lint_integration.languages.python import importgraph

    source = (
        b"import os\nfrom .a import (\n  b,\n)\nx = 'important'\n"
        b"def f():\n    import json; from \\\n  pkg import mod\n"
    )
    marks = [i for i in range(len(source)) if source.startswith(b"import", i)]
    assert importgraph.statements(source, marks) == importgraph.statements(source)
    assert importgraph.statements(source, []) == []
    assert len(importgraph.statements(source)) == 4


def test_the_native_scan_reads_every_byte_of_a_big_file():
    from lint_integration.languages.envfacts import Needles

    found = Needles([b"environ", b"INTEGRATION_MODE"])
    body = b"x = 1\n" * 200_000
    assert not found(body)
    assert found(body + b"os.environ")
    assert found(b"INTEGRATION_MODE" + body)
    assert not found(b"")


def test_the_anchors_are_fewer_than_the_needles_when_needles_share_pieces():
    from lint_integration.languages.envfacts import Needles

    found = Needles([b"environ", b"getenv", b"INTEGRATION_MODE", b"RUN_INTEGRATION_TESTS"])
    assert found.anchors == (b"INTEGRATION_", b"env")
    for scan in (found, Needles(found.needles, native=False)):
        assert not scan(b"import os\nenv = {}\n")  # an anchor, but no needle
        assert scan(b"os.getenv('X')")


def test_one_statement_is_resolved_where_each_importer_finds_its_module(tmp_path):
    """``from helpers import LIVE`` in two suites of one run: each finds its own ``helpers``
    (one reads the environment, one does not), or a shared one above both."""
    tree = {
        "svc_a/tests/helpers.py": HELPERS,
        "svc_b/tests/helpers.py": "LIVE = True\n",
        "svc_c/tests/test_c.py": None,
        "svc_c/helpers.py": HELPERS,  # found from svc_c/tests (one level up)
    }
    suite = f"import pytest\nfrom helpers import LIVE\n{SUITE_BODY}"
    for rel, text in tree.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text if text is not None else suite)
    for rel in ("svc_a/tests/test_a.py", "svc_b/tests/test_b.py"):
        (tmp_path / rel).write_text(suite)
    config = load_config(None, tmp_path)
    project = ProjectIndex(config)
    module = frontend("python")
    kept = {}
    for rel in ("svc_a/tests/test_a.py", "svc_b/tests/test_b.py", "svc_c/tests/test_c.py"):
        file = SourceFile(tmp_path / rel, rel, "python", "suite")
        raw = suite.encode()
        kept[rel] = module.might_match(raw, "suite", config) and module.prescreen(
            raw, file, config, project
        )
    assert kept == {
        "svc_a/tests/test_a.py": True,
        "svc_b/tests/test_b.py": False,
        "svc_c/tests/test_c.py": True,
    }


def test_the_import_graph_resolves_from_listings_as_the_resolver_does(tmp_path):
    """The second stage answers "which file is this import" from directory listings; the
    analysis asks the file system. They must agree, or a suite could be dropped wrongly."""
    import itertools

    from lint_integration.languages.python import resolver as R
    from lint_integration.languages.python.importgraph import ImportGraph

    tree = [
        "svc/tests/test_a.py",
        "svc/tests/helpers.py",
        "svc/tests/pkg/__init__.py",
        "svc/tests/pkg/mod.py",
        "svc/tests/pkg/sub/__init__.py",
        "svc/tests/pkg/sub/deep.py",
        "svc/tests/nopkg/mod.py",  # a directory without __init__.py
        "svc/tests/both.py",
        "svc/tests/both/__init__.py",  # a module and a package of one name
        "svc/__init__.py",
        "svc/common.py",
        "shared/__init__.py",
        "shared/env.py",
    ]
    for rel in tree:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    (tmp_path / "svc" / "tests" / "linked").symlink_to(tmp_path / "shared")
    (tmp_path / "svc" / "tests" / "dangling.py").symlink_to(tmp_path / "missing.py")
    names = [
        "helpers",
        "pkg",
        "mod",
        "sub",
        "deep",
        "nopkg",
        "both",
        "common",
        "shared",
        "env",
        "linked",
        "dangling",
        "missing",
        "tests",
    ]
    specs = {""}
    for size in (1, 2, 3):
        specs.update(".".join(p) for p in itertools.product(names, repeat=size))
    specs = {lead + s for s in specs for lead in ("", ".", "..", "...")} - {""}
    graph = ImportGraph(load_config(None, tmp_path))
    importer = str(tmp_path / "svc" / "tests" / "test_a.py")
    directory = os.path.dirname(importer)
    checked = 0
    for spec in sorted(specs):
        expected = R.resolve_symbol(importer, spec)
        expected_file = os.path.abspath(expected[0]) if expected else None
        assert graph._resolve(importer, directory, spec) == expected_file, spec
        checked += expected_file is not None
    assert checked > 100  # the tree really resolves many of them
