"""Plans give the limits; the (max+1)th member or node is refused, naming the limit."""

import threading

import pytest
from django.db import connection, transaction
from unibos.identity import enrolment, limits, members, tenancy
from unibos.identity.models import Membership, Organization

from tests.identity import factories


@pytest.mark.django_db
@pytest.mark.parametrize("plan", list(limits.PLANS))
def test_a_new_organization_gets_the_limits_of_its_plan(plan):
    org = factories.organization("acme", plan=plan)

    assert {limit: getattr(org, limit) for limit in limits.LIMITS} == limits.PLANS[plan]


@pytest.mark.django_db
def test_limits_given_at_creation_win_over_the_plan():
    assert factories.organization("acme", plan="free", max_users=7).max_users == 7


@pytest.mark.django_db
def test_the_member_past_max_users_is_refused_naming_the_limit():
    org = factories.organization("acme", max_users=2)
    factories.member(org, "alice", "owner")
    with tenancy.system():
        members.add(org, factories.user("bob"), "member")

        with pytest.raises(limits.LimitExceeded) as refused:
            members.add(org, factories.user("carol"), "member")

        assert Membership.objects.filter(organization=org).count() == 2
    assert refused.value.limit == "max_users"
    assert str(refused.value).startswith("organization 'acme' allows 2 users (max_users)")


@pytest.mark.django_db
def test_the_node_past_max_nodes_is_refused_and_the_token_stays_unused():
    org = factories.organization("acme", max_nodes=1)
    factories.node(org, "edge-1")
    secret = factories.enrolment_token(org)

    with pytest.raises(limits.LimitExceeded) as refused:
        enrolment.enrol(secret, "edge-2", "0.1.0")

    assert refused.value.limit == "max_nodes"
    assert "allows 1 nodes (max_nodes)" in str(refused.value)
    with tenancy.system():
        Organization.objects.filter(pk=org.pk).update(max_nodes=2)
    node_of_a_second_try, _ = enrolment.enrol(secret, "edge-2", "0.1.0")
    assert node_of_a_second_try.name == "edge-2"


@pytest.mark.django_db
def test_a_revoked_node_frees_its_place():
    org = factories.organization("acme", max_nodes=1)
    node, _ = factories.node(org, "edge-1")
    with tenancy.scope(org.pk):
        enrolment.revoke(node)

    assert enrolment.enrol(factories.enrolment_token(org), "edge-2", "0.1.0")[0].name == "edge-2"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_additions_cannot_both_take_the_last_place():
    org = factories.organization("acme", max_users=1)
    users = [factories.user("alice"), factories.user("bob")]
    first_holds_the_lock = threading.Event()
    outcomes: dict[str, str] = {}

    def add(user, hold: bool) -> None:
        try:
            with tenancy.system(), transaction.atomic():
                members.add(org, user, "member")
                if hold:
                    first_holds_the_lock.set()
                    # The second addition now waits on the organization's row lock.
                    threading.Event().wait(0.5)
            outcomes[user.username] = "added"
        except limits.LimitExceeded:
            outcomes[user.username] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=add, args=(users[0], True))
    first.start()
    first_holds_the_lock.wait(10)
    second = threading.Thread(target=add, args=(users[1], False))
    second.start()
    first.join(10)
    second.join(10)

    assert outcomes == {"alice": "added", "bob": "refused"}
