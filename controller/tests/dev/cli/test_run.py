"""`unibos-dev run` in a clone of this checkout, as a subprocess, as a developer runs it:
the hub and the node healthy (so every queue has its worker), a task run, a change to a
.py file of the clone's source reloading the servers and restarting the workers, SIGINT
ending it with exit 0 and nothing left running; a worker killed ending it with exit 1
naming it; a port taken refused."""

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from unibos_controller.devstack.state import Ports, State
from unibos_controller.testbed.servers import free_port
from unibos_controller.testbed.waiting import wait_until

UNIBOS_DEV = [sys.executable, "-c", "from unibos_controller.cli.dev import cli; cli()"]
# The first start initialises PostgreSQL and applies every migration of both sides.
START_TIMEOUT_SECONDS = 180


class Run:
    """`unibos-dev run` in `checkout`, its output in a file."""

    def __init__(self, checkout, log):
        self.checkout = checkout
        self.log = log
        self.hub_port, self.node_port = free_port(), free_port()
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*UNIBOS_DEV, "run", "--hub-port", str(self.hub_port),
                 "--node-port", str(self.node_port)],
                cwd=checkout, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def output(self):
        return self.log.read_text(errors="replace")

    def health(self, port):
        """The status of /api/health on `port`; fails at once should the run have ended."""
        if self.process.poll() is not None:
            raise AssertionError(f"run exited ({self.process.returncode}):\n{self.output()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as error:
            return error.code

    def wait_healthy(self):
        for port in (self.hub_port, self.node_port):
            wait_until(
                lambda port=port: self.health(port) == 200,
                START_TIMEOUT_SECONDS,
                f"/api/health on :{port} answering 200",
                errors_are_not_yet=(urllib.error.URLError, ConnectionError, TimeoutError),
            )

    def wait_output(self, text, timeout=60):
        wait_until(lambda: text in self.output(), timeout, f"{text!r} in run's output")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def process_table():
    """Every live process: pid -> (parent pid, start time, command line)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # The command in parentheses may hold spaces; the fields after it do not.
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] == "Z":
            continue
        table[int(entry.name)] = (int(fields[1]), fields[19], cmdline)
    return table


def descendants(pid):
    """(pid, start time, command line) of every live descendant of `pid`."""
    table = process_table()
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, started, cmdline) in table.items():
            if ppid == parent:
                found.append((child, started, cmdline))
                todo.append(child)
    return found


def still_running(processes):
    table = process_table()
    return [p for p in processes if p[0] in table and table[p[0]][1] == p[1]]


def postmaster(checkout):
    """(pid, start time) of the stack's PostgreSQL, from its pid file."""
    pid = int((checkout / ".dev-state/postgresql/data/postmaster.pid").read_text().split()[0])
    return (pid, process_table()[pid][1], "postgres")


@pytest.fixture
def run(stack_checkout, tmp_path):
    started = Run(stack_checkout, tmp_path / "run.log")
    yield started
    started.stop()


def call_task(checkout, task):
    """`unibos-worker call TASK` with the stack's environment, as a worker host would."""
    state = State(checkout)
    env = state.worker_environment(state.recorded_ports())
    return subprocess.run(
        [str(Path(sys.executable).with_name("unibos-worker")), "call", task],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip


def test_run_serves_both_runs_a_task_reloads_on_a_change_and_stops_everything_on_sigint(run):
    run.wait_healthy()
    assert isinstance(State(run.checkout).recorded_ports(), Ports)

    done = call_task(run.checkout, "core.noop")
    assert done.returncode == 0, done.stdout + done.stderr

    # A change to a module both the servers and the workers import, in the clone only.
    changed = run.checkout / "app/src/unibos/queues.py"
    changed.write_text(changed.read_text() + "\n# touched by the test\n")
    run.wait_output(f"{changed} changed, reloading")  # Django's autoreloader, twice
    run.wait_output(f"{changed} changed: restarting worker-core, worker-media, worker-ocr, beat")
    run.wait_healthy()

    children = descendants(run.process.pid)
    commands = " ".join(cmdline for _pid, _started, cmdline in children)
    assert "runserver" in commands and "unibos-worker start" in commands and "beat" in commands
    server = postmaster(run.checkout)
    run.process.send_signal(signal.SIGINT)
    assert run.process.wait(timeout=120) == 0, run.output()
    assert still_running([*children, server]) == []
    assert "SIGINT: stopping every child" in run.output()
    assert not (run.checkout / ".dev-state/ports.json").exists()


def test_a_worker_that_dies_ends_the_run_with_exit_1_naming_it(run):
    run.wait_healthy()
    (worker,) = [
        pid
        for pid, _started, cmdline in descendants(run.process.pid)
        if "unibos-worker start --type ocr" in cmdline and os.getpgid(pid) == pid
    ]
    children = descendants(run.process.pid)
    os.killpg(worker, signal.SIGKILL)
    assert run.process.wait(timeout=120) == 1, run.output()
    assert "worker-ocr exited by itself (exit -9)" in run.output()
    assert still_running(children) == []


def test_a_port_taken_is_refused_with_exit_2_naming_it_before_anything_starts(stack_checkout):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        done = subprocess.run(
            [*UNIBOS_DEV, "run", "--node-port", str(port), "--hub-port", str(free_port())],
            cwd=stack_checkout, capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"port {port} (the node's) is taken" in done.stderr
    assert not (stack_checkout / ".dev-state").exists()


def test_the_recorded_ports_are_read_back(tmp_path):
    state = State(tmp_path)
    state.root.mkdir()
    ports = Ports(postgresql=1, redis=2, hub=3, node=4)
    state.record_ports(ports)
    assert json.loads(state.ports_file.read_text())["hub"] == 3
    assert state.recorded_ports() == ports
