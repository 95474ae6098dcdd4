"""`unibos-hub users`: create users, add them to organizations within max_users, remove."""

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate
from unibos.cli.hub import cli
from unibos.identity import tenancy
from unibos.identity.models import Membership, User

from tests.identity import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*arguments: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(arguments), input=stdin)


def roles(org) -> dict[str, str]:
    with tenancy.system():
        members = Membership.objects.filter(organization=org).select_related("user")
        return {m.user.username: m.role for m in members}


def test_create_reads_the_password_from_stdin():
    result = run("users", "create", "alice", "--email", "alice@example.org", "--password-stdin",
                 stdin="s3cret pass\n")  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.output.startswith("created user alice (id ")
    assert authenticate(username="alice", password="s3cret pass").email == "alice@example.org"


def test_create_asks_for_the_password_twice_without_stdin():
    result = run("users", "create", "alice", stdin="pw-one\npw-one\n")

    assert result.exit_code == 0, result.output
    assert authenticate(username="alice", password="pw-one") is not None


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (["bad name!", "--password-stdin"], "pw\n", "username: Enter a valid username."),
        (["alice", "--email", "nope", "--password-stdin"], "pw\n", "email: Enter a valid email"),
        (["alice", "--password-stdin"], "\n", "the password is empty"),
    ],
)
def test_create_refuses_bad_input_naming_it(arguments, stdin, message):
    result = run("users", "create", *arguments, stdin=stdin)

    assert result.exit_code == 1
    assert message in result.output
    assert not User.objects.exists()


def test_add_and_remove_a_member():
    org = factories.organization("acme")
    factories.member(org, "owner", "owner")
    factories.user("alice")

    added = run("users", "add", "alice", "--org", "acme", "--role", "admin")
    listed = run("users", "list", "--org", "acme")
    removed = run("users", "remove", "alice", "--org", "acme")

    assert (added.exit_code, added.output) == (0, "added alice to acme as admin\n")
    assert listed.output.splitlines()[1:] == [
        "owner     owner@example.org  owner",
        "alice     alice@example.org  admin",
    ]
    assert (removed.exit_code, removed.output) == (0, "removed alice from acme\n")
    assert roles(org) == {"owner": "owner"}


def test_list_shows_each_users_organizations():
    factories.member(factories.organization("acme"), "alice", "owner")

    result = run("users", "list")

    assert result.output.splitlines() == [
        "USERNAME  EMAIL              ACTIVE  ORGANIZATIONS",
        "alice     alice@example.org  yes     acme:owner",
    ]


def test_add_past_max_users_exits_1_with_the_apis_message():
    org = factories.organization("acme", max_users=1)
    factories.member(org, "owner", "owner")
    factories.user("alice")

    result = run("users", "add", "alice", "--org", "acme", "--role", "member")

    assert result.exit_code == 1
    assert "Error: organization 'acme' allows 1 users (max_users)" in result.output
    assert roles(org) == {"owner": "owner"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ghost", "--org", "acme", "--role", "member"], "no user 'ghost'"),
        (["alice", "--org", "nope", "--role", "member"], "no organization 'nope'"),
        (["alice", "--org", "acme", "--role", "king"], "'king' is not one of owner, admin"),
        (["owner", "--org", "acme", "--role", "member"], "'owner' is a member of 'acme' already"),
    ],
)
def test_add_refuses_naming_what_is_wrong(arguments, message):
    factories.member(factories.organization("acme"), "owner", "owner")
    factories.user("alice")

    result = run("users", "add", *arguments)

    assert result.exit_code != 0
    assert message in result.output


def test_remove_refuses_the_last_owner():
    org = factories.organization("acme")
    factories.member(org, "owner", "owner")

    result = run("users", "remove", "owner", "--org", "acme")

    assert result.exit_code == 1
    assert "'owner' is the last owner of 'acme'" in result.output
    assert roles(org) == {"owner": "owner"}
