#!/usr/bin/env bash
# Runs the orders integration suite. Predates INTEGRATION_MODE: still on the old toggles.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${ORDERS_DATABASE_URL:-}" ]; then
  echo "ORDERS_DATABASE_URL is not set; skipping the orders integration suite"
  exit 0
fi

# Inside the cluster, talk to the live services.
if [ -n "${KUBERNETES_SERVICE_HOST:-}" ]; then
  export RUN_INTEGRATION_TESTS=1
fi

if [ "${RUN_INTEGRATION_TESTS:-0}" = "1" ]; then
  echo "orders: running against live dependencies"
fi

exec python -m pytest tests/integration "$@"
