"""podman on the build machine: the `ha` scenario's containers, their addresses and
secrets, and the faults that podman itself deals (SIGKILL of a whole container)."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Iterable

from unibos_controller.testbed.ha.scenario import HUBS, NETWORK, SECRETS_DIR, HAError
from unibos_controller.testbed.waiting import wait_until


def podman(
    *args: str, check: bool = True, timeout: float | None = 120, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `podman ARGS`; raise HAError on a non-zero exit (when check) or a timeout."""
    try:
        done = subprocess.run(
            ["podman", *args],
            capture_output=True,
            text=True,
            input=stdin,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise HAError(f"`podman {shlex.join(args)}` did not finish within {timeout} s") from error
    if check and done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip())[-2000:]
        raise HAError(f"`podman {shlex.join(args)}` failed (rc={done.returncode}): {output}")
    return done


def exec_in(container: str, *command: str, check: bool = True, timeout: float = 120) -> str:
    """Run a command in a container and return its stdout."""
    return podman("exec", container, *command, check=check, timeout=timeout).stdout


def exists(name: str) -> bool:
    return podman("container", "exists", name, check=False).returncode == 0


def is_running(name: str) -> bool:
    done = podman("inspect", "-f", "{{.State.Running}}", name, check=False)
    return done.returncode == 0 and done.stdout.strip() == "true"


def container_ip(name: str) -> str:
    """The container's address on the unibos-ha network (it may change on a restart)."""
    template = f'{{{{(index .NetworkSettings.Networks "{NETWORK}").IPAddress}}}}'
    address = podman("inspect", "-f", template, name).stdout.strip()
    if not address or address == "<no value>":
        raise HAError(f"{name} has no address on {NETWORK}; is it running?")
    return address


def container_id(name: str) -> str:
    return podman("inspect", "-f", "{{.Id}}", name).stdout.strip()


def read_secret(secret: str, on: Iterable[str] = HUBS) -> str:
    """The content of /etc/unibos/secrets/SECRET in the first running container of `on`."""
    errors = []
    for name in on:
        if not is_running(name):
            errors.append(f"{name} is not running")
            continue
        done = podman("exec", name, "cat", f"{SECRETS_DIR}/{secret}", check=False)
        if done.returncode == 0:
            return done.stdout.rstrip("\n")
        errors.append(f"{name}: {done.stderr.strip()}")
    raise HAError(f"cannot read the secret {secret}: {'; '.join(errors)}")


def running_hubs() -> list[str]:
    return [name for name in HUBS if is_running(name)]


def other_hub(name: str) -> str:
    (other,) = (hub for hub in HUBS if hub != name)
    return other


def hard_kill(name: str) -> None:
    """SIGKILL the container's init: every process in it dies at once, like a power cut."""
    podman("kill", "-s", "KILL", name)
    wait_until(
        lambda: not is_running(name),
        30,
        f"{name} stopping after SIGKILL",
        interval=0.1,
        errors_are_not_yet=True,
    )


def start_container(name: str) -> None:
    podman("start", name)
