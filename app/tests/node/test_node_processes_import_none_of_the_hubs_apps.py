"""A node's processes import none of the hub's apps (settings/node.py installs only the
node's): not their models (unibos.identity's users and keys, the sync ledger), not the
hub's API, not django-celery-beat, not django.contrib.auth's models. Each would cost
every node process memory, which a Pi Zero 2 W has 512 MB of.

Each process runs its console script as its unit runs it, with the node's settings and
the Pi Zero 2 W's options, under an interpreter that writes, as the process exits, the
name of every module in sys.modules: whatever imported it (INSTALLED_APPS, the URL
conf's includes, Celery's autodiscovery, an import inside a function).
"""

import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from unibos_controller.testbed.servers import free_port
from unibos_controller.testbed.workers import UNIBOS

from tests.node.node_host import NodeHost

BIN = Path(sys.executable).parent
# A Redis database of this module's own (NodeHost.start empties it).
REDIS_DB = 2
# The hub's apps and what only they import; a name stands for its submodules too.
HUB_MODULES = (
    "django_celery_beat",
    "unibos.hub",
    "unibos.http.hub",
    "unibos.identity.models",
    "unibos.identity.keys",
    "unibos.identity.tenancy",
    "unibos.dispatch.scheduler",
    "unibos.dispatch.schedules",
    "django.contrib.auth.models",
    "django.contrib.contenttypes",
)
# What `migrate` creates with the node's apps.
NODE_TABLES = {"django_migrations", "node_cachedcredential"}

# `python -c TRACED SCRIPT ARGS`: runs the console script SCRIPT with ARGS as its own
# command line, and at exit writes sys.modules to $MODULES_DIR/<pid> (each gunicorn
# worker is a process of its own, forked with this handler).
TRACED = """
import atexit, os, runpy, sys

def record():
    with open(os.path.join(os.environ["MODULES_DIR"], str(os.getpid())), "w") as out:
        out.write("\\n".join(sorted(sys.modules)))

atexit.register(record)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
LAUNCHER = (sys.executable, "-c", TRACED)


def imported(directory: Path) -> set[str]:
    """The modules the processes that wrote into `directory` had imported."""
    files = list(directory.iterdir())
    assert files, f"no process recorded its modules in {directory}"
    return {name for path in files for name in path.read_text().split()}


def of_the_hub(modules: set[str]) -> list[str]:
    return sorted(
        module
        for module in modules
        if any(module == hub or module.startswith(f"{hub}.") for hub in HUB_MODULES)
    )


@pytest.fixture(scope="module")
def worker_modules(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-modules")


@pytest.fixture(scope="module")
def node(tmp_path_factory, redis_server, worker_modules):
    """An enrolled node (its hub unreachable) running its own worker with the sync agent
    in a thread, as on a Pi Zero 2 W."""
    host = NodeHost.start(
        tmp_path_factory.mktemp("pi-zero"),
        redis_server.client(db=REDIS_DB),
        "threads",
        "--with-sync",
        launcher=LAUNCHER,
        UNIBOS_REDIS_DB=str(REDIS_DB),
        MODULES_DIR=str(worker_modules),
    )
    try:
        yield host
    finally:
        host.worker.stop()


def run(
    host: NodeHost, modules: Path, *command: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    modules.mkdir()
    return subprocess.run(
        [*LAUNCHER, *command],
        input=stdin,
        env={**host.env, "MODULES_DIR": str(modules)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def migrated(node, tmp_path_factory):
    """`unibos-manage node migrate` as the node role runs it on each deploy; the modules
    it imported."""
    modules = tmp_path_factory.mktemp("migrate") / "modules"
    done = run(node, modules, str(BIN / "django-admin"), "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    return imported(modules)


def test_migrate_creates_only_the_nodes_tables_and_imports_no_hub_app(node, migrated):
    with sqlite3.connect(node.env["UNIBOS_SQLITE_PATH"]) as database:
        tables = {
            name
            for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        } - {"sqlite_sequence"}

    assert tables == NODE_TABLES
    assert "unibos.node.models" in migrated
    assert of_the_hub(migrated) == []


def test_the_nodes_worker_with_its_sync_agent_imports_no_hub_app(node, worker_modules, tmp_path):
    # A task through it, so that its pool and the task's code have run too; and the
    # `unibos call` that sends it.
    done = run(node, tmp_path / "call", UNIBOS, "call", "core.noop")
    assert done.returncode == 0, done.stderr
    assert node.worker.stop() == 0, node.worker.output()

    modules = imported(worker_modules)

    # What it did import: the task packages, the task class, the sync agent in its thread.
    assert {"unibos.cctv.tasks", "unibos.dispatch.base", "unibos.node.sync.agent"} <= modules
    assert of_the_hub(modules) == []
    assert of_the_hub(imported(tmp_path / "call")) == []
    # Nor the HTTP API it does not serve: its start-up checks leave out the URL checks,
    # which would import the URL conf (and PyJWT and cryptography with it).
    assert sorted(module for module in modules if module.startswith("unibos.http")) == []


@pytest.mark.parametrize(
    ("command", "stdin", "returncode"),
    [
        (("status", "--json"), "", 0),
        (("sync", "--json"), "", 0),
        (("conflicts", "list"), "", 0),
        # The hub is unreachable and nothing is cached: refused, from the node's cache.
        (("login", "alice"), "secret\n", 1),
    ],
    ids=["status", "sync", "conflicts", "login"],
)
@pytest.mark.usefixtures("migrated")
def test_the_unibos_commands_import_no_hub_app(node, tmp_path, command, stdin, returncode):
    done = run(node, tmp_path / "modules", UNIBOS, *command, stdin=stdin)

    assert done.returncode == returncode, done.stderr
    assert of_the_hub(imported(tmp_path / "modules")) == []


def test_the_node_api_serves_without_importing_a_hub_app(node, migrated, tmp_path):
    modules = tmp_path / "modules"
    modules.mkdir()
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [
                *(*LAUNCHER, str(BIN / "gunicorn"), "unibos.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
            ],
            env={**node.env, "MODULES_DIR": str(modules)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        statuses = {
            "ready": request(port, "/api/ready", server, log),
            "openapi": request(port, "/api/openapi.json", server, log),
            "login": request(
                port, "/api/auth/token", server, log, b'{"username": "alice", "password": "x"}'
            ),
            "records": request(port, "/api/records/notes", server, log),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)

    # The login refused from the node's own cache (its hub unreachable); records need a
    # token.
    assert statuses == {"ready": 200, "openapi": 200, "login": 401, "records": 401}
    # The master and its worker.
    assert len(os.listdir(modules)) == 2, log.read_text(errors="replace")
    found = imported(modules)
    assert {"unibos.http.node.urls", "unibos.node.login"} <= found
    assert of_the_hub(found) == []


def request(port: int, path: str, server: subprocess.Popen, log: Path, data: bytes | None = None):
    """The status of one request, once gunicorn answers at all."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}{path}",
                    data=data,
                    headers={"Content-Type": "application/json"},
                ),
                timeout=30,
            ) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
