"""`unibos-hub schedules`: add, list, enable, disable and remove; bad input exits 2."""

import json

import pytest
from click.testing import CliRunner
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from unibos.cli.hub import cli

pytestmark = pytest.mark.django_db


def run(*arguments: str):
    return CliRunner().invoke(cli, ["schedules", *arguments])


def listed() -> list[dict]:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def rows() -> tuple[list, list, list]:
    """Everything a schedule change could write."""
    return (
        list(PeriodicTask.objects.values()),
        list(IntervalSchedule.objects.values()),
        list(CrontabSchedule.objects.values()),
    )


def test_add_an_interval_schedule_and_list_it():
    result = run(
        "add",
        "cleanup",
        "--task",
        "core.cleanup",
        "--every",
        "3600",
        "--kwargs",
        '{"max_age_days": 3}',
    )

    assert (result.exit_code, result.output) == (
        0,
        "added schedule cleanup: core.cleanup every 3600s\n",
    )
    assert listed() == [
        {
            "name": "cleanup",
            "task": "core.cleanup",
            "every": 3600,
            "cron": None,
            "kwargs": {"max_age_days": 3},
            "queue": None,
            "enabled": True,
            "last_run_at": None,
            "total_run_count": 0,
        }
    ]


def test_add_a_cron_schedule_to_a_queue_and_list_it_as_a_table():
    result = run(
        "add",
        "health",
        "--task",
        "core.health_check",
        "--cron",
        "*/5 2 * * 1-5",
        "--queue",
        "acme-default",
    )

    assert (result.exit_code, result.output) == (
        0,
        "added schedule health: core.health_check cron */5 2 * * 1-5\n",
    )
    table = run("list").output.splitlines()
    assert table[0].split() == ["NAME", "TASK", "SCHEDULE", "QUEUE", "STATE", "LAST", "RUN", "RUNS"]
    assert table[1].split() == [
        "health",
        "core.health_check",
        "cron",
        "*/5",
        "2",
        "*",
        "*",
        "1-5",
        "acme-default",
        "enabled",
        "-",
        "0",
    ]


def test_disable_and_enable_a_schedule():
    run("add", "cleanup", "--task", "core.cleanup", "--every", "60")

    disabled = run("disable", "cleanup")
    states = [listed()[0]["enabled"]]
    enabled = run("enable", "cleanup")
    states.append(listed()[0]["enabled"])

    assert (disabled.exit_code, disabled.output) == (0, "disabled schedule cleanup\n")
    assert (enabled.exit_code, enabled.output) == (0, "enabled schedule cleanup\n")
    assert states == [False, True]


def test_remove_a_schedule():
    run("add", "cleanup", "--task", "core.cleanup", "--every", "60")

    result = run("remove", "cleanup")

    assert (result.exit_code, result.output) == (0, "removed schedule cleanup\n")
    assert listed() == []


@pytest.mark.parametrize("command", ["remove", "enable", "disable"])
def test_an_unknown_schedule_exits_1_naming_it(command):
    result = run(command, "nothing")

    assert result.exit_code == 1
    assert "no schedule named 'nothing'" in result.output


def test_beats_own_schedule_cannot_be_removed_only_disabled():
    result = run("remove", "health-check")

    assert result.exit_code == 2
    assert "'NAME'" in result.output
    assert "disable it instead" in result.output


@pytest.mark.parametrize(
    ("arguments", "option", "message"),
    [
        (["--task", "core.nope", "--every", "60"], "--task", "unknown task 'core.nope'; known: "),
        (["--task", "core.cleanup", "--cron", "61 * * * *"], "--cron", "is not a cron expression"),
        (["--task", "core.cleanup", "--cron", "* * * *"], "--cron", "is not five fields"),
        (["--task", "core.cleanup", "--every", "0"], "--every", "0 is not in the range x>=1"),
        (["--task", "core.cleanup", "--every", "60", "--kwargs", "{max"], "--kwargs", "not JSON"),
        (["--task", "core.cleanup", "--every", "60", "--kwargs", "[1]"], "--kwargs", "JSON object"),
        (
            ["--task", "core.cleanup", "--every", "60", "--kwargs", '{"days": 1}'],
            "--kwargs",
            'core.cleanup cannot take {"days": 1}',
        ),
        (["--task", "core.cleanup", "--every", "60", "--queue", "a b"], "--queue", "not a queue"),
    ],
)
def test_bad_input_exits_2_naming_the_option_and_changes_nothing(arguments, option, message):
    before = rows()

    result = run("add", "cleanup", *arguments)

    assert result.exit_code == 2, result.output
    assert f"'{option}'" in result.output
    assert message in result.output
    assert rows() == before


def test_a_taken_name_exits_2_and_keeps_the_schedule_it_names():
    run("add", "cleanup", "--task", "core.cleanup", "--every", "60")
    before = rows()

    result = run("add", "cleanup", "--task", "core.health_check", "--cron", "0 * * * *")

    assert result.exit_code == 2
    assert "'NAME'" in result.output
    assert "a schedule named 'cleanup' exists already" in result.output
    assert rows() == before


@pytest.mark.parametrize("timing", [[], ["--every", "60", "--cron", "0 * * * *"]])
def test_add_wants_exactly_one_of_every_and_cron(timing):
    result = run("add", "cleanup", "--task", "core.cleanup", *timing)

    assert result.exit_code == 2
    assert "give exactly one of --every and --cron" in result.output
    assert not PeriodicTask.objects.exists()
