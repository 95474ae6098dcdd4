"""After a restart of any one unit, the stack comes back healthy and serves tasks."""

import pytest
from test_services import BOOT_UNITS, LEADER_UNITS
from testkit import wait_for


@pytest.mark.parametrize("unit", [*BOOT_UNITS, *LEADER_UNITS])
def test_the_stack_is_healthy_again_after_restarting(stack, unit):
    stack.host.check_output(f"systemctl restart {unit}")
    wait_for(stack.healthy, 180, f"hub and node health 200 after restarting {unit}")
    assert stack.host.service(unit).is_running
    record = stack.call("core.cleanup")
    assert record["state"] == "SUCCESS"
