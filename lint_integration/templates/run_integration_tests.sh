#!/usr/bin/env bash
# Run the integration suites in the mode INTEGRATION_MODE selects (written by lint-integration init).
#
#   INTEGRATION_MODE=repo     the default when unset: deterministic mocks from .env.integration
#   INTEGRATION_MODE=local    the same as repo, run by hand
#   INTEGRATION_MODE=cluster  live dependencies: every variable in LIVE_VARS must be set
#
# Arguments are passed to pytest: run_integration_tests.sh services/orders/tests/integration -x
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || pwd)"
helper_dir="$repo_root/@HELPER_DIR@"

# The variables the suites need from the live environment in cluster mode.
LIVE_VARS=(
  # ORDERS_DATABASE_URL
)

# Parse the mode once; anything but repo, local or cluster is an error, never a fallback.
mode="${INTEGRATION_MODE:-repo}"
case "$mode" in
  repo | local)
    # Mocked integration: the helper reads the mock defaults; a missing file fails loudly.
    export INTEGRATION_ENV_FILE="${INTEGRATION_ENV_FILE:-$repo_root/@ENV_FILE@}"
    if [ ! -f "$INTEGRATION_ENV_FILE" ]; then
      echo "run_integration_tests.sh: INTEGRATION_MODE=$mode needs the mock defaults file $INTEGRATION_ENV_FILE" >&2
      exit 1
    fi
    ;;
  cluster)
    # Live integration: fail fast on the first missing dependency; never fall back to mocks.
    for var in ${LIVE_VARS[@]+"${LIVE_VARS[@]}"}; do
      : "${!var:?INTEGRATION_MODE=cluster requires $var}"
    done
    ;;
  *)
    echo "run_integration_tests.sh: invalid INTEGRATION_MODE '$mode' (expected repo, local or cluster)" >&2
    exit 2
    ;;
esac
export INTEGRATION_MODE="$mode"
echo "integration mode: $mode"

export PYTHONPATH="$helper_dir${PYTHONPATH:+:$PYTHONPATH}"
exec "${PYTHON:-python3}" -m pytest -p integration_mode_plugin "$@"
