"""`unibos-manager deploy` against real containers, with a playbook of the test's own
(the command always runs playbooks/site.yml; its body takes the playbook)."""

import json
import signal
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner
from unibos_controller.cli.manager import cli, deploy
from unibos_controller.testbed.waiting import wait_until

PLAYBOOK = """\
- name: A small play for the deploy command
  hosts: all
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.command: echo hello
    - name: Break on the hosts told to
      ansible.builtin.fail:
        msg: broken on purpose
      when: inventory_hostname in (groups['broken'] | default([]))
"""


@pytest.fixture
def playbook(tmp_path):
    path = tmp_path / "play.yml"
    path.write_text(PLAYBOOK)
    return path


def run(playbook, inventory_file, **selection):
    options = {"everything": False, "group": None, "limit": None, "check": False,
               "diff": False, "tags": None, "as_json": False}  # fmt: skip
    options.update(selection)
    with pytest.raises(SystemExit) as exited:
        deploy.run(playbook, inventory_file, **options)
    return exited.value.code


def recap_rows(text):
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("HOST "))
    return {line.split()[0]: line.split()[1:] for line in lines[header + 1 :]}


@pytest.mark.usefixtures("state")
def test_an_unreachable_host_leaves_the_others_deployed_the_recap_says_so_and_exit_4(
    playbook, inventory, hosts, missing_host, capsys
):
    hosts_file = inventory({"fleet": [*hosts, missing_host]})
    assert run(playbook, hosts_file, everything=True) == 4
    rows = recap_rows(capsys.readouterr().out)
    # OK CHANGED FAILED UNREACHABLE SKIPPED STATUS
    assert rows[hosts[0]] == ["1", "1", "0", "0", "1", "changed"]
    assert rows[hosts[1]] == ["1", "1", "0", "0", "1", "changed"]
    assert rows[missing_host] == ["0", "0", "0", "1", "0", "unreachable"]


@pytest.mark.usefixtures("state")
def test_a_failed_host_wins_over_an_unreachable_one_exit_1_with_the_recap_and_json_lines(
    playbook, inventory, hosts, missing_host, capsys
):
    hosts_file = inventory({"fleet": [*hosts, missing_host], "broken": [hosts[1]]})
    assert run(playbook, hosts_file, group="fleet", as_json=True) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    events, recap = lines[:-1], lines[-1]["recap"]
    assert events[0]["event"] == "playbook_on_start"
    assert events[-1]["event"] == "playbook_on_stats"
    failed = [e for e in events if e["event"] == "runner_on_failed"]
    assert [(e["host"], e["task"], e["result"]["msg"]) for e in failed] == [
        (hosts[1], "Break on the hosts told to", "broken on purpose")
    ]
    assert {row["host"]: row["status"] for row in recap} == {
        hosts[0]: "changed",
        hosts[1]: "failed",
        missing_host: "unreachable",
    }


@pytest.mark.usefixtures("state")
def test_check_mode_and_tags_reach_ansible(tmp_path, inventory, hosts, capsys):
    playbook = tmp_path / "tagged.yml"
    playbook.write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - {name: Tagged, ansible.builtin.command: 'true', tags: [picked]}\n"
        "    - {name: Untagged, ansible.builtin.command: 'true'}\n"
    )
    hosts_file = inventory({"fleet": [hosts[0]]})
    assert run(playbook, hosts_file, limit=hosts[0], check=True, tags="picked", as_json=True) == 0
    *events, recap = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert recap["recap"][0]["skipped"] == 1
    outcomes = ("runner_on_ok", "runner_on_skipped", "runner_on_failed")
    results = [e for e in events if e["event"] in outcomes]
    # Only the tagged task ran, and in check mode the command module runs nothing.
    assert [(e["task"], e["event"]) for e in results] == [("Tagged", "runner_on_skipped")]


def test_a_limit_that_matches_nothing_is_refused_before_anything_runs(
    playbook, inventory, state, hosts, capsys
):
    hosts_file = inventory({"fleet": hosts})
    assert run(playbook, hosts_file, limit="nosuch*") == 2
    assert "--limit 'nosuch*' matches no host" in capsys.readouterr().err
    assert not state.exists()  # no artifacts: ansible-runner was never asked


def test_the_command_refuses_a_missing_selection_an_unknown_group_and_a_limit_matching_nothing(
    inventory, state
):
    hosts_file = inventory({"fleet": ["one", "two"]})
    runner = CliRunner()
    none = runner.invoke(cli, ["-i", str(hosts_file), "deploy"])
    assert none.exit_code == 2
    assert "one of --all, --group G or --limit PATTERN" in none.output
    both = runner.invoke(cli, ["-i", str(hosts_file), "deploy", "--all", "--limit", "one"])
    assert both.exit_code == 2
    group = runner.invoke(cli, ["-i", str(hosts_file), "deploy", "--group", "hubs"])
    assert group.exit_code == 2
    assert "no group 'hubs'" in group.output
    limit = runner.invoke(cli, ["-i", str(hosts_file), "deploy", "--limit", "three"])
    assert limit.exit_code == 2
    assert "--limit 'three' matches no host" in limit.output
    assert not state.exists()


def test_the_help_documents_the_exit_codes():
    result = CliRunner().invoke(cli, ["deploy", "--help"])
    assert result.exit_code == 0
    for line in ("0  every host ok", "1  a host failed", "2  bad arguments",
                 "3  the run could not start", "4  a host was unreachable",
                 "130  interrupted"):  # fmt: skip
        assert line in result.output


def test_the_inventory_comes_from_the_option_the_environment_the_config_file_or_dev(
    tmp_path, monkeypatch
):
    from unibos_controller.cli import manager  # noqa: PLC0415

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("UNIBOS_INVENTORY", raising=False)
    assert manager.default_inventory() == manager.REPO_ROOT / "inventories" / "dev"
    config = tmp_path / ".config" / "unibos" / "manager.toml"
    config.parent.mkdir(parents=True)
    config.write_text('inventory = "fleet/hosts.yml"\n')
    assert manager.default_inventory() == config.parent / "fleet" / "hosts.yml"
    monkeypatch.setenv("UNIBOS_INVENTORY", "/srv/inventory")
    assert str(manager.default_inventory()) == "/srv/inventory"


@pytest.mark.usefixtures("state")
def test_ctrl_c_cancels_the_run_and_still_prints_the_recap_exit_130(tmp_path, inventory, hosts):
    playbook = tmp_path / "slow.yml"
    playbook.write_text(
        "- hosts: all\n  gather_facts: false\n  tasks:\n"
        "    - {name: Take long, ansible.builtin.command: sleep 60}\n"
    )
    hosts_file = inventory({"fleet": [hosts[0]]})
    # SIGINT's default handler put back: a process started from a non-interactive shell
    # may inherit it ignored.
    program = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from pathlib import Path\nfrom unibos_controller.cli.manager import deploy\n"
        "deploy.run(Path(sys.argv[1]), Path(sys.argv[2]), everything=True, group=None,"
        " limit=None, check=False, diff=False, tags=None, as_json=True)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", program, str(playbook), str(hosts_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        wait_until(lambda: any("runner_on_start" in line for line in lines), 30, "the task")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
    finally:
        process.kill()
    reader.join(timeout=5)
    recap = json.loads(lines[-1])["recap"]
    assert [(row["host"], row["status"]) for row in recap] == [(hosts[0], "unfinished")]
