"""The parts of the `ha` kit that need no containers: the probe program it sends, and
how a member that cannot be reached is judged."""

import pytest
from unibos_controller.testbed.ha import drills, postgres, probe
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
