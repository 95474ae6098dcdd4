"""Parsing what `unibos-hub status --json`, `unibos-hub nodes list --json` and
`unibos-worker status --json` print, and joining it with the inventory. The outputs are
made by the app's own code (Member.as_json, WorkerRecord), as the commands make them."""

import json
from dataclasses import asdict

import pytest
from unibos.core.registry import WorkerRecord
from unibos.hub.ha.cluster import MB, Member
from unibos_controller.fleet import health


def ok(stdout, rc=0):
    return {"status": "ok" if rc == 0 else "failed", "res": {"stdout": stdout, "rc": rc}}


UNREACHABLE = {"status": "unreachable", "res": {"msg": "no such container"}}


def cluster_output(*members):
    return json.dumps([member.as_json() for member in members], indent=2)


LEADER = Member("rocksteady", "leader", "running", "10.0.0.2", 5432, 3)
REPLICA = Member("bebop", "replica", "streaming", "10.0.0.3", 5432, 3, lag=2 * MB)


def test_hubs_join_the_inventory_with_patroni_members_by_name():
    outcomes = {"rocksteady": ok(cluster_output(LEADER, REPLICA)),
                "bebop": ok(cluster_output(LEADER, REPLICA))}  # fmt: skip
    rows = health.hub_rows(["bebop", "rocksteady"], outcomes)
    assert [(r["host"], r["role"], r["state"], r["timeline"], r["lag_mb"], r["status"])
            for r in rows] == [
        ("bebop", "replica", "streaming", 3, 2.0, "healthy"),
        ("rocksteady", "leader", "running", 3, None, "healthy"),
    ]  # fmt: skip
    assert all(row["healthy"] for row in rows)


def test_an_unreachable_hub_is_listed_unreachable_and_the_other_answers_for_the_cluster():
    stopped = Member("bebop", "replica", "stopped", timeline=3)
    # unibos-hub status exits 1 on an unhealthy cluster, and still prints it.
    outcomes = {"rocksteady": ok(cluster_output(LEADER, stopped), rc=1), "bebop": UNREACHABLE}
    rows = {row["host"]: row for row in health.hub_rows(["bebop", "rocksteady"], outcomes)}
    assert rows["bebop"]["status"] == "unreachable"
    assert rows["bebop"]["state"] == "stopped"
    assert not rows["bebop"]["healthy"]
    assert rows["rocksteady"]["healthy"]


def test_a_hub_with_no_patroni_answer_says_why():
    result = {"stdout": "", "stderr": "error: no Patroni answered\n"}
    outcomes = {"rocksteady": {"status": "failed", "res": result}}
    (row,) = health.hub_rows(["rocksteady"], outcomes)
    assert row["status"] == "no cluster view: error: no Patroni answered"


def test_output_that_is_not_the_commands_is_refused():
    with pytest.raises(health.Unreadable):
        health.members("not json")
    with pytest.raises(health.Unreadable):
        health.members('{"members": []}')
    with pytest.raises(health.Unreadable):
        health.registry('[{"id": "1"}]')


def node(name, revoked=False):
    return {"id": f"id-{name}", "name": name, "version": "0.4.0",
            "organization": {"slug": "acme"}, "enrolled_at": "2026-12-06T10:00:00Z",
            "last_contact_at": "2026-12-07T01:00:00Z", "revoked": revoked,
            "revoked_at": "2026-12-07T00:00:00Z" if revoked else None}  # fmt: skip


def test_nodes_join_the_inventory_with_the_hubs_registry_by_name():
    registry = json.dumps([node("witness"), node("old", revoked=True), node("elsewhere")])
    outcomes = {"bebop": UNREACHABLE, "rocksteady": ok(registry)}
    rows = {row["host"]: row for row in health.node_rows(["witness", "old", "new"], outcomes)}
    assert rows["witness"]["status"] == "healthy"
    assert rows["witness"]["version"] == "0.4.0"
    assert rows["witness"]["last_contact_at"] == "2026-12-07T01:00:00Z"
    assert rows["witness"]["registry_of"] == "rocksteady"
    assert rows["old"]["status"] == "revoked"
    assert rows["new"]["status"] == "not enrolled"


def test_nodes_are_unknown_when_no_hub_answers():
    (row,) = health.node_rows(["witness"], {"bebop": UNREACHABLE})
    assert row["status"] == "unknown: no hub answered (bebop: unreachable)"
    assert not row["healthy"]


def worker_output(*records, missing=()):
    return json.dumps({"workers": [asdict(record) for record in records],
                       "queues": {}, "missing": list(missing)})  # fmt: skip


def record(kind, hostname):
    return WorkerRecord(f"{kind}@{hostname}", kind, [kind], 41, "0.4.0",
                        "2026-12-07T01:00:00Z", "2026-12-07T01:30:00Z")  # fmt: skip


def test_workers_join_each_expected_type_on_each_host_by_type_and_hostname():
    output = worker_output(record("core", "rocksteady.example.org"), record("ocr", "rocksteady"),
                           missing=["media"])  # fmt: skip
    expected = {"rocksteady": ["core", "ocr", "media"], "bebop": ["core"]}
    outcomes = {"rocksteady": ok(output, rc=1), "bebop": UNREACHABLE}
    rows = {(r["host"], r["type"]): r for r in health.worker_rows(expected, outcomes)}
    assert rows["rocksteady", "core"]["status"] == "healthy"
    assert rows["rocksteady", "core"]["queues"] == ["core"]
    assert rows["rocksteady", "core"]["seen_at"] == "2026-12-07T01:30:00Z"
    assert rows["rocksteady", "ocr"]["status"] == "healthy"
    assert rows["rocksteady", "media"]["status"] == "not running"
    assert rows["bebop", "core"]["status"] == "unreachable"
    assert health.missing_queues(outcomes) == ["media"]


def test_a_table_shows_missing_values_as_dashes_and_lists_joined():
    text = health.table([{"host": "a", "queues": ["core", "ocr"], "lag_mb": None}],
                        ["host", "queues", "lag_mb"])  # fmt: skip
    assert text.splitlines() == ["HOST  QUEUES    LAG_MB", "a     core,ocr  -"]
