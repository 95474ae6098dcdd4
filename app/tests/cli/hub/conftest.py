import importlib
from collections.abc import Iterator

import pytest

from tests.cli.hub.clusters import HEALTHY, document
from tests.cli.hub.fake_patroni import FakePatroni

PASSWORD = "s3cret:p@ss word"
# The module: the package exports the command under the same name.
failover_module = importlib.import_module("unibos.cli.hub.failover")


@pytest.fixture
def patroni() -> Iterator[FakePatroni]:
    """A fake Patroni REST API serving the healthy HA cluster."""
    fake = FakePatroni()
    fake.serve(document(HEALTHY))
    try:
        yield fake
    finally:
        fake.close()


@pytest.fixture
def hub_env(monkeypatch: pytest.MonkeyPatch, patroni: FakePatroni, tmp_path) -> FakePatroni:
    """What /etc/unibos/hub.env gives `unibos-hub`, with the fake as the only member."""
    password_file = tmp_path / "patroni_api_password"
    password_file.write_text(PASSWORD + "\n")
    for name in ("URLS", "USERNAME", "PASSWORD", "PASSWORD_FILE"):
        monkeypatch.delenv(f"UNIBOS_PATRONI_{name}", raising=False)
    monkeypatch.setenv("UNIBOS_PATRONI_URLS", patroni.url)
    monkeypatch.setenv("UNIBOS_PATRONI_PASSWORD_FILE", str(password_file))
    monkeypatch.setattr(failover_module, "POLL_INTERVAL_SECONDS", 0.01)
    return patroni
