"""The children of `unibos-dev run`: each in a process group (a session) of its own,
its output prefixed with its name, stopped group by group so that nothing it started
(gunicorn's or runserver's reloaded child, Celery's pool) is left running.

A session of its own also keeps a Ctrl-C in the terminal from reaching the children at
once: `run` decides the order in which they stop.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO


class Output:
    """Whole lines on one stream, each prefixed with the name of who wrote it."""

    def __init__(self, stream: TextIO, width: int) -> None:
        self.stream = stream
        self.width = width
        self._lock = threading.Lock()

    def line(self, name: str, text: str) -> None:
        with self._lock:
            self.stream.write(f"{name:<{self.width}} | {text}\n")
            self.stream.flush()


@dataclass(frozen=True)
class Exited:
    """A child's process ended: which child, which of its starts, its exit code."""

    child: Child
    start: int
    returncode: int


def _start(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _pump(process: subprocess.Popen[bytes], name: str, output: Output) -> None:
    assert process.stdout is not None
    for raw in process.stdout:
        output.line(name, raw.decode(errors="replace").rstrip("\n"))


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    """Send `signum` to the process group `process` leads; its members may outlive it."""
    # ProcessLookupError: no member left.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def stop_groups(processes: list[subprocess.Popen[bytes]], timeout: float) -> None:
    """SIGTERM to each group, a wait of up to `timeout` seconds in all for the leaders,
    then SIGKILL to whatever is left of every group (the leader's, and any member that
    outlived it)."""
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        signal_group(process, signal.SIGKILL)
        process.wait()


class Child:
    """A long-running process of the stack, which may be restarted; each start hands an
    Exited to `events` when its process ends."""

    def __init__(
        self,
        name: str,
        command: list[str],
        *,
        env: dict[str, str],
        cwd: Path,
        output: Output,
        events: queue.SimpleQueue,
    ) -> None:
        self.name = name
        self.command = command
        self.env = env
        self.cwd = cwd
        self.output = output
        self.events = events
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        # The start that was stopped on purpose: its exit is no failure.
        self.stopped_start = 0

    def start(self) -> None:
        self.process = _start(self.command, self.env, self.cwd)
        self.starts += 1
        threading.Thread(
            target=self._follow,
            args=(self.process, self.starts),
            name=f"unibos-dev-{self.name}",
            daemon=True,
        ).start()

    def _follow(self, process: subprocess.Popen[bytes], start: int) -> None:
        # The output on a thread of its own: a member of the group that outlives the
        # leader keeps the pipe open, and the leader's end must be noticed all the same.
        threading.Thread(target=_pump, args=(process, self.name, self.output), daemon=True).start()
        self.events.put(Exited(self, start, process.wait()))

    def unexpected(self, exited: Exited) -> bool:
        """The current start's process ended, and not because it was stopped."""
        return exited.start == self.starts and self.stopped_start != self.starts

    def mark_stopping(self) -> None:
        self.stopped_start = self.starts


def stop_children(children: list[Child], timeout: float) -> None:
    running = [child for child in children if child.process is not None]
    for child in running:
        child.mark_stopping()
    stop_groups([child.process for child in running if child.process is not None], timeout)


def run_to_end(
    name: str, command: list[str], env: dict[str, str], cwd: Path, output: Output
) -> int:
    """A one-off command (migrate) with its output prefixed; its exit code. Its group is
    killed should this be interrupted."""
    process = _start(command, env, cwd)
    try:
        _pump(process, name, output)
        return process.wait()
    finally:
        if process.poll() is None:
            stop_groups([process], timeout=5)


def executable(name: str) -> str:
    """A console script of this environment (.venv/bin), whether or not it is on PATH."""
    return str(Path(sys.executable).with_name(name))


def foreground(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> int:
    """`command` on the caller's terminal (make, Django's shell); its exit code.

    A Ctrl-C in the terminal reaches the command, which decides what it means (the
    shell drops the line, make stops its recipe and exits non-zero): here it is
    swallowed by a handler that does nothing, so that this process neither kills the
    command nor ends before it. A handler, not SIG_IGN: an ignored signal would stay
    ignored in the command after exec, a handler is reset to the default.
    """
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: None)
    try:
        return subprocess.run(command, env=env, cwd=cwd, check=False).returncode
    finally:
        signal.signal(signal.SIGINT, previous)
