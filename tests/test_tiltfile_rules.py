"""Tiltfiles (Starlark, parsed with LibCST): resources that run integration suites."""

# Toggles and bad modes in strings here are test data for the shell and CI frontends.
# lint-integration: ignore-file[no-legacy-toggle, invalid-mode-value]

from __future__ import annotations

import pytest

from lint_integration.findings import Applicability
from lint_integration.languages import tiltfile
from tests.ci_support import expected, fixed, fixture, found, lint, rows, untouched_outside


def test_fixture_findings_are_exactly_the_marked_ones(tmp_path):
    text = fixture("tilt", "Tiltfile")
    assert found(lint(tmp_path, "Tiltfile", text)) == expected(text)


def test_nested_tiltfiles_are_read_too(tmp_path):
    text = fixture("tilt", "Tiltfile")
    assert found(lint(tmp_path, "services/orders/Tiltfile", text)) == expected(text)


def test_messages(tmp_path):
    text = (
        "local_resource('integration', cmd='pnpm test:integration')\n"
        "local_resource('live', cmd='make smoke', env={'INTEGRATION_MODE': 'live'})\n"
    )
    assert rows(lint(tmp_path, "Tiltfile", text)) == [
        (
            "LI008",
            1,
            16,
            "Tilt resource 'integration' runs integration suites (pnpm test:integration) "
            "without INTEGRATION_MODE in its env",
        ),
        (
            "LI006",
            2,
            67,
            "INTEGRATION_MODE set to 'live', which is not a mode (repo, local, cluster)",
        ),
    ]


@pytest.mark.parametrize(
    ("call", "after"),
    [
        (
            "local_resource('it', cmd='pnpm test:integration')",
            "local_resource('it', cmd='pnpm test:integration', env={'INTEGRATION_MODE': 'repo'})",
        ),
        (
            'local_resource(\n    "it",\n    cmd="pnpm test:integration",\n)',
            'local_resource(\n    "it",\n    cmd="pnpm test:integration", '
            'env={"INTEGRATION_MODE": "repo"},\n)',
        ),
        (
            "local_resource('it', cmd='pnpm test:integration', env={'NODE_ENV': 'test'})",
            "local_resource('it', cmd='pnpm test:integration', "
            "env={'INTEGRATION_MODE': 'repo', 'NODE_ENV': 'test'})",
        ),
        (
            "local_resource('it', cmd='pnpm test:integration', env={})",
            "local_resource('it', cmd='pnpm test:integration', env={'INTEGRATION_MODE': 'repo'})",
        ),
    ],
)
def test_unsafe_fix_sets_repo_in_the_resource_env(tmp_path, call, after):
    text = f"# resources\n{call}\n"
    findings = lint(tmp_path, "Tiltfile", text)
    assert [f.fix.applicability for f in findings] == [Applicability.UNSAFE]
    result = fixed(text, findings, unsafe=True)
    assert result == f"# resources\n{after}\n"
    assert untouched_outside(text, result, findings)
    assert lint(tmp_path, "Tiltfile", result) == []


def test_env_defined_elsewhere_is_followed(tmp_path):
    text = "E = {'NODE_ENV': 'test'}\nlocal_resource('it', cmd='pytest tests/integration', env=E)\n"
    assert found(lint(tmp_path, "Tiltfile", text)) == [(2, 16, "LI008")]
    text = (
        "E = {'INTEGRATION_MODE': 'repo'}\nlocal_resource('it', cmd='pytest -m integration', env=E)"
    )
    assert lint(tmp_path, "Tiltfile", text) == []


def test_mode_set_for_every_resource(tmp_path):
    text = (
        "os.putenv('INTEGRATION_MODE', 'repo')\nlocal_resource('it', cmd='pnpm test:integration')\n"
    )
    assert lint(tmp_path, "Tiltfile", text) == []


def test_argv_lists_and_formatted_commands(tmp_path):
    text = (
        "local_resource('a', cmd=['go', 'test', '-tags', 'integration', './...'])\n"
        "svc = 'orders'\n"
        "local_resource('b', cmd='pytest services/%s/tests/integration' % svc)\n"
        "local_resource('c', cmd=f'pytest services/{svc}/tests/unit')\n"
    )
    assert found(lint(tmp_path, "Tiltfile", text)) == [(1, 16, "LI008"), (3, 16, "LI008")]


def test_misspelled_mode_fix(tmp_path):
    text = "local_resource('it', cmd='make it', env={'INTEGRATION_MODE': \"Cluster\"})\n"
    findings = lint(tmp_path, "Tiltfile", text)
    assert fixed(text, findings) == text.replace('"Cluster"', '"cluster"')


def test_toggle_in_command_string_fix_keeps_quotes(tmp_path):
    text = "local_resource('it', cmd=\"RUN_LIVE_TESTS=1 make smoke\")\n"
    findings = lint(tmp_path, "Tiltfile", text)
    assert found(findings) == [(1, 27, "LI003")]
    assert fixed(text, findings, unsafe=True) == text.replace(
        "RUN_LIVE_TESTS=1", "INTEGRATION_MODE=cluster"
    )


def test_syntax_error_is_a_parse_error(tmp_path):
    text = "local_resource('integration',\n  cmd=\n"
    (finding,) = lint(tmp_path, "Tiltfile", text)
    assert finding.code == "LI900"
    assert finding.message.startswith("Tiltfile syntax error")
    assert finding.line == 2


def test_prefilter():
    from lint_integration.config import Config

    config = Config(root=None)  # type: ignore[arg-type]
    assert not tiltfile.might_match(b"docker_build('api', '.')\n", "ci", config)
    assert tiltfile.might_match(b"local_resource('it', cmd='pytest -m Integration')", "ci", config)
    assert tiltfile.might_match(b"env={'RUN_LIVE_TESTS': '1'}", "ci", config)


@pytest.mark.parametrize(
    ("env", "after"),
    [
        ("{'RUN_INTEGRATION_TESTS': '1'}", "{'INTEGRATION_MODE': 'cluster'}"),
        ('{"RUN_LIVE_TESTS": "false", "X": "1"}', '{"INTEGRATION_MODE": "repo", "X": "1"}'),
        (
            "{'RUN_LIVE_TESTS': 'true', 'INTEGRATION_MODE': 'cluster'}",
            "{'INTEGRATION_MODE': 'cluster'}",
        ),
        (
            "{\n    'INTEGRATION_MODE': 'cluster',\n"
            "    'RUN_LIVE_TESTS': '1',  # old\n    'X': '2',\n}",
            "{\n    'INTEGRATION_MODE': 'cluster',\n    'X': '2',\n}",
        ),
    ],
)
def test_toggle_in_env_dict_becomes_the_mode(tmp_path, env, after):
    text = f"local_resource('it', cmd='pnpm test:integration', env={env})\n"
    findings = lint(tmp_path, "Tiltfile", text)
    # The resource's missing mode is left to the toggle's fix: no second INTEGRATION_MODE key.
    assert all(f.fix is None for f in findings if f.code == "LI008")
    result = fixed(text, findings)
    assert result == f"local_resource('it', cmd='pnpm test:integration', env={after})\n"
    assert untouched_outside(text, result, [f for f in findings if f.code == "LI003"])
    assert lint(tmp_path, "Tiltfile", result) == []


# -- shapes from public repositories -----------------------------------------------------------


def test_a_test_command_run_in_an_integration_folder_runs_that_suite(tmp_path):
    text = (
        "E2E = 'e2e/integration'\n"
        "local_resource('integration-tests', cmd='yarn test', dir=E2E, resource_deps=['gw'])\n"
        "local_resource('ui-tests', cmd='yarn test', dir='e2e/ui')\n"
        "local_resource('seed', cmd='yarn seed', dir='e2e/integration')\n"
        "local_resource('connectors', cmd='yarn test', dir='integrations/slack')\n"
    )
    assert rows(lint(tmp_path, "Tiltfile", text)) == [
        (
            "LI008",
            2,
            16,
            "Tilt resource 'integration-tests' runs integration suites (yarn test in "
            "e2e/integration) without INTEGRATION_MODE in its env",
        )
    ]
