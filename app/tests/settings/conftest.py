import importlib
import os
import sys
from types import ModuleType

import pytest
import unibos

SECRET_KEY = "k" * 50


@pytest.fixture
def load_settings(monkeypatch: pytest.MonkeyPatch):
    """Import unibos.settings afresh under exactly the UNIBOS_* variables given.

    The modules Django loaded at setup are put back afterwards, so other tests keep
    the session's settings.
    """
    monkeypatch.setattr(unibos, "settings", unibos.settings)

    def load(**env: str) -> ModuleType:
        for name in [name for name in os.environ if name.startswith("UNIBOS_")]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        for module in [m for m in sys.modules if m.startswith("unibos.settings")]:
            monkeypatch.delitem(sys.modules, module)
        return importlib.import_module("unibos.settings")

    return load


REDIS = {
    "UNIBOS_REDIS_HOST": "redis.example",
    "UNIBOS_REDIS_PORT": "6380",
    "UNIBOS_REDIS_DB": "2",
    "UNIBOS_REDIS_PASSWORD": "pa/ss@word",
}
POSTGRESQL = {
    "UNIBOS_DB_HOST": "db.example",
    "UNIBOS_DB_PORT": "5433",
    "UNIBOS_DB_NAME": "unibos",
    "UNIBOS_DB_USER": "unibos_hub",
    "UNIBOS_DB_PASSWORD": "dbsecret",
}
HUB = {
    "UNIBOS_DEPLOYMENT_TYPE": "hub",
    "UNIBOS_SECRET_KEY": SECRET_KEY,
    "UNIBOS_ALLOWED_HOSTS": "hub.example, 10.0.0.1",
    **POSTGRESQL,
    **REDIS,
}
NODE = {
    "UNIBOS_DEPLOYMENT_TYPE": "node",
    "UNIBOS_SECRET_KEY": SECRET_KEY,
    "UNIBOS_ALLOWED_HOSTS": "node.example",
    **REDIS,
}
WORKER = {"UNIBOS_DEPLOYMENT_TYPE": "worker", **REDIS}
