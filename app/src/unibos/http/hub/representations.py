"""How identity objects appear in the API's JSON, with the JSON Schema of each shape."""

from datetime import datetime
from typing import Any

from unibos.http.bearer import ORGANIZATION
from unibos.http.openapi import OPTIONAL_TIMESTAMP, TIMESTAMP
from unibos.identity.models import Membership, Node, Organization, User

Schema = dict[str, Any]


def _object(properties: dict[str, Schema]) -> Schema:
    return {"type": "object", "required": list(properties), "properties": properties}


USER = _object(
    {"id": {"type": "integer"}, "username": {"type": "string"}, "email": {"type": "string"}}
)
ROLE: Schema = {"enum": [choice.value for choice in Membership.Role]}
MEMBER = _object(
    {
        "id": {"type": "integer"},
        "user": USER,
        "role": ROLE,
        "organization": ORGANIZATION,
        "created_at": TIMESTAMP,
    }
)
NODE = _object(
    {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "version": {"type": "string"},
        "organization": ORGANIZATION,
        "enrolled_at": TIMESTAMP,
        "last_contact_at": OPTIONAL_TIMESTAMP,
        "revoked": {"type": "boolean"},
        "revoked_at": OPTIONAL_TIMESTAMP,
    }
)


def timestamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def organization(org: Organization) -> dict[str, Any]:
    return {"id": org.pk, "slug": org.slug, "name": org.name}


def user(person: User) -> dict[str, Any]:
    return {"id": person.pk, "username": person.username, "email": person.email}


def member(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "user": user(membership.user),
        "role": membership.role,
        "organization": organization(membership.organization),
        "created_at": timestamp(membership.created_at),
    }


def node(registered: Node) -> dict[str, Any]:
    return {
        "id": str(registered.pk),
        "name": registered.name,
        "version": registered.version,
        "organization": organization(registered.organization),
        "enrolled_at": timestamp(registered.enrolled_at),
        "last_contact_at": timestamp(registered.last_contact_at),
        "revoked": registered.revoked_at is not None,
        "revoked_at": timestamp(registered.revoked_at),
    }
