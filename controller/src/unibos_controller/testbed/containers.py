"""podman containers of the base image that tests start themselves, booting systemd
(../shared/platform-notes.md): podman run as a command, and whether systemd is up."""

from __future__ import annotations

import os
import subprocess

# The image scripts/base-image builds (`make image`).
BASE_IMAGE = os.environ.get("UNIBOS_BASE_IMAGE", "localhost/unibos-base:bookworm")


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", *args], capture_output=True, text=True, check=check, timeout=120
    )


def booted(name: str) -> bool:
    """systemd in the container has finished starting (degraded counts: some units fail
    in a container)."""
    state = podman("exec", name, "systemctl", "is-system-running", check=False).stdout.strip()
    return state in ("running", "degraded")
