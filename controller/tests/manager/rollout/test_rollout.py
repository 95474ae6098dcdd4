"""The pure parts of `upgrade` and `rollback`: --batch, the extra vars, the failure
messages and refusals folded from events, and the refusals of bad arguments before
anything runs (no containers: an inventory of hosts nobody reaches)."""

import pytest
import yaml
from click.testing import CliRunner
from unibos_controller.cli.manager import cli
from unibos_controller.fleet import rollout
from unibos_controller.fleet.runs import REPO_ROOT


@pytest.mark.parametrize(
    ("text", "batch"), [("1", 1), ("10", 10), ("25%", "25%"), ("100%", "100%"), (" 3 ", 3)]
)
def test_a_batch_is_a_count_or_a_percentage_as_serial_takes_it(text, batch):
    assert rollout.parse_batch(text) == batch


@pytest.mark.parametrize("text", ["0", "0%", "101%", "-1", "1.5", "25 %", "all", ""])
def test_a_batch_that_serial_cannot_take_is_refused_naming_it(text):
    with pytest.raises(rollout.BadArgument, match="--batch"):
        rollout.parse_batch(text)


def test_an_upgrade_to_a_version_installs_each_hosts_bundle_of_it_and_stops_at_a_failure(
    tmp_path,
):
    assert rollout.upgrade_vars("1.4.2", tmp_path, "25%") == {
        "app_bundle_version": "1.4.2",
        "app_bundle_dir": str(tmp_path),
        "unibos_rollout_batch": "25%",
        "unibos_rollout_stop_on_failure": True,
    }
    # Without --to: the wheelhouse's release, as deploy.
    assert rollout.upgrade_vars(None, tmp_path, 2) == {
        "unibos_rollout_batch": 2,
        "unibos_rollout_stop_on_failure": True,
    }


def test_a_rollback_names_its_release_only_when_given():
    assert rollout.rollback_vars("1.4.1-0123456789ab", 1)["app_rollback_to"] == (
        "1.4.1-0123456789ab"
    )
    assert "app_rollback_to" not in rollout.rollback_vars(None, 1)


@pytest.mark.parametrize("name", ["../1.0", "1.0/x", "1 0", "", "-rf"])
def test_a_version_or_release_that_is_no_name_is_refused(name, tmp_path):
    with pytest.raises(rollout.BadArgument, match="--to"):
        rollout.upgrade_vars(name, tmp_path, 1)
    with pytest.raises(rollout.BadArgument, match="--to"):
        rollout.rollback_vars(name, 1)


def failed(host, task, msg, play="Deploy the hubs one at a time, rolling a failed hub back",
           **extra):  # fmt: skip
    return {
        "event": "runner_on_failed",
        "event_data": {"host": host, "task": task, "play": play, "res": {"msg": msg}, **extra},
    }


def test_the_last_failure_of_a_host_is_its_message_the_rescues_naming_release_and_step():
    failures = rollout.Failures()
    failures.event(failed("hub1", "Apply the hub's database migrations", "non-zero return code"))
    failures.event(
        failed(
            "hub1",
            "Stop the rollout with the reason",
            "hub1: release 1.0.1-abc did not come up healthy (Apply the hub's database "
            "migrations: non-zero return code); rolled back to 1.0.0-def.",
        )
    )
    failures.event(failed("node1", "Ignored", "whatever", ignore_errors=True))
    assert failures.report(["hub1", "node1"]) == [
        "hub1: release 1.0.1-abc did not come up healthy (Apply the hub's database "
        "migrations: non-zero return code); rolled back to 1.0.0-def. "
        "[task: Stop the rollout with the reason]"
    ]
    assert not failures.refused


def test_a_failure_in_a_check_play_is_a_refusal_and_a_message_gets_its_host():
    failures = rollout.Failures()
    failures.event(failed("n1", "Assert that the bundle this host needs is built",
                          "no bundle /b/node/unibos-node-v2-amd64.tar.gz",
                          play=rollout.CHECK_PLAYS[0]))  # fmt: skip
    failures.event({"event": "runner_on_unreachable",
                    "event_data": {"host": "w1", "task": "Gathering Facts",
                                   "res": {"msg": "ssh: no route"}}})  # fmt: skip
    assert failures.refused == {"n1"}
    assert failures.report(["n1", "w1"]) == [
        "n1: no bundle /b/node/unibos-node-v2-amd64.tar.gz "
        "[task: Assert that the bundle this host needs is built]",
        "w1: ssh: no route [task: Gathering Facts]",
    ]


@pytest.mark.parametrize(
    ("playbook", "check_play"),
    [("upgrade.yml", rollout.CHECK_PLAYS[0]), ("rollback.yml", rollout.CHECK_PLAYS[1])],
)
def test_the_check_plays_the_manager_knows_are_the_first_plays_of_its_playbooks(
    playbook, check_play
):
    plays = yaml.safe_load((REPO_ROOT / "playbooks" / playbook).read_text())
    assert plays[0]["name"] == check_play
    # It changes nothing, and its failure on one host stops the run on all of them.
    assert plays[0]["any_errors_fatal"] is True


@pytest.fixture
def nowhere(tmp_path):
    """An inventory whose host nobody reaches: a command that ran would fail with 4."""
    path = tmp_path / "hosts.yml"
    path.write_text("all:\n  children:\n    node:\n      hosts:\n        far-away:\n")
    return path


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["upgrade", "--batch", "0"], "--batch"),
        (["upgrade", "--to", "../1.0"], "--to"),
        (["upgrade", "--limit", "no-such-host"], "no-such-host"),
        (["upgrade", "--to", "1.0", "--bundles", "/no/such/dir"], "/no/such/dir"),
        (["rollback", "--batch", "150%"], "--batch"),
        (["rollback", "--to", "a b"], "--to"),
        (["rollback", "--limit", "no-such-host"], "no-such-host"),
    ],
)
def test_bad_arguments_are_refused_with_exit_2_before_anything_runs(
    nowhere, tmp_path, monkeypatch, args, says
):
    state = tmp_path / "state"
    monkeypatch.setenv("UNIBOS_MANAGER_STATE", str(state))
    result = CliRunner().invoke(cli, ["-i", str(nowhere), *args])
    assert result.exit_code == 2, result.output
    assert says in result.output
    # No run: ansible-runner would have made its private data directory.
    assert not state.exists()
