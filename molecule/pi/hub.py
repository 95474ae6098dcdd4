"""The hub a Pi enrols with, run on the controller for the `pi` scenario, and the way to it
(test code: `prepare.yml` starts it, the verify takes it away, `cleanup.yml` makes sure).

The Pi's container has no network at all, and its node needs an identity from a hub
(enrolment) and a user who logged in through it once (a hub login) before it can serve
its API on its own. So a hub of the checkout's own app runs here, natively (the testbed's
PostgreSQL and Redis, `unibos-dev run`'s state layout in a directory of its own, the
hub's migrations, Django's server), with an organization, a user and a one-time enrolment
token, and reaches the container over the pipes of one `podman exec` (testbed.relay):
inside, the node sees the hub at http://127.0.0.1:HUB_INSIDE_PORT. When the verify has
logged in, it stops this process: the relay ends and the node's hub is gone.

    python3 molecule/pi/hub.py start STATE_DIR CONTAINER   # daemon; returns when ready
    python3 molecule/pi/hub.py stop STATE_DIR              # idempotent
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from unibos_controller.devstack import database
from unibos_controller.devstack.processes import executable
from unibos_controller.devstack.state import Ports, State
from unibos_controller.testbed.relay import ExecRelay
from unibos_controller.testbed.servers import Redis, free_port
from unibos_controller.testbed.waiting import wait_until

CHECKOUT = Path(__file__).resolve().parents[2]
# Where the node finds its hub, inside the container (molecule.yml: node_hub_url).
HUB_INSIDE_PORT = 18080
ORGANIZATION = "home"
READY = "hub.json"
PID = "hub.pid"


def _hub(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [executable("unibos-hub"), *args], env=env, input=stdin, capture_output=True,
        text=True, check=False, timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"unibos-hub {' '.join(args[:2])}: {done.stderr.strip()}")
    return done.stdout


def serve(state_dir: Path, container: str) -> None:
    """Runs the hub and the relay until SIGTERM; writes READY when both serve."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    # unibos-dev run's layout (the app's source of this checkout, the state beside it),
    # where PostgreSQL, run as its own user when this runs as root, can reach it (not
    # under /root).
    base = Path(tempfile.mkdtemp(prefix="unibos-pi-hub-", dir="/var/tmp"))
    base.chmod(0o755)
    (base / "app").symlink_to(CHECKOUT / "app")
    try:
        _serve(State(base), state_dir, container, stopping)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _serve(state: State, state_dir: Path, container: str, stopping: list[bool]) -> None:
    with database.postgresql(state, owned=True) as postgresql:
        shutil.rmtree(state.redis_dir, ignore_errors=True)
        password = state.redis_password_file().read_text().strip()
        redis = Redis(state.redis_dir, free_port(), password=password)
        redis.start()
        hub_port = free_port()
        ports = Ports(postgresql.port, redis.port, hub_port, 0)
        env = state.hub_environment(ports)
        server = relay = None
        try:
            migrate = subprocess.run(
                [executable("django-admin"), "migrate", "--noinput"], env=env, cwd=state.root,
                check=False, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            if migrate.returncode != 0:
                raise RuntimeError(f"the hub's migrations failed: {migrate.stderr[-2000:]}")
            server = subprocess.Popen(
                [executable("django-admin"), "runserver", "--noreload", f"127.0.0.1:{hub_port}"],
                env=env, cwd=state.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            wait_until(lambda: _answers(hub_port), 60, "the hub on the controller")
            # The signing keys of the hub's tokens, as the hub role makes them (a hub
            # without them refuses every login, 503).
            _hub(env, "keys", "ensure")
            _hub(env, "orgs", "create", ORGANIZATION, "--name", "Home", "--type", "family",
                 "--plan", "personal")  # fmt: skip
            username, password = "pi-verify", secrets.token_urlsafe(16)
            _hub(env, "users", "create", username, "--password-stdin", stdin=password + "\n")
            _hub(env, "users", "add", username, "--org", ORGANIZATION, "--role", "admin")
            token = _hub(env, "nodes", "enrol-token", "--org", ORGANIZATION, "--ttl", "7200")
            relay = ExecRelay(container, HUB_INSIDE_PORT, hub_port)
            relay.start()
            ready = {
                "hub_url": f"http://127.0.0.1:{HUB_INSIDE_PORT}",
                "organization": ORGANIZATION,
                "enrolment_token": token.strip(),
                "username": username,
                "password": password,
            }
            (state_dir / READY).write_text(json.dumps(ready) + "\n")
            while not stopping and server.poll() is None:
                time.sleep(0.5)
        finally:
            (state_dir / READY).unlink(missing_ok=True)
            if relay:
                relay.stop()
            if server and server.poll() is None:
                server.terminate()
                server.wait(30)
            redis.stop()


def _answers(port: int) -> bool:
    import urllib.request  # noqa: PLC0415

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ready", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def start(state_dir: Path, container: str) -> None:
    stop(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    log = (state_dir / "hub.log").open("w")
    process = subprocess.Popen(
        [sys.executable, __file__, "serve", str(state_dir), container],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    (state_dir / PID).write_text(f"{process.pid}\n")
    deadline = time.monotonic() + 300
    while not (state_dir / READY).exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop(state_dir)
            sys.exit(f"the hub did not start; its log:\n{(state_dir / 'hub.log').read_text()}")
        time.sleep(0.5)


def stop(state_dir: Path) -> None:
    try:
        pid = int((state_dir / PID).read_text())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    else:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.killpg(pid, signal.SIGKILL)
    (state_dir / PID).unlink(missing_ok=True)


if __name__ == "__main__":
    command, directory = sys.argv[1], Path(sys.argv[2])
    if command == "serve":
        serve(directory, sys.argv[3])
    elif command == "start":
        start(directory, sys.argv[3])
    elif command == "stop":
        stop(directory)
    else:
        sys.exit(f"unknown command {command!r}: start, stop")
