from integration_mode import require_env


class TestLedger:
    def test_entry(self):
        def ledger():
            return require_env("PAYMENTS_LEDGER_URL")

        assert ledger()

    class TestInner:
        def test_inner(self):
            assert require_env("PAYMENTS_QUEUE_URL")
