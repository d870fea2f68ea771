"""CI and deployment YAML: GitHub Actions, Tekton, Helm values and any other YAML."""

# Toggles and bad modes in strings here are test data for the shell and CI frontends.
# lint-integration: ignore-file[no-legacy-toggle, invalid-mode-value]

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_integration.findings import Applicability
from lint_integration.languages import yaml_config
from tests.ci_support import expected, fixed, fixture, found, lint, rows, untouched_outside

WORKFLOW = ".github/workflows/integration.yml"


def codes(findings):
    return [f.code for f in findings]


@pytest.mark.parametrize(
    ("name", "relpath"),
    [
        ("workflow.yml", WORKFLOW),
        ("tekton.yaml", ".tekton/integration.yaml"),
        ("values-test.yaml", "services/orders/chart/values-test.yaml"),
        ("deployment.yaml", "k8s/orders-integration-job.yaml"),
        ("helm-template.yaml", "services/orders/chart/templates/pod.yaml"),
        ("compose.yaml", "docker-compose.yaml"),
    ],
)
def test_fixture_findings_are_exactly_the_marked_ones(tmp_path, name, relpath):
    text = fixture("yaml", name)
    assert found(lint(tmp_path, relpath, text)) == expected(text)


def test_tekton_is_recognised_by_api_version_anywhere(tmp_path):
    text = fixture("yaml", "tekton.yaml")
    assert found(lint(tmp_path, "deploy/tasks/integration.yaml", text)) == expected(text)


def test_helm_suite_commands_only_in_ci_values_files(tmp_path):
    text = fixture("yaml", "values-test.yaml")
    other = lint(tmp_path, "services/orders/chart/test-config.yaml", text)
    assert "LI008" not in codes(other)
    assert sorted(set(codes(other))) == ["LI003", "LI006"]


# -- ci-mode-explicit -------------------------------------------------------------------------

JOB = """on: push
jobs:
  integration:
    runs-on: ubuntu-latest
{env}    steps:
      - run: pnpm test:integration
"""


def test_job_message(tmp_path):
    assert rows(lint(tmp_path, WORKFLOW, JOB.format(env=""))) == [
        (
            "LI008",
            3,
            3,
            "job 'integration' runs integration suites (pnpm test:integration) without setting "
            "INTEGRATION_MODE at the workflow, job or step level",
        )
    ]


def test_workflow_level_env_is_inherited(tmp_path):
    text = "env:\n  INTEGRATION_MODE: cluster\n" + JOB.format(env="")
    assert lint(tmp_path, WORKFLOW, text) == []


def test_workflows_that_never_run_integration_suites_are_quiet(tmp_path):
    text = JOB.format(env="").replace("pnpm test:integration", "pnpm test && pnpm lint")
    assert lint(tmp_path, WORKFLOW, text) == []
    outside = lint(tmp_path, "ci/integration.yml", JOB.format(env=""))
    assert outside == []  # only .github/workflows are GitHub workflows


@pytest.mark.parametrize(
    "command",
    [
        "pnpm test:integration",
        "npm run test:integration -- --runInBand",
        "./services/orders/run_integration_tests.sh",
        "bash tools/integration-runner/run.sh orders",
        "python -m pytest services/orders/tests/integration -x",
        "uv run pytest -m integration",
        "npx jest --selectProjects integration",
        "go test -tags integration ./...",
        "go test -tags=unit,integration ./...",
        "make test-integration",
    ],
)
def test_suite_commands_that_make_a_job_a_candidate(tmp_path, command):
    text = JOB.format(env="").replace("pnpm test:integration", command)
    assert codes(lint(tmp_path, WORKFLOW, text)) == ["LI008"]


@pytest.mark.parametrize(
    "command",
    [
        "pytest tests/unit",
        "go test ./...",
        "echo integration",
        "cp -r integration-fixtures /tmp",
        "jest --selectProjects unit",
    ],
)
def test_commands_that_do_not_run_integration_suites(tmp_path, command):
    text = JOB.format(env="").replace("pnpm test:integration", command)
    assert lint(tmp_path, WORKFLOW, text) == []


def test_insert_env_when_the_job_has_none(tmp_path):
    text = JOB.format(env="    # then the suites\n")
    findings = lint(tmp_path, WORKFLOW, text)
    (finding,) = findings
    assert finding.fix.applicability is Applicability.UNSAFE
    assert fixed(text, findings) == text  # unsafe fixes need --unsafe-fixes
    after = fixed(text, findings, unsafe=True)
    assert after == JOB.format(
        env="    env:\n      INTEGRATION_MODE: repo\n    # then the suites\n"
    )
    assert untouched_outside(text, after, findings)
    assert lint(tmp_path, WORKFLOW, after) == []


def test_insert_into_an_existing_block_env(tmp_path):
    text = JOB.format(env="    env:\n        # comment kept\n        NODE_ENV: test\n")
    after = fixed(text, lint(tmp_path, WORKFLOW, text), unsafe=True)
    env = (
        "    env:\n        INTEGRATION_MODE: repo\n        # comment kept\n        NODE_ENV: test\n"
    )
    assert after == JOB.format(env=env)
    job = yaml.safe_load(after)["jobs"]["integration"]
    assert job["env"] == {"INTEGRATION_MODE": "repo", "NODE_ENV": "test"}


@pytest.mark.parametrize(
    ("env", "after"),
    [
        ("    env: {}\n", "    env: {INTEGRATION_MODE: repo}\n"),
        ("    env: {NODE_ENV: test}\n", "    env: {INTEGRATION_MODE: repo, NODE_ENV: test}\n"),
    ],
)
def test_insert_into_a_flow_env(tmp_path, env, after):
    text = JOB.format(env=env)
    assert fixed(text, lint(tmp_path, WORKFLOW, text), unsafe=True) == JOB.format(env=after)


def test_no_insert_through_an_alias(tmp_path):
    text = "x-env: &env\n  NODE_ENV: test\n" + JOB.format(env="    env: *env\n")
    (finding,) = lint(tmp_path, WORKFLOW, text)
    assert finding.fix is None  # the anchor is shared: editing it would change other jobs


def test_one_finding_per_job_even_with_many_suite_steps(tmp_path):
    text = JOB.format(env="") + "      - run: go test -tags integration ./...\n"
    assert found(lint(tmp_path, WORKFLOW, text)) == [(3, 3, "LI008")]


def test_tekton_message(tmp_path):
    text = fixture("yaml", "tekton.yaml")
    messages = [f.message for f in lint(tmp_path, ".tekton/integration.yaml", text)]
    assert (
        "Tekton step 'go-suites' runs integration suites (go test -tags integration) without "
        "INTEGRATION_MODE in its env or the task's stepTemplate"
    ) in messages


# -- no-legacy-toggle fixes: span edits that keep everything else -----------------------------

ENV_MAP = """jobs:
  integration:
    runs-on: ubuntu-latest
    env:
      NODE_ENV: test   # kept as is
      {toggle}
      'QUOTED': "yes"
    steps:
      - run: pnpm test:integration
"""


@pytest.mark.parametrize(
    ("toggle", "replacement"),
    [
        ('RUN_INTEGRATION_TESTS: "1"  # live', 'INTEGRATION_MODE: "cluster"  # live'),
        ("RUN_LIVE_TESTS: true", "INTEGRATION_MODE: cluster"),
        ("'RUN_LIVE_TESTS': 'yes'", "'INTEGRATION_MODE': 'cluster'"),
        ("ORDERS_INTEGRATION_USE_LIVE_DB: false", "INTEGRATION_MODE: repo"),
    ],
)
def test_toggle_in_env_map_becomes_the_mode(tmp_path, toggle, replacement):
    text = ENV_MAP.format(toggle=toggle)
    findings = lint(tmp_path, WORKFLOW, text, select=("no-legacy-toggle",))
    assert codes(findings) == ["LI003"]
    assert findings[0].fix.applicability is Applicability.SAFE
    after = fixed(text, findings)
    assert after == ENV_MAP.format(toggle=replacement)
    assert untouched_outside(text, after, findings)
    assert lint(tmp_path, WORKFLOW, after) == []


def test_toggle_removed_when_the_mode_is_already_set(tmp_path):
    text = ENV_MAP.format(toggle="RUN_LIVE_TESTS: 1  # old switch\n      INTEGRATION_MODE: cluster")
    findings = lint(tmp_path, WORKFLOW, text)
    after = fixed(text, findings)
    assert after == ENV_MAP.format(toggle="INTEGRATION_MODE: cluster")
    assert untouched_outside(text, after, findings)


def test_two_toggles_one_mode(tmp_path):
    text = ENV_MAP.format(toggle="RUN_LIVE_TESTS: 1\n      RUN_INTEGRATION_TESTS: 1")
    after = fixed(text, lint(tmp_path, WORKFLOW, text))
    assert after == ENV_MAP.format(toggle="INTEGRATION_MODE: cluster")


def test_no_fix_for_a_dynamic_toggle_value(tmp_path):
    text = ENV_MAP.format(toggle="RUN_LIVE_TESTS: ${{ inputs.live }}")
    (finding,) = lint(tmp_path, WORKFLOW, text, select=("no-legacy-toggle",))
    assert finding.fix is None


KUBE = """containers:
  - name: tests
    env:
      - name: LOG_LEVEL
        value: debug
      - name: RUN_INTEGRATION_TESTS   # toggle
        value: "true"
{more}"""


def test_kubernetes_env_list_rename(tmp_path):
    text = KUBE.format(more="")
    findings = lint(tmp_path, "k8s/job.yaml", text)
    after = fixed(text, findings)
    assert after == text.replace(
        'RUN_INTEGRATION_TESTS   # toggle\n        value: "true"',
        'INTEGRATION_MODE   # toggle\n        value: "cluster"',
    )
    assert untouched_outside(text, after, findings)


def test_kubernetes_env_list_removal(tmp_path):
    more = "      - name: INTEGRATION_MODE\n        value: cluster\n"
    text = KUBE.format(more=more)
    after = fixed(text, lint(tmp_path, "k8s/job.yaml", text))
    assert after == (
        "containers:\n  - name: tests\n    env:\n      - name: LOG_LEVEL\n        value: debug\n"
        + more
    )


def test_block_scalar_script_fix(tmp_path):
    text = """jobs:
  integration:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "start"
          RUN_INTEGRATION_TESTS=1 pnpm test:integration
"""
    findings = lint(tmp_path, WORKFLOW, text, select=("no-legacy-toggle",))
    assert found(findings) == [(7, 11, "LI003")]
    after = fixed(text, findings, unsafe=True)
    assert after == text.replace("RUN_INTEGRATION_TESTS=1", "INTEGRATION_MODE=cluster")


def test_misspelled_mode_is_fixed_keeping_quotes(tmp_path):
    text = 'env:\n  INTEGRATION_MODE: "Cluster"  # nightly\n'
    findings = lint(tmp_path, "deploy/values.yaml", text)
    assert rows(findings) == [
        (
            "LI006",
            2,
            21,
            "INTEGRATION_MODE set to 'Cluster', which is not a mode (repo, local, cluster)",
        )
    ]
    assert fixed(text, findings) == 'env:\n  INTEGRATION_MODE: "cluster"  # nightly\n'


ALPHABET = st.sampled_from(["A", "B", "LOG", "NODE_ENV", "PORT"])
VALUES = st.sampled_from(["1", "true", "x", "8080"])
QUOTES = st.sampled_from(["", "'", '"'])
COMMENTS = st.sampled_from(["", "  # note", "   #x"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    others=st.lists(
        st.tuples(ALPHABET, VALUES, QUOTES, COMMENTS), max_size=4, unique_by=lambda t: t[0]
    ),
    position=st.integers(min_value=0, max_value=4),
    toggle=st.tuples(
        st.sampled_from(["RUN_LIVE_TESTS", "RUN_INTEGRATION_TESTS"]),
        st.sampled_from(["1", "true", "0"]),
        QUOTES,
        COMMENTS,
    ),
    indent=st.sampled_from([2, 4]),
)
def test_env_fix_round_trips_byte_for_byte_outside_the_edit(
    tmp_path, others, position, toggle, indent
):
    entries = [f"{k}: {q}{v}{q}{c}" for k, v, q, c in others]
    name, value, quote, comment = toggle
    entries.insert(min(position, len(entries)), f"{name}: {quote}{value}{quote}{comment}")
    pad = " " * indent
    text = "# header\nenv:\n" + "".join(f"{pad}{e}\n" for e in entries) + "other: [1, 2]\n"
    findings = lint(tmp_path, "config/values.yaml", text)
    assert codes(findings) == ["LI003"]
    after = fixed(text, findings)
    assert untouched_outside(text, after, findings)
    loaded = yaml.safe_load(after)
    mode = "repo" if value == "0" else "cluster"
    assert loaded["env"]["INTEGRATION_MODE"] == mode
    assert name not in loaded["env"]
    assert loaded["other"] == [1, 2]
    assert after.count("\n") == text.count("\n")


# -- anchors, matrix, expressions -------------------------------------------------------------


def test_toggle_behind_an_alias_is_reported_once_at_the_anchor(tmp_path):
    text = """x-env: &live
  RUN_LIVE_TESTS: "1"
jobs:
  a:
    runs-on: ubuntu-latest
    env: *live
    steps: [{run: echo a}]
  b:
    runs-on: ubuntu-latest
    env:
      <<: *live
    steps: [{run: echo b}]
"""
    assert found(lint(tmp_path, WORKFLOW, text)) == [(2, 3, "LI003")]


def test_matrix_value_reported_where_it_is_written(tmp_path):
    text = """jobs:
  integration:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - mode: repo
          - mode: live
    env:
      INTEGRATION_MODE: ${{ matrix.mode }}
    steps:
      - run: pnpm test:integration
"""
    assert found(lint(tmp_path, WORKFLOW, text)) == [(8, 19, "LI006")]


# -- bad input and the prefilter --------------------------------------------------------------


def test_invalid_yaml_is_a_parse_error_with_its_position(tmp_path):
    (finding,) = lint(tmp_path, WORKFLOW, "jobs:\n  integration: [a\n  b: 1\n")
    assert finding.code == "LI900"
    assert finding.message.startswith("YAML error:")
    assert (finding.line, finding.column) == (3, 4)


def test_non_ascii_and_bom(tmp_path):
    text = "\ufeff# Intégration\nenv:\n  ÉTAT: prêt\n  RUN_LIVE_TESTS: 1\n"
    assert found(lint(tmp_path, "config/values.yaml", text)) == [(4, 3, "LI003")]


def test_prefilter():
    from lint_integration.config import Config

    config = Config(root=None)  # type: ignore[arg-type]
    assert not yaml_config.might_match(b"jobs:\n  build: {}\n", "ci", config)
    assert yaml_config.might_match(b"run: pnpm test:Integration\n", "ci", config)
    assert yaml_config.might_match(b"integrationMode: live\n", "other", config)
    assert yaml_config.might_match(b"RUN_LIVE_TESTS: 1\n", "other", config)
    assert yaml_config.might_match(b"X_USE_LIVE_Y: 1\n", "other", config)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_yaml_never_crashes(tmp_path, data):
    name = data.draw(st.sampled_from(["workflow.yml", "tekton.yaml", "values-test.yaml"]))
    text = fixture("yaml", name)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    junk = data.draw(st.sampled_from(["", ":", "- ", "&a ", "*a", "{", "]", "'", '"', "\n  ", "|"]))
    for finding in lint(tmp_path, WORKFLOW, text[:start] + junk + text[end:]):
        assert finding.line >= 1 and finding.column >= 1


def test_job_env_with_a_toggle_is_left_to_the_toggle_fix(tmp_path):
    text = JOB.format(env="    env:\n      RUN_LIVE_TESTS: 1\n")
    findings = lint(tmp_path, WORKFLOW, text)
    assert found(findings) == [(3, 3, "LI008"), (6, 7, "LI003")]
    assert findings[0].fix is None  # inserting the mode too would give two INTEGRATION_MODE keys
    after = fixed(text, findings, unsafe=True)
    assert after == JOB.format(env="    env:\n      INTEGRATION_MODE: cluster\n")
    assert lint(tmp_path, WORKFLOW, after) == []


# -- shapes from public repositories -----------------------------------------------------------


def test_helm_template_with_a_multi_line_comment_is_read(tmp_path):
    text = fixture("yaml", "helm-template-comment.yaml")
    findings = lint(tmp_path, "charts/orders/templates/integration-job.yaml", text)
    assert found(findings) == expected(text)


def test_helm_template_that_is_yaml_only_once_rendered_is_not_a_parse_error(tmp_path):
    text = fixture("yaml", "helm-template-unrendered.yaml")
    assert lint(tmp_path, "charts/orders/templates/integration-cm.yaml", text) == []


def test_broken_workflow_expressions_are_still_parse_errors(tmp_path):
    text = "jobs:\n  integration: [${{ matrix.x }}\n  b: 1\n"
    assert codes(lint(tmp_path, WORKFLOW, text)) == ["LI900"]


@pytest.mark.parametrize(
    "command",
    [
        "go test -v -tags=integration -run=^$ ./test/integration",
        "go test -tags integration -run '^$' ./...",
        "go test -c -tags integration ./test/integration",
    ],
)
def test_go_build_checks_of_integration_packages_run_no_suite(tmp_path, command):
    text = JOB.replace("pnpm test:integration", command).format(env="")
    assert lint(tmp_path, WORKFLOW, text) == []


def test_go_integration_tests_and_benchmarks_still_run_suites(tmp_path):
    for command in (
        "go test -tags integration ./...",
        "go test -tags integration -run '^$' -bench . ./...",
    ):
        text = JOB.replace("pnpm test:integration", command).format(env="")
        assert codes(lint(tmp_path, WORKFLOW, text)) == ["LI008"]


def test_a_step_running_tests_in_an_integration_folder_runs_that_suite(tmp_path):
    text = """on: push
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - working-directory: e2e/integration
        run: yarn && yarn test:docker
  drivers:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: addons/Redis.IntegrationTests
    steps:
      - run: dotnet test
  build:
    runs-on: ubuntu-latest
    steps:
      - working-directory: e2e/integration
        run: yarn build
      - working-directory: integrations/slack
        run: yarn test
"""
    assert rows(lint(tmp_path, WORKFLOW, text)) == [
        (
            "LI008",
            3,
            3,
            "job 'e2e' runs integration suites (yarn test:docker in e2e/integration) without "
            "setting INTEGRATION_MODE at the workflow, job or step level",
        ),
        (
            "LI008",
            8,
            3,
            "job 'drivers' runs integration suites (dotnet test in "
            "addons/Redis.IntegrationTests) without setting INTEGRATION_MODE at the workflow, "
            "job or step level",
        ),
    ]
