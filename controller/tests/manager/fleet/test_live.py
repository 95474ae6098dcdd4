"""What deploy shows: the live lines on a terminal, plain lines elsewhere, the recap."""

import io
import json

from unibos_controller.fleet.live import View, host_line, recap_table
from unibos_controller.fleet.progress import HostProgress, Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def event(kind, host, task, **data):
    return {"event": kind, "event_data": {"host": host, "task": task, **data}}


def test_on_a_terminal_each_event_redraws_one_line_per_host_in_place():
    screen = Terminal()
    view = View(screen, Progress.of(["a", "bb"]))
    view.event(event("runner_on_start", "a", "Install the app"))
    first = screen.getvalue()
    assert first.split("\n") == [
        "a   ok=0 changed=0 failed=0  Install the app\x1b[K",
        "bb  ok=0 changed=0 failed=0  waiting\x1b[K",
        "",
    ]
    view.event(event("runner_on_ok", "a", "Install the app", res={"changed": True}))
    # Up two lines (over the last drawing), then both lines again.
    assert screen.getvalue()[len(first) :].startswith("\x1b[2Fa   ok=1 changed=1 failed=0")


def test_elsewhere_each_result_is_one_plain_line_and_the_recap_follows():
    log = io.StringIO()
    view = View(log, Progress.of(["a"]))
    view.event(event("runner_on_start", "a", "Install the app"))
    view.event(event("runner_on_failed", "a", "Install the app", res={}))
    view.finish()
    assert log.getvalue().splitlines() == [
        "a: failed: Install the app",
        "HOST  OK  CHANGED  FAILED  UNREACHABLE  SKIPPED  STATUS",
        "a     0   0        1       0            0        failed",
    ]


def test_a_long_line_is_cut_to_the_terminal_width():
    host = HostProgress("a", task="x" * 200)
    assert len(host_line(host, 40)) == 40


def test_the_recap_table_aligns_its_columns():
    rows = [{"host": "unibos-dev", "ok": 17, "changed": 0, "failed": 1, "unreachable": 0,
             "skipped": 0, "status": "failed"}]  # fmt: skip
    assert (
        recap_table(rows).splitlines()[1]
        == "unibos-dev  17  0        1       0            0        failed"
    )


def test_ansibles_own_messages_are_shown_so_a_run_that_did_not_start_says_why():
    error = {
        "event": "verbose",
        "stdout": "\x1b[0;31mERROR! the role 'nosuch' was not found\x1b[0m",
    }
    log, messages = io.StringIO(), io.StringIO()
    view = View(log, Progress.of(["a"]), messages=messages)
    view.event(error)
    assert messages.getvalue() == "ERROR! the role 'nosuch' was not found\n"

    lines = io.StringIO()
    View(lines, Progress.of(["a"]), as_json=True).event(error)
    assert json.loads(lines.getvalue())["stdout"] == "ERROR! the role 'nosuch' was not found"
