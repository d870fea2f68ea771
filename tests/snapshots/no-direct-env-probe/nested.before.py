import os


class TestLedger:
    def test_entry(self):
        def ledger():
            return os.getenv("PAYMENTS_LEDGER_URL")

        assert ledger()

    class TestInner:
        def test_inner(self):
            assert os.environ.get("PAYMENTS_QUEUE_URL")
