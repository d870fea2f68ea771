"""The suite inventory: which integration suite needs which variable, database or service.

For every integration suite (a directory of suite files per service) it lists the environment
variables the suite depends on, the services they point at, the mode mechanisms in use (the
shared helper, direct probes, skips, legacy toggles...) and whether the suite is dual-mode
ready: it goes through the helper and nothing else decides its mode.

It is built from the same analysis ``check`` uses (the frontends' env reads and skip gates,
the rules' findings) plus a small language-neutral scan for helper calls
(``require_env("X")``, ``requires_env(...)``, ``requireEnv('X')``, ``RequireEnv(t, "X")``).
Suppressed findings count as mechanisms too: a suppressed skip still skips.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from lint_integration.config import Config
from lint_integration.discovery import SourceFile
from lint_integration.engine import FileContext, ProjectIndex, RunResult
from lint_integration.findings import Finding

MODE_VAR = "INTEGRATION_MODE"

# Rule -> the mechanism its findings reveal, in the order the table lists them.
MECHANISMS = {
    "no-skip-on-env": "skips",
    "no-direct-env-probe": "direct probes",
    "no-legacy-toggle": "legacy toggles",
    "mode-via-helper": "direct mode reads",
    "no-mode-heuristic": "mode heuristics",
    "invalid-mode-value": "invalid mode values",
    "parse-error": "unparsed files",
}
HELPER = "helper"

# Helper calls that name the variables a suite needs: Python, TypeScript/JavaScript and Go.
_HELPER_CALL = re.compile(
    r"\b(?:require_env|requires_env|requireEnv|requiresEnv|RequireEnv|MustEnv)\s*\(([^()]*)\)"
)
_HELPER_USE = re.compile(
    r"\b(?:require_env|requires_env|requireEnv|requiresEnv|RequireEnv|current_mode|"
    r"cluster_only|parseIntegrationMode|currentMode|clusterOnly|integrationmode\.\w+)\b"
)
_STRING = re.compile(r"""(?:"|'|`)([A-Za-z_][A-Za-z0-9_]*)(?:"|'|`)""")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_INTEGRATION_PART = re.compile(r"integration|(^|[_.-])e2e($|[_.-])", re.IGNORECASE)
_TEST_ROOTS = ("tests", "test", "__tests__", "testing", "e2e")
_LANGUAGE_NAMES = {
    "python": "Python",
    "typescript": "TypeScript/JavaScript",
    "go": "Go",
    "shell": "shell",
    "tiltfile": "Tiltfile",
    "yaml": "YAML",
    "package-json": "package.json",
}

# Variable name -> the service it points at; the first matching pattern wins.
_SERVICES: tuple[tuple[str, str], ...] = (
    (r"TEMPORAL", "Temporal"),
    (r"REDIS", "Redis"),
    (r"KAFKA", "Kafka"),
    (r"(^|_)NATS(_|$)", "NATS"),
    (r"RABBIT|AMQP", "RabbitMQ"),
    (r"MONGO", "MongoDB"),
    (r"ELASTIC|OPENSEARCH", "Elasticsearch"),
    (r"POSTGRES|(^|_)PG(_|HOST|PORT|USER|PASSWORD|DATABASE|$)", "Postgres"),
    (r"MYSQL|MARIADB", "MySQL"),
    (r"DATABASE|(^|_)DB(_|$)|_DSN$", "database"),
    (r"(^|_)S3(_|$)|(^|_)AWS_", "AWS"),
    (r"(^|_)GCS(_|$)|(^|_)GCP_|GOOGLE_", "GCP"),
    (r"GRPC", "gRPC endpoint"),
    (r"BROKER|TOPIC|QUEUE|(^|_)SQS(_|$)|PUBSUB", "message broker"),
    (r"KUBECONFIG|(^|_)K8S(_|$)|(^|_)KUBE_|NAMESPACE", "Kubernetes namespace"),
    (r"TOKEN|SECRET|PASSWORD|API_KEY|(^|_)KEY$|CREDENTIAL|PRIVATE", "secret"),
    (r"FEATURE_FLAG|(^|_)FLAGS?(_|$)", "feature flags"),
    (r"_BASE_URL$|HTTP|_API_URL$", "HTTP endpoint"),
    (r"_URL$|_URI$|_ENDPOINT$|_HOST$|_ADDR(ESS)?$|_PORT$", "endpoint"),
)


def service_of(var: str) -> str:
    """The kind of dependency a variable points at, from its name (``config`` when unknown)."""
    for pattern, service in _SERVICES:
        if re.search(pattern, var):
            return service
    return "config"


@dataclass
class Suite:
    """One integration suite: a directory of suite files."""

    path: str  # relative to the project root, posix
    files: list[str] = field(default_factory=list)
    languages: set[str] = field(default_factory=set)
    env_vars: set[str] = field(default_factory=set)
    helper_vars: set[str] = field(default_factory=set)
    uses_helper: bool = False
    findings: Counter = field(default_factory=Counter)  # rule name -> count
    signals: bool = False  # anything integration-related seen (for test dirs without a name)

    @property
    def services(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for var in sorted(self.env_vars):
            out.setdefault(service_of(var), []).append(var)
        return dict(sorted(out.items(), key=lambda item: item[0].lower()))

    @property
    def mechanisms(self) -> list[str]:
        found = [HELPER] if self.uses_helper else []
        return found + [label for rule, label in MECHANISMS.items() if self.findings.get(rule)]

    @property
    def dual_mode_ready(self) -> bool:
        return self.uses_helper and not any(self.findings.get(rule) for rule in MECHANISMS)

    def to_json(self) -> dict:
        return {
            "suite": self.path,
            "languages": sorted(_LANGUAGE_NAMES.get(lang, lang) for lang in self.languages),
            "files": sorted(self.files),
            "env_vars": sorted(self.env_vars),
            "helper_vars": sorted(self.helper_vars),
            "services": self.services,
            "mechanisms": self.mechanisms,
            "findings": {rule: n for rule, n in sorted(self.findings.items())},
            "dual_mode_ready": self.dual_mode_ready,
        }


def suite_dir(relpath: str) -> tuple[str, bool]:
    """The suite directory of a suite file, and whether its path names it an integration suite.

    ``services/orders/tests/integration/api/test_x.py`` -> ``services/orders/tests/integration``
    (named); ``services/orders/tests/test_x.py`` -> ``services/orders/tests`` (not named: kept
    only when something integration-related is found in it); ``pkg/client_test.go`` -> ``pkg``.
    """
    path = PurePosixPath(relpath)
    parts = path.parent.parts
    for i, part in enumerate(parts):
        if _INTEGRATION_PART.search(part):
            return "/".join(parts[: i + 1]), True
    parent = "/".join(parts) or "."
    if _INTEGRATION_PART.search(path.name):
        return parent, True
    for i, part in enumerate(parts):
        if part in _TEST_ROOTS:
            return "/".join(parts[: i + 1]), False
    return parent, False


def build(
    files: Iterable[SourceFile], result: RunResult, config: Config, display: dict[str, str]
) -> list[Suite]:
    """The suites among ``files``, from the run's ``result`` and a look at each suite file.

    ``display`` maps a file's relpath to the path its findings carry.
    """
    findings_by_path: dict[str, list[Finding]] = {}
    for file_result in result.files:
        findings_by_path[file_result.path] = [*file_result.findings, *file_result.suppressed]
    suites: dict[str, Suite] = {}
    named: dict[str, bool] = {}
    project = ProjectIndex(config)
    for file in files:
        if file.role != "suite":
            continue
        key, is_named = suite_dir(file.relpath)
        suite = suites.setdefault(key, Suite(key))
        named[key] = named.get(key, False) or is_named
        suite.files.append(file.relpath)
        suite.languages.add(file.language)
        for finding in findings_by_path.get(display.get(file.relpath, ""), []):
            suite.findings[finding.rule] += 1
        _scan(file, config, project, suite)
    out = []
    for key, suite in sorted(suites.items()):
        suite.signals = bool(suite.uses_helper or suite.env_vars or suite.findings)
        if named[key] or suite.signals:
            out.append(suite)
    return out


def _scan(file: SourceFile, config: Config, project: ProjectIndex, suite: Suite) -> None:
    """Add one suite file's helper use and env dependencies to ``suite``."""
    from lint_integration.textio import SourceError, decode

    try:
        with open(file.path, "rb") as fh:
            raw = fh.read(config.max_file_size + 1)
    except OSError:
        return
    if len(raw) > config.max_file_size:
        return
    try:
        source = decode(raw, python=file.language in ("python", "tiltfile"))
    except SourceError:
        return
    code = _without_comment_lines(source.text)
    for match in _HELPER_CALL.finditer(code):
        for name in _STRING.findall(match.group(1)):
            if _ENV_NAME.match(name) and _is_dependency(name, config):
                suite.helper_vars.add(name)
                suite.env_vars.add(name)
    if _HELPER_USE.search(code) or _imports_helper(code, config):
        suite.uses_helper = True
    suite.env_vars |= {n for n in env_reads(file, raw, source, config, project)}


def env_reads(file: SourceFile, raw: bytes, source, config: Config, project) -> set[str]:
    """Dependency variables a file reads or gates on, from its language frontend's analysis."""
    from lint_integration.engine import display_path
    from lint_integration.languages import ParseFailure, frontend

    module = frontend(file.language)
    if module is None or not module.might_match(raw, file.role, config):
        return set()
    ctx = FileContext(file, source, config, project, display_path(file.path))
    try:
        analysis = module.analyze(ctx)
    except (ParseFailure, RecursionError, ValueError):
        return set()
    names: set[str] = set()
    for read in getattr(analysis, "reads", ()) or ():
        if getattr(read, "write", False):
            continue
        names.update(_fact_names(read))
    for gate in getattr(analysis, "gates", ()) or ():
        names.update(getattr(gate, "env_vars", ()) or getattr(gate, "names", ()) or ())
    return {n for n in names if n and _ENV_NAME.match(n) and _is_dependency(n, config)}


def _fact_names(read) -> tuple[str, ...]:
    """The literal variable names of one env read fact (Python or tree-sitter frontends)."""
    names = getattr(read, "names", None)
    if names:
        return tuple(names)
    name = getattr(read, "name", None) or getattr(read, "var", None)
    return (name,) if isinstance(name, str) else ()


def _is_dependency(name: str, config: Config) -> bool:
    return not (
        name == MODE_VAR
        or config.is_legacy_toggle(name)
        or config.is_mode_alias(name)
        or config.is_heuristic_var(name)
        or config.is_allowed_env(name)
    )


def _imports_helper(code: str, config: Config) -> bool:
    helper = config.helper
    module = re.escape(helper.get("python-module", "integration_mode"))
    ts_module = re.escape(helper.get("ts-module", "@platform/integration-mode"))
    go_package = re.escape(helper.get("go-package", "integrationmode"))
    return bool(
        re.search(rf"^\s*(?:from\s+{module}\s+import|import\s+{module}\b)", code, re.M)
        or re.search(rf"""["']{ts_module}["']""", code)
        or re.search(r"""["'][^"']*integration[-_]?[mM]ode["']""", code)
        or re.search(rf"""["'][^"']*/{go_package}["']""", code)
    )


def _without_comment_lines(text: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("#", "//")) else line for line in text.splitlines()
    )


# -- output --------------------------------------------------------------------------------


def to_json(suites: list[Suite]) -> dict:
    return {
        "suites": [s.to_json() for s in suites],
        "summary": {
            "suites": len(suites),
            "dual_mode_ready": sum(1 for s in suites if s.dual_mode_ready),
        },
    }


def to_markdown(suites: list[Suite]) -> str:
    """A table ready for a docs page, followed by a one-line summary."""
    header = "| Suite | Language | Env vars | Services | Mechanisms | Dual-mode ready |"
    lines = [header, "| --- | --- | --- | --- | --- | --- |"]
    for s in suites:
        languages = ", ".join(sorted(_LANGUAGE_NAMES.get(lang, lang) for lang in s.languages))
        env = ", ".join(f"`{v}`" for v in sorted(s.env_vars)) or "-"
        services = ", ".join(s.services) or "-"
        mechanisms = ", ".join(s.mechanisms) or "-"
        ready = "yes" if s.dual_mode_ready else "no"
        cells = [f"`{s.path}`", languages, env, services, mechanisms, ready]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    ready = sum(1 for s in suites if s.dual_mode_ready)
    lines.append("")
    noun = "suite is" if len(suites) == 1 else "suites are"
    lines.append(f"{ready} of {len(suites)} integration {noun} dual-mode ready.")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
