"""Folding ansible-runner's events into per-host progress and the run's recap; no I/O.

The events are the dicts ansible-runner hands to an event_handler (and writes to
artifacts/<ident>/job_events/): `event` names what happened, `event_data` carries the
host, task, play and the module's result `res`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

# Exit codes of `unibos-manager deploy` (documented in its --help and the README).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_ARGUMENTS = 2
EXIT_RUN_DID_NOT_START = 3
EXIT_UNREACHABLE = 4
# The shell's convention for a command ended by SIGINT.
EXIT_INTERRUPTED = 130

# The counters of Ansible's own recap, in its order; `ok` includes `changed`, as there.
COUNTERS = ("ok", "changed", "failed", "unreachable", "skipped")
# playbook_on_stats' key for each counter.
STATS_KEYS = {
    "ok": "ok",
    "changed": "changed",
    "failed": "failures",
    "unreachable": "dark",
    "skipped": "skipped",
}


# The events that end a task on a host.
RESULTS = ("runner_on_ok", "runner_on_failed", "runner_on_unreachable", "runner_on_skipped")


@dataclass
class HostProgress:
    host: str
    task: str = ""
    ok: int = 0
    changed: int = 0
    failed: int = 0
    unreachable: int = 0
    skipped: int = 0
    # Whether any event named this host: a host in the limit that no play targets ends
    # as "not run" rather than "ok".
    seen: bool = False
    # A task started on the host and not finished yet: at the end of a run, only if the
    # run was cancelled under it.
    running: bool = False

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        if self.unreachable:
            return "unreachable"
        if not self.seen:
            return "not run"
        if self.running:
            return "unfinished"
        return "changed" if self.changed else "ok"

    def row(self) -> dict[str, Any]:
        document = asdict(self)
        del document["seen"], document["task"], document["running"]
        return {**document, "status": self.status}


@dataclass
class Progress:
    """Per-host state of one run, updated event by event (`fold`)."""

    hosts: dict[str, HostProgress] = field(default_factory=dict)
    # Set once playbook_on_stats arrives: Ansible's own final counts replace the live ones.
    final: bool = False

    @classmethod
    def of(cls, hosts: list[str]) -> Progress:
        return cls(hosts={host: HostProgress(host) for host in hosts})

    def host(self, name: str) -> HostProgress:
        if name not in self.hosts:
            self.hosts[name] = HostProgress(name)
        return self.hosts[name]

    def fold(self, event: dict[str, Any]) -> str | None:
        """Apply one event; return the host whose line changed (None: no host's did)."""
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        if kind == "playbook_on_stats":
            self._apply_stats(data)
            return None
        name = data.get("host")
        if not name:
            return None
        host = self.host(name)
        host.seen = True
        # Every event of a host says where it is; the results below also count.
        if data.get("task"):
            host.task = data["task"]
        if kind == "runner_on_start":
            host.running = True
        elif kind in RESULTS:
            host.running = False
        if kind == "runner_on_ok":
            host.ok += 1
            if (data.get("res") or {}).get("changed"):
                host.changed += 1
        elif kind == "runner_on_failed":
            # An ignored failure counts as ok, as in Ansible's recap.
            if data.get("ignore_errors"):
                host.ok += 1
            else:
                host.failed += 1
        elif kind == "runner_on_unreachable":
            host.unreachable += 1
        elif kind == "runner_on_skipped":
            host.skipped += 1
        return name

    def _apply_stats(self, data: dict[str, Any]) -> None:
        names = set()
        for key in (*STATS_KEYS.values(), "processed"):
            names.update((data.get(key) or {}).keys())
        for name in names:
            host = self.host(name)
            host.seen = True
            host.running = False
            for counter, key in STATS_KEYS.items():
                setattr(host, counter, int((data.get(key) or {}).get(name, 0)))
        self.final = True

    def recap(self) -> list[dict[str, Any]]:
        return [self.hosts[name].row() for name in sorted(self.hosts)]


def exit_code(recap: list[dict[str, Any]], runner_status: str) -> int:
    """The run's exit code: a failed host wins over an unreachable one.

    A failure is the more specific news (the host was reached and a task broke on it,
    possibly halfway through a change); an unreachable host changed nothing. A run that
    ansible-runner reports as failed with no failed or unreachable host (a playbook that
    does not parse, an ansible-playbook crash) did not really run: 3.
    """
    if any(row["failed"] for row in recap):
        return EXIT_FAILED
    if any(row["unreachable"] for row in recap):
        return EXIT_UNREACHABLE
    if runner_status != "successful":
        return EXIT_RUN_DID_NOT_START
    return EXIT_OK


# The keys of event_data worth printing with --json; `res` is trimmed to these too.
EVENT_DATA_KEYS = ("host", "task", "task_action", "play", "playbook")
RESULT_KEYS = ("changed", "failed", "skipped", "unreachable", "msg", "rc")


# Events that carry Ansible's own messages (an error that stops the playbook before any
# task, a warning) in their `stdout` and nothing in event_data.
MESSAGE_EVENTS = ("verbose", "warning", "error", "deprecated")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def message(event: dict[str, Any]) -> str | None:
    """The text of a message event (ANSI colours removed), or None."""
    if event.get("event") not in MESSAGE_EVENTS:
        return None
    text = _ANSI.sub("", event.get("stdout") or "").strip()
    return text or None


def trimmed(event: dict[str, Any]) -> dict[str, Any]:
    """The event as `deploy --json` prints it: what happened, where, and its outcome."""
    data = event.get("event_data") or {}
    document: dict[str, Any] = {
        "event": event.get("event"),
        "counter": event.get("counter"),
        "created": event.get("created"),
    }
    for key in EVENT_DATA_KEYS:
        if data.get(key) is not None:
            document[key] = data[key]
    result = data.get("res")
    if isinstance(result, dict):
        status = {key: result[key] for key in RESULT_KEYS if key in result}
        if status:
            document["result"] = status
    if (text := message(event)) is not None:
        document["stdout"] = text
    if event.get("event") == "playbook_on_stats":
        document["stats"] = {key: data.get(key) or {} for key in STATS_KEYS.values()}
    return document
