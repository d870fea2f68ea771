from integration_mode import cluster_only


@cluster_only
def test_payment_roundtrip():
    assert True
