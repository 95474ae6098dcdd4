"""Playbook runs through ansible-runner against real containers: a host that does not
exist, and an event consumer far slower than the run."""

import json
import time
from datetime import datetime

from unibos_controller.fleet import runs

PLAYBOOK = """\
- name: A small play for the run machinery
  hosts: all
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.command: echo hello
"""


def test_a_consumer_slowed_2s_per_event_causes_no_timeout_and_loses_no_event(
    tmp_path, inventory, state, hosts, missing_host
):
    # ansible-runner issue #1343: a slow event_handler plus an unreachable host ended in
    # a pexpect timeout. The consumer here is as slow; the handler only queues.
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK)
    hosts_file = inventory({"fleet": [hosts[0], missing_host]})
    seen = []

    def slow(event):
        seen.append(event)
        time.sleep(2)

    started = time.monotonic()
    result = runs.run_playbook(playbook, hosts_file, slow)
    took = time.monotonic() - started

    assert result.status == "failed", result  # not "timeout"
    assert result.rc == 4  # ansible-playbook's "a host was unreachable"
    on_disk = sorted(
        json.loads(path.read_text())["counter"]
        for path in (result.artifacts / "job_events").glob("*.json")
    )
    assert [event["counter"] for event in seen] == on_disk
    assert result.events == len(seen) >= 8
    outcomes = {
        e["event_data"].get("host"): e["event"]
        for e in seen
        if e["event"].startswith("runner_on_") and e["event"] != "runner_on_start"
    }
    assert outcomes == {hosts[0]: "runner_on_ok", missing_host: "runner_on_unreachable"}
    # The consumer took 2 s an event, yet ansible-playbook went on at its own pace: its
    # events span far less time than consuming them took (a handler that stalled the run
    # would have spread them at least 2 s apart).
    assert took >= 2 * len(seen)
    created = [datetime.fromisoformat(event["created"]) for event in seen]
    assert (created[-1] - created[0]).total_seconds() < len(seen)
    assert result.artifacts.parent == state / "runs" / "artifacts"


def test_artifacts_are_rotated_keeping_the_last_ones(
    tmp_path, inventory, state, hosts, monkeypatch
):
    monkeypatch.setattr(runs, "ARTIFACTS_KEPT", 1)
    playbook = tmp_path / "play.yml"
    playbook.write_text(PLAYBOOK)
    hosts_file = inventory({"fleet": [hosts[0]]})
    kept = [runs.run_playbook(playbook, hosts_file, lambda event: None).artifacts for _ in range(2)]
    assert sorted((state / "runs" / "artifacts").iterdir()) == kept[1:]


LOCAL_PLAYBOOK = """\
- name: Print an extra var
  hosts: all
  gather_facts: false
  tasks:
    - name: Say which release
      ansible.builtin.debug:
        msg: "release={{ app_bundle_version | default('none') }}"
"""


def test_a_runs_extra_vars_do_not_stay_in_force_for_the_next_run(tmp_path, state):
    # ansible-runner keeps a run's extravars in env/extravars of the private data
    # directory and applies that file to every later run: an upgrade's version must not
    # reach the next deploy.
    playbook = tmp_path / "play.yml"
    playbook.write_text(LOCAL_PLAYBOOK)
    hosts_file = tmp_path / "hosts.yml"
    hosts_file.write_text("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")

    def messages(**options):
        seen = []
        result = runs.run_playbook(playbook, hosts_file, seen.append, **options)
        assert result.status == "successful", result
        return [
            event["event_data"]["res"]["msg"]
            for event in seen
            if event.get("event") == "runner_on_ok"
        ]

    assert messages(extravars={"app_bundle_version": "0.1.1"}) == ["release=0.1.1"]
    assert messages() == ["release=none"]
