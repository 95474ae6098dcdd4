"""Starts real PostgreSQL and Redis for the session and points the settings at them.

DJANGO_SETTINGS_MODULE is set here, after the servers are up and the UNIBOS_*
variables exported; pytest-django's own (trylast) pytest_configure then finds Django
set up and blocks database access outside django_db tests.

The app connects as APP_ROLE, neither superuser nor BYPASSRLS, as on a hub: either
would skip row-level security, and the tenancy tests would pass for nothing. The
server's superuser (postgresql_server) stays for administration.
"""

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import django
import pytest
import redis
from hypothesis import settings as hypothesis_settings
from unibos.celery import app
from unibos_controller.testbed.servers import PostgreSQL, Redis, SentinelCluster, free_port
from unibos_controller.testbed.workers import WorkerProcess, node_name, worker_environment

# The node's and the sync engine's fixtures, for every test directory that needs a node
# or a hub on live_server (tests/node, tests/cli/node, tests/sync).
pytest_plugins = ("tests.node.fixtures", "tests.sync.fixtures")

# The property tests on a shared 2-core CI host: no per-example deadline (Hypothesis's
# 200 ms fails an example that was only descheduled), the same examples on every run
# (a failure is reproduced by running again, not lost to a new seed), no example
# database left in the tree, and the blob that replays a failure printed with it.
# max_examples stays as each test sets it. HYPOTHESIS_PROFILE=explore draws new examples
# each run, as when hunting for a counterexample by hand.
hypothesis_settings.register_profile(
    "unibos", deadline=None, derandomize=True, database=None, print_blob=True
)
hypothesis_settings.register_profile(
    "explore", parent=hypothesis_settings.get_profile("unibos"), derandomize=False
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "unibos"))

_servers = pytest.StashKey[tuple[Path, PostgreSQL, Redis]]()

APP_ROLE = "unibos_app"


def pytest_configure(config: pytest.Config) -> None:
    base = Path(tempfile.mkdtemp(prefix="unibos-tests-"))
    # PostgreSQL runs as its own user when the tests run as root; it must reach its dir.
    base.chmod(0o755)
    postgresql = PostgreSQL(base / "postgresql", free_port())
    redis_server = Redis(base / "redis", free_port())
    config.stash[_servers] = (base, postgresql, redis_server)
    postgresql.start()
    redis_server.start()

    # CREATEDB: pytest-django creates the test database as the app's role.
    app_password = postgresql.create_app_database(APP_ROLE, "unibos", createdb=True)

    secrets_dir = base / "secrets"
    secrets_dir.mkdir()
    (secrets_dir / "db_password").write_text(app_password + "\n")
    (secrets_dir / "signing_key_passphrase").write_text(secrets.token_urlsafe(24) + "\n")
    (secrets_dir / "redis_password").write_text(redis_server.password + "\n")
    data_dir = base / "data"
    data_dir.mkdir()
    os.environ.update(
        {
            "UNIBOS_DEPLOYMENT_TYPE": "hub",
            "UNIBOS_SECRET_KEY": secrets.token_urlsafe(48),
            "UNIBOS_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
            "UNIBOS_DB_HOST": "127.0.0.1",
            "UNIBOS_DB_PORT": str(postgresql.port),
            "UNIBOS_DB_NAME": "unibos",
            "UNIBOS_DB_USER": APP_ROLE,
            "UNIBOS_DB_PASSWORD_FILE": str(secrets_dir / "db_password"),
            "UNIBOS_REDIS_HOST": "127.0.0.1",
            "UNIBOS_REDIS_PORT": str(redis_server.port),
            "UNIBOS_REDIS_DB": "0",
            "UNIBOS_REDIS_PASSWORD_FILE": str(secrets_dir / "redis_password"),
            "UNIBOS_HEALTH_QUEUES": "default,ocr,media",
            "UNIBOS_HEALTH_CHECK_INTERVAL": "60",
            "UNIBOS_DATA_DIR": str(data_dir),
            "UNIBOS_LOG_LEVEL": "INFO",
            "UNIBOS_SIGNING_KEY_PASSPHRASE_FILE": str(secrets_dir / "signing_key_passphrase"),
            "UNIBOS_JWT_ISSUER": "unibos-hub-test",
            "UNIBOS_ACCESS_TOKEN_TTL": "900",
            "UNIBOS_NODE_TOKEN_TTL": "3600",
        }
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "unibos.settings"
    django.setup()


def pytest_unconfigure(config: pytest.Config) -> None:
    base, postgresql, redis_server = config.stash[_servers]
    redis_server.stop()
    postgresql.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server(pytestconfig: pytest.Config) -> Redis:
    return pytestconfig.stash[_servers][2]


@pytest.fixture(scope="session")
def postgresql_server(pytestconfig: pytest.Config) -> PostgreSQL:
    return pytestconfig.stash[_servers][1]


@pytest.fixture
def redis_db(redis_server: Redis) -> redis.Redis:
    """The Redis database the app and the session's worker use."""
    return redis_server.client(db=0)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(os.environ["UNIBOS_DATA_DIR"])


@pytest.fixture(scope="session")
def worker(tmp_path_factory: pytest.TempPathFactory, redis_server: Redis) -> Iterator[dict]:
    """One real worker for the session consuming every queue; yields its registry record."""
    process = WorkerProcess(
        ["--queues", "default,ocr,media", "--concurrency", "2"],
        worker_environment(),
        tmp_path_factory.mktemp("worker") / "log",
    ).start()
    try:
        yield process.wait_registered(redis_server.client(), node_name("default-ocr-media"))
    finally:
        process.stop()


@pytest.fixture
def call_task(worker: dict):
    """Run a task on the session's worker and return its result (raising its error)."""

    def call(name: str, **kwargs: object) -> dict:
        return app.send_task(name, kwargs=kwargs).get(timeout=60)

    return call


@pytest.fixture
def sentinel_cluster(tmp_path: Path, redis_server: Redis) -> Iterator[SentinelCluster]:
    """A Redis master, its replica and a sentinel of their own, with the session's password."""
    cluster = SentinelCluster(tmp_path / "sentinel-cluster", password=redis_server.password)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def through_sentinel(
    sentinel_cluster: SentinelCluster, settings, monkeypatch: pytest.MonkeyPatch
) -> SentinelCluster:
    """This process's settings as UNIBOS_REDIS_SENTINELS makes them; yields the cluster."""
    # Importing the settings package reads UNIBOS_DEPLOYMENT_TYPE, set in pytest_configure.
    from unibos.settings import base  # noqa: PLC0415

    monkeypatch.setenv("UNIBOS_REDIS_SENTINELS", sentinel_cluster.sentinels)
    settings.UNIBOS_REDIS = base.redis_settings()
    return sentinel_cluster
