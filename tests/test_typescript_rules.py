"""TypeScript / JavaScript suites (Jest, Vitest, Bun, Mocha): every rule on fixture files with
positive and negative shapes side by side, the fixes, parse errors and the prefilter."""

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
from lint_integration.languages import typescript

FIXTURES = Path(__file__).parent / "fixtures" / "typescript"
NO_CACHE = RunOptions(cache=False, jobs=1)


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


def test_skip_gates_every_shape_once_and_hand_written_skips_stay_quiet():
    findings = lint(FIXTURES, "svc/__tests__/skip_gates.test.ts")
    assert spans(findings) == [
        (8, 2, 8, 35, "LI001"),  # (RUN_DB ? describe : describe.skip) via a constant
        (9, 2, 9, 50, "LI001"),  # inline env condition
        (10, 17, 10, 40, "LI001"),  # const itCache = hasCache ? it : it.skip
        (12, 1, 12, 40, "LI001"),  # describe.skipIf
        (13, 1, 13, 39, "LI001"),  # describe.runIf
        (14, 1, 14, 32, "LI001"),  # Bun test.if
        (23, 7, 23, 43, "LI001"),  # early return in beforeAll (nested describes)
        (27, 7, 30, 8, "LI001"),  # early return after a log, in a block
        (34, 7, 34, 49, "LI001"),  # ctx.skip() on a template-literal read
        (38, 7, 38, 38, "LI001"),  # `process.env.X ?? ''` constant compared with ''
        (47, 1, 47, 30, "LI001"),  # test.skip chosen by an env if
        (54, 1, 54, 37, "LI001"),  # a local factory called with an env condition
    ]
    lines = {f.line for f in findings}
    # NODE_ENV is allowed; platform checks, hand-written skips, the factory's own ternary and
    # the factory called with a non-env condition are not this tool's business.
    assert not lines & {3, 4, 6, 11, 15, 16, 17, 18, 42, 53, 55}


def test_skip_gate_messages_name_the_variable_and_the_helper_call():
    found = by_line(lint(FIXTURES, "svc/__tests__/skip_gates.test.ts"))
    assert found[8].message == (
        "`describe.skip` chosen based on env var `ORDERS_DB_URL`; use "
        "requireEnv('ORDERS_DB_URL') so repo mode runs on mocks and cluster mode fails fast"
    )
    assert found[12].message.startswith("`describe.skipIf` skips based on env var `S3_BUCKET`;")
    assert found[23].message.startswith("`beforeAll` hook returns early based on env var")
    assert found[27].message.startswith("test returns early based on env var `LEDGER_URL`;")
    assert found[34].message.startswith("`ctx.skip()` skips the test based on env var `AUDIT_URL`")
    assert found[47].message.startswith("`test.skip` chosen based on env var `REPORTS_URL`;")
    assert found[54].message.startswith("`describeIf(...)` skips based on env var `EXPORT_URL`;")


def test_skip_gate_fixes_only_where_the_rewrite_is_mechanical():
    found = by_line(lint(FIXTURES, "svc/__tests__/skip_gates.test.ts"))
    fixable = {line for line, f in found.items() if f.fix is not None}
    assert fixable == {8, 9, 12, 13, 14, 23, 27, 38}
    assert found[8].fix.applicability is Applicability.SAFE
    assert found[8].fix.message == (
        "Run `describe` unconditionally and require ORDERS_DB_URL in a `beforeAll`"
    )
    assert found[14].fix.message == ("Run `test` unconditionally and require MAIL_URL in the test")


def test_legacy_toggle_gate_is_reported_without_a_requireenv_fix():
    findings = lint(FIXTURES, "svc/__tests__/skip_gates.test.ts", select=("no-skip-on-env",))
    assert all(f.code == "LI001" for f in findings)


def test_imported_constant_factory_and_predicate_gate_the_importing_suite():
    findings = lint(FIXTURES, "svc/__tests__/imports.test.ts")
    assert spans(findings) == [(3, 2, 3, 40, "LI001"), (4, 1, 4, 27, "LI001")]
    assert "`ORDERS_LIVE_URL`" in findings[0].message
    assert findings[1].message.startswith(
        "`describeIf(...)` skips based on env var `WAREHOUSE_URL`"
    )


def test_shared_module_reads_are_probes_where_they_are_written():
    findings = lint(FIXTURES, "svc/__tests__/shared.ts")
    assert spans(findings) == [(1, 36, 1, 63, "LI002"), (4, 8, 4, 33, "LI002")]
    # Boolean(process.env.X) and if (!process.env.X) test presence: requireEnv is no drop-in.
    assert [f.fix for f in findings] == [None, None]


def test_tsx_and_jsx_in_js_files_are_parsed():
    findings = lint(FIXTURES, "svc/__tests__/widget.test.tsx", "svc/__tests__/legacy_jsx.test.js")
    assert spans(findings) == [
        (5, 5, 5, 45, "LI001"),
        (6, 27, 6, 53, "LI002"),
        (6, 2, 6, 35, "LI001"),
        (8, 25, 8, 51, "LI002"),
    ]
    assert [Path(f.path).name for f in findings] == [
        "legacy_jsx.test.js",
        "legacy_jsx.test.js",
        "widget.test.tsx",
        "widget.test.tsx",
    ]


# -- no-direct-env-probe -----------------------------------------------------------------------


def test_probes_through_every_spelling_and_alias():
    findings = lint(FIXTURES, "svc/__tests__/probes.test.ts")
    assert spans(findings) == [
        (5, 9, 5, 21, "LI002"),  # const { ORDERS_TOPIC } = process.env
        (5, 23, 5, 42, "LI002"),  # ORDERS_TOKEN: token
        (5, 44, 5, 64, "LI002"),  # ORDERS_REGION = 'eu'
        (9, 15, 9, 37, "LI002"),  # process.env.X
        (10, 15, 10, 41, "LI002"),  # process.env['X']
        (11, 15, 11, 45, "LI002"),  # process.env[`X`]
        (12, 15, 12, 39, "LI002"),  # process.env?.X
        (13, 15, 13, 30, "LI002"),  # const env = process.env; env.X
        (14, 15, 14, 37, "LI002"),  # import proc from 'node:process'
        (15, 15, 15, 36, "LI002"),  # import { env as nodeEnv } from 'node:process'
        (16, 15, 16, 46, "LI002"),  # import.meta.env.X
        (17, 15, 17, 43, "LI002"),  # 'X' in process.env
        (18, 15, 18, 41, "LI002"),  # process.env.X ?? '30'
        (19, 13, 19, 35, "LI002"),  # process.env.X!
    ]
    # HOME/NODE_ENV (allowed), writes, delete, dynamic keys, substituted templates, spreading
    # the whole environment and a parameter that shadows `process` are not probes.
    assert all(f.line < 20 for f in findings)
    assert findings[3].message == (
        "suite reads env var `ORDERS_URL` directly; use requireEnv('ORDERS_URL')"
    )


def test_probe_fix_applicability():
    found = {(f.line, f.column): f for f in lint(FIXTURES, "svc/__tests__/probes.test.ts")}
    assert found[(9, 15)].fix.applicability is Applicability.SAFE
    assert found[(9, 15)].fix.message == "Replace the read with `requireEnv('ORDERS_URL')`"
    assert found[(18, 15)].fix.applicability is Applicability.UNSAFE  # drops the '30' default
    assert found[(17, 15)].fix is None  # a presence test
    assert found[(5, 9)].fix is None  # destructuring
    assert found[(19, 13)].fix.edits[-1].content == "requireEnv('ORDERS_DSN')"  # `!` too


def test_one_construct_one_finding_whatever_the_selection():
    """A read inside a gate is the gate: not a probe, even when only probes are selected."""
    probes = lint(FIXTURES, "svc/__tests__/skip_gates.test.ts", select=("LI002",))
    assert probes == []


def test_suite_rules_stay_out_of_application_code_and_the_helper():
    findings = lint(FIXTURES, "svc/src/config.ts", "packages/test-support/src/integration-mode.ts")
    # config.ts reads ORDERS_DATABASE_URL (not a suite: fine) and a legacy toggle (reported).
    assert spans(findings) == [(3, 9, 3, 42, "LI003")]
    assert Path(findings[0].path).name == "config.ts"


def test_allowed_env_from_config_silences_probes_and_gates(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lint-integration]\nextend-allowed-env = ["ORDERS_*", "S3_BUCKET"]\n'
    )
    shutil.copytree(FIXTURES / "svc", tmp_path / "svc")
    probes = lint(tmp_path, "svc/__tests__/probes.test.ts")
    assert {f.message.split("`")[1] for f in probes} == {"VITE_ORDERS_API"}
    gates = lint(tmp_path, "svc/__tests__/skip_gates.test.ts")
    assert 12 not in {f.line for f in gates}  # describe.skipIf(!process.env.S3_BUCKET)


# -- mode rules --------------------------------------------------------------------------------


def test_mode_rules_positive_and_negative():
    findings = lint(FIXTURES, "svc/__tests__/modes.test.ts")
    assert spans(findings) == [
        (3, 14, 3, 40, "LI003"),  # RUN_LIVE_TESTS read
        (4, 1, 4, 34, "LI003"),  # RUN_INTEGRATION_TESTS set
        (5, 36, 5, 66, "LI003"),  # *_INTEGRATION_USE_LIVE_DB in a child env
        (6, 17, 6, 45, "LI004"),  # INTEGRATION_MODE read outside the helper
        (7, 18, 7, 39, "LI005"),  # TEST_MODE alias
        (8, 19, 8, 33, "LI005"),  # CI decides mocks
        (10, 19, 10, 45, "LI005"),  # GITHUB_ACTIONS picks 'mock' or 'live'
        (13, 5, 13, 20, "LI006"),  # parseIntegrationMode() result via a const
        (19, 5, 19, 38, "LI006"),  # parseIntegrationMode() !== 'mock'
        (22, 5, 22, 47, "LI006"),  # process.env.INTEGRATION_MODE === 'Cluster'
        (28, 8, 28, 13, "LI006"),  # case 'e2e'
        (31, 1, 31, 41, "LI006"),  # set to 'staging'
        (33, 15, 33, 43, "LI004"),  # === '' is an unset check, only the read is reported
    ]
    lines = {f.line for f in findings}
    assert 9 not in lines  # CI read for a timeout
    assert not lines & {16, 26, 32}  # valid modes


def test_mode_rule_messages_and_the_case_fix():
    found = by_line(lint(FIXTURES, "svc/__tests__/modes.test.ts"))
    assert found[3].message == (
        "legacy toggle `RUN_LIVE_TESTS` is read; INTEGRATION_MODE=cluster is the one switch "
        "for live runs"
    )
    assert found[4].message.startswith("legacy toggle `RUN_INTEGRATION_TESTS` is set;")
    assert found[6].message == (
        "`INTEGRATION_MODE` is read directly; use parseIntegrationMode() from the shared helper"
    )
    assert found[7].message == (
        "`TEST_MODE` is an alias of INTEGRATION_MODE; read the mode with parseIntegrationMode()"
    )
    assert found[8].message == (
        "`CI` decides live vs mocked behaviour; set INTEGRATION_MODE explicitly and read it "
        "with parseIntegrationMode()"
    )
    assert found[13].message == (
        "INTEGRATION_MODE compared with 'live', which is not a mode (repo, local, cluster)"
    )
    assert found[31].message.startswith("INTEGRATION_MODE set to 'staging',")
    assert found[13].fix is None
    assert found[22].fix.message == "Replace 'Cluster' with 'cluster'"
    assert found[22].fix.edits[0].content == "'cluster'"


# -- parse errors, prefilter, positions ----------------------------------------------------------


def test_broken_file_gives_one_parse_error_with_a_line():
    findings = lint(FIXTURES, "svc/__tests__/broken.test.ts")
    assert spans(findings) == [(5, 4, 5, 4, "LI900")]
    assert findings[0].message == (
        "syntax error: unexpected end of file (an unclosed bracket or string?)"
    )


def test_misplaced_token_is_reported_where_it_is(tmp_path: Path):
    (tmp_path / "a.test.ts").write_text("const a = process.env.X;\nconst = 3;\n")
    findings = lint(tmp_path, "a.test.ts")
    assert spans(findings) == [(2, 1, 2, 1, "LI900")]
    assert findings[0].message == "syntax error near `const =`"


def test_prefilter_is_conservative():
    config = load_config(None, FIXTURES)
    might = typescript.might_match
    assert not might(b"describe('x', () => { it('y', () => {}) });", "suite", config)
    assert might(b"const a = process.env.X;", "other", config)
    assert might(b"const a = import.meta.env.X;", "other", config)
    assert might(b"if (parseIntegrationMode() === 'live') {}", "other", config)
    assert might(b"const env = { ORDERS_USE_LIVE_DB: '1' };", "other", config)
    # a suite may gate on a constant imported from a relative module
    assert might(b"import { RUN } from './env';", "suite", config)
    assert not might(b"import { RUN } from './env';", "other", config)


def test_columns_count_characters_not_bytes(tmp_path: Path):
    (tmp_path / "u.test.ts").write_text(
        "const é = 'ü'; const url = process.env.ORDERS_URL;\n", encoding="utf-8"
    )
    [finding] = lint(tmp_path, "u.test.ts")
    assert (finding.line, finding.column, finding.end_column) == (1, 28, 50)


# -- fixes -------------------------------------------------------------------------------------

FIXED = {
    "fixable.test.ts": """\
import { describe, it, expect, beforeAll } from 'vitest';
import { connect } from '../src/db';
import { requireEnv } from '@platform/integration-mode';

describe('orders repository', () => {
  beforeAll(() => {
    requireEnv('ORDERS_DB_URL');
  });
  it('connects', async () => {
    const client = connect(requireEnv('ORDERS_DB_URL'));
    expect(client).toBeDefined();
  });

  it('publishes', async () => {
    requireEnv('ORDERS_BROKER_URL');
    const topic = requireEnv('ORDERS_TOPIC');
    expect(topic).toBeTruthy();
  });
});

describe('cache', () => {
  beforeAll(() => {
    requireEnv('ORDERS_CACHE_URL');
  });
  it('warms up', () => {
    const url = requireEnv('ORDERS_CACHE_URL');
    expect(url).toContain('redis');
  });
});

if (process.env.INTEGRATION_MODE === 'cluster') {
  console.log('live');
}
""",
    "merge.test.ts": """\
import { parseIntegrationMode, requireEnv } from '@platform/integration-mode';

describe('merge into an existing helper import', () => {
  it('reads', () => {
    const url = requireEnv('ORDERS_URL');
    expect(parseIntegrationMode()).toBe('repo');
    expect(url).toBeTruthy();
  });
});
""",
    "commonjs.test.js": """\
const { expect } = require('chai');
const { requireEnv } = require('@platform/integration-mode');

describe('commonjs suite', function () {
  it('reads', function () {
    expect(requireEnv('ORDERS_URL')).to.be.a('string');
  });
});
""",
}


@pytest.fixture
def fixed(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "fix", tmp_path / "fix")
    config = project_config(tmp_path)
    files = discover([tmp_path / "fix"], config).files
    fix_run(files, config, RuleSelection(config), [], FixOptions(run_options=NO_CACHE))
    return tmp_path


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fix_rewrites_to_the_helper(fixed: Path, name: str):
    path = fixed / "fix" / "__tests__" / name
    text = path.read_text()
    assert text == FIXED[name]
    tree = typescript.parse(text.encode(), str(path))
    assert not tree.root_node.has_error


def test_second_check_after_fix_reports_nothing_fixable(fixed: Path):
    left = lint(fixed, "fix")
    assert [(Path(f.path).name, f.line, f.code) for f in left] == [("fixable.test.ts", 31, "LI004")]
    assert all(f.fix is None for f in left)


def test_fix_uses_the_configured_helper_module(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lint-integration.helper]\nts-module = "@acme/test-kit/mode"\n'
    )
    suite = tmp_path / "a.test.ts"
    suite.write_text('import { x } from "y";\n\nconst url = process.env.ORDERS_URL;\n')
    [finding] = lint(tmp_path, "a.test.ts")
    contents = sorted(e.content for e in finding.fix.edits)
    assert contents == [
        '\nimport { requireEnv } from "@acme/test-kit/mode";',
        'requireEnv("ORDERS_URL")',
    ]


def test_every_fix_has_ordered_non_overlapping_edits():
    findings = lint(FIXTURES, "svc", "fix")
    fixes = [f.fix for f in findings if f.fix is not None]
    assert len(fixes) > 20
    for fix in fixes:
        for a, b in zip(fix.edits, fix.edits[1:], strict=False):
            assert a.end <= b.start and not (a.start == a.end == b.start == b.end)


def test_fixes_keep_crlf_line_endings(tmp_path: Path):
    suite = tmp_path / "w.test.ts"
    suite.write_bytes(b"describe('x', () => {\r\n  const u = process.env.ORDERS_URL;\r\n});\r\n")
    config = load_config(None, tmp_path)
    files = discover([tmp_path], config).files
    fix_run(files, config, RuleSelection(config), [], FixOptions(run_options=NO_CACHE))
    assert suite.read_bytes() == (
        b"import { requireEnv } from '@platform/integration-mode';\r\n\r\n"
        b"describe('x', () => {\r\n  const u = requireEnv('ORDERS_URL');\r\n});\r\n"
    )


def test_mangled_sources_never_raise():
    """Cut and spliced fixtures give findings or one parse error, never an exception."""
    from lint_integration.discovery import SourceFile
    from lint_integration.engine import ProjectIndex, check_source

    config = load_config(None, FIXTURES)
    selection = RuleSelection(config)
    rng = random.Random(7)
    sources = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".ts", ".tsx", ".js"))
    pieces = [b"(", b")", b"{", b"}", b"!", b"process.env.X", b" ? it : it.skip", b"return;"]
    for _ in range(120):
        path = rng.choice(sources)
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(data) + 1)
            if rng.random() < 0.5:
                del data[at : at + rng.randint(1, 6)]
            else:
                data[at:at] = rng.choice(pieces)
        file = SourceFile(path, path.name, "typescript", "suite")
        result = check_source(file, bytes(data), config, selection, ProjectIndex(config))
        assert result.parsed or [f.code for f in result.findings] == ["LI900"]


def test_role_semantics_match_the_python_rules(tmp_path: Path):
    """Toggles everywhere but the helper; heuristics only where tests are chosen; the helper
    may read the mode and the environment."""
    app = "const m = process.env.TEST_MODE;\nconst t = process.env.CI ? 'mock' : 'live';\n"
    app += "const r = process.env.RUN_INTEGRATION_TESTS;\nconst d = process.env.ORDERS_URL;\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.ts").write_text(app)
    (tmp_path / "integration-mode.ts").write_text(app + "const x = process.env.INTEGRATION_MODE;\n")
    findings = lint(tmp_path, "src", "integration-mode.ts")
    assert [(Path(f.path).name, f.line, f.code) for f in findings] == [("app.ts", 3, "LI003")]


# -- shapes from public repositories -----------------------------------------------------------


def test_field_newer_syntax_parses_and_is_analyzed():
    """``export type *``, variance annotations, escapes in template literal types and object
    types as tagged-template type arguments are syntax the grammar lacks: the file is
    analyzed, not a parse error."""
    findings = lint(FIXTURES, "field/src/index.ts")
    assert spans(findings) == [(11, 21, 11, 54, "LI003")]


def test_field_using_as_a_plain_name_parses_and_using_declarations_still_do(tmp_path: Path):
    """``using`` is a declaration keyword only before a name: as a variable (knex's query
    compilers) the file is analyzed, not a parse error."""
    (tmp_path / "compiler.test.js").write_text(
        "function del() {\n"
        "  let using = this.using() || ''\n"
        "  using += (using ? ',' : 'using ') + tables.join(',')\n"
        "  return connect(process.env.ORDERS_DB_URL, using)\n"
        "}\n"
    )
    (tmp_path / "resource.test.ts").write_text(
        "async function f() {\n  await using db = open(process.env.BILLING_DB_URL)\n"
        "  using lock = take()\n}\n"
    )
    findings = lint(tmp_path, "compiler.test.js", "resource.test.ts")
    assert [(Path(f.path).name, f.line, f.code) for f in findings] == [
        ("compiler.test.js", 4, "LI002"),
        ("resource.test.ts", 2, "LI002"),
    ]


def test_field_import_types_after_as_and_typeof_parse(tmp_path: Path):
    """``[] as import("undici").Agent[]`` and ``typeof import("u")`` in type arguments are
    valid TypeScript the grammar misreads; dynamic imports stay what they are."""
    (tmp_path / "agent.test.ts").write_text(
        'import { X } from "./x";\n'
        'const { agents } = vi.hoisted(() => ({ agents: [] as import("undici").Agent[] }));\n'
        "const b = g<typeof import('u')>();\n"
        'const c = await import("./helper");\n'
        "const url = process.env.ORDERS_URL;\n"
    )
    findings = lint(tmp_path, "agent.test.ts")
    assert [(f.line, f.code) for f in findings] == [(5, "LI002")]


def test_field_newer_syntax_keeps_real_syntax_errors_in_place(tmp_path: Path):
    (tmp_path / "a.test.ts").write_text(
        "export type * from './t.js';\nconst url = process.env.ORDERS_URL;\nif (url {\n"
    )
    [finding] = lint(tmp_path, "a.test.ts")
    assert (finding.code, finding.line) == ("LI900", 3)


def test_field_save_and_restore_is_hygiene_not_a_probe():
    findings = lint(FIXTURES, "field/__tests__/restore.test.ts")
    assert spans(findings) == [
        (35, 17, 35, 42, "LI002"),  # a real use of ORDERS_DB_URL
        (37, 19, 37, 42, "LI002"),  # saved, but also handed to the client
    ]


def test_a_test_reading_back_what_it_set_is_not_a_probe(tmp_path: Path):
    """A write counts for later reads in the same test and the functions in it, and at the top
    level for the whole file; never for a sibling test, nor for reads before it."""
    (tmp_path / "__tests__").mkdir()
    (tmp_path / "__tests__" / "config.test.js").write_text(
        "test('env defaults', () => {\n"
        "  process.env['ORDERS_PASSWORD'] = 'p1'\n"
        "  assert.equal(client().password, process.env['ORDERS_PASSWORD'])\n"
        "  expect(() => process.env.ORDERS_PASSWORD).not.toThrow()\n"
        "  delete process.env.ORDERS_DB_URL\n"
        "  assert.equal(client().url, process.env.ORDERS_DB_URL)\n"
        "})\n"
        "test('sibling', () => {\n"
        "  assert.equal(client().password, process.env['ORDERS_PASSWORD'])\n"
        "  const url = process.env.ORDERS_API_URL\n"
        "  process.env.ORDERS_API_URL = 'http://stub'\n"
        "})\n"
        "process.env.ORDERS_TOKEN = process.env.ORDERS_TOKEN || 'stub'\n"
        "test('later', () => { login(process.env.ORDERS_TOKEN) })\n"
    )
    findings = lint(tmp_path, "__tests__", select=("no-direct-env-probe",))
    assert [(f.line, f.message.split("`")[1]) for f in findings] == [
        (9, "ORDERS_PASSWORD"),  # set in another test
        (10, "ORDERS_API_URL"),  # read before this test sets it
    ]  # line 14 reads what the top level set (line 13's read has a default)


def test_a_test_checking_the_environments_state_is_not_a_probe(tmp_path: Path):
    """Checked against a literal, or for absence: what the code under test did to the
    environment. Checked for presence, or against another value: a dependency's value."""
    (tmp_path / "__tests__").mkdir()
    (tmp_path / "__tests__" / "loader.test.ts").write_text(
        "test('loader exports', () => {\n"
        "  loadConfig('config.yaml')\n"
        "  expect(process.env.ORDERS_DB_URL).toBe('postgres://stub')\n"
        "  expect(process.env['ORDERS_TOKEN']!).toStrictEqual(`t0k`)\n"
        "  expect(process.env.ORDERS_API_URL).toBeUndefined()\n"
        "  assert.strictEqual(process.env.ORDERS_HOST, 'localhost')\n"
        "  assert.equal(undefined, process.env.ORDERS_PORT)\n"
        "  expect(process.env.BILLING_DB_URL).toBeDefined()\n"
        "  expect(process.env.BILLING_TOKEN).not.toBe('')\n"
        "  expect(process.env.BILLING_API_URL).not.toBeUndefined()\n"
        "  assert.equal(client.url, process.env.BILLING_HOST)\n"
        "  expect(client.port).toBe(process.env.BILLING_PORT)\n"
        "})\n"
    )
    findings = lint(tmp_path, "__tests__", select=("no-direct-env-probe",))
    assert [(f.line, f.message.split("`")[1]) for f in findings] == [
        (8, "BILLING_DB_URL"),
        (9, "BILLING_TOKEN"),
        (10, "BILLING_API_URL"),
        (11, "BILLING_HOST"),
        (12, "BILLING_PORT"),
    ]


def test_field_sample_app_package_under_a_test_folder_is_not_test_code():
    """A package of its own kept under ``test/`` is the app the suite drives; the suite's own
    files, and helpers that reference the test framework, are still checked."""
    findings = lint(FIXTURES, "field/test")
    assert [(Path(f.path).name, f.line, f.code) for f in findings] == [
        ("app.test.ts", 2, "LI002"),
        ("setup.ts", 4, "LI002"),
    ]


def test_field_sample_app_verdict_follows_its_package_json_through_the_cache(tmp_path: Path):
    app = tmp_path / "test" / "app" / "lib"
    app.mkdir(parents=True)
    (app / "client.ts").write_text("export const url = process.env.ORDERS_URL;\n")
    config = project_config(tmp_path)
    options = RunOptions(cache=True, cache_dir=tmp_path / ".cache", jobs=1)

    def check():
        files = discover([tmp_path / "test"], config).files
        return run(files, config, RuleSelection(config, ()), [], options).findings

    assert [f.code for f in check()] == ["LI002"]
    (tmp_path / "test" / "app" / "package.json").write_text('{"name": "app"}\n')
    assert check() == []


def test_fix_import_follows_a_file_written_without_semicolons(tmp_path: Path):
    suite = tmp_path / "a.test.ts"
    suite.write_text(
        "import { it } from 'vitest'\n\n"
        "it('x', () => {\n  const url = process.env.ORDERS_URL\n  connect(url)\n})\n"
    )
    config = load_config(None, tmp_path)
    files = discover([tmp_path], config).files
    fix_run(files, config, RuleSelection(config), [], FixOptions(run_options=NO_CACHE))
    assert suite.read_text() == (
        "import { it } from 'vitest'\n"
        "import { requireEnv } from '@platform/integration-mode'\n\n"
        "it('x', () => {\n  const url = requireEnv('ORDERS_URL')\n  connect(url)\n})\n"
    )


def test_field_opt_in_switch_gets_cluster_advice_and_opt_out_knobs_are_quiet():
    """Skipping unless a switch is on is reported (run it in cluster mode); skipping because a
    knob is set (``SKIP_SLOW=1``, lines 12 and on) is not a missing dependency."""
    findings = lint(FIXTURES, "field/__tests__/opt_in.test.ts")
    assert spans(findings) == [(5, 2, 5, 41, "LI001"), (9, 1, 9, 47, "LI001")]
    assert findings[0].message == (
        "`describe.skip` chosen based on env var `PAYMENTS_LIVE_CHECKS`; run live-only tests on "
        "INTEGRATION_MODE=cluster through the helper"
    )
    assert findings[0].fix is None
    assert "requireEnv('PAYMENTS_API_URL')" in findings[1].message
    assert findings[1].fix is not None
