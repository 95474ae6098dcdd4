"""The one table of service short names, and the journalctl command lines."""

import shlex
from pathlib import Path

import pytest
from unibos_controller.fleet import journal

ROOT = Path(__file__).resolve().parents[4]


def roles_text():
    return "\n".join(
        path.read_text()
        for path in (ROOT / "roles").rglob("*")
        if path.is_file() and path.parent.name in ("templates", "vars", "tasks", "defaults")
    )


def test_every_unibos_unit_of_the_table_is_a_unit_the_roles_install():
    text = roles_text()
    for name, units in journal.SERVICES.items():
        for unit in units:
            if unit.startswith("unibos-worker@"):
                # The roles install the template unit; the instance is the worker type.
                assert "unibos-worker@{{ celery_worker_type }}.service" in text, name
                assert f"worker_{unit.removeprefix('unibos-worker@').split('.')[0]}" in text, name
            else:
                assert unit.removesuffix(".service") in text, name


def test_the_short_names_map_to_their_units():
    assert journal.units("hub") == ("unibos-hub.service",)
    assert journal.units("worker-ocr") == ("unibos-worker@ocr.service",)
    assert journal.units("redis") == ("redis-server.service",)
    assert journal.units("sentinel") == ("redis-sentinel.service",)


def test_the_sync_agent_is_read_where_it_runs_in_its_own_unit_or_in_the_node_worker():
    # A Pi Zero 2 W's profile runs the agent as a thread of the node worker
    # (node_sync_in_worker): its lines are in that unit's journal.
    assert journal.units("sync") == ("unibos-sync.service", "unibos-node-worker.service")
    argv = shlex.split(journal.command(journal.units("sync"), lines=5))
    assert argv[4:6] == ["--unit=unibos-sync.service", "--unit=unibos-node-worker.service"]


def test_an_unknown_service_is_refused_listing_the_known_names():
    with pytest.raises(journal.UnknownService) as raised:
        journal.units("postgres")
    assert "'postgres'" in str(raised.value)
    assert "hub, node, node-worker, patroni" in str(raised.value)


def test_the_first_read_takes_since_and_lines_and_a_follow_up_only_the_cursor():
    first = shlex.split(journal.command(("unibos-hub.service",), since="1 hour ago", lines=5))
    assert first[:4] == ["journalctl", "--no-pager", "--output=short-iso", "--show-cursor"]
    assert first[4:] == ["--unit=unibos-hub.service", "--since=1 hour ago", "--lines=5"]
    cursor = "s=739ad463;i=1c;b=6f3a;m=1fe;t=5f0;x=b4c"
    later = shlex.split(journal.command((), since="x", lines=5, after_cursor=cursor))
    assert later[4:] == [f"--after-cursor={cursor}"]


def test_the_cursor_line_is_split_off_the_entries():
    stdout = "2026-12-07T01:32:28+0000 h sh[375]: tick 3\n-- cursor: s=ab;i=1c\n"
    assert journal.split(stdout) == (["2026-12-07T01:32:28+0000 h sh[375]: tick 3"], "s=ab;i=1c")
    assert journal.split("-- No entries --\n") == ([], None)
