"""The node's sync agent (unibos-sync.service) runs against the hub it enrolled with."""

import json

from testkit import wait_for


def sync_state(stack) -> dict:
    return json.loads(stack.host.check_output("/usr/local/sbin/unibos sync --json"))


def test_the_sync_agent_has_completed_a_round_with_the_hub(stack):
    state = wait_for(
        lambda: (found := sync_state(stack))["last_sync_at"] and found,
        60,
        "a completed sync round",
    )
    assert state["queue"] == 0, state


def test_the_sync_agent_logged_that_the_hub_is_online(stack):
    log = stack.host.check_output("journalctl -u unibos-sync --no-pager -o cat")
    assert "online:" in log, log
