"""TenantManager: the current organization's rows, all in system(), none without a tenant."""

import pytest
from unibos.identity import tenancy
from unibos.identity.models import Membership

from tests.identity import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme_and_globex():
    acme, globex = factories.organization("acme"), factories.organization("globex")
    factories.member(acme, "alice")
    factories.member(acme, "anna")
    factories.member(globex, "bob")
    return acme, globex


def usernames() -> set[str]:
    return set(Membership.objects.values_list("user__username", flat=True))


def test_a_scope_sees_only_its_organizations_rows(acme_and_globex):
    acme, globex = acme_and_globex

    with tenancy.scope(acme.pk):
        assert usernames() == {"alice", "anna"}
    with tenancy.scope(globex.pk):
        assert usernames() == {"bob"}


def test_without_a_tenant_the_manager_returns_nothing(acme_and_globex):
    assert usernames() == set()
    assert Membership.objects.count() == 0


def test_system_code_sees_every_organization(acme_and_globex):
    with tenancy.system():
        assert usernames() == {"alice", "anna", "bob"}


def test_an_inner_scope_gives_way_to_the_outer_one_when_it_ends(acme_and_globex):
    acme, globex = acme_and_globex

    with tenancy.scope(acme.pk):
        with tenancy.scope(globex.pk):
            assert usernames() == {"bob"}
        assert usernames() == {"alice", "anna"}
    assert tenancy.current() == tenancy.Tenant()


def test_a_scope_ends_even_when_its_block_raises(acme_and_globex):
    acme, _ = acme_and_globex

    with pytest.raises(RuntimeError), tenancy.scope(acme.pk):
        raise RuntimeError

    assert usernames() == set()


def test_the_related_manager_of_an_organization_is_scoped_too(acme_and_globex):
    acme, _ = acme_and_globex

    assert acme.memberships.count() == 0
    with tenancy.scope(acme.pk):
        assert acme.memberships.count() == 2
