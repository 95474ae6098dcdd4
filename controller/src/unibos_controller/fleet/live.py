"""What `deploy` shows while a run goes: on a terminal, one line per host redrawn in place
on each event; elsewhere (a pipe, a CI log), one plain line per result as it comes. Then
the recap table, and for --json the events and the recap as JSON lines."""

from __future__ import annotations

import json
import shutil
import sys
from typing import Any, TextIO

from unibos_controller.fleet.progress import COUNTERS, HostProgress, Progress, message, trimmed

RECAP_COLUMNS = ("HOST", "OK", "CHANGED", "FAILED", "UNREACHABLE", "SKIPPED", "STATUS")
# Events that end a task on a host: the plain (non-terminal) output prints these only.
RESULT_EVENTS = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_unreachable": "unreachable",
    "runner_on_skipped": "skipped",
}


def host_line(host: HostProgress, width: int, name_width: int = 0) -> str:
    counts = " ".join(f"{name}={getattr(host, name)}" for name in COUNTERS[:3])
    if host.unreachable:
        counts += " unreachable"
    line = f"{host.host.ljust(name_width)}  {counts}  {host.task or 'waiting'}"
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


def recap_table(rows: list[dict[str, Any]]) -> str:
    table = [RECAP_COLUMNS] + [
        (row["host"], *(str(row[name]) for name in COUNTERS), row["status"]) for row in rows
    ]
    widths = [max(len(row[column]) for row in table) for column in range(len(RECAP_COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    )


class View:
    """Shows the progress of one run on `stream`; `event` is called for every event, in
    order, from the one thread that consumes the run's events."""

    def __init__(
        self,
        stream: TextIO,
        progress: Progress,
        *,
        as_json: bool = False,
        messages: TextIO | None = None,
    ) -> None:
        self.stream = stream
        # Ansible's own messages (an error that kept the playbook from running, a warning)
        # go here as they come, so that a run that did not start says why.
        self.messages = messages if messages is not None else sys.stderr
        self.progress = progress
        self.as_json = as_json
        self.live = not as_json and stream.isatty()
        self._drawn = 0

    def event(self, event: dict[str, Any]) -> None:
        host = self.progress.fold(event)
        if not self.as_json and (text := message(event)) is not None:
            self.messages.write(text + "\n")
            self.messages.flush()
        if self.as_json:
            self.stream.write(json.dumps(trimmed(event)) + "\n")
        elif self.live:
            if host is not None:
                self._redraw()
        else:
            outcome = RESULT_EVENTS.get(event.get("event", ""))
            if outcome and host is not None:
                task = (event.get("event_data") or {}).get("task") or ""
                self.stream.write(f"{host}: {outcome}: {task}\n")
        self.stream.flush()

    def _redraw(self) -> None:
        width = shutil.get_terminal_size().columns
        hosts = [host for _, host in sorted(self.progress.hosts.items())]
        name_width = max(len(host.host) for host in hosts)
        lines = [host_line(host, width, name_width) for host in hosts]
        # Up over the lines drawn last time, then each line rewritten and cleared to its end.
        moves = f"\x1b[{self._drawn}F" if self._drawn else ""
        self.stream.write(moves + "".join(f"{line}\x1b[K\n" for line in lines))
        self._drawn = len(lines)

    def finish(self) -> None:
        recap = self.progress.recap()
        if self.as_json:
            self.stream.write(json.dumps({"recap": recap}) + "\n")
        else:
            if self.live and self._drawn:
                self.stream.write("\n")
            self.stream.write(recap_table(recap) + "\n")
        self.stream.flush()
