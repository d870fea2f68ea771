from integration_mode import cluster_only


@cluster_only
def test_refund_flow():
    # Refunds hit the live payment provider.
    assert True
