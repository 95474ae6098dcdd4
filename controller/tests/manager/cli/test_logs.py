"""`unibos-manager logs` against a real container whose `unibos-hub` unit logs a
numbered line every half second (started with systemd-run, so journald has it under
that unit's name)."""

import re
import signal
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner
from unibos_controller.cli.manager import cli
from unibos_controller.testbed.waiting import wait_until

TICKS = r"i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done"
# The CLI as an operator runs it, Ctrl-C included: a process started from a
# non-interactive shell may inherit SIGINT ignored, so the default handler is put back.
MAIN = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from unibos_controller.cli.manager import cli; cli()"
)


@pytest.fixture(scope="session")
def ticking(hosts):
    subprocess.run(
        ["podman", "exec", hosts[0], "systemd-run", "--unit", "unibos-hub", "sh", "-c", TICKS],
        check=True,
        capture_output=True,
    )

    def ticks_logged():
        journal = subprocess.run(
            ["podman", "exec", hosts[0], "journalctl", "-u", "unibos-hub", "-o", "cat"],
            check=True,
            capture_output=True,
            text=True,
        )
        return len(ticks(journal.stdout.splitlines())) >= 4

    # Until then, the last lines of the unit's journal include systemd's "Started ...".
    wait_until(ticks_logged, 30, "4 ticks in the journal")
    return hosts[0]


def ticks(lines):
    return [int(match.group(1)) for line in lines if (match := re.search(r"tick (\d+)$", line))]


@pytest.mark.usefixtures("state")
def test_logs_prints_the_last_lines_of_a_services_journal(inventory, ticking):
    hosts_file = inventory({"fleet": [ticking]})
    result = CliRunner().invoke(
        cli, ["-i", str(hosts_file), "logs", ticking, "hub", "--lines", "3"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3, lines
    numbers = ticks(lines)
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert "-- cursor:" not in result.output


@pytest.mark.usefixtures("state")
def test_logs_follow_prints_each_new_line_once_and_exits_0_on_ctrl_c(inventory, ticking):
    hosts_file = inventory({"fleet": [ticking]})
    process = subprocess.Popen(
        [sys.executable, "-c", MAIN, "-i", str(hosts_file), "logs", ticking, "hub",
         "--lines", "1", "--follow"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        # The first read, then follow-ups: a span of ticks that only journald's cursor
        # keeps free of gaps and repeats.
        wait_until(lambda: len(ticks(lines)) >= 12, 60, "12 ticks followed")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
    reader.join(timeout=5)
    numbers = ticks(lines)
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def test_an_unknown_service_or_host_is_refused_with_exit_2(inventory):
    hosts_file = inventory({"fleet": ["one"]})
    runner = CliRunner()
    service = runner.invoke(cli, ["-i", str(hosts_file), "logs", "one", "postgres"])
    assert service.exit_code == 2
    assert "unknown service 'postgres'; known: beat, etcd, flower, haproxy, hub" in service.output
    host = runner.invoke(cli, ["-i", str(hosts_file), "logs", "two", "hub"])
    assert host.exit_code == 2
    assert "two is not a host of the inventory" in host.output
