"""What `upgrade` and `rollback` add to a playbook run; pure functions, no I/O.

- The extra vars that make playbooks/upgrade.yml and playbooks/rollback.yml roll out in
  batches and stop at the first host that fails (the playbooks read them; play keywords
  such as `serial` see only extra vars).
- `Failures`, an event consumer that keeps each host's last failure message (a rolled
  back host's is the rescue's: host, release, failed step) and whether a failure came
  from a check play, which changes nothing: then the command was refused (exit 2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The first play of playbooks/upgrade.yml and of playbooks/rollback.yml, by name (the
# events name their play): a failure there is a refusal, before any host was changed.
CHECK_PLAYS = (
    "Check that the bundle of every host is built, before any host is changed",
    "Check that the release to roll back to is installed on every host",
)
# `deploy` runs every node and worker at once; an upgrade's default.
DEFAULT_BATCH = "25%"

_BATCH = re.compile(r"^(?P<count>[0-9]+)(?P<percent>%?)$")
# A version as unibos-dev names bundles (unibos-<target>-v<version>-<arch>.tar.gz) and a
# release id (<version>-<12 hex>): no path separators, no spaces.
_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+!_-]*$")


class BadArgument(ValueError):
    """An option's value the rollout cannot use; the message names it."""


def parse_batch(text: str) -> int | str:
    """`--batch N|N%`: how many nodes (and workers) at a time, as Ansible's `serial`
    takes it: a positive count, or a percentage from 1 to 100 of the play's hosts."""
    found = _BATCH.match(text.strip())
    if not found:
        raise BadArgument(f"--batch must be a number of hosts or a percentage, not {text!r}")
    count = int(found["count"])
    if found["percent"]:
        if not 1 <= count <= 100:
            raise BadArgument(f"--batch {text}: a percentage must be from 1% to 100%")
        return f"{count}%"
    if count < 1:
        raise BadArgument(f"--batch {text}: at least one host at a time")
    return count


def checked_name(option: str, value: str) -> str:
    if not _NAME.match(value):
        raise BadArgument(f"{option} {value!r} is not a version or release name")
    return value


def rollout_vars(batch: int | str) -> dict[str, Any]:
    """Batches for the node and worker plays; any failed host stops the run."""
    return {"unibos_rollout_batch": batch, "unibos_rollout_stop_on_failure": True}


def upgrade_vars(version: str | None, bundles: Path, batch: int | str) -> dict[str, Any]:
    """playbooks/upgrade.yml's: with a version, every host installs its own bundle of it
    from `bundles` (the app role picks the host's target); without, the wheelhouse."""
    extra = rollout_vars(batch)
    if version is not None:
        extra |= {
            "app_bundle_version": checked_name("--to", version),
            "app_bundle_dir": str(bundles),
        }
    return extra


def rollback_vars(release: str | None, batch: int | str) -> dict[str, Any]:
    extra = rollout_vars(batch)
    if release is not None:
        extra["app_rollback_to"] = checked_name("--to", release)
    return extra


@dataclass
class Failures:
    """Fed every event of a run (`event`): the last failure message of each host, and the
    hosts that failed in a check play."""

    messages: dict[str, str] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)

    def event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind not in ("runner_on_failed", "runner_on_unreachable"):
            return
        data = event.get("event_data") or {}
        host = data.get("host")
        if not host or data.get("ignore_errors"):
            return
        result = data.get("res") or {}
        message = " ".join(str(result.get("msg") or result.get("stderr") or "failed").split())
        # The roles' messages start with the host already (roles/README.md).
        if not message.startswith(f"{host}:"):
            message = f"{host}: {message}"
        self.messages[host] = f"{message} [task: {data.get('task') or 'unnamed'}]"
        if kind == "runner_on_failed" and data.get("play") in CHECK_PLAYS:
            self.refused.add(host)

    def report(self, failed_hosts: list[str]) -> list[str]:
        """One line per host that ended failed or unreachable: why."""
        return [self.messages[host] for host in failed_hosts if host in self.messages]
