"""`unibos-hub keys`: ensure the first keys, list them, rotate."""

import pytest
from click.testing import CliRunner
from unibos.cli.hub import cli
from unibos.identity.models import SigningKey

pytestmark = pytest.mark.django_db


def run(*arguments: str):
    return CliRunner().invoke(cli, list(arguments))


def kid(state: str) -> str:
    return SigningKey.objects.get(state=state).kid


def test_ensure_creates_the_keys_once():
    first, second = run("keys", "ensure"), run("keys", "ensure")

    assert (first.exit_code, first.output) == (0, "created\n")
    assert (second.exit_code, second.output) == (0, "unchanged\n")
    assert sorted(SigningKey.objects.values_list("state", flat=True)) == ["active", "next"]


def test_rotate_prints_the_new_active_next_and_retired_keys():
    run("keys", "ensure")
    active, upcoming = kid("active"), kid("next")

    result = run("keys", "rotate")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"active  {upcoming}"
    assert lines[1] == f"next    {kid('next')}"
    assert lines[2].startswith(f"retired {active} (published until ")


def test_list_shows_every_key_and_its_state():
    run("keys", "ensure")
    run("keys", "rotate")

    rows = [line.split()[:2] for line in run("keys", "list").output.splitlines()]

    assert rows[0] == ["KID", "STATE"]
    assert sorted(state for _, state in rows[1:]) == ["active", "next", "retired"]


def test_rotate_before_ensure_exits_1_saying_what_to_run():
    result = run("keys", "rotate")

    assert result.exit_code == 1
    assert "run `unibos-hub keys ensure`" in result.output


def test_keys_without_a_passphrase_are_bad_settings(settings):
    settings.UNIBOS_SIGNING_KEY_PASSPHRASE = ""

    result = run("keys", "ensure")

    assert result.exit_code == 1
    assert result.output.startswith("Error: bad settings: UNIBOS_SIGNING_KEY_PASSPHRASE is not set")
