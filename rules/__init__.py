"""The contract's rules, one module each (installed as ``lint_integration.rules``)."""

from lint_integration.rules.ci_mode_explicit import RULE as CI_MODE_EXPLICIT
from lint_integration.rules.invalid_mode_value import RULE as INVALID_MODE_VALUE
from lint_integration.rules.mode_via_helper import RULE as MODE_VIA_HELPER
from lint_integration.rules.no_direct_env_probe import RULE as NO_DIRECT_ENV_PROBE
from lint_integration.rules.no_legacy_toggle import RULE as NO_LEGACY_TOGGLE
from lint_integration.rules.no_mode_heuristic import RULE as NO_MODE_HEURISTIC
from lint_integration.rules.no_skip_on_env import RULE as NO_SKIP_ON_ENV
from lint_integration.rules.runner_validates_mode import RULE as RUNNER_VALIDATES_MODE

RULES = (
    NO_SKIP_ON_ENV,
    NO_DIRECT_ENV_PROBE,
    NO_LEGACY_TOGGLE,
    MODE_VIA_HELPER,
    NO_MODE_HEURISTIC,
    INVALID_MODE_VALUE,
    RUNNER_VALIDATES_MODE,
    CI_MODE_EXPLICIT,
)
