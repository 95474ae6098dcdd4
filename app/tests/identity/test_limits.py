"""Plans give the limits; the (max+1)th member or node is refused, naming the limit."""

import threading

import pytest
from django.db import connection, transaction
from unibos.identity import enrolment, limits, members, tenancy
from unibos.identity.models import Membership, Organization

from tests.beat import wait_for
from tests.identity import factories


def sessions_blocked_by(backend_pid: int) -> int:
    """How many database sessions wait on a lock that session `backend_pid` holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
            [backend_pid],
        )
        return cursor.fetchone()[0]


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
    second_waits_on_it = threading.Event()
    holder: list[int] = []
    outcomes: dict[str, str] = {}

    def add(user, hold: bool) -> None:
        try:
            with tenancy.system(), transaction.atomic():
                members.add(org, user, "member")
                if hold:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_backend_pid()")
                        holder.append(cursor.fetchone()[0])
                    first_holds_the_lock.set()
                    # Commit only once the second addition waits on the organization's
                    # row lock, so that the two really overlap.
                    second_waits_on_it.wait(60)
            outcomes[user.username] = "added"
        except limits.LimitExceeded:
            outcomes[user.username] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=add, args=(users[0], True))
    second = threading.Thread(target=add, args=(users[1], False))
    first.start()
    try:
        assert first_holds_the_lock.wait(60), "the first addition never took the lock"
        second.start()
        wait_for(lambda: sessions_blocked_by(holder[0]), "the second addition waiting on the lock")
    finally:
        second_waits_on_it.set()
        first.join(10)
        if second.ident is not None:
            second.join(10)

    assert outcomes == {"alice": "added", "bob": "refused"}
