"""Go suites: every rule on fixture packages with positive and negative shapes side by side
(aliases, table-driven tests, TestMain, sibling files), the fixes and their imports, parse
errors and the prefilter."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RuleSelection, RunOptions, run
from lint_integration.findings import Applicability
from lint_integration.fixer import FixOptions, fix_run
from lint_integration.languages import golang

FIXTURES = Path(__file__).parent / "fixtures" / "go"
NO_CACHE = RunOptions(cache=False, jobs=1)
HELPER = "example.com/platform/testsupport/integrationmode"


def project_config(root: Path):
    """The fixture project's own config (never the repository's pyproject.toml)."""
    own = root / "pyproject.toml"
    return load_config(own) if own.is_file() else load_config(None, root)


def lint(root: Path, *paths: str, select: tuple[str, ...] = ()):
    config = project_config(root)
    files = [f for p in paths for f in discover([root / p], config).files]
    return run(files, config, RuleSelection(config, select), [], NO_CACHE).findings


def spans(findings) -> list[tuple[int, int, int, int, str]]:
    return [(f.line, f.column, f.end_line, f.end_column, f.code) for f in findings]


def by_line(findings) -> dict[int, object]:
    return {f.line: f for f in findings}


# -- no-skip-on-env ----------------------------------------------------------------------------


def test_skip_gates_every_shape_and_quiet_skips():
    findings = lint(FIXTURES, "client/skip_test.go")
    assert spans(findings) == [
        (15, 2, 18, 3, "LI001"),  # TestMain: os.Exit(0) when a variable is missing
        (24, 2, 26, 3, "LI001"),  # dsn := Getenv; if dsn == "" { t.Skip }
        (31, 2, 33, 3, "LI001"),  # if _, ok := LookupEnv(const); !ok { t.Skipf }
        (37, 2, 39, 3, "LI001"),  # testing.Short() || env { t.SkipNow() }
        (43, 2, 43, 48, "LI001"),  # skip in the else branch: the if head is reported
        (51, 2, 54, 3, "LI001"),  # bare return in a test
        (67, 4, 69, 5, "LI001"),  # table-driven: skip field set from an env read
        (85, 15, 85, 43, "LI002"),  # a probe; the later skip on the connection is not env
        (92, 2, 94, 3, "LI001"),  # a skip helper: reported at its definition
    ]
    # testing.Short() alone, runtime.GOOS, HOME (allowed) and t.Setenv are quiet.
    assert not {f.line for f in findings} & {75, 76, 78, 79, 81, 82, 84, 86, 87}


def test_skip_gate_messages():
    found = by_line(lint(FIXTURES, "client/skip_test.go"))
    assert found[24].message == (
        "`t.Skip` skips the test based on env var `ORDERS_DB_URL`; use "
        'integrationmode.RequireEnv(t, "ORDERS_DB_URL") so repo mode runs on mocks and '
        "cluster mode fails fast"
    )
    assert found[15].message == (
        "`os.Exit(0)` ends TestMain early based on env var `ORDERS_API_URL`; run the tests in "
        "every mode and require variables in the tests that use them with "
        "integrationmode.RequireEnv(t, ...)"
    )
    assert found[31].message.startswith("`t.Skipf` skips the test based on env var `BROKER_URL`")
    assert found[51].message.startswith("test returns early based on env var `LEDGER_URL`;")
    assert found[67].message.startswith("`t.Skip` skips the test based on env var `S3_BUCKET`;")


def test_skip_fixes_only_where_t_is_known_and_the_gate_is_plain():
    found = by_line(lint(FIXTURES, "client/skip_test.go"))
    fixable = {line for line, f in found.items() if f.fix is not None}
    # TestMain has no t, Short()|| and else-branches are not plain, table fields are indirect.
    assert fixable == {24, 31, 51, 85, 92}
    assert found[24].fix.applicability is Applicability.SAFE


def test_variable_from_a_sibling_file_of_the_package():
    findings = lint(FIXTURES, "client/sibling_test.go", "client/vars_test.go")
    assert [(Path(f.path).name, *s) for f, s in zip(findings, spans(findings), strict=True)] == [
        ("sibling_test.go", 6, 2, 8, 3, "LI001"),
        ("vars_test.go", 5, 20, 5, 46, "LI002"),
    ]
    assert "`WAREHOUSE_URL`" in findings[0].message


# -- no-direct-env-probe -----------------------------------------------------------------------


def test_probes_and_their_fixes():
    findings = lint(FIXTURES, "client/probe_test.go")
    assert spans(findings) == [
        (11, 18, 11, 49, "LI002"),  # package-level var: no t, no fix
        (14, 9, 14, 32, "LI002"),
        (15, 11, 15, 36, "LI002"),  # name from a string constant
        (16, 14, 16, 41, "LI002"),  # LookupEnv: two results, no fix
        (17, 14, 17, 44, "LI002"),  # syscall.Getenv: two results, no fix
        (18, 9, 18, 32, "LI002"),  # raw string literal
        (21, 7, 21, 33, "LI002"),  # inside t.Run: the closure's t
    ]
    assert findings[1].message == (
        'suite reads env var `ORDERS_URL` directly; use integrationmode.RequireEnv(t, "ORDERS_URL")'
    )
    fixes = [f.fix.message if f.fix else None for f in findings]
    assert fixes == [
        None,
        'Replace with `integrationmode.RequireEnv(t, "ORDERS_URL")`',
        "Replace with `integrationmode.RequireEnv(t, ordersTopicVar)`",
        None,
        None,
        "Replace with `integrationmode.RequireEnv(t, `ORDERS_DSN`)`",
        'Replace with `integrationmode.RequireEnv(t, "ORDERS_DB_URL")`',
    ]
    # HOME, os.Setenv, t.Setenv, a dynamic name and os.Environ() are quiet (lines 26-31).
    assert all(f.line < 26 for f in findings)


def test_suite_rules_stay_out_of_non_test_code_and_the_helper():
    findings = lint(FIXTURES, "client/client.go", "testsupport")
    assert spans(findings) == [(5, 12, 5, 46, "LI003")]  # the toggle; ORDERS_API_URL is fine


# -- mode rules --------------------------------------------------------------------------------


def test_mode_rules_positive_and_negative():
    findings = lint(FIXTURES, "client/mode_test.go")
    assert spans(findings) == [
        (12, 10, 12, 37, "LI003"),  # RUN_LIVE_TESTS read
        (13, 2, 13, 41, "LI003"),  # os.Setenv of a toggle
        (15, 33, 15, 67, "LI003"),  # "ORDERS_INTEGRATION_USE_LIVE_DB=1" in cmd.Env
        (15, 69, 15, 95, "LI006"),  # "INTEGRATION_MODE=Cluster"
        (16, 9, 16, 38, "LI004"),  # INTEGRATION_MODE read outside integrationmode
        (17, 11, 17, 33, "LI005"),  # TEST_MODE alias
        (18, 14, 18, 29, "LI005"),  # CI decides useMocks
        (24, 5, 24, 19, "LI006"),  # integrationmode.Parse() result == "live"
        (30, 9, 30, 38, "LI004"),
        (31, 15, 31, 21, "LI006"),  # case "mock"
        (33, 2, 33, 41, "LI006"),  # t.Setenv("INTEGRATION_MODE", "staging")
    ]
    lines = {f.line for f in findings}
    assert not lines & {20, 27, 34}  # CI for a timeout, a valid mode, == "" (unset)
    found = by_line(findings)
    assert found[24].message == (
        "INTEGRATION_MODE compared with 'live', which is not a mode (repo, local, cluster)"
    )
    assert found[16].message == (
        "`INTEGRATION_MODE` is read directly; use integrationmode.Parse() from the shared helper"
    )
    assert found[33].message.startswith("INTEGRATION_MODE set to 'staging',")
    env_fix = next(f for f in findings if f.code == "LI006" and f.line == 15).fix
    assert env_fix.edits[0].content == '"INTEGRATION_MODE=cluster"'


def test_helper_package_may_read_the_mode():
    assert lint(FIXTURES, "testsupport/integrationmode/integrationmode.go") == []


# -- parse errors and the prefilter --------------------------------------------------------------


def test_broken_file_gives_one_parse_error_with_a_line():
    findings = lint(FIXTURES, "client/broken_test.go")
    assert spans(findings) == [(10, 2, 10, 2, "LI900")]
    assert findings[0].message == "syntax error near `use`"


def test_prefilter_is_conservative():
    config = load_config(None, FIXTURES)
    might = golang.might_match
    assert not might(b'package a\nfunc TestA(t *testing.T) { t.Log("x") }', "suite", config)
    assert might(b'package a\nvar x = os.Getenv("A")', "other", config)
    assert might(b'package a\nvar x = os.LookupEnv("A")', "other", config)
    assert might(b'package a\nvar x = append(os.Environ(), "A=1")', "other", config)
    assert might(b"package a\nvar m, _ = integrationmode.Parse()", "other", config)
    # a suite may skip on a variable declared in a sibling file of its package
    assert might(
        b'package a\nfunc TestA(t *testing.T) { if v == "" { t.Skip() } }', "suite", config
    )
    assert not might(b'package a\nfunc A() { if v == "" { return } }', "other", config)


# -- fixes -------------------------------------------------------------------------------------

FIXED = {
    "remove_os_test.go": f"""\
package fix

import (
\t"{HELPER}"
\t"testing"
)

func TestOrders(t *testing.T) {{
\tdsn := integrationmode.RequireEnv(t, "ORDERS_DB_URL")
\tintegrationmode.RequireEnv(t, "ORDERS_BROKER_URL")
\tconnect(dsn, integrationmode.RequireEnv(t, "ORDERS_TOPIC"))
}}
""",
    "keep_os_test.go": f"""\
package fix

import (
\t"{HELPER}"
\tmyos "os"
\t"testing"
)

func TestFixtures(t *testing.T) {{
\tdata, err := myos.ReadFile("testdata/orders.json")
\tif err != nil {{
\t\tt.Fatal(err)
\t}}
\tintegrationmode.RequireEnv(t, "ORDERS_CACHE_URL")
\tload(data, integrationmode.RequireEnv(t, "ORDERS_URL"))
}}
""",
    "single_import_test.go": f"""\
package fix

import "os"
import "testing"
import "{HELPER}"

func TestSingle(t *testing.T) {{
\tuse(integrationmode.RequireEnv(t, "ORDERS_URL"), os.Args)
}}
""",
}


def _imports_match_uses(text: str) -> None:
    """Go refuses unused imports: ``os`` and the helper are imported exactly when used."""
    tree = golang._parse(text.encode(), text)  # a syntax error raises
    imported, used = set(), set()
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "import_spec":
            name = node.child_by_field_name("name")
            path = node.child_by_field_name("path").text.decode().strip('"')
            imported.add(name.text.decode() if name is not None else path.rsplit("/", 1)[-1])
        elif node.type == "selector_expression":
            used.add(node.child_by_field_name("operand").text.decode())
        stack.extend(node.children)
    assert imported - {"testing"} <= used
    assert {"os", "myos", "integrationmode"} & used <= imported


def test_a_test_reading_back_what_it_set_is_not_a_probe(tmp_path: Path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "config_test.go").write_text(
        "package svc\n\n"
        'import (\n\t"os"\n\t"testing"\n)\n\n'
        "func TestDefaults(t *testing.T) {\n"
        '\tt.Setenv("ORDERS_DB_URL", "postgres://stub")\n'
        '\tif got := os.Getenv("ORDERS_DB_URL"); got != "postgres://stub" {\n'
        "\t\tt.Fatal(got)\n\t}\n"
        '\tfunc() { _ = os.Getenv("ORDERS_DB_URL") }()\n'
        '\tos.Unsetenv("ORDERS_TOKEN")\n'
        '\tif _, ok := os.LookupEnv("ORDERS_TOKEN"); ok {\n\t\tt.Fatal("set")\n\t}\n'
        "}\n\n"
        "func TestLive(t *testing.T) {\n"
        '\tconnect(os.Getenv("ORDERS_DB_URL"))\n'
        "}\n"
    )
    findings = lint(tmp_path, "svc", select=("no-direct-env-probe",))
    assert [(f.line, f.message.split("`")[1]) for f in findings] == [(21, "ORDERS_DB_URL")]


def test_saving_a_variable_to_restore_it_is_not_a_probe(tmp_path: Path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "restore_test.go").write_text(
        "package svc\n\n"
        'import (\n\t"os"\n\t"testing"\n)\n\n'
        "func TestWithoutConfig(t *testing.T) {\n"
        '\torig := os.Getenv("ORDERS_DB_URL")\n'
        '\tvar token = os.Getenv("ORDERS_TOKEN")\n'
        '\tos.Unsetenv("ORDERS_DB_URL")\n'
        "\tdefer func() {\n"
        '\t\tif orig != "" {\n\t\t\tos.Setenv("ORDERS_DB_URL", orig)\n\t\t}\n'
        "\t}()\n"
        '\tdefer os.Setenv("ORDERS_TOKEN", token)\n'
        '\tsaved := os.Getenv("BILLING_DB_URL")\n'
        '\tdefer os.Setenv("BILLING_DB_URL", saved)\n'
        "\tconnect(saved)\n"
        '\tother := os.Getenv("BILLING_TOKEN")\n'
        '\tdefer os.Setenv("ORDERS_TOKEN", other)\n'
        "}\n"
    )
    findings = lint(tmp_path, "svc", select=("no-direct-env-probe",))
    assert [(f.line, f.message.split("`")[1]) for f in findings] == [
        (18, "BILLING_DB_URL"),  # saved, but also handed to the code
        (21, "BILLING_TOKEN"),  # written back into another variable
    ]


def test_unsetting_a_variable_and_restoring_it_in_a_cleanup_is_not_a_probe(tmp_path: Path):
    """Go has no ``t.Unsetenv``: ``if orig, ok := os.LookupEnv("X"); ok`` then ``os.Unsetenv``
    and a cleanup that sets it back. A looked-up value used otherwise is a dependency's."""
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "unset_test.go").write_text(
        "package svc\n\n"
        'import (\n\t"os"\n\t"testing"\n)\n\n'
        "func TestWithoutToken(t *testing.T) {\n"
        '\tif orig, ok := os.LookupEnv("ORDERS_TOKEN"); ok {\n'
        '\t\tos.Unsetenv("ORDERS_TOKEN")\n'
        '\t\tt.Cleanup(func() { _ = os.Setenv("ORDERS_TOKEN", orig) })\n'
        "\t}\n"
        '\tif url, ok := os.LookupEnv("BILLING_DB_URL"); ok {\n'
        "\t\tconnect(url)\n"
        "\t}\n"
        '\tif other, ok := os.LookupEnv("BILLING_TOKEN"); ok {\n'
        '\t\tt.Cleanup(func() { _ = os.Setenv("ORDERS_TOKEN", other) })\n'
        "\t}\n"
        "}\n"
    )
    findings = lint(tmp_path, "svc", select=("no-direct-env-probe",))
    assert [(f.line, f.message.split("`")[1]) for f in findings] == [
        (13, "BILLING_DB_URL"),
        (16, "BILLING_TOKEN"),
    ]


def test_a_test_checking_the_environments_state_is_not_a_probe(tmp_path: Path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "loader_test.go").write_text(
        "package svc\n\n"
        'import (\n\t"os"\n\t"testing"\n\n'
        '\t"github.com/stretchr/testify/assert"\n'
        '\t"github.com/stretchr/testify/require"\n)\n\n'
        "func TestLoader(t *testing.T) {\n"
        '\tassert.Equal(t, os.Getenv("ORDERS_DB_URL"), "postgres://stub")\n'
        '\trequire.Equal(t, "t0k", os.Getenv("ORDERS_TOKEN"))\n'
        '\tassert.Empty(t, os.Getenv("ORDERS_API_URL"))\n'
        '\tassert.NotEmpty(t, os.Getenv("BILLING_DB_URL"))\n'
        '\trequire.NotEqual(t, "", os.Getenv("BILLING_TOKEN"))\n'
        '\tassert.Equal(t, cfg.URL, os.Getenv("BILLING_API_URL"))\n'
        "}\n"
    )
    findings = lint(tmp_path, "svc", select=("no-direct-env-probe",))
    assert [(f.line, f.message.split("`")[1]) for f in findings] == [
        (15, "BILLING_DB_URL"),
        (16, "BILLING_TOKEN"),
        (17, "BILLING_API_URL"),
    ]


@pytest.fixture
def fixed(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "fix", tmp_path / "fix")
    config = project_config(tmp_path)
    files = discover([tmp_path / "fix"], config).files
    fix_run(files, config, RuleSelection(config), [], FixOptions(run_options=NO_CACHE))
    return tmp_path


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fix_rewrites_to_the_helper_and_keeps_imports_compilable(fixed: Path, name: str):
    text = (fixed / "fix" / name).read_text()
    assert text == FIXED[name]
    _imports_match_uses(text)


def test_second_check_after_fix_reports_nothing(fixed: Path):
    assert lint(fixed, "fix") == []


def test_os_is_removed_only_when_every_use_goes_and_each_fix_does_all_of_them():
    findings = lint(FIXTURES, "fix/remove_os_test.go")
    assert len(findings) == 3
    edit_sets = {tuple((e.start, e.end, e.content) for e in f.fix.edits) for f in findings}
    assert len(edit_sets) == 1  # identical: applying any subset cannot leave "os" unused
    [edits] = edit_sets
    assert (f'"{HELPER}"') in [content for _, _, content in edits]
    kept = lint(FIXTURES, "fix/keep_os_test.go")
    assert all('"os"' not in e.content for f in kept for e in f.fix.edits)
    assert len({f.fix.message for f in kept}) == 2  # separate fixes


def test_configured_go_import_and_package_name(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.lint-integration.helper]\n"
        'go-import = "acme.dev/kit/testmode"\n'
        'go-package = "integrationmode"\n'
    )
    (tmp_path / "a_test.go").write_text(
        'package a\n\nimport (\n\t"os"\n\t"testing"\n)\n\n'
        'func TestA(t *testing.T) {\n\tuse(os.Getenv("ORDERS_URL"), os.Args)\n}\n'
    )
    [finding] = lint(tmp_path, "a_test.go")
    contents = [e.content for e in finding.fix.edits]
    assert contents == [
        '\tintegrationmode "acme.dev/kit/testmode"\n',
        'integrationmode.RequireEnv(t, "ORDERS_URL")',
    ]


def test_no_fix_without_a_testing_parameter(tmp_path: Path):
    (tmp_path / "a_test.go").write_text(
        'package a\n\nimport "os"\n\nfunc dsn() string {\n\treturn os.Getenv("ORDERS_URL")\n}\n'
    )
    [finding] = lint(tmp_path, "a_test.go")
    assert finding.code == "LI002" and finding.fix is None


def test_mangled_sources_never_raise():
    """Cut and spliced fixtures give findings or one parse error, never an exception."""
    from lint_integration.discovery import SourceFile
    from lint_integration.engine import ProjectIndex, check_source

    config = load_config(None, FIXTURES)
    selection = RuleSelection(config)
    rng = random.Random(11)
    sources = sorted(FIXTURES.rglob("*.go"))
    pieces = [b"(", b")", b"{", b"}", b"!", b'os.Getenv("X")', b"t.Skip()", b"return\n"]
    for _ in range(120):
        path = rng.choice(sources)
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data) + 1)
            if rng.random() < 0.5:
                del data[at : at + rng.randint(1, 6)]
            else:
                data[at:at] = rng.choice(pieces)
        file = SourceFile(path, path.name, "go", "suite")
        result = check_source(file, bytes(data), config, selection, ProjectIndex(config))
        assert result.parsed or [f.code for f in result.findings] == ["LI900"]


# -- shapes from public repositories -----------------------------------------------------------


def test_field_knobs_helpers_and_new_expressions():
    """Go 1.26 ``new(expr)`` parses; knobs (``ARTIFACTS``, ``UPDATE_GOLDEN``) are not probes;
    a helper's early return, a teardown branch, a helper process's entry check and opt-out
    knobs (``TEST_SKIP_GIT`` set, ``SKIP_SLOW_TESTS == "1"``) are not skips; tests and subtests
    that return early are, and so is an opt-in switch (with cluster advice)."""
    findings = lint(FIXTURES, "field/knobs_test.go")
    assert spans(findings) == [
        (30, 9, 30, 35, "LI002"),  # LEDGER_DB_URL
        (31, 2, 34, 3, "LI001"),  # the test itself returns early
        (36, 10, 36, 35, "LI002"),  # LEDGER_USER2: a numbered credential word
        (39, 3, 41, 4, "LI001"),  # a t.Run subtest returns early
        (62, 2, 64, 3, "LI001"),  # an opt-in switch compared with "on"
        (85, 2, 85, 37, "LI001"),  # a skip in a test that also ends the process: still a skip
    ]
    assert "`LEDGER_TOKEN`" in findings[1].message
    # An opt-in switch is not a missing dependency: no RequireEnv advice, no fix.
    assert findings[4].message == (
        "`t.Skipf` skips the test based on env var `STORAGE_S3_INTEGRATION_TEST`; run live-only "
        "tests on INTEGRATION_MODE=cluster through the helper"
    )
    assert findings[4].fix is None


def test_field_fixes_leave_unreported_reads_and_the_os_import_alone(tmp_path: Path):
    shutil.copytree(FIXTURES / "field", tmp_path / "field")
    config = project_config(tmp_path)
    files = discover([tmp_path / "field" / "knobs_test.go"], config).files
    fix_run(files, config, RuleSelection(config), [], FixOptions(run_options=NO_CACHE))
    text = (tmp_path / "field" / "knobs_test.go").read_text()
    assert 'integrationmode.RequireEnv(t, "LEDGER_DB_URL")' in text
    for knob in ("UPDATE_GOLDEN", "ARTIFACTS", "TEST_NOCLEANUP"):
        assert f'os.Getenv("{knob}")' in text
    _imports_match_uses(text)
    # Only the opt-in switch and a skip with an ``else`` branch, which have no mechanical fix,
    # are left.
    left = lint(tmp_path, "field/knobs_test.go")
    assert [(f.code, f.message.split("`")[3]) for f in left] == [
        ("LI001", "STORAGE_S3_INTEGRATION_TEST"),
        ("LI001", "ASSETS_ORG_ID"),
    ]


def test_field_program_under_a_test_folder_is_not_a_suite():
    assert lint(FIXTURES, "field/test/fakeserver/main.go") == []


def test_new_with_an_expression_still_reports_real_syntax_errors(tmp_path: Path):
    (tmp_path / "a_test.go").write_text(
        'package a\n\nvar p = new(os.Getenv("X_URL"))\n\nfunc TestA(t *testing.T) {\n\tif {\n}\n'
    )
    [finding] = lint(tmp_path, "a_test.go")
    assert finding.code == "LI900" and finding.line == 6


def test_prefilter_ignores_types_named_environment():
    """An SDK's ``Environment`` types are not ``os.Environ()``: such files are not parsed."""
    config = load_config(None, FIXTURES)
    text = b"package github\ntype Environment struct{}\nfunc (e *Environment) GetName() {}\n"
    assert not golang.might_match(text, "other", config)
    assert not golang.might_match(text, "suite", config)


@pytest.mark.parametrize(
    ("name", "dependency"),
    [
        ("ORDERS_DB_URL", True),
        ("GH_TEST_ORG_USER3", True),  # a numbered credential word
        ("TEST_GITEA_SMEEURL", True),  # a glued location word
        ("WATSONX_AI_APIKEY", True),
        ("STORAGE_AZBLOB_CREDENTIAL", True),
        ("S3_BUCKET", True),
        ("PIPER_tmsServiceKey", True),  # camelCase words
        ("STORAGE_GCS_NAME", True),  # a service's resource
        ("AZURE_OPENAI_API_DEPLOYMENT_NAME", True),
        ("KAFKA_HOME", False),  # knobs about a service
        ("AZURE_OPENAI_API_VERSION", False),
        ("PAC_API_INSTRUMENTATION_DIR", False),
        ("ARTIFACTS", False),
        ("UPDATE_GOLDEN", False),
        ("TEST_NOCLEANUP", False),
        ("GOPROXY", False),
        ("LANGCHAIN_CALLBACKS_BACKGROUND", False),
        ("MONKEY_PATCHED", False),
        ("GRPC_SERVER_ASYNC", False),  # switches about a dependency
        ("GOOGLE_API_USE_MTLS", False),
        ("DB_SSL_ENABLED", False),
        ("REDIS_CLUSTER_MODE", False),
        ("ENABLE_HTTPS", False),
        ("RUN_REDIS_TESTS", False),
        ("GIT_BASE_COMMIT", False),
        ("ELASTIC_APM_TEST_ESCLIENT_PACKAGE_NAME", False),
        ("OPENAI_API_BASE", True),
        ("AMAZON_KNOWLEDGE_BASE_ID", True),
        ("GRPC_SERVER_ADDRESS", True),
        ("USER_API_TOKEN", True),
    ],
)
def test_which_names_are_dependencies(name: str, dependency: bool):
    from lint_integration.languages.envfacts import names_dependency

    assert names_dependency(name) is dependency


def test_envtest_existing_cluster_switch_is_a_legacy_toggle(tmp_path: Path):
    """controller-runtime's ``USE_EXISTING_CLUSTER`` picks a real cluster over a local control
    plane: the live toggle INTEGRATION_MODE=cluster replaces, not a dependency read."""
    (tmp_path / "controllers").mkdir()
    (tmp_path / "controllers" / "suite_test.go").write_text(
        "package controllers\n\n"
        'import (\n\t"os"\n\t"strings"\n\t"testing"\n)\n\n'
        "func TestMain(m *testing.M) {\n"
        '\tif strings.EqualFold(os.Getenv("USE_EXISTING_CLUSTER"), "true") {\n'
        "\t\tconnect()\n\t}\n"
        "\tos.Exit(m.Run())\n}\n"
    )
    findings = lint(tmp_path, "controllers")
    assert [(f.line, f.code) for f in findings] == [(10, "LI003")]


def test_helper_process_entry_checks_under_any_name(tmp_path: Path):
    """A test whose variable a sibling sets for the child it starts, or that blocks for good
    once it runs as one, is a subprocess's entry point; an early return on an unset variable
    nobody in the file sets is still a skip."""
    (tmp_path / "cmd").mkdir()
    (tmp_path / "cmd" / "exit_test.go").write_text(
        "package cmd\n\n"
        'import (\n\t"os"\n\t"os/exec"\n\t"testing"\n)\n\n'
        "func TestBail(t *testing.T) {\n"
        '\tcmd := exec.Command(os.Args[0], "-test.run=^TestFakeCommand$")\n'
        '\tcmd.Env = append(os.Environ(), "TEST_FAKE=1")\n'
        "\t_ = cmd.Run()\n"
        "}\n\n"
        "func TestFakeCommand(t *testing.T) {\n"
        '\tif os.Getenv("TEST_FAKE") != "1" {\n'
        "\t\treturn\n"
        "\t}\n"
        "\tbail()\n"
        "}\n\n"
        "func TestProxyHelperProcess(t *testing.T) {\n"
        '\tif os.Getenv("PROXY_HELPER") != "1" {\n'
        "\t\treturn\n"
        "\t}\n"
        "\tselect {}\n"
        "}\n\n"
        "func TestLedger(t *testing.T) {\n"
        '\tif os.Getenv("LEDGER_FAKE") != "1" {\n'
        "\t\treturn\n"
        "\t}\n"
        "\tbail()\n"
        "}\n"
    )
    assert [(f.line, f.code) for f in lint(tmp_path, "cmd")] == [(30, "LI001")]


def test_example_functions_are_documentation_not_probes(tmp_path: Path):
    (tmp_path / "auto").mkdir()
    (tmp_path / "auto" / "example_test.go").write_text(
        "package auto\n\n"
        'import (\n\t"os"\n\t"testing"\n)\n\n'
        "func ExampleGitRepo_token() {\n"
        '\ttoken := os.Getenv("PERSONAL_ACCESS_TOKEN")\n'
        "\tuse(token)\n"
        "}\n\n"
        "func TestGitRepo(t *testing.T) {\n"
        '\ttoken := os.Getenv("PERSONAL_ACCESS_TOKEN")\n'
        "\tuse(token)\n"
        "}\n"
    )
    assert [(f.line, f.code) for f in lint(tmp_path, "auto")] == [(14, "LI002")]


def test_ci_branch_that_only_logs_decides_nothing(tmp_path: Path):
    """A message that mentions integration tests is not a choice of live or mocked clients;
    a branch that picks one, or skips with such a message, is."""
    (tmp_path / "testutil").mkdir()
    (tmp_path / "testutil" / "setup_test.go").write_text(
        "package testutil\n\n"
        'import (\n\t"fmt"\n\t"os"\n\t"testing"\n)\n\n'
        "func TestVerbose(t *testing.T) {\n"
        '\tif os.Getenv("CI") != "" {\n'
        '\t\tfmt.Println("running integration tests with verbose logs")\n'
        '\t\tt.Logf("integration run on %s", "ci")\n'
        "\t}\n"
        "}\n\n"
        "func TestClient(t *testing.T) {\n"
        "\tclient := newMockClient()\n"
        '\tif os.Getenv("CI") != "" {\n'
        "\t\tclient = newLiveClient()\n"
        "\t}\n"
        "\tuse(client)\n"
        "}\n"
    )
    assert [(f.line, f.code) for f in lint(tmp_path, "testutil")] == [(18, "LI005")]
