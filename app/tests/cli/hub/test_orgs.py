"""`unibos-hub orgs`: create, list, show and set the limits of organizations."""

import pytest
from click.testing import CliRunner
from unibos.cli.hub import cli
from unibos.identity.models import Organization

from tests.identity import factories

pytestmark = pytest.mark.django_db


def run(*arguments: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(arguments), input=stdin)


def test_create_gives_the_plans_limits():
    result = run(
        "orgs", "create", "acme", "--name", "Acme Inc.", "--type", "team", "--plan", "team"
    )

    assert result.exit_code == 0, result.output
    org = Organization.objects.get(slug="acme")
    assert result.output == f"created organization acme (id {org.pk}, plan team)\n"
    assert (org.type, org.max_users, org.max_nodes) == ("team", 25, 10)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Bad_Slug", "--name", "X"], "slug: 2 to 50 lowercase letters, digits or hyphens"),
        (["acme", "--name", "X", "--type", "tribe"], "type: Value 'tribe' is not a valid choice."),
    ],
)
def test_create_refuses_a_bad_slug_or_type_naming_it(arguments, message):
    result = run("orgs", "create", *arguments)

    assert result.exit_code == 1
    assert message in result.output
    assert not Organization.objects.exists()


def test_create_refuses_a_slug_taken_already():
    factories.organization("acme")

    result = run("orgs", "create", "acme", "--name", "Other")

    assert result.exit_code == 1
    assert "slug: Organization with this Slug already exists." in result.output


def test_list_shows_usage_against_the_limits():
    org = factories.organization("acme")
    factories.member(org, "alice", "owner")
    factories.node(org)
    factories.organization("globex", plan="business")

    result = run("orgs", "list")

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "SLUG    NAME         TYPE          PLAN      USERS  NODES",
        "acme    Acme Inc.    organization  free      1/3    1/1",
        "globex  Globex Inc.  organization  business  0/250  0/50",
    ]


def test_show_prints_settings_limits_and_usage():
    org = factories.organization("acme", modules=["ocr"])
    factories.member(org, "alice", "owner")

    result = run("orgs", "show", "acme")

    assert result.exit_code == 0
    assert "users           1 of max_users 3" in result.output
    assert "modules         ocr" in result.output


def test_show_of_an_unknown_organization_exits_1_naming_it():
    result = run("orgs", "show", "nope")

    assert result.exit_code == 1
    assert "no organization 'nope'" in result.output


def test_set_limit_changes_the_limits():
    factories.organization("acme")

    result = run("orgs", "set-limit", "acme", "--max-users", "10", "--max-nodes", "4")

    assert result.exit_code == 0
    assert result.output == "max_users=10 max_nodes=4\n"
    assert Organization.objects.values_list("max_users", "max_nodes").get() == (10, 4)


def test_set_limit_refuses_to_go_below_what_is_used():
    org = factories.organization("acme")
    factories.member(org, "alice", "owner")
    factories.member(org, "bob")

    result = run("orgs", "set-limit", "acme", "--max-users", "1")

    assert result.exit_code == 1
    assert "organization 'acme' has 2 users; max_users cannot be 1" in result.output
    assert Organization.objects.get().max_users == 3


def test_set_limit_needs_a_limit():
    assert run("orgs", "set-limit", "acme").exit_code == 2
