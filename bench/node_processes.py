#!/usr/bin/env python3
"""Memory of a Pi Zero 2 W node's processes, started on this machine as its units run
them, without a deployment: what one change to the app saves, in a minute.

The node's settings (`UNIBOS_DEPLOYMENT_TYPE=node`, SQLite migrated, enrolled with a
hub that does not answer) and the pi-zero-2w profile's options (unibos_device_profiles
of roles/unibos): `gunicorn unibos.wsgi:application --workers 1 --threads 4`, `unibos
worker --concurrency 1 --pool threads --with-sync` (the sync agent a thread of the
worker), MALLOC_ARENA_MAX=2, with this checkout's app (or `--src`'s) in the controller's
venv, against a Redis the bench starts. After four requests to the API and one task
through the worker and 10 s idle: RSS, PSS and USS per process group (smaps_rollup) and
`alone_mb`, the distinct physical pages of all of them (pagemap, root only): their PSS
as if they were alone on the host, as bench/unit_usage.py counts them for the deployed
units (`make bench`'s pss_mb_pi_zero). The interpreter and libraries here are the
controller's, not a Pi's or the dev host's, so the figures compare two versions of the
app with each other, not with the deployed ones.

Ends with one line of name=value pairs per round.
Usage: bench/node_processes.py [--src APP_SRC] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

from figures import closing_line
from unibos_controller.testbed.servers import Redis, free_port
from unibos_controller.testbed.waiting import wait_until
from unit_usage import PAGE, frames, rollup

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IDLE_S = 10
FIGURES = (
    "api_rss_mb", "api_pss_mb", "api_uss_mb",
    "worker_rss_mb", "worker_pss_mb", "worker_uss_mb", "alone_mb",
)  # fmt: skip


def environment(src: Path, base: Path, redis_server: Redis) -> dict[str, str]:
    """A Pi Zero 2 W node's environment file, enrolled (as `unibos enrol` leaves it)
    with a hub at a port nothing answers on."""
    # The app's own, from `src` (main put it first on sys.path): no Django in it.
    from unibos.node.state import Identity, StateDir  # noqa: PLC0415

    StateDir(base / "state").enrol(
        Identity(
            node_id=str(uuid.uuid4()),
            name="pi",
            organization={"id": 7, "slug": "acme", "name": "Acme"},
            issuer="unibos-hub-bench",
            hub_url=f"http://127.0.0.1:{free_port()}",
            enrolled_at=datetime.now(UTC).isoformat(),
        ),
        "not-a-real-credential",
    )
    (base / "data").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UNIBOS_", "DJANGO_"))}
    return {
        **env,
        "PYTHONPATH": str(src),
        "DJANGO_SETTINGS_MODULE": "unibos.settings",
        "MALLOC_ARENA_MAX": "2",
        "UNIBOS_DEPLOYMENT_TYPE": "node",
        "UNIBOS_SECRET_KEY": secrets.token_urlsafe(48),
        "UNIBOS_ALLOWED_HOSTS": "127.0.0.1",
        "UNIBOS_REDIS_HOST": "127.0.0.1",
        "UNIBOS_REDIS_PORT": str(redis_server.port),
        "UNIBOS_REDIS_PASSWORD": redis_server.password,
        "UNIBOS_SQLITE_PATH": str(base / "node.sqlite3"),
        "UNIBOS_NODE_STATE_DIR": str(base / "state"),
        "UNIBOS_DATA_DIR": str(base / "data"),
        "UNIBOS_LOG_LEVEL": "WARNING",
    }


def status(port: int, path: str, data: bytes | None = None) -> int | None:
    """The status of one request; None while nothing answers."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def usage(pids: list[int]) -> tuple[dict[str, float], set[int]]:
    rss = pss = uss = 0
    found: set[int] = set()
    for pid in pids:
        fields = rollup(pid)
        rss, pss = rss + fields["Rss"], pss + fields["Pss"]
        uss += fields["Private_Clean"] + fields["Private_Dirty"]
        found |= frames(pid)
    return {"rss_mb": rss / 1024, "pss_mb": pss / 1024, "uss_mb": uss / 1024}, found


def one_round(src: Path, base: Path, redis_server: Redis) -> dict[str, float]:
    env = environment(src, base, redis_server)
    migrate = [str(BIN / "django-admin"), "migrate", "--noinput"]
    subprocess.run(migrate, env=env, check=True, capture_output=True)
    port = free_port()
    with (base / "log").open("wb") as log:
        api = subprocess.Popen(
            [
                *(str(BIN / "gunicorn"), "unibos.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
            ],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = subprocess.Popen(
            [
                *(str(BIN / "unibos"), "worker", "--concurrency", "1"),
                *("--pool", "threads", "--with-sync"),
            ],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until(lambda: status(port, "/api/ready") == 200, 60, "the node API ready")
        status(port, "/api/openapi.json")
        status(port, "/api/auth/token", b'{"username": "alice", "password": "x"}')
        status(port, "/api/records/notes")
        # `unibos call` waits for the result: the worker is up and has run a task.
        call = subprocess.run(
            [str(BIN / "unibos"), "call", "core.noop"],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if call.returncode != 0:
            sys.exit(f"bench/node_processes: unibos call failed:\n{call.stderr}")
        time.sleep(IDLE_S)
        gunicorn_worker = subprocess.run(
            ["pgrep", "-P", str(api.pid)], capture_output=True, text=True, check=True
        ).stdout.split()
        api_usage, api_frames = usage([api.pid, *map(int, gunicorn_worker)])
        worker_usage, worker_frames = usage([worker.pid])
    finally:
        for process in (api, worker):
            process.terminate()
        for process in (api, worker):
            process.wait(timeout=60)
    return {
        **{f"api_{name}": value for name, value in api_usage.items()},
        **{f"worker_{name}": value for name, value in worker_usage.items()},
        "alone_mb": len(api_frames | worker_frames) * PAGE / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=ROOT / "app" / "src", help="the app's src/")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    base = Path(tempfile.mkdtemp(prefix="unibos-bench-node-"))
    redis_server = Redis(base / "redis", free_port())
    redis_server.start()
    try:
        for number in range(args.rounds):
            redis_server.client().flushall()
            round_dir = base / f"round-{number}"
            round_dir.mkdir()
            print(closing_line(one_round(args.src.resolve(), round_dir, redis_server), FIGURES))
    finally:
        redis_server.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
