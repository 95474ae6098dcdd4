"""/api/members: any member reads, admins change, owners guard owners, limits hold."""

import pytest
from unibos.identity import tenancy
from unibos.identity.models import Membership, Organization

from tests.identity import factories

pytestmark = pytest.mark.django_db


def usernames(response) -> list[str]:
    return [member["user"]["username"] for member in response.json()["members"]]


def test_every_role_lists_the_members(api, acme):
    for role in ("owner", "admin", "member", "viewer"):
        response = api("GET", "/api/members", acme.token(role))

        assert response.status_code == 200
        assert usernames(response) == ["acme-owner", "acme-admin", "acme-member", "acme-viewer"]


def test_an_admin_adds_a_user(api, acme):
    factories.user("newcomer")

    response = api(
        "POST", "/api/members", acme.token("admin"), {"username": "newcomer", "role": "member"}
    )

    assert response.status_code == 201
    assert response.json()["user"]["username"] == "newcomer"
    assert response.json()["organization"]["slug"] == "acme"
    assert "newcomer" in usernames(api("GET", "/api/members", acme.token("viewer")))


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_change_nothing(api, acme, role):
    factories.user("newcomer")
    target = acme.members["viewer"].pk

    assert (
        api(
            "POST", "/api/members", acme.token(role), {"username": "newcomer", "role": "member"}
        ).status_code
        == 403
    )
    assert (
        api("PATCH", f"/api/members/{target}", acme.token(role), {"role": "admin"}).status_code
        == 403
    )
    assert api("DELETE", f"/api/members/{target}", acme.token(role)).status_code == 403


def test_an_admin_cannot_make_or_touch_an_owner(api, acme):
    factories.user("newcomer")
    owner = acme.members["owner"].pk
    admin = acme.token("admin")

    assert (
        api("POST", "/api/members", admin, {"username": "newcomer", "role": "owner"}).status_code
        == 403
    )
    assert (
        api(
            "PATCH", f"/api/members/{acme.members['member'].pk}", admin, {"role": "owner"}
        ).status_code
        == 403
    )
    assert api("DELETE", f"/api/members/{owner}", admin).status_code == 403


def test_an_owner_changes_a_role_and_removes_a_member(api, acme):
    member = acme.members["member"].pk

    changed = api("PATCH", f"/api/members/{member}", acme.token(), {"role": "admin"})
    removed = api("DELETE", f"/api/members/{member}", acme.token())

    assert changed.status_code == 200
    assert changed.json()["role"] == "admin"
    assert removed.status_code == 204
    assert api("GET", f"/api/members/{member}", acme.token()).status_code == 404


def test_the_last_owner_can_be_neither_removed_nor_demoted(api, acme):
    owner = acme.members["owner"].pk

    removed = api("DELETE", f"/api/members/{owner}", acme.token())
    demoted = api("PATCH", f"/api/members/{owner}", acme.token(), {"role": "admin"})

    assert (removed.status_code, demoted.status_code) == (409, 409)
    assert removed.json()["error"] == "last_owner"
    assert "last owner of 'acme'" in demoted.json()["detail"]
    promoted = api(
        "PATCH", f"/api/members/{acme.members['admin'].pk}", acme.token(), {"role": "owner"}
    )
    assert promoted.status_code == 200
    assert api("DELETE", f"/api/members/{owner}", acme.token("admin")).status_code == 204


def test_adding_a_member_twice_is_409(api, acme):
    response = api(
        "POST", "/api/members", acme.token(), {"username": "acme-viewer", "role": "member"}
    )

    assert response.status_code == 409
    assert response.json()["error"] == "exists"


def test_the_member_past_max_users_is_409_naming_the_limit(api, acme):
    with tenancy.system():
        Organization.objects.filter(pk=acme.org.pk).update(max_users=5)
    for username in ("fifth", "sixth"):
        factories.user(username)

    fifth = api("POST", "/api/members", acme.token(), {"username": "fifth", "role": "member"})
    sixth = api("POST", "/api/members", acme.token(), {"username": "sixth", "role": "member"})

    assert fifth.status_code == 201
    assert sixth.status_code == 409
    assert sixth.json()["error"] == "limit"
    assert sixth.json()["limit"] == "max_users"
    assert sixth.json()["detail"].startswith("organization 'acme' allows 5 users (max_users)")
    with tenancy.scope(acme.org.pk):
        assert Membership.objects.count() == 5


def test_an_unknown_username_is_404_naming_the_field(api, acme):
    # Well formed (a 400 would contradict the published schema): the user does not exist.
    response = api("POST", "/api/members", acme.token(), {"username": "ghost", "role": "member"})

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "detail": "username: no user named 'ghost'",
        "field": "username",
    }
