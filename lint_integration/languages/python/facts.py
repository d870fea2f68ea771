"""The facts the Python frontend hands to rules and codemods.

Every fact carries the ``ast`` node of the analysed ``Module`` it is about (codemods get a view
of the facts whose nodes are the matching LibCST nodes, see ``translate``). Positions are
computed on demand by ``PythonAnalysis.span`` (most files never need them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only
    import ast

MODE_VAR = "INTEGRATION_MODE"
VALID_MODES = ("repo", "local", "cluster")

# Categories of an environment variable, decided by the config.
DEPENDENCY = "dependency"  # a dependency's variable: suites must ask the helper
ALLOWED = "allowed"  # allowed-env: HOME, PATH, PYTEST_*...
LEGACY = "legacy"  # a legacy toggle: RUN_INTEGRATION_TESTS, *_USE_LIVE_*...
MODE = "mode"  # INTEGRATION_MODE itself
ALIAS = "alias"  # an alias of the mode: TEST_MODE, INTEGRATION_ENV...
HEURISTIC = "heuristic"  # CI detection: CI, GITHUB_ACTIONS, KUBERNETES_SERVICE_HOST...

Loc = tuple[int, int]
Span = tuple[Loc, Loc]


# Words that say where or with which credentials to reach a dependency; a suite reading DEBUG
# or THRESHOLD knobs is not probing one. Any of them makes a variable a dependency's.
DEPENDENCY_WORDS = frozenset(
    {"URL", "URLS", "URI", "URIS", "DSN", "HOST", "HOSTS", "HOSTNAME", "PORT", "PORTS"}
    | {"ADDR", "ADDRESS", "ENDPOINT", "ENDPOINTS", "USER", "USERNAME", "LOGIN", "PASSWORD"}
    | {"PASS", "PASSWD", "PWD", "TOKEN", "TOKENS", "KEY", "KEYS", "SECRET", "SECRETS"}
    | {"CREDENTIALS", "CREDS", "CRED", "AUTH", "CERT", "CERTS", "CA", "TLS", "SSL", "MTLS"}
)
# Words that name a service, a protocol or one of a service's resources: its variables say
# which of them to use (``STORAGE_S3_NAME``, ``OPENAI_VECTOR_STORE_ID``, ``REDIS_DB``,
# ``KAFKA_TOPIC``), unless a word after it makes the variable a knob about it (``KAFKA_HOME``,
# ``TEMPORAL_TEST_PROTO3``, ``GRPC_TRACE``, ``BASE_DIR``, ``POSTGRES_VERSION``,
# ``SERVER_VERSION``, ``CLIENT_TIMEOUT``, ``INSTANCE_COUNT``, ``GIT_BASE_COMMIT``); a word of
# ``DEPENDENCY_WORDS`` decides either way (``REDIS_TEST_URL``, ``SERVER_LOG_TOKEN``).
SERVICE_WORDS = frozenset(
    {"REDIS", "POSTGRES", "POSTGRESQL", "PG", "MYSQL", "MONGO", "MONGODB", "KAFKA", "RABBITMQ"}
    | {"AMQP", "S3", "AWS", "GCP", "GCS", "AZURE", "GRPC", "HTTP", "HTTPS", "SMTP", "ELASTIC"}
    | {"ELASTICSEARCH", "TEMPORAL", "NATS", "SQS", "SNS", "DYNAMODB", "SNOWFLAKE", "BIGQUERY"}
    | {"OPENAI", "ANTHROPIC", "API", "BASE"}
    | {"SERVER", "SERVERS", "CLIENT", "INSTANCE", "SERVICE", "CLUSTER", "DB", "DATABASE"}
    | {"DATABASES", "BROKER", "BACKEND", "BUCKET", "REGION", "ACCOUNT", "TENANT", "NAMESPACE"}
    | {"PROJECT", "QUEUE", "TOPIC", "CONNECTION", "CONN", "SCHEMA", "WEBHOOK"}
)
KNOB_WORDS = frozenset(
    {"HOME", "DIR", "DIRS", "DEBUG", "TRACE", "VERBOSE", "VERBOSITY", "LOG", "LEVEL"}
    | {"VERSION", "PROTO", "PROTO3", "IMAGE", "TAG", "TIMEOUT", "PACKAGE", "COMMIT", "SHA"}
    | {"REF", "BRANCH", "COUNT", "RETRIES", "RETRY", "WORKERS", "THREADS", "MARKER", "FILE"}
    | {"OUTPUT"}
)


# A variable that turns something on or off, or picks how it behaves, is a switch even when it
# names a dependency (``GRPC_SERVER_ASYNC``, ``DB_SSL_ENABLED``, ``GOOGLE_API_USE_MTLS``,
# ``RUN_REDIS_TESTS``).
SWITCH_LAST_WORDS = frozenset(
    {"ASYNC", "SYNC", "MODE", "ENABLED", "DISABLED", "ENABLE", "DISABLE", "STRICT", "INSECURE"}
)
SWITCH_VERBS = frozenset({"USE", "ENABLE", "DISABLE", "SKIP", "RUN"})


def looks_like_dependency(name: str) -> bool:
    """Heuristic: the variable names a dependency's location, credentials or resource."""
    words = name.upper().replace("-", "_").split("_")
    if words[-1] in SWITCH_LAST_WORDS or any(word in SWITCH_VERBS for word in words):
        return False
    if any(word in DEPENDENCY_WORDS for word in words):
        return True
    for index in range(len(words) - 1, -1, -1):  # the last word that names a service
        if words[index] in SERVICE_WORDS:
            return not any(word in KNOB_WORDS for word in words[index + 1 :])
    return False


def var_category(name: str | None, config: Any) -> str:
    """The category of variable ``name`` under ``config`` (None: a computed name)."""
    if name is None:
        return DEPENDENCY
    if name == MODE_VAR:
        return MODE
    if config.is_legacy_toggle(name):
        return LEGACY
    if config.is_mode_alias(name):
        return ALIAS
    if config.is_heuristic_var(name):
        return HEURISTIC
    if config.is_allowed_env(name):
        return ALLOWED
    return DEPENDENCY


@dataclass(eq=False)
class EnvRead:
    """One read of the process environment.

    ``node`` is the whole read: ``os.environ["X"]`` (Subscript), ``os.environ.get("X", d)`` /
    ``os.getenv("X")`` (Call) or ``"X" in os.environ`` (Comparison). ``var`` is the variable
    name when it is a literal (or a constant / loop over literals resolving to one); reads over
    several literal names (``all(v in os.environ for v in ("A", "B"))``) carry them in ``vars``.
    """

    node: ast.AST
    var: str | None
    kind: str  # "subscript" | "get" | "getenv" | "contains" | "pop"
    key_node: ast.AST | None
    has_default: bool = False
    default_node: ast.AST | None = None
    vars: tuple[str, ...] = ()
    category: str = DEPENDENCY
    # The key is this parameter of the enclosing function (a flag parser / env getter).
    param: str | None = None
    function: str | None = None  # enclosing function name, None at module level
    # Reported through a skip gate: inside its condition, or its value flows only into gates.
    in_gate: bool = False
    gate_only: bool = False
    # For CI-detection variables: the value decides live-vs-mocked, a skip or the mode.
    decides_mode: bool = False
    # For a read inside a string skipif condition, ``node`` is the string literal.
    in_string: bool = False
    # Environment hygiene: the read only decides or saves a write of the same variables
    # (``if "X" in os.environ: monkeypatch.delenv("X")``, save-and-restore).
    hygiene: bool = False
    # How the value is used right where it is read: "test" when only its truth counts
    # (``if os.getenv("X"):``, ``not ...``, ``... is None``), "fallback" when it is an operand
    # of ``or`` / ``and`` (``os.getenv("X") or "d"``), else None.
    presence: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return self.vars or ((self.var,) if self.var else ())


@dataclass(eq=False)
class SkipGate:
    """A construct that skips tests (or exits 0 / returns early) depending on env vars.

    ``node`` is the construct a finding points at and a codemod rewrites:

    - ``kind="mark"``: the ``pytest.mark.skipif(...)`` / ``unittest.skipIf|skipUnless(...)``
      Call (a decorator's ``decorator`` expression, a ``pytestmark`` value, a marker assignment,
      a factory's return value). ``decorator`` is the ``positions.Decorator`` (the ``@`` line
      around that expression) when it decorates a def.
    - ``kind="if"``: the ``If`` whose branch holds the skip action (``action``); ``branch`` says
      which branch (``"body"`` or ``"orelse"``). ``kind="guard"``: an ``If`` that returns /
      continues before a later skip action. ``kind="except"``: the ``ExceptHandler`` catching the
      ``KeyError`` of an ``os.environ[...]`` read in its ``try``.
    - ``kind="return-value"``: a ``Return`` of ``pytest_ignore_collect`` returning an env test.
    """

    node: ast.AST
    kind: str
    action: ast.AST | None  # the skip call / Return / sys.exit(...) / Raise, if any
    # "skipif" | "skipIf" | "skipUnless" | "skip" | "skipTest" | "SkipTest" | "importorskip" |
    # "return" | "exit" | "pytest.exit" | "collect_ignore" | "ignore_collect" | "add_marker"
    action_kind: str
    condition: ast.AST | None  # the condition expression (a string Constant for string ones)
    env_vars: tuple[str, ...]  # literal variables the skip depends on (sorted)
    dynamic: bool  # depends on a variable whose name is computed (a factory's parameter)
    # When the skip happens: "missing" (a variable is unset/empty), "falsy" (a flag is not
    # enabled), "present" (a variable is set), "mixed" (anything else).
    polarity: str
    pure: bool  # the condition tests env vars only (no other terms)
    # What is skipped: "test" | "class" | "module" | "fixture" | "hook" | "marker" |
    # "decorator" | "helper" | "predicate" | "param" | "runner"
    target: str
    target_name: str | None = None
    target_node: ast.AST | None = None  # the decorated def, the marker Assign, the factory
    decorator: ast.AST | None = None
    branch: str | None = None
    category: str = DEPENDENCY  # most specific category among the variables
    fixable: bool = False
    uses: int | None = None  # tests using a marker / decorator / helper / predicate
    use_vars: tuple[str, ...] = ()  # literal variables passed at a factory's uses
    # Env reads, constants and predicates the condition goes through.
    reads: list[EnvRead] = field(default_factory=list)
    predicates: tuple[str, ...] = ()
    # Whether env vars reach the gate other than through a predicate helper call (when not, the
    # predicate is reported at its definition and this gate is only a use of it).
    direct: bool = True


@dataclass(eq=False)
class ModeRead:
    """A direct read of INTEGRATION_MODE (outside the helper this is mode-via-helper)."""

    read: EnvRead
    comparison: ast.Compare | None  # the comparison the read (or its constant) feeds
    compared: tuple[str, ...]  # string literals it is compared with
    fixable: bool  # compared only with valid modes: becomes current_mode()

    @property
    def node(self) -> ast.AST:
        return self.read.node


@dataclass(eq=False)
class ModeValue:
    """A string literal compared with the mode or assigned to INTEGRATION_MODE."""

    node: ast.AST  # the string Constant (or the whole "INTEGRATION_MODE=x" string)
    value: str
    context: str  # "compare" | "set"
    construct: ast.AST  # the Comparison / assignment / setenv call / dict element
    valid: bool
    suggestion: str | None  # the valid spelling when only the case is wrong


@dataclass(eq=False)
class ToggleUse:
    """A legacy toggle read, set, or gating a skip."""

    node: ast.AST
    var: str
    kind: str  # "read" | "write" | "gate"
    read: EnvRead | None = None
    gate: SkipGate | None = None
    # Live-only semantics: a gate skipping unless the toggle is enabled (-> cluster_only), or a
    # truthiness test of the toggle (-> current_mode() is IntegrationMode.CLUSTER).
    live_only: bool = False
    test_node: ast.AST | None = None  # the truthiness test that becomes the mode check
    fixable: bool = False


@dataclass(eq=False)
class HeuristicUse:
    """The mode inferred from CI detection or read from an alias of INTEGRATION_MODE."""

    node: ast.AST
    var: str
    alias: bool  # an alias of the mode (TEST_MODE...) rather than CI detection
    reason: str  # "alias" | "gate" | "flag" | "branch" | "sets-mode"
    read: EnvRead | None = None
    gate: SkipGate | None = None
    fixable: bool = False


@dataclass(eq=False)
class EnvFunction:
    """A function reading the variable named by one of its parameters (a flag parser)."""

    node: ast.AST
    name: str
    param: str
    index: int
    flag: bool  # returns a parsed flag rather than the raw value
    reads: list[EnvRead] = field(default_factory=list)
    call_vars: tuple[str, ...] = ()  # literal names it is called with in this module
    gate_only: bool = False


@dataclass
class PythonAnalysis:
    """Everything the Python rules ask about one file."""

    module: ast.Module
    path: Path
    role: str
    text: str
    reads: list[EnvRead] = field(default_factory=list)
    gates: list[SkipGate] = field(default_factory=list)
    mode_reads: list[ModeRead] = field(default_factory=list)
    mode_values: list[ModeValue] = field(default_factory=list)
    toggles: list[ToggleUse] = field(default_factory=list)
    heuristics: list[HeuristicUse] = field(default_factory=list)
    env_functions: list[EnvFunction] = field(default_factory=list)
    # The file is test code (a test module, conftest, test helper or a module importing a test
    # framework) rather than an application, lambda handler or settings module kept under tests/.
    test_code: bool = True
    _positions: Any = field(default=None, repr=False)
    _parents: Any = field(default=None, repr=False)  # id(node) -> parent node

    def positions(self):
        if self._positions is None:
            from lint_integration.languages.python.positions import Positions

            self._positions = Positions(self.text)
        return self._positions

    def span(self, node: ast.AST) -> Span:
        """1-based ((line, column), (end_line, end_column)) of ``node``; end is exclusive."""
        return self.positions().span(node)

    def header_span(self, node: ast.AST) -> Span:
        """The head of a compound statement: ``if <test>``, ``except <type>``, ``def name``."""
        return self.positions().header_span(node)

    def gate_span(self, gate: SkipGate) -> Span:
        """Where a gate's finding points: the mark call, the decorator, or the if head."""
        if gate.kind == "mark":
            return self.span(gate.decorator or gate.node)
        if gate.kind in ("if", "guard", "except", "predicate"):
            return self.header_span(gate.node)
        return self.span(gate.node)

    @property
    def probes(self) -> list[EnvRead]:
        """Reads no-direct-env-probe reports in a suite: literal names of dependency variables
        (see ``looks_like_dependency``), not reported through a gate, not environment hygiene.
        Reads with a computed name are left out: they cannot be checked or fixed."""
        return [
            r
            for r in self.reads
            if r.category == DEPENDENCY
            and not (r.in_gate or r.gate_only or r.param or r.hygiene)
            and (r.var is not None or r.vars)
            and (r.var is None or looks_like_dependency(r.var))
            and all(looks_like_dependency(v) for v in r.vars)
        ]
