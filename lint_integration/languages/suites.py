"""Recognise commands that run integration suites, in any text that holds a command line.

Used by ``ci-mode-explicit`` (which jobs, steps, tasks and Tilt resources run integration
suites) and by the shell rules (which scripts are runners). Precision matters more than recall:
a job is a candidate only when a command clearly runs an integration suite: an npm-style
``test:integration`` script, a ``run_*integration*`` runner or ``tools/integration-runner``
script, ``pytest``/``jest``/``vitest``/``mocha`` with an ``integration`` argument, ``go test``
with the ``integration`` build tag or an ``integration`` package path, or a make/tox/nox target
named for integration tests.
"""

from __future__ import annotations

import re
import shlex

_WRAPPERS = {
    "env",
    "cross-env",
    "cross-env-shell",
    "dotenv",
    "time",
    "exec",
    "command",
    "nice",
    "xvfb-run",
    "timeout",
    "sudo",
    "npx",
    "bunx",
}
_RUNNERS_WITH_RUN = {"uv", "poetry", "pipenv", "pdm", "hatch", "rye", "pixi"}
_PACKAGE_MANAGERS = {"npm", "pnpm", "yarn", "bun", "nx", "turbo", "lerna", "rush", "moon"}
_TARGET_TOOLS = {"make", "gmake", "just", "task", "mage", "earthly", "bazel", "tox", "nox"}
_TEST_TOOLS = {"pytest", "py.test", "jest", "vitest", "mocha", "playwright", "ava", "tap"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_RUNNER_SCRIPT = re.compile(r"(?:^|/)run_[\w.-]*integration[\w.-]*$|(?:^|/)integration-runner/")
_INTEGRATION = re.compile(r"integration", re.IGNORECASE)
_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", "{", "}", "!", "\n", "|&", ";;"}
_SUITE_DIR = re.compile(r"(?:^|/)[\w.-]*integration(?!s)[\w.-]*(?:/|$)", re.IGNORECASE)
_MODE_FLAG = re.compile(r"^--(?:integration-)?mode(?:=(repo|local|cluster))?$")


def _tokens(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:  # an unclosed quote: fall back to plain words
        return line.split()


def commands(text: str) -> list[list[str]]:
    """The simple commands of a script-like text, as argument vectors (best effort)."""
    joined = re.sub(r"\\\r?\n", " ", text)
    result: list[list[str]] = []
    for line in joined.splitlines():
        current: list[str] = []
        for token in _tokens(line):
            if token in _SEPARATORS or set(token) <= set(";&|()"):
                if current:
                    result.append(current)
                current = []
            else:
                current.append(token)
        if current:
            result.append(current)
    return result


def _strip_prefix(argv: list[str]) -> list[str]:
    """Drop leading assignments and wrappers (``env X=1``, ``uv run``, ``python -m``)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        base = word.rsplit("/", 1)[-1]
        if _ASSIGNMENT.match(word):
            i += 1
        elif base in _WRAPPERS:
            i += 1
            while i < len(argv) and argv[i].startswith("-"):
                i += 1
        elif base in _RUNNERS_WITH_RUN and i + 1 < len(argv) and argv[i + 1] == "run":
            i += 2
        elif re.fullmatch(r"python[0-9.]*", base) and i + 2 < len(argv) and argv[i + 1] == "-m":
            return argv[i + 2 :]
        else:
            break
    return argv[i:]


def suite_command(argv: list[str]) -> str | None:
    """A short description of the integration suite ``argv`` runs, or None."""
    argv = _strip_prefix(argv)
    if not argv:
        return None
    head = argv[0]
    base = head.rsplit("/", 1)[-1]
    rest = argv[1:]
    if base in ("bash", "sh", "zsh", "dash", "source", ".") and rest:
        script = next((a for a in rest if not a.startswith("-")), "")
        if _RUNNER_SCRIPT.search(script.split("?")[0]):
            return script
        return None
    if _RUNNER_SCRIPT.search(head):
        return head
    if base in _PACKAGE_MANAGERS:
        script = next((a for a in rest if _INTEGRATION.search(a) and not a.startswith("-")), None)
        if script is not None:
            return f"{base} {script}"
        return None
    if base in _TARGET_TOOLS:
        target = next((a for a in rest if _INTEGRATION.search(a)), None)
        return f"{base} {target}" if target else None
    if base in _TEST_TOOLS:
        if any(_INTEGRATION.search(a) for a in rest):
            return f"{base} ... integration"
        return None
    if base in ("go", "gotestsum", "ginkgo") and ("test" in rest or base != "go"):
        if _runs_no_test(rest):
            return None
        for i, arg in enumerate(rest):
            if arg in ("-tags", "--tags") and i + 1 < len(rest) and _has_tag(rest[i + 1]):
                return "go test -tags integration"
            if arg.startswith(("-tags=", "--tags=")) and _has_tag(arg.split("=", 1)[1]):
                return "go test -tags integration"
            if not arg.startswith("-") and re.search(r"(^|/)integration(/|$)", arg):
                return f"go test {arg}"
        return None
    return None


def _runs_no_test(args: list[str]) -> bool:
    """``go test -run '^$'`` (a build check), ``-c`` (compile only) and ``-list`` run nothing
    (with ``-bench`` or ``-fuzz``, ``-run '^$'`` still runs benchmarks or fuzz targets)."""
    if any(a.lstrip("-").startswith(("bench", "fuzz")) for a in args if a.startswith("-")):
        return False
    for i, arg in enumerate(args):
        if arg in ("-c", "--c") or arg.startswith(("-list", "--list")):
            return True
        value = None
        if arg in ("-run", "--run") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(("-run=", "--run=")):
            value = arg.split("=", 1)[1]
        if value is not None and value.strip("\"'") in ("^$", "^\\$", "XXX", "NONE", "none"):
            return True
    return False


def _has_tag(tags: str) -> bool:
    return "integration" in re.split(r"[,\s]+", tags.strip("\"'"))


def find_suite(text: str, cwd: str | None = None) -> str | None:
    """The first integration suite command in ``text``, described briefly, or None.

    ``cwd`` is the directory the commands run in (a step's ``working-directory``, a Tilt
    resource's ``dir``): a test command run in an integration suite's folder
    (``e2e/integration``, ``integration-tests``) runs that suite, whatever its name.
    """
    in_suite_dir = bool(cwd) and _SUITE_DIR.search(cwd.replace("\\", "/")) is not None
    if not in_suite_dir and not _INTEGRATION.search(text):
        return None
    for argv in commands(text):
        found = suite_command(argv)
        if found:
            return found
        if in_suite_dir and runs_tests(argv):
            return f"{' '.join(_strip_prefix(argv)[:2])} in {cwd}"
    return None


def sets_mode_flag(text: str) -> bool:
    """True when a command passes the mode explicitly (``pnpm test:integration --mode=cluster``)."""
    return any(_MODE_FLAG.match(arg) for argv in commands(text) for arg in argv)


_TEST_COMMANDS = _TEST_TOOLS | {"gotestsum", "ginkgo", "bats", "tox", "nox"}


def runs_tests(argv: list[str]) -> bool:
    """True when ``argv`` runs some test suite (integration or not)."""
    if suite_command(argv):
        return True
    argv = _strip_prefix(argv)
    if not argv:
        return False
    base = argv[0].rsplit("/", 1)[-1]
    if base in _TEST_COMMANDS:
        return True
    if base in ("go", "cargo", "dotnet", "mvn", "gradle", "gradlew") and "test" in argv[1:]:
        return True
    return base in _PACKAGE_MANAGERS and any(a.startswith("test") for a in argv[1:3])
