# Orders suite: no module-level imports.


from integration_mode import require_env


def test_local_import():
    assert require_env("ORDERS_DATABASE_URL")


def test_unrelated_import_is_kept():
    import os.path

    assert os.path.sep
