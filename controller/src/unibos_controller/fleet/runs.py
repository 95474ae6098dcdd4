"""Playbook and ad-hoc runs through ansible-runner's Python API (not a shell-out).

ansible-runner calls its event_handler on the thread that reads ansible-playbook's
output. A handler that takes its time (a terminal redraw, a slow pipe) stalls that
reading, and with an unreachable host in the run ends in a pexpect timeout
(ansible-runner issue #1343). So the handler here only puts the event on a queue and
returns; a thread of our own takes events off the queue (a blocking get: nothing polls)
and hands them to the caller's consumer, however slow.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ansible_runner

# The checkout this package is installed from (editable, by scripts/host-setup): the
# project directory of every run, so that ansible.cfg, roles/ and playbooks/ apply.
REPO_ROOT = Path(__file__).resolve().parents[4]
SITE_PLAYBOOK = REPO_ROOT / "playbooks" / "site.yml"
# Runs whose artifacts are kept per kind; ansible-runner keeps every run by default.
ARTIFACTS_KEPT = 10

EventConsumer = Callable[[dict[str, Any]], None]


class RunDidNotStart(Exception):
    """ansible-runner could not start the run (bad settings, no ansible-playbook, ...)."""


@dataclass(frozen=True)
class RunResult:
    status: str  # ansible-runner's: successful, failed, timeout, canceled, error
    rc: int | None
    artifacts: Path
    events: int


def state_dir() -> Path:
    """Where the runs' artifacts go: UNIBOS_MANAGER_STATE, else the XDG state directory."""
    explicit = os.environ.get("UNIBOS_MANAGER_STATE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "unibos-manager"


def _environment() -> dict[str, str]:
    # ansible-runner looks ansible-playbook up on PATH; the controller's venv may not be
    # activated (`.venv/bin/unibos-manager` run directly), so put its bin/ first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {"PATH": path, "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg")}


_DONE = object()


def _run(
    kind: str,
    consumer: EventConsumer,
    **runner_options: Any,
) -> RunResult:
    private = state_dir() / kind
    private.mkdir(parents=True, exist_ok=True)
    # ansible-runner writes a run's extravars to env/extravars of the private data
    # directory and reads that file in every later run: an upgrade's app_bundle_version
    # would stay in force for the next deploy. Each run gets only its own.
    (private / "env" / "extravars").unlink(missing_ok=True)
    events: queue.Queue[Any] = queue.Queue()

    def hand_over(event: dict[str, Any]) -> bool:
        # Only this, on the runner's thread: see the module's docstring.
        events.put(event)
        return True

    counted = 0
    broken: list[BaseException] = []

    def consume() -> None:
        nonlocal counted
        while (event := events.get()) is not _DONE:
            counted += 1
            if broken:
                # The consumer failed: keep draining so the queue does not grow, but
                # hand it nothing more; its error is raised once the run has ended.
                continue
            try:
                consumer(event)
            except Exception as error:
                broken.append(error)

    follower = threading.Thread(target=consume, name=f"unibos-manager-{kind}-events")
    follower.start()
    interrupted = threading.Event()
    try:
        thread, runner = ansible_runner.run_async(
            private_data_dir=str(private),
            project_dir=str(REPO_ROOT),
            envvars=_environment(),
            event_handler=hand_over,
            # Polled by ansible-runner while ansible runs: Ctrl-C here stops ansible too.
            cancel_callback=interrupted.is_set,
            rotate_artifacts=ARTIFACTS_KEPT,
            quiet=True,
            **runner_options,
        )
    except Exception as error:
        events.put(_DONE)
        follower.join()
        raise RunDidNotStart(f"ansible-runner could not start the run: {error}") from error
    try:
        thread.join()
    except BaseException:
        # Ctrl-C (KeyboardInterrupt) lands on this thread: cancel the run, let the
        # consumer finish what it has, then let the interruption go on.
        interrupted.set()
        thread.join()
        events.put(_DONE)
        follower.join()
        raise
    # The runner's thread has ended, so every event_handler call has been made: this
    # marker comes after the last event.
    events.put(_DONE)
    follower.join()
    if broken:
        raise broken[0]
    if runner.status == "error":
        raise RunDidNotStart(
            f"ansible-runner could not run ansible (status error); see {runner.config.artifact_dir}"
        )
    return RunResult(runner.status, runner.rc, Path(runner.config.artifact_dir), counted)


def run_playbook(
    playbook: Path,
    inventory: Path,
    consumer: EventConsumer,
    *,
    limit: str | None = None,
    tags: str | None = None,
    check: bool = False,
    diff: bool = False,
    extravars: dict[str, Any] | None = None,
) -> RunResult:
    """Run `playbook` over `inventory`, each event handed to `consumer` on a thread of
    its own; the artifacts go to <state>/runs/<ident>, the last ARTIFACTS_KEPT kept.
    `extravars` are Ansible's extra vars (-e)."""
    cmdline = " ".join(
        option for option, wanted in (("--check", check), ("--diff", diff)) if wanted
    )
    return _run(
        "runs",
        consumer,
        playbook=str(playbook),
        inventory=str(inventory),
        limit=limit,
        tags=tags,
        cmdline=cmdline or None,
        extravars=extravars or None,
    )


def run_module(
    inventory: Path,
    pattern: str,
    module: str,
    module_args: str,
) -> list[dict[str, Any]]:
    """One ad-hoc module run on the hosts of `pattern`; its events, in order. Artifacts
    go to <state>/queries (rotated apart from the deploys' so that a `logs --follow`
    does not push the last deploys out)."""
    collected: list[dict[str, Any]] = []
    _run(
        "queries",
        collected.append,
        inventory=str(inventory),
        host_pattern=pattern,
        module=module,
        module_args=module_args,
    )
    return collected


def results(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per host, the outcome of an ad-hoc run: `status` (ok, failed, unreachable) and the
    module's result `res` (a command's stdout, stderr, rc, msg)."""
    outcomes = {
        "runner_on_ok": "ok",
        "runner_on_failed": "failed",
        "runner_on_unreachable": "unreachable",
    }
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        status = outcomes.get(event.get("event", ""))
        data = event.get("event_data") or {}
        if status and data.get("host"):
            found[data["host"]] = {"status": status, "res": data.get("res") or {}}
    return found
