"""Integration tests for payments, written against the INTEGRATION_MODE contract."""

from integration_mode import IntegrationMode, cluster_only, current_mode, require_env, requires_env


@requires_env("PAYMENTS_DATABASE_URL")
def test_capture_payment():
    assert require_env("PAYMENTS_DATABASE_URL")


def test_ledger_entry(ledger_url):
    assert ledger_url


@cluster_only
def test_settlement_with_live_bank():
    assert current_mode() is IntegrationMode.CLUSTER


def test_refund_uses_mock_in_repo_mode(monkeypatch):
    monkeypatch.setenv("PAYMENTS_FEATURE_FLAGS", "refunds")
    assert current_mode() in IntegrationMode
