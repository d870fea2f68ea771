"""SARIF, JUnit and GitLab Code Quality output, and ``--output-file``.

SARIF is validated against the OASIS schema, JUnit is parsed back with an XML parser and GitLab's
fingerprints are checked for stability, both on constructed results (every corner) and on the
output of real runs over fixtures with findings of several rules and languages.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lint_integration import registry
from lint_integration.engine import FileResult, RunResult
from lint_integration.findings import Applicability, Edit, Finding, Fix
from lint_integration.report import formatters

DATA = Path(__file__).resolve().parent / "data"

TEXT = 'import os\nLIVE = os.getenv("RUN_INTEGRATION_TESTS")\n'


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    # This rendering of the schema keeps the log object's constraints in definitions/Root.
    return jsonschema.Draft7Validator({**schema, "$ref": "#/definitions/Root"})


def assert_valid_sarif(validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def span_fix() -> Fix:
    start = TEXT.index("os.getenv")
    end = TEXT.index("\n", start)
    edit = Edit.at(TEXT, start, end, 'current_mode() == "cluster"')
    return Fix(Applicability.SAFE, "read the mode through the helper", (edit,))


def sample(shift: int = 0, path: str = "svc/tests/test_a.py") -> RunResult:
    """Two findings in one file (one with span edits, one with a codemod), one suppressed
    finding, and a clean file; ``shift`` moves every finding down by that many lines."""
    toggle = Finding(
        "no-legacy-toggle",
        "LI003",
        path,
        2 + shift,
        8,
        2 + shift,
        41,
        "legacy toggle `RUN_INTEGRATION_TESTS` is read <here> & \x1b[31mthere",
        span_fix(),
        snippet='LIVE = os.getenv("RUN_INTEGRATION_TESTS")',
    )
    skip = Finding(
        "no-skip-on-env",
        "LI001",
        path,
        5 + shift,
        1,
        6 + shift,
        10,
        "test skipped when `ORDERS_DATABASE_URL` is missing",
        Fix(Applicability.UNSAFE, "use requires_env", codemod="no-skip-on-env"),
        snippet='@pytest.mark.skipif(not os.getenv("ORDERS_DATABASE_URL"))',
    )
    hidden = Finding(
        "no-direct-env-probe",
        "LI002",
        path,
        9 + shift,
        5,
        9 + shift,
        20,
        "suite reads env var `X_URL` directly",
        snippet='x = os.getenv("X_URL")  # noqa: LI002',
    )
    files = [FileResult(path, [toggle, skip], [hidden]), FileResult("svc/tests/test_clean.py")]
    return RunResult(files, ["svc/big.py: skipped, too big"], 2)


def render(fmt: str, result: RunResult, root: Path, **options) -> str:
    return formatters()[fmt](result, {"root": str(root), **options})


# -- SARIF ----------------------------------------------------------------------------------


def test_sarif_is_valid_and_describes_every_rule(sarif_validator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = json.loads(render("sarif", sample(), tmp_path, show_suppressed=True))
    assert_valid_sarif(sarif_validator, log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in registry.all_rules()]
    by_id = {r["id"]: r for r in rules}
    skip = by_id["LI001"]
    assert skip["name"] == "no-skip-on-env"
    assert skip["shortDescription"]["text"] == registry.rule_by_name()["no-skip-on-env"].summary
    assert skip["fullDescription"]["text"].startswith("Finds tests")
    assert "## Use instead" in skip["help"]["markdown"]
    assert skip["help"]["text"]
    assert skip["helpUri"].endswith("#li001-no-skip-on-env")
    assert run["invocations"][0]["executionSuccessful"] is True
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == "svc/big.py: skipped, too big"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"


def test_sarif_results_locations_fixes_and_suppressions(sarif_validator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    log = json.loads(render("sarif", sample(path="svc/my tests/test_a.py"), tmp_path))
    assert_valid_sarif(sarif_validator, log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["LI003", "LI001"]  # suppressed one left out
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] == "error"
        assert "suppressions" not in r
    toggle, skip = results
    location = toggle["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "svc/my%20tests/test_a.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 2, "startColumn": 8, "endLine": 2, "endColumn": 41}
    (fix,) = toggle["fixes"]
    (change,) = fix["artifactChanges"]
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {
        "startLine": 2,
        "startColumn": 8,
        "endLine": 2,
        "endColumn": 42,
    }
    assert replacement["insertedContent"]["text"] == 'current_mode() == "cluster"'
    assert "\x1b" in toggle["message"]["text"]  # JSON escapes it; nothing is lost
    # A codemod fix has no span edits to offer: it is described, not encoded.
    assert "fixes" not in skip
    assert "--unsafe-fixes" in skip["message"]["text"]
    assert skip["properties"]["fix"]["codemod"] == "no-skip-on-env"

    shown = json.loads(render("sarif", sample(), tmp_path, show_suppressed=True))
    assert_valid_sarif(sarif_validator, shown)
    results = shown["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["LI003", "LI001", "LI002"]
    assert results[2]["suppressions"] == [{"kind": "inSource", "status": "accepted"}]
    assert results[0]["suppressions"] == []


def test_sarif_fingerprints_survive_line_shifts_and_tell_files_apart(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def prints(result: RunResult, **options) -> list[str]:
        log = json.loads(render("sarif", result, tmp_path, **options))
        return [
            r["partialFingerprints"]["lintIntegrationFingerprint/v1"]
            for r in log["runs"][0]["results"]
        ]

    before = prints(sample())
    assert len(set(before)) == 2
    assert prints(sample(shift=7)) == before
    assert prints(sample(), show_suppressed=True)[:2] == before
    assert set(prints(sample(path="svc/tests/test_b.py"))).isdisjoint(before)


def test_sarif_file_outside_the_root_gets_an_absolute_uri(sarif_validator, tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "elsewhere" / "test_x.py"
    log = json.loads(render("sarif", sample(path=str(outside)), root))
    assert_valid_sarif(sarif_validator, log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": outside.as_uri()}


def test_sarif_of_a_clean_run_is_valid(sarif_validator, tmp_path):
    log = json.loads(render("sarif", RunResult([FileResult("a.py")], [], 1), tmp_path))
    assert_valid_sarif(sarif_validator, log)
    assert log["runs"][0]["results"] == []
    assert "toolExecutionNotifications" not in log["runs"][0]["invocations"][0]


def test_the_schema_check_is_not_vacuous(sarif_validator, tmp_path):
    log = json.loads(render("sarif", sample(), tmp_path))
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    del broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(list(sarif_validator.iter_errors(broken))) == 2
    assert list(sarif_validator.iter_errors({"version": "2.1.0"}))


# -- JUnit ----------------------------------------------------------------------------------


def test_junit_has_one_testcase_per_file_and_one_failure_per_finding(tmp_path):
    xml = render("junit", sample(), tmp_path)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["svc/tests/test_a.py", "svc/tests/test_clean.py"]
    assert suite.get("tests") == root.get("tests") == "2"
    assert suite.get("failures") == root.get("failures") == "1"  # failing testcases
    assert suite.get("errors") == "0"
    failures = cases[0].findall("failure")
    assert [f.get("type") for f in failures] == ["LI003", "LI001"]
    assert failures[0].get("message").startswith("2:8: LI003 [no-legacy-toggle] legacy toggle")
    # Markup survives as text; a control character XML cannot carry is spelled out.
    assert "<here> & \\x1b[31mthere" in failures[0].get("message")
    assert failures[0].text.startswith("svc/tests/test_a.py:2:8: LI003")
    assert "fix (safe): read the mode through the helper" in failures[0].text
    assert cases[1].findall("failure") == []
    assert cases[0].get("file") == "svc/tests/test_a.py"
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["findings"] == "2"


@settings(max_examples=60, deadline=None)
@given(message=st.text(), path=st.text(min_size=1))
def test_junit_is_well_formed_whatever_the_text(message, path):
    finding = Finding("no-skip-on-env", "LI001", path, 1, 1, 1, 2, message)
    xml = formatters()["junit"](RunResult([FileResult(path, [finding])], [], 1), {})
    root = ET.fromstring(xml.encode("utf-8"))
    (case,) = root.iter("testcase")
    (failure,) = case.findall("failure")
    if all(c in "\t\n" or " " <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" for c in message):
        # Text XML can carry comes back unchanged (parsers turn a carriage return into "\\n").
        assert failure.text.endswith(message)


def test_junit_of_a_clean_run_and_of_an_empty_run(tmp_path):
    root = ET.fromstring(render("junit", RunResult([FileResult("a.py")], [], 1), tmp_path))
    assert root.get("tests") == "1" and root.get("failures") == "0"
    empty = ET.fromstring(render("junit", RunResult([], [], 0), tmp_path))
    assert empty.get("tests") == "0"
    assert empty.find("testsuite").findall("testcase") == []


# -- GitLab ---------------------------------------------------------------------------------


def test_gitlab_code_quality_fields(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    items = json.loads(render("gitlab", sample(), tmp_path, show_suppressed=True))
    assert len(items) == 2  # suppressed findings are not code quality issues
    toggle = items[0]
    assert toggle["check_name"] == "no-legacy-toggle"
    assert toggle["description"].startswith("LI003 [no-legacy-toggle] legacy toggle")
    assert toggle["severity"] == "major"
    assert toggle["location"] == {"path": "svc/tests/test_a.py", "lines": {"begin": 2, "end": 2}}
    assert items[1]["location"]["lines"] == {"begin": 5, "end": 6}
    for item in items:
        assert len(item["fingerprint"]) == 32
        int(item["fingerprint"], 16)
    assert len({i["fingerprint"] for i in items}) == 2


def test_gitlab_fingerprints_are_stable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def prints(result: RunResult) -> list[str]:
        return [i["fingerprint"] for i in json.loads(render("gitlab", result, tmp_path))]

    expected = prints(sample())
    assert prints(sample()) == expected
    assert prints(sample(shift=3)) == expected
    assert set(prints(sample(path="svc/tests/test_b.py"))).isdisjoint(expected)
    # The same file seen from another working directory keeps its fingerprints.
    (tmp_path / "svc").mkdir()
    monkeypatch.chdir(tmp_path / "svc")
    assert prints(sample(path="tests/test_a.py")) == expected


def test_gitlab_of_a_clean_run_is_an_empty_list(tmp_path):
    assert json.loads(render("gitlab", RunResult([FileResult("a.py")], [], 1), tmp_path)) == []


# -- --output-file ---------------------------------------------------------------------------

ALL_FORMATS = ("text", "concise", "json", "github", "sarif", "junit", "gitlab")


def parse_report(fmt: str, text: str):
    if fmt in ("json", "sarif", "gitlab"):
        return json.loads(text)
    if fmt == "junit":
        return ET.fromstring(text.encode("utf-8"))
    return text


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_output_file_takes_the_report_and_stdout_stays_empty(tmp_path, cli, monkeypatch, fmt):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli(["check", ".", "--output-format", fmt, "--output-file", "out/sub/report"])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    report = (tmp_path / "out/sub/report").read_text("utf-8")
    parse_report(fmt, report)  # well-formed
    assert sorted(p.name for p in (tmp_path / "out/sub").iterdir()) == ["report"]
    plain = cli(["check", ".", "--output-format", fmt])
    assert plain.output == report


def test_output_file_that_cannot_be_written_is_a_one_line_error(tmp_path, cli, monkeypatch):
    (tmp_path / "blocker").write_text("a file, not a directory", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli(["check", ".", "--output-file", "blocker/report.json"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()  # click 8.1 mixes stderr into output
    assert len(lines) == 1
    assert lines[0].startswith("lint-integration: error: blocker/report.json: cannot write report")


def test_output_file_through_a_real_subprocess(tmp_path, sarif_validator):
    from .conftest import run_cli

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n", "utf-8")
    done = run_cli(
        ["check", ".", "--output-format", "sarif", "--output-file", "r.sarif"], cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert_valid_sarif(sarif_validator, json.loads((tmp_path / "r.sarif").read_text("utf-8")))


def test_rules_page_is_current_and_has_every_help_uri_anchor(tmp_path):
    from lint_integration.report import rules_doc

    page = (DATA.parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == rules_doc.render(), (
        "docs/rules.md is stale: python -m lint_integration.report.rules_doc > docs/rules.md"
    )
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
        for line in page.splitlines()
        if line.startswith("## ")
    }
    log = json.loads(render("sarif", RunResult([], [], 0), tmp_path))
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["helpUri"].split("#", 1)[1] in headings, rule["id"]


# -- real runs over fixtures -----------------------------------------------------------------

FIXTURE = DATA.parent / "fixtures" / "reports"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the fixture project (the repository's own config excludes tests/fixtures)."""
    import shutil

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    return root


def real(cli, *args: str) -> str:
    result = cli(["check", ".", "--no-cache", *args])
    assert result.exit_code == 1, result.output
    return result.output


def test_real_run_sarif_is_valid_with_fixes_and_suppressions(project, cli, sarif_validator):
    findings = json.loads(real(cli, "--output-format", "json"))
    log = json.loads(real(cli, "--output-format", "sarif", "--show-suppressed"))
    assert_valid_sarif(sarif_validator, log)
    run = log["runs"][0]
    results = run["results"]
    live = [r for r in results if not r["suppressions"]]
    suppressed = [r for r in results if r["suppressions"]]
    assert len(live) == len(findings)
    assert {r["ruleId"] for r in live} >= {"LI001", "LI002", "LI003", "LI006", "LI007", "LI008"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in live}
    assert {u.rsplit(".", 1)[-1] for u in uris} == {"py", "ts", "go", "yml", "sh"}
    assert len({r["partialFingerprints"]["lintIntegrationFingerprint/v1"] for r in results}) == len(
        results
    )
    # The suppressed probe (noqa) is there, marked as suppressed in source.
    (hidden,) = suppressed
    assert hidden["ruleId"] == "LI002"
    assert hidden["suppressions"][0]["kind"] == "inSource"
    # Results follow the JSON findings one to one, and span fixes carry the same edits.
    for finding, result in zip(findings, live, strict=True):
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == finding["path"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert (loc["region"]["startLine"], loc["region"]["startColumn"]) == (
            finding["line"],
            finding["column"],
        )
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding["code"]
        edits = (finding["fix"] or {}).get("edits") or []
        if edits:
            (fix,) = result["fixes"]
            replacements = fix["artifactChanges"][0]["replacements"]
            assert [r["insertedContent"]["text"] for r in replacements] == [
                e["content"] for e in edits
            ]
            assert [
                (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"])
                for r in replacements
            ] == [(e["location"]["row"], e["location"]["column"]) for e in edits]
        else:
            assert "fixes" not in result
    codemods = [r for r in live if "fixes" not in r and "fix" in r["properties"]]
    # Python fixes are codemods: described in the message and properties, no SARIF fix.
    assert any(r["properties"]["fix"].get("codemod") for r in codemods)
    assert all("Fix with `lint-integration fix" in r["message"]["text"] for r in codemods)


def test_real_run_junit_counts_files_and_findings(project, cli):
    findings = json.loads(real(cli, "--output-format", "json"))
    root = ET.fromstring(real(cli, "--output-format", "junit").encode("utf-8"))
    cases = root.find("testsuite").findall("testcase")
    summary = real(cli, "--output-format", "text", "--no-show-source").strip().splitlines()[-1]
    checked = int(re.search(r"(\d+) files? checked", summary).group(1))
    assert len(cases) == checked == int(root.get("tests"))
    per_file = {c.get("name"): len(c.findall("failure")) for c in cases}
    expected: dict[str, int] = {}
    for f in findings:
        expected[f["path"]] = expected.get(f["path"], 0) + 1
    assert {k: v for k, v in per_file.items() if v} == expected
    assert int(root.get("failures")) == len(expected)
    assert "lint-integration.toml" not in per_file


def test_real_run_through_a_subprocess_and_gitlab_fingerprints_survive_edits(project):
    from .conftest import run_cli

    def gitlab() -> list[dict]:
        done = run_cli(["check", ".", "--no-cache", "--output-format", "gitlab"], cwd=project)
        assert done.returncode == 1, done.stderr
        return json.loads(done.stdout)

    before = gitlab()
    assert {i["location"]["path"].rsplit(".", 1)[-1] for i in before} == {
        "py",
        "ts",
        "go",
        "yml",
        "sh",
    }
    suite = project / "services/orders/tests/integration/test_orders.py"
    suite.write_text('"""Moved down."""\n\n\n' + suite.read_text("utf-8"), "utf-8")
    after = gitlab()
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    moved = [i for i in after if i["location"]["path"].endswith("test_orders.py")]
    old = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in before}
    assert all(i["location"]["lines"]["begin"] == old[i["fingerprint"]] + 3 for i in moved)
