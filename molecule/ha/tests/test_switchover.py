"""After the side effect's planned switchover (../faults.py, its third drill): while a
writer wrote through the leader's HAProxy and beat ran a schedule of core.drill every
two seconds, `unibos-hub failover --to <replica> --yes` ran in the leader hub. The
leader must have moved to the named hub with no acknowledged write lost, celery beat
with it (it runs on the Patroni leader only), and each run of the schedule must have
taken effect once: beat gives a run the same id whichever hub sends it, and a worker
does not run a task id twice (unibos.dispatch.scheduler, unibos.core.once).

The first verify runs before the side effect: these tests skip there, saying so.
"""

from conftest import part


def test_unibos_hub_failover_moved_the_leader_to_the_named_hub(report):
    switchover = part(report, "switchover")
    database = part(switchover, "database")
    assert database["kind"] == "switchover"
    assert database["old_primary"] == switchover["old_leader"]
    assert database["new_primary"] == switchover["new_leader"] != switchover["old_leader"]
    rejoin = database["rejoin"]
    assert rejoin["timeline_after"] > rejoin["timeline_before"], rejoin


def test_no_write_acknowledged_during_the_switchover_was_lost(report):
    database = part(part(report, "switchover"), "database")
    assert "verify_error" not in database, database.get("verify_error")
    assert database["writer"]["acked_after_fault"] > 0, database["writer"]
    assert database["lost"] == 0, f"acknowledged but missing: {database['verification']}"


def test_beat_sent_the_schedule_from_the_old_leader_then_from_the_new_one(report):
    switchover = part(report, "switchover")
    old, new = switchover["old_leader"], switchover["new_leader"]
    sent, switched_at = switchover["sent_by"], switchover["switched_at"]
    assert sent[old], f"{old}'s beat sent no run before the switchover"
    assert max(sent[old]) <= min(sent[new]), f"both beats sent runs at once: {sent}"
    assert sum(at >= switched_at for at in sent[new]) >= 1, sent
    assert switchover["beat_active"] == {old: False, new: True}


def test_each_scheduled_run_took_effect_once_across_the_switchover(report):
    switchover = part(report, "switchover")
    runs = switchover["runs"]
    assert runs, "no scheduled run took effect"
    assert len(runs) == len(set(runs)), f"a run took effect twice: {runs}"
    # Every run beat recorded as sent took effect, and nothing else did.
    assert len(runs) == switchover["total_run_count"], switchover
