"""`unibos-dev run`: the colocated stack straight from a checkout's source tree.

A PostgreSQL (database.postgresql) and a Redis of its own (the testbed's servers, as the
app's tests start them), both sides migrated, then the hub and the node under Django's
runserver (its autoreloader restarts them on a change it sees), a Celery worker per
queue and beat. watchfiles watches the app's source tree and restarts the workers and
beat on a change to a .py file, which Celery itself would not notice.

It ends on SIGINT or SIGTERM (exit 0), or when a child ends by itself (exit 1, naming
it); every child's process group is stopped either way, then Redis, then PostgreSQL.
"""

from __future__ import annotations

import queue
import shutil
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TextIO

import watchfiles
from unibos.queues import QUEUE_BY_WORKER_TYPE

from unibos_controller.devstack import database
from unibos_controller.devstack.processes import (
    Child,
    Exited,
    Output,
    executable,
    run_to_end,
    stop_children,
)
from unibos_controller.devstack.state import Ports, State
from unibos_controller.testbed.servers import Redis, free_port

ME = "unibos-dev"
# How long a child has between SIGTERM and SIGKILL: Celery's warm shutdown lets a
# running task finish, and a developer's stack should not hang on a long one.
STOP_TIMEOUT_SECONDS = 10
WORKER_TYPES = tuple(sorted(QUEUE_BY_WORKER_TYPE))


class Refused(Exception):
    """The stack did not start: the message says why (exit 2)."""


class Failed(Exception):
    """The stack could not start or a child ended by itself (exit 1)."""


@dataclass(frozen=True)
class Signalled:
    signum: int


@dataclass(frozen=True)
class Changed:
    paths: list[str]


class Interrupted(Exception):
    """SIGINT or SIGTERM while the stack was starting."""


def port_taken(port: int) -> bool:
    """Something listens on 127.0.0.1:`port` (as runserver binds it, SO_REUSEADDR set,
    so that a connection in TIME_WAIT does not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def children(state: State, ports: Ports, output: Output, events: queue.SimpleQueue) -> list[Child]:
    """The hub and the node (runserver), a worker per worker type and beat."""
    hub, node = state.hub_environment(ports), state.node_environment(ports)
    workers = state.worker_environment(ports)
    django_admin = executable("django-admin")

    def child(name: str, command: list[str], env: dict[str, str]) -> Child:
        return Child(name, command, env=env, cwd=state.root, output=output, events=events)

    return [
        child("hub", [django_admin, "runserver", f"127.0.0.1:{ports.hub}"], hub),
        child("node", [django_admin, "runserver", f"127.0.0.1:{ports.node}"], node),
        *(
            child(
                f"worker-{kind}",
                [executable("unibos-worker"), "start", "--type", kind, "--concurrency", "1"],
                workers,
            )
            for kind in WORKER_TYPES
        ),
        child(
            "beat", [executable("celery"), "-A", "unibos.celery", "beat", "--loglevel", "INFO"], hub
        ),
    ]


def reloaded_on_change(child: Child) -> bool:
    """The children that watchfiles restarts: runserver reloads the hub and node itself."""
    return child.name not in ("hub", "node")


@contextmanager
def _signals(handler: Callable[[int, FrameType | None], None]) -> Iterator[None]:
    previous = {
        signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _watch(source: Path, events: queue.SimpleQueue, stop: threading.Event) -> None:
    for changes in watchfiles.watch(
        source, watch_filter=watchfiles.PythonFilter(), stop_event=stop, raise_interrupt=False
    ):
        events.put(Changed(sorted({path for _change, path in changes})))


def run(checkout: Path, hub_port: int, node_port: int, stream: TextIO) -> int:
    """Runs the stack until a signal (0) or a child's own end (1); Refused when a port
    is taken, before anything starts."""
    for name, port in (("hub", hub_port), ("node", node_port)):
        if port_taken(port):
            raise Refused(f"port {port} (the {name}'s) is taken: stop what listens there "
                          f"or pass --{name}-port")  # fmt: skip
    state = State(checkout)
    events: queue.SimpleQueue = queue.SimpleQueue()
    starting = True

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        # SimpleQueue.put may be called from a signal handler (it is reentrant).
        events.put(Signalled(signum))
        if starting:
            raise Interrupted(signal.Signals(signum).name)

    width = max(len(name) for name in ("migrate-node", *(f"worker-{k}" for k in WORKER_TYPES)))
    output = Output(stream, width)

    def say(text: str) -> None:
        output.line(ME, text)

    running: list[Child] = []
    stop_watching = threading.Event()
    try:
        with _signals(on_signal), database.postgresql(state, owned=True) as postgresql:
            say(f"PostgreSQL on 127.0.0.1:{postgresql.port} ({postgresql.directory})")
            shutil.rmtree(state.redis_dir, ignore_errors=True)
            redis = Redis(
                state.redis_dir,
                free_port(),
                password=state.redis_password_file().read_text().strip(),
                own_session=True,
            )
            redis.start()
            try:
                say(f"Redis on 127.0.0.1:{redis.port}")
                ports = Ports(postgresql.port, redis.port, hub_port, node_port)
                state.record_ports(ports)
                for side, env in (
                    ("hub", state.hub_environment(ports)),
                    ("node", state.node_environment(ports)),
                ):
                    command = [executable("django-admin"), "migrate", "--noinput"]
                    code = run_to_end(f"migrate-{side}", command, env, state.root, output)
                    if code != 0:
                        raise Failed(f"the {side}'s migrations failed (exit {code})")
                running = children(state, ports, output, events)
                for child in running:
                    child.start()
                watcher = threading.Thread(
                    target=_watch,
                    args=(state.app_source, events, stop_watching),
                    name="unibos-dev-watch",
                    daemon=True,
                )
                watcher.start()
                say(
                    f"hub http://127.0.0.1:{hub_port}/api/health  "
                    f"node http://127.0.0.1:{node_port}/api/health  (Ctrl-C stops)"
                )
                starting = False
                return _supervise(running, events, say)
            finally:
                # A second signal must not cut the stopping short.
                starting = False
                stop_watching.set()
                say("stopping")
                stop_children(running, STOP_TIMEOUT_SECONDS)
                redis.stop()
                state.ports_file.unlink(missing_ok=True)
    except Interrupted as signalled:
        say(f"{signalled} while starting: stopped")
        return 0


def _supervise(running: list[Child], events: queue.SimpleQueue, say: Callable[[str], None]) -> int:
    while True:
        event = events.get()
        if isinstance(event, Signalled):
            say(f"{signal.Signals(event.signum).name}: stopping every child")
            return 0
        if isinstance(event, Exited):
            if event.child.unexpected(event):
                raise Failed(f"{event.child.name} exited by itself (exit {event.returncode})")
            continue
        if isinstance(event, Changed):
            restarted = [child for child in running if reloaded_on_change(child)]
            shown = ", ".join(event.paths[:3]) + (" ..." if len(event.paths) > 3 else "")
            say(f"{shown} changed: restarting {', '.join(c.name for c in restarted)}")
            stop_children(restarted, STOP_TIMEOUT_SECONDS)
            for child in restarted:
                child.start()
