# Orders suite: no module-level imports.


def test_local_import():
    import os

    assert os.environ.get("ORDERS_DATABASE_URL")


def test_unrelated_import_is_kept():
    import os.path

    assert os.path.sep
