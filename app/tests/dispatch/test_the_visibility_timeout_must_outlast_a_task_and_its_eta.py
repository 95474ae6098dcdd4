from django.core import checks
from django.test import override_settings


def e021(**overrides: object) -> list[str]:
    with override_settings(**overrides):
        return [message.msg for message in checks.run_checks() if message.id == "unibos.E021"]


def test_the_visibility_timeout_must_outlast_a_task_and_its_eta():
    limits = {"UNIBOS_TASK_TIME_LIMIT": 3600, "UNIBOS_TASK_MAX_ETA": 600}

    assert e021(UNIBOS_TASK_VISIBILITY_TIMEOUT=4201, **limits) == []
    assert e021(UNIBOS_TASK_VISIBILITY_TIMEOUT=4200, **limits) == [
        "UNIBOS_TASK_VISIBILITY_TIMEOUT (4200 s) is not above UNIBOS_TASK_TIME_LIMIT "
        "(3600 s) plus UNIBOS_TASK_MAX_ETA (600 s): Redis would hand a task that a worker "
        "still holds, waiting for its ETA or running, to a second worker."
    ]


def test_the_defaults_pass():
    assert e021() == []
