"""Shell runner scripts on tree-sitter-bash: fixtures with positive and negative shapes."""

# Toggles and bad modes in strings here are test data for the shell and CI frontends.
# lint-integration: ignore-file[no-legacy-toggle, invalid-mode-value]

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_integration.findings import Applicability
from lint_integration.languages import shell
from tests.ci_support import expected, fixed, fixture, found, lint, rows, untouched_outside

RUNNER = "services/orders/run_integration_tests.sh"
SCRIPT = "scripts/ci-helpers.sh"
VALIDATED = """#!/usr/bin/env bash
MODE="${INTEGRATION_MODE:-repo}"
case "$MODE" in
  repo | local | cluster) ;;
  *) echo "invalid INTEGRATION_MODE: $MODE" >&2; exit 2 ;;
esac
"""


def codes(findings):
    return [f.code for f in findings]


@pytest.mark.parametrize(
    ("name", "relpath"),
    [
        ("skip_gates.sh", RUNNER),
        ("toggles.sh", "scripts/toggles.sh"),
        ("modes.sh", "scripts/modes.sh"),
        ("heuristics.sh", "scripts/heuristics.sh"),
    ],
)
def test_fixture_findings_are_exactly_the_marked_ones(tmp_path, name, relpath):
    text = fixture("shell", name)
    assert found(lint(tmp_path, relpath, text)) == expected(text)


# -- no-skip-on-env ---------------------------------------------------------------------------


def test_skip_gate_message_names_the_variable(tmp_path):
    text = VALIDATED + 'if [ -z "${ORDERS_DATABASE_URL:-}" ]; then\n  echo skip\n  exit 0\nfi\n'
    assert rows(lint(tmp_path, RUNNER, text)) == [
        (
            "LI001",
            7,
            1,
            "`exit 0` skips the run based on env var `ORDERS_DATABASE_URL`; use mocks in repo "
            "mode and fail fast in cluster mode",
        )
    ]


def test_skip_gate_names_every_variable_of_the_condition(tmp_path):
    text = VALIDATED + '[ -z "${A_URL:-}" ] || [ -z "${B_URL:-}" ] && return\n'
    (finding,) = lint(tmp_path, RUNNER, text)
    assert "based on env vars `A_URL`, `B_URL`" in finding.message
    assert "`return` skips" in finding.message


def test_skip_gates_only_in_runner_and_suite_scripts(tmp_path):
    text = '#!/bin/sh\n[ -z "$DEPLOY_TOKEN" ] && exit 0\n'
    assert lint(tmp_path, "scripts/deploy.sh", text) == []
    suite = lint(tmp_path, "services/orders/tests/integration/seed.sh", text)
    assert codes(suite) == ["LI001"]


def test_skip_fix_fails_in_cluster_mode_and_keeps_everything_else(tmp_path):
    text = (
        VALIDATED
        + "\n# the database is optional in repo mode\n"
        + 'if [ -z "${ORDERS_DATABASE_URL:-}" ]; then\n'
        + '    echo "ORDERS_DATABASE_URL not set, skipping"\n'
        + "    exit 0\n"
        + "fi\n"
        + "pytest tests/integration\n"
    )
    findings = lint(tmp_path, RUNNER, text)
    assert [f.fix.applicability for f in findings] == [Applicability.SAFE]
    after = fixed(text, findings)
    assert after == (
        VALIDATED
        + "\n# the database is optional in repo mode\n"
        + 'if [ "${INTEGRATION_MODE:-repo}" = "cluster" ]; then\n'
        + '    : "${ORDERS_DATABASE_URL:?INTEGRATION_MODE=cluster requires ORDERS_DATABASE_URL}"\n'
        + "fi\n"
        + "pytest tests/integration\n"
    )
    assert untouched_outside(text, after, findings)
    assert lint(tmp_path, RUNNER, after) == []


def test_skip_fix_for_chains_is_one_line(tmp_path):
    text = VALIDATED + '[ -n "${A_URL:-}" ] && [ -n "${B_URL:-}" ] || exit 0\npytest\n'
    after = fixed(text, lint(tmp_path, RUNNER, text))
    assert after.endswith(
        'if [ "${INTEGRATION_MODE:-repo}" = "cluster" ]; then '
        ': "${A_URL:?INTEGRATION_MODE=cluster requires A_URL}"; '
        ': "${B_URL:?INTEGRATION_MODE=cluster requires B_URL}"; fi\npytest\n'
    )


def test_fixed_gate_behaves_per_mode(tmp_path):
    text = VALIDATED + '[ -z "${ORDERS_DATABASE_URL:-}" ] && { echo skip; exit 0; }\necho RAN\n'
    script = tmp_path / "fixed.sh"
    script.write_text(fixed(text, lint(tmp_path, RUNNER, text)))

    def run(**env):
        return subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True)

    repo = run(INTEGRATION_MODE="repo")
    assert (repo.returncode, repo.stdout) == (0, "RAN\n")
    cluster = run(INTEGRATION_MODE="cluster")
    assert cluster.returncode != 0
    assert "INTEGRATION_MODE=cluster requires ORDERS_DATABASE_URL" in cluster.stderr
    live = run(INTEGRATION_MODE="cluster", ORDERS_DATABASE_URL="postgres://live")
    assert (live.returncode, live.stdout) == (0, "RAN\n")


def test_no_fix_when_the_gate_does_more_than_print(tmp_path):
    text = VALIDATED + 'if [ -z "$A_URL" ]; then  # optional\n  echo skip\n  exit 0\nfi\n'
    (finding,) = lint(tmp_path, RUNNER, text)
    assert finding.fix is None  # a comment inside the gate would be lost
    text = VALIDATED + '[ -z "$A_URL" ] && [ -z "$B_URL" ] && exit 0\n'
    (finding,) = lint(tmp_path, RUNNER, text)
    assert finding.fix is None  # "both missing" is not "any missing"


# -- no-legacy-toggle -------------------------------------------------------------------------


def test_toggle_messages_say_read_or_set(tmp_path):
    text = '#!/bin/sh\necho "$RUN_INTEGRATION_TESTS"\nexport RUN_LIVE_TESTS=1\n'
    assert rows(lint(tmp_path, SCRIPT, text)) == [
        (
            "LI003",
            2,
            7,
            "legacy toggle `RUN_INTEGRATION_TESTS` is read; INTEGRATION_MODE=cluster is the one "
            "switch for live runs",
        ),
        (
            "LI003",
            3,
            8,
            "legacy toggle `RUN_LIVE_TESTS` is set; INTEGRATION_MODE=cluster is the one switch "
            "for live runs",
        ),
    ]


@pytest.mark.parametrize(
    ("gate", "test"),
    [
        (
            '[ "${RUN_INTEGRATION_TESTS:-0}" != "1" ]',
            '[ "${INTEGRATION_MODE:-repo}" != "cluster" ]',
        ),
        ("[[ -n $RUN_LIVE_TESTS ]]", '[[ "${INTEGRATION_MODE:-repo}" = "cluster" ]]'),
        ('test "$RUN_LIVE_TESTS" = true', 'test "${INTEGRATION_MODE:-repo}" = "cluster"'),
        ('[ -z "${RUN_LIVE_TESTS:-}" ]', '[ "${INTEGRATION_MODE:-repo}" != "cluster" ]'),
        ('[ "$RUN_LIVE_TESTS" = "false" ]', '[ "${INTEGRATION_MODE:-repo}" != "cluster" ]'),
    ],
)
def test_toggle_gate_becomes_a_mode_test(tmp_path, gate, test):
    text = VALIDATED + f"if {gate}; then\n  exit 0\nfi\npytest\n"
    findings = lint(tmp_path, RUNNER, text)
    assert codes(findings) == ["LI003"]  # the skip on the same gate is not reported twice
    assert findings[0].fix.applicability is Applicability.SAFE
    after = fixed(text, findings)
    assert after == VALIDATED + f"if {test}; then\n  exit 0\nfi\npytest\n"


def test_toggle_assignment_fix_is_unsafe(tmp_path):
    text = "#!/bin/sh\nRUN_INTEGRATION_TESTS=1 pytest tests/integration\n"
    (finding,) = lint(tmp_path, SCRIPT, text)
    assert finding.fix.applicability is Applicability.UNSAFE
    assert fixed(text, [finding]) == text
    assert fixed(text, [finding], unsafe=True) == (
        "#!/bin/sh\nINTEGRATION_MODE=cluster pytest tests/integration\n"
    )
    falsy = "#!/bin/sh\nexport RUN_LIVE_TESTS=false\n"
    assert fixed(falsy, lint(tmp_path, SCRIPT, falsy), unsafe=True).endswith(
        "export INTEGRATION_MODE=repo\n"
    )


def test_no_assignment_fix_when_the_script_sets_the_mode(tmp_path):
    text = "#!/bin/sh\nexport INTEGRATION_MODE=cluster\nexport RUN_LIVE_TESTS=1\n"
    (finding,) = lint(tmp_path, SCRIPT, text)
    assert finding.fix is None


def test_configured_toggles_are_used(tmp_path):
    from lint_integration.config import Config

    config = Config(root=tmp_path, legacy_toggles=("USE_REAL_STRIPE",))
    text = '#!/bin/sh\necho "$USE_REAL_STRIPE $RUN_LIVE_TESTS"\n'
    assert found(lint(tmp_path, SCRIPT, text, config=config)) == [(2, 7, "LI003")]


# -- invalid-mode-value -----------------------------------------------------------------------


def test_invalid_mode_messages(tmp_path):
    text = '#!/bin/sh\nMODE="${INTEGRATION_MODE:-repo}"\n[ "$MODE" = live ] && echo\n'
    assert rows(lint(tmp_path, SCRIPT, text)) == [
        (
            "LI006",
            3,
            13,
            "INTEGRATION_MODE compared with 'live', which is not a mode (repo, local, cluster)",
        )
    ]


@pytest.mark.parametrize(
    ("line", "after"),
    [
        ("export INTEGRATION_MODE=Cluster", "export INTEGRATION_MODE=cluster"),
        ('[ "$INTEGRATION_MODE" = "REPO" ] && echo', '[ "$INTEGRATION_MODE" = "repo" ] && echo'),
        ("env INTEGRATION_MODE=Local pytest", "env INTEGRATION_MODE=local pytest"),
    ],
)
def test_misspelled_modes_are_fixed(tmp_path, line, after):
    text = f"#!/bin/sh\n{line}\n"
    findings = lint(tmp_path, SCRIPT, text)
    assert codes(findings) == ["LI006"]
    assert fixed(text, findings) == f"#!/bin/sh\n{after}\n"


def test_unknown_values_have_no_fix(tmp_path):
    (finding,) = lint(tmp_path, SCRIPT, "#!/bin/sh\nINTEGRATION_MODE=live ./run.sh\n")
    assert finding.fix is None


# -- no-mode-heuristic ------------------------------------------------------------------------


def test_heuristic_and_alias_messages(tmp_path):
    text = (
        "#!/bin/sh\n"
        '[ -n "${KUBERNETES_SERVICE_HOST:-}" ] && export INTEGRATION_MODE=cluster\n'
        'echo "$INTEGRATION_ENV"\n'
    )
    assert rows(lint(tmp_path, SCRIPT, text)) == [
        (
            "LI005",
            2,
            7,
            "`KUBERNETES_SERVICE_HOST` decides the mode; set INTEGRATION_MODE explicitly instead",
        ),
        (
            "LI005",
            3,
            7,
            "`INTEGRATION_ENV` is an alias of INTEGRATION_MODE; read INTEGRATION_MODE itself",
        ),
    ]


# -- runner-validates-mode --------------------------------------------------------------------


def test_runner_that_never_reads_the_mode(tmp_path):
    text = "#!/usr/bin/env bash\nset -e\npytest tests/integration\n"
    assert rows(lint(tmp_path, RUNNER, text)) == [
        (
            "LI007",
            1,
            1,
            "runner never reads INTEGRATION_MODE; parse it once and reject unknown values "
            "(lint-integration init --runner writes a template)",
        )
    ]


def test_runner_that_reads_without_rejecting(tmp_path):
    text = (
        "#!/usr/bin/env bash\n"
        'if [ "${INTEGRATION_MODE:-repo}" = cluster ]; then\n'
        "  export USE_LIVE=1\n"
        "fi\n"
        "pytest tests/integration\n"
    )
    assert rows(lint(tmp_path, RUNNER, text)) == [
        (
            "LI007",
            2,
            9,
            "runner reads INTEGRATION_MODE without rejecting unknown values; add a case with a "
            "failing *) arm",
        )
    ]


@pytest.mark.parametrize(
    "validation",
    [
        'case "$M" in repo|local|cluster) ;; *) exit 2 ;; esac',
        'case "$M" in\n  repo|local) ;;\n  cluster) ;;\n  *) die "bad mode $M" ;;\nesac',
        'case "$M" in repo|local|cluster) ;; *) usage; exit 64 ;; esac',
        '[[ "$M" =~ ^(repo|local|cluster)$ ]] || { echo "bad mode" >&2; exit 2; }',
        'if [ "$M" != repo ] && [ "$M" != local ] && [ "$M" != cluster ]; then exit 1; fi',
        'if [ "$M" = cluster ]; then :\nelif [ "$M" = repo ] || [ "$M" = local ]; then :\n'
        'else\n  echo "bad mode" >&2\n  exit 2\nfi',
        'fail() { echo "$*" >&2; exit 1; }\n'
        'case "$M" in repo|local|cluster) ;; *) fail bad ;; esac',
    ],
)
def test_runner_validations_that_reject_unknown_values(tmp_path, validation):
    text = f'#!/usr/bin/env bash\nM="${{INTEGRATION_MODE:-repo}}"\n{validation}\npytest tests\n'
    assert lint(tmp_path, RUNNER, text) == []


@pytest.mark.parametrize(
    "validation",
    [
        'case "$M" in repo|local|cluster) ;; *) echo "unknown mode" ;; esac',
        'case "$M" in cluster) exit 0 ;; esac',
        '[ "$M" != cluster ] || exit 1',
        'if [ "$M" = cluster ]; then :; else echo mocked; fi',
    ],
)
def test_runner_validations_that_accept_unknown_values(tmp_path, validation):
    text = f'#!/usr/bin/env bash\nM="${{INTEGRATION_MODE:-repo}}"\n{validation}\npytest tests\n'
    assert codes(lint(tmp_path, RUNNER, text)) == ["LI007"]


def test_runner_that_delegates_to_the_shared_runner(tmp_path):
    text = '#!/bin/sh\nexec "$(dirname "$0")/../../tools/integration-runner/run.sh" orders\n'
    assert lint(tmp_path, RUNNER, text) == []
    sourced = '#!/bin/bash\n. "$ROOT/tools/integration_mode.sh"\npytest tests/integration\n'
    assert lint(tmp_path, RUNNER, sourced) == []


def test_helper_scripts_in_runner_and_suite_folders_are_not_runners(tmp_path):
    helper = '#!/bin/sh\npg_isready -h "$PGHOST"\n'
    assert lint(tmp_path, "tools/integration-runner/wait-for-db.sh", helper) == []
    assert lint(tmp_path, "services/orders/tests/integration/seed.sh", helper) == []
    suite_runner = "#!/bin/sh\npytest services/orders/tests/integration\n"
    assert codes(lint(tmp_path, "services/orders/tests/integration/run.sh", suite_runner)) == [
        "LI007"
    ]


# -- positions, bad input ---------------------------------------------------------------------


def test_columns_count_characters_not_bytes(tmp_path):
    text = '#!/bin/sh\necho "déjà vu: $RUN_LIVE_TESTS"\n'
    assert found(lint(tmp_path, SCRIPT, text)) == [(2, 16, "LI003")]


def test_crlf_scripts(tmp_path):
    text = VALIDATED.replace("\n", "\r\n") + 'if [ -z "$A_URL" ]; then\r\n  exit 0\r\nfi\r\n'
    findings = lint(tmp_path, RUNNER, text)
    assert found(findings) == [(7, 1, "LI001")]
    after = fixed(text, findings)
    assert "\n" not in after.replace("\r\n", "")


def test_unsupported_construct_is_repaired_not_fatal(tmp_path):
    text = VALIDATED + '[ \\( -z "$A" \\) ]\n[ -z "${B_URL:-}" ] && exit 0\n'
    assert found(lint(tmp_path, RUNNER, text)) == [(8, 1, "LI001")]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('#!/bin/sh\necho "unterminated\n', "shell syntax error", 2),
        ("#!/bin/sh\nif true; then\n  echo\n", "shell syntax error: missing `fi`", 4),
    ],
)
def test_broken_scripts_are_parse_errors(tmp_path, text, message, line):
    (finding,) = lint(tmp_path, RUNNER, text)
    assert finding.code == "LI900"
    assert finding.message.startswith(message)
    assert finding.line == line


def test_prefilter_is_conservative_for_runners():
    from lint_integration.config import Config

    config = Config(root=None)  # type: ignore[arg-type]
    assert shell.might_match(b"pytest", "runner", config)
    assert shell.might_match(b"pytest", "suite", config)
    assert not shell.might_match(b"echo hello", "other", config)
    assert shell.might_match(b"echo $ORDERS_INTEGRATION_USE_LIVE_DB", "other", config)
    assert shell.might_match(b"echo $TEST_MODE", "other", config)
    assert shell.might_match(b"INTEGRATION_MODE=live", "other", config)


JUNK = st.sampled_from(
    ['"', "'", "$", "${", "}", "(", ")", "[[", "]", "`", "\\", "\n", ";;", "<<EOF\n", "é"]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_scripts_never_crash(tmp_path, data):
    text = fixture(
        "shell", data.draw(st.sampled_from(["skip_gates.sh", "modes.sh", "heuristics.sh"]))
    )
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    text = text[:start] + data.draw(JUNK) + text[end:]
    for finding in lint(tmp_path, RUNNER, text):
        assert finding.line >= 1 and finding.column >= 1


# -- shapes from public repositories -----------------------------------------------------------


def test_exit_after_the_suite_ran_skips_nothing(tmp_path):
    """An optional step after the run (a notification, an upload) may end early."""
    text = (
        VALIDATED
        + "pytest tests/integration\n"
        + 'if [ -z "${SLACK_WEBHOOK_URL:-}" ]; then\n  echo "no webhook, not notifying"\n'
        + "  exit 0\nfi\n"
        + 'curl -fsS -d @report.json "$SLACK_WEBHOOK_URL"\n'
    )
    assert lint(tmp_path, RUNNER, text) == []


def test_exit_before_a_function_that_runs_the_suite_is_a_skip(tmp_path):
    text = (
        VALIDATED
        + "run_suite() {\n  pytest tests/integration\n}\n"
        + '[ -z "${ORDERS_DATABASE_URL:-}" ] && exit 0\n'
        + "run_suite\n"
        + '[ -z "${CODECOV_TOKEN:-}" ] && exit 0\n'
        + "codecov upload\n"
    )
    assert found(lint(tmp_path, RUNNER, text)) == [(10, 1, "LI001")]


def test_redirected_assignments_parse(tmp_path):
    """``out=$(cmd) &> /dev/null`` is valid shell the grammar misreads; the script is still
    analysed (here: a multi-line substitution as an ``if`` condition)."""
    text = (
        VALIDATED
        + 'if id="$(aws ec2 run-instances \\\n'
        + '    --image-id "$AMI" \\\n'
        + '    --output text)" &> /dev/null; then\n'
        + '  echo "$id"\n'
        + "fi\n"
        + "version=$(git describe) 2>/dev/null\n"
        + '[ -z "${ORDERS_DATABASE_URL:-}" ] && exit 0\n'
        + "pytest tests/integration\n"
    )
    assert found(lint(tmp_path, RUNNER, text)) == [(13, 1, "LI001")]
