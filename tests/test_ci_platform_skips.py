"""CI detection in a skip, in every language: alone it decides live vs mocked (no-mode-heuristic,
and only that rule); limited to one platform (macOS runners without containers) it works around
a runner and is reported by neither rule."""

from __future__ import annotations

from pathlib import Path

from lint_integration.config import load_config
from lint_integration.discovery import discover
from lint_integration.engine import RuleSelection, RunOptions, run

SOURCES = {
    "tests/test_cli.py": (
        "import os\n"
        "import platform\n"
        "import sys\n\n"
        "import pytest\n\n\n"
        "@pytest.mark.skipif(\n"
        '    platform.system() == "Darwin" and os.environ.get("CI") == "true", reason="hangs"\n'
        ")\n"
        "def test_on_one_platform():\n"
        "    pass\n\n\n"
        '@pytest.mark.skipif(sys.platform.startswith("win") and "CI" in os.environ, reason="x")\n'
        "def test_on_windows_runners():\n"
        "    pass\n\n\n"
        '@pytest.mark.skipif(os.environ.get("CI") == "true", reason="live only locally")\n'
        "def test_everywhere():\n"
        "    pass\n"
    ),
    "test/docker.test.ts": (
        'import { describe, it } from "vitest";\n\n'
        'describe.skipIf(process.platform === "darwin" && process.env.CI === "true")("a", () => {\n'
        '  it("x", () => {});\n'
        "});\n"
        'describe.skipIf(process.env.CI === "true")("b", () => {\n'
        '  it("y", () => {});\n'
        "});\n"
    ),
    "pkg/backend_test.go": (
        "package pkg\n\n"
        'import (\n\t"os"\n\t"runtime"\n\t"testing"\n)\n\n'
        "func TestOnePlatform(t *testing.T) {\n"
        '\tif runtime.GOOS == "darwin" && os.Getenv("GITHUB_ACTIONS") == "true" {\n'
        '\t\tt.Skip("no Linux containers on macOS runners")\n'
        "\t}\n"
        "}\n\n"
        'func runChecks() bool { return os.Getenv("CI") == "" }\n\n'
        "func TestEverywhere(t *testing.T) {\n"
        "\tif !runChecks() {\n"
        '\t\tt.Skip("only outside CI")\n'
        "\t}\n"
        "}\n"
    ),
}


def test_ci_skips_are_mode_heuristics_unless_limited_to_one_platform(tmp_path: Path):
    for name, text in SOURCES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    config = load_config(None, tmp_path)
    files = discover([tmp_path], config).files
    found = run(files, config, RuleSelection(config), [], RunOptions(cache=False, jobs=1))
    got = sorted((Path(f.path).name, f.line, f.code) for f in found.findings)
    assert got == [
        ("backend_test.go", 15, "LI005"),
        ("docker.test.ts", 6, "LI005"),
        ("test_cli.py", 20, "LI005"),
    ]
