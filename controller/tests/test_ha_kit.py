"""The parts of the `ha` kit that need no containers: the probe program it sends, and
how a member that cannot be reached is judged."""

import pytest
from unibos_controller.testbed.ha import beat, drills, postgres, probe
from unibos_controller.testbed.ha.scenario import HAError


def test_the_probe_program_sent_to_a_hub_is_the_module_file_and_compiles():
    source = probe.program_source()
    compile(source, probe.PROBE_PROGRAM, "exec")
    assert 'if __name__ == "__main__":' in source


@pytest.mark.parametrize(("answer", "primary"), [("f", True), ("t", False)])
def test_is_primary_reads_pg_is_in_recovery(monkeypatch, answer, primary):
    monkeypatch.setattr(postgres, "psql_as_postgres", lambda *args, **kwargs: answer)
    assert postgres.is_primary("bebop") is primary


def test_a_member_that_does_not_answer_is_not_judged_a_replica(monkeypatch):
    def unreachable(*args, **kwargs):
        raise HAError("`podman exec bebop ...` failed (rc=125): no such container")

    monkeypatch.setattr(postgres, "psql_as_postgres", unreachable)
    with pytest.raises(HAError):
        postgres.is_primary("bebop")

    monkeypatch.setattr(drills, "is_primary", postgres.is_primary)
    observation = drills._primary_or_unknown("bebop")
    assert observation["primary"] is None
    assert "no such container" in observation["error"]


def test_an_empty_answer_is_unknown_too(monkeypatch):
    monkeypatch.setattr(postgres, "psql_as_postgres", lambda *args, **kwargs: "")
    with pytest.raises(HAError, match="answered ''"):
        postgres.is_primary("bebop")


def test_the_runs_a_beat_sent_are_read_from_its_journal_per_hub(monkeypatch):
    journals = {
        "rocksteady": (
            "1765000000.250000 rocksteady celery[81]: [INFO/MainProcess] Scheduler: "
            "Sending due task verify-switchover (core.drill)\n"
            "1765000002.250000 rocksteady celery[81]: [INFO/MainProcess] Scheduler: "
            "Sending due task verify-switchover (core.drill)\n"
        ),
        "bebop": "",
    }
    commands = []

    def journal_of(container, *command, **kwargs):
        commands.append(command)
        return journals[container]

    monkeypatch.setattr(beat, "exec_in", journal_of)
    sent = beat.sent_by("verify-switchover", since=1765000000.1)
    assert sent == {"rocksteady": [1765000000.25, 1765000002.25], "bebop": []}
    assert all("--since @1765000000" in " ".join(command) for command in commands)
