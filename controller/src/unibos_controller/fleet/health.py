"""The live state of the fleet's hubs, nodes and workers, from what the app's own CLIs
print on the hosts, joined with the inventory; pure functions (the ad-hoc runs that
gather the outputs are in the cli modules).

- hubs: `unibos-hub status --json`, a JSON list of Patroni members
  (unibos.hub.ha.cluster.Member.as_json); it exits 1 on an unhealthy cluster (the list is
  still printed) and 2 with no output when no Patroni answers.
- nodes: `unibos-hub nodes list --json`, a JSON list of the registry's nodes
  (unibos.http.hub.representations.node): id, name, version, organization,
  enrolled_at, last_contact_at, revoked, revoked_at.
- workers: `unibos-worker status --json`, one JSON object: `workers` (the live records
  of unibos.core.registry.WorkerRecord: name `<type>@<hostname>`, type, queues, version,
  started_at, seen_at), `queues` (queue -> consumers) and `missing` (queues without one).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from unibos.hub.ha.cluster import Member

# Ad-hoc commands, run through the wrappers the app role installs (roles/app/templates).
HUB_STATUS = "/usr/local/sbin/unibos-hub status --json"
NODES_LIST = "/usr/local/sbin/unibos-hub nodes list --json"
WORKER_STATUS = "/usr/local/sbin/unibos-worker status --json"

MEMBER_FIELDS = {field.name for field in fields(Member)}


class Unreadable(ValueError):
    """A host's output is not what the command prints."""


def _json(stdout: str) -> Any:
    try:
        return json.loads(stdout)
    except json.JSONDecodeError as error:
        raise Unreadable(f"not JSON: {error}: {stdout[:200]!r}") from None


def members(stdout: str) -> list[Member]:
    document = _json(stdout)
    if not isinstance(document, list):
        raise Unreadable("expected a JSON list of Patroni members")
    try:
        return [
            Member(**{key: value for key, value in item.items() if key in MEMBER_FIELDS})
            for item in document
        ]
    except (TypeError, AttributeError) as error:
        raise Unreadable(f"not a Patroni member: {error}") from None


def registry(stdout: str) -> list[dict[str, Any]]:
    document = _json(stdout)
    if not isinstance(document, list) or not all(
        isinstance(item, dict) and "name" in item for item in document
    ):
        raise Unreadable("expected a JSON list of nodes, each with a name")
    return document


def live_workers(stdout: str) -> dict[str, Any]:
    document = _json(stdout)
    if not isinstance(document, dict) or not isinstance(document.get("workers"), list):
        raise Unreadable("expected a JSON object with a list of workers")
    return document


def _failure(outcome: dict[str, Any] | None) -> str:
    if outcome is None:
        return "no answer"
    if outcome["status"] == "unreachable":
        return "unreachable"
    result = outcome["res"]
    return (result.get("stderr") or result.get("msg") or "failed").strip().splitlines()[-1]


def first_answer(
    outcomes: dict[str, dict[str, Any]], parse: Any
) -> tuple[Any, str | None, list[str]]:
    """The first host (by name) whose output parses: (parsed, that host, why the others
    before it gave none). A command that exits non-zero but prints its document
    (`unibos-hub status` on an unhealthy cluster) still answers."""
    reasons = []
    for host in sorted(outcomes):
        outcome = outcomes[host]
        stdout = outcome["res"].get("stdout") or ""
        if outcome["status"] != "unreachable" and stdout.strip():
            try:
                return parse(stdout), host, reasons
            except Unreadable as error:
                reasons.append(f"{host}: {error}")
                continue
        reasons.append(f"{host}: {_failure(outcome)}")
    return None, None, reasons


def hub_rows(hosts: list[str], outcomes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per inventory hub: reachable or not, and its Patroni member's role, state,
    timeline and lag (as the first hub that answered sees the cluster)."""
    cluster, _, _ = first_answer(outcomes, members)
    by_name = {member.name: member for member in cluster or []}
    rows = []
    for host in hosts:
        outcome = outcomes.get(host)
        row: dict[str, Any] = {
            "host": host,
            "role": None,
            "state": None,
            "timeline": None,
            "lag_mb": None,
        }
        member = by_name.get(host)
        if member is not None:
            row.update(
                role=member.role,
                state=member.state,
                timeline=member.timeline,
                lag_mb=None if member.is_leader else member.lag_mb,
            )
        if outcome is None or outcome["status"] == "unreachable":
            row["status"] = "unreachable"
        elif cluster is None:
            row["status"] = f"no cluster view: {_failure(outcome)}"
        elif member is None:
            row["status"] = "not a Patroni member"
        elif member.is_leader:
            row["status"] = "healthy" if member.state == "running" else "unhealthy"
        else:
            row["status"] = "healthy" if member.is_streaming_replica else "unhealthy"
        row["healthy"] = row["status"] == "healthy"
        rows.append(row)
    return rows


def node_rows(hosts: list[str], outcomes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per inventory node, joined by name with the hub's registry (nodes enrol
    under their inventory name, roles/node/tasks/enrol.yml)."""
    entries, hub, reasons = first_answer(outcomes, registry)
    by_name = {entry["name"]: entry for entry in entries or []}
    rows = []
    for host in hosts:
        entry = by_name.get(host)
        row: dict[str, Any] = {
            "host": host,
            "id": entry["id"] if entry else None,
            "version": entry.get("version") if entry else None,
            "last_contact_at": entry.get("last_contact_at") if entry else None,
            "registry_of": hub,
        }
        if entries is None:
            row["status"] = "unknown: no hub answered (" + "; ".join(reasons) + ")"
        elif entry is None:
            row["status"] = "not enrolled"
        elif entry.get("revoked"):
            row["status"] = "revoked"
        else:
            row["status"] = "healthy"
        row["healthy"] = row["status"] == "healthy"
        rows.append(row)
    return rows


def _short(hostname: str) -> str:
    return hostname.split(".", 1)[0]


def worker_rows(
    expected: dict[str, list[str]], outcomes: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """One row per (host, worker type) the inventory expects (`expected`: host -> its
    types from its worker_<type> groups), joined with the live records by type and the
    hostname in the worker's name `<type>@<hostname>` (short names compared)."""
    document, _, reasons = first_answer(outcomes, live_workers)
    records = document["workers"] if document else []
    rows = []
    for host in sorted(expected):
        outcome = outcomes.get(host)
        for kind in expected[host]:
            record = next(
                (
                    item
                    for item in records
                    if item.get("type") == kind
                    and _short(str(item.get("name", "")).partition("@")[2]) == _short(host)
                ),
                None,
            )
            row: dict[str, Any] = {
                "host": host,
                "type": kind,
                "name": record.get("name") if record else None,
                "queues": record.get("queues") if record else None,
                "version": record.get("version") if record else None,
                "seen_at": record.get("seen_at") if record else None,
            }
            if outcome is None or outcome["status"] == "unreachable":
                row["status"] = "unreachable"
            elif document is None:
                row["status"] = "unknown: no host answered (" + "; ".join(reasons) + ")"
            elif record is None:
                row["status"] = "not running"
            else:
                row["status"] = "healthy"
            row["healthy"] = row["status"] == "healthy"
            rows.append(row)
    return rows


def missing_queues(outcomes: dict[str, dict[str, Any]]) -> list[str]:
    """The queues that `unibos-worker status` says no live worker consumes."""
    document, _, _ = first_answer(outcomes, live_workers)
    return list(document.get("missing") or []) if document else []


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """Rows as aligned text columns; None shows as `-`, lists comma-joined."""

    def cell(value: Any) -> str:
        if value is None:
            return "-"
        if isinstance(value, list):
            return ",".join(str(item) for item in value)
        return str(value)

    grid = [[name.upper() for name in columns]] + [
        [cell(row.get(name)) for name in columns] for row in rows
    ]
    widths = [max(len(line[column]) for line in grid) for column in range(len(columns))]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip()
        for line in grid
    )
