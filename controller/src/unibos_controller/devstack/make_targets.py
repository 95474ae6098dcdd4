"""The Makefile targets that `unibos-dev test NAME` runs: the Makefile is the one place
that says how each set of checks runs; this only names them
(controller/tests/dev/cli/test_test.py checks each is a target of the Makefile)."""

from __future__ import annotations

from pathlib import Path

from unibos_controller.devstack.processes import foreground

TEST_TARGETS = {
    "all": "test",
    "lint": "lint",
    "app": "test-app",
    "controller": "test-controller",
    "contract": "test-contract",
    "molecule": "test-molecule",
    "default": "test-molecule-default",
    "ha": "test-molecule-ha",
    # Not part of `all` (make test): the arm64 node under emulation (README, Tests).
    "pi": "test-pi",
    # Not part of `all` either: the verify suite against the VMs of `make vagrant-up`.
    "vagrant": "vagrant-test",
}


def run(checkout: Path, names: list[str]) -> int:
    """make TARGET... in `checkout`, its output the caller's; make's exit code."""
    targets = [TEST_TARGETS[name] for name in names]
    return foreground(["make", "-C", str(checkout), *targets])
