"""package.json scripts: legacy toggles and mode values, at exact positions despite escapes."""

# Toggles and bad modes in strings here are test data for the shell and CI frontends.
# lint-integration: ignore-file[no-legacy-toggle, invalid-mode-value]

from __future__ import annotations

import json

import pytest

from lint_integration.languages import package_json
from tests.ci_support import fixed, found, lint, rows, untouched_outside

PACKAGE = """{{
  "name": "@platform/orders",
  "scripts": {{
{scripts}
  }},
  "jest": {{"testTimeout": 30000}}
}}
"""


def package(*scripts: str) -> str:
    return PACKAGE.format(scripts=",\n".join(f"    {s}" for s in scripts))


def test_toggle_in_a_script(tmp_path):
    text = package(
        '"test": "jest"',
        '"test:integration": "RUN_INTEGRATION_TESTS=1 jest --selectProjects integration"',
    )
    assert rows(lint(tmp_path, "services/orders/package.json", text)) == [
        (
            "LI003",
            5,
            26,
            "legacy toggle `RUN_INTEGRATION_TESTS` is set; INTEGRATION_MODE=cluster is the one "
            "switch for live runs",
        )
    ]


@pytest.mark.parametrize(
    ("script", "position"),
    [
        ('"it": "cross-env RUN_LIVE_TESTS=true jest"', (4, 22)),
        ('"it": "echo \\"caf\\u00e9\\" && RUN_LIVE_TESTS=1 jest"', (4, 34)),
        ('"it": "ORDERS_INTEGRATION_USE_LIVE_DB=1 jest"', (4, 12)),
        ('"it": "node -e \\"console.log(process.env.X)\\" $RUN_LIVE_TESTS"', (4, 51)),
    ],
)
def test_positions_survive_json_escapes(tmp_path, script, position):
    text = package(script)
    (finding,) = lint(tmp_path, "package.json", text)
    assert (finding.line, finding.column) == position
    start = text.splitlines()[position[0] - 1][position[1] - 1 :]
    assert start.startswith(("RUN_LIVE_TESTS", "ORDERS_", "$RUN_LIVE_TESTS"))


def test_invalid_mode_and_its_fix(tmp_path):
    text = package('"it": "cross-env INTEGRATION_MODE=Cluster jest"')
    findings = lint(tmp_path, "package.json", text)
    assert rows(findings) == [
        (
            "LI006",
            4,
            39,
            "INTEGRATION_MODE set to 'Cluster', which is not a mode (repo, local, cluster)",
        )
    ]
    after = fixed(text, findings)
    assert json.loads(after)["scripts"]["it"] == "cross-env INTEGRATION_MODE=cluster jest"
    assert untouched_outside(text, after, findings)


def test_toggle_fix_is_unsafe_and_keeps_the_json_valid(tmp_path):
    text = package('"it": "RUN_INTEGRATION_TESTS=1 jest -c jest.integration.js"')
    findings = lint(tmp_path, "package.json", text)
    assert fixed(text, findings) == text
    after = fixed(text, findings, unsafe=True)
    assert (
        json.loads(after)["scripts"]["it"] == "INTEGRATION_MODE=cluster jest -c jest.integration.js"
    )


def test_valid_modes_and_other_keys_are_quiet(tmp_path):
    text = package(
        '"it": "INTEGRATION_MODE=repo jest --selectProjects integration"',
        '"it:cluster": "cross-env INTEGRATION_MODE=cluster jest"',
        '"describe": "echo RUN_INTEGRATION_TESTS is gone"',
    )
    assert lint(tmp_path, "package.json", text) == []


def test_toggle_as_a_config_key(tmp_path):
    text = '{"name": "x", "config": {"RUN_LIVE_TESTS": "1"}}\n'
    assert found(lint(tmp_path, "package.json", text)) == [(1, 26, "LI003")]


def test_invalid_json_is_a_parse_error(tmp_path):
    (finding,) = lint(tmp_path, "package.json", '{"scripts": {"it": "RUN_LIVE_TESTS=1 jest",}}')
    assert finding.code == "LI900"
    assert finding.message.startswith("JSON error:")
    assert (finding.line, finding.column) == (1, 44)


def test_scanner_agrees_with_json():
    text = json.dumps(
        {"scripts": {"a\u00e9": 'x "q" \\ \u2603 \U0001f600', "b": "y"}, "nested": {"scripts": {}}},
        ensure_ascii=True,
    )

    class Config:
        legacy_toggles = ()

    scanned = package_json.PackageJson(text, Config())
    assert {k.value: v.value for k, v in scanned.scripts} == json.loads(text)["scripts"]
    for _key, value in scanned.scripts:
        assert len(value.offsets) == len(value.value)


def test_prefilter():
    from lint_integration.config import Config

    config = Config(root=None)  # type: ignore[arg-type]
    assert not package_json.might_match(b'{"scripts": {"test": "jest"}}', "other", config)
    assert package_json.might_match(b'{"x": "RUN_LIVE_TESTS=1"}', "other", config)
    assert package_json.might_match(b'{"x": "INTEGRATION_MODE=live"}', "other", config)
