"""Celery beat on the hub sends the health check on its schedule, and a core worker
runs it. Nothing else in this scenario sends core.health_check."""

import pytest
from conftest import HUB_PORT, wait_for


def last_health_check(stack) -> dict | None:
    """When the scheduled core.health_check last ran and on which worker, as the hub's
    /api/health reports it (None before its first run)."""
    record = stack.health(HUB_PORT)[1].get("schedule", {}).get("health_check")
    return record if record and record["last_run"] else None


# The worker that ran it is named after the hub's host.
@pytest.mark.on("hub", "worker_core")
def test_beat_has_run_the_scheduled_health_check(stack):
    record = wait_for(
        lambda: last_health_check(stack), 180, "a scheduled core.health_check", interval=5
    )
    assert record["last_run"]
    assert record["worker"] == f"core@{stack.hostname}"
    journal = stack.host.check_output("journalctl -u unibos-beat --no-pager")
    assert "core.health_check" in journal
