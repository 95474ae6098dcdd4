"""The hub's API (unibos.http.urls includes it on the hub and in development)."""

from django.urls import path

from unibos.http import openapi
from unibos.http.hub import (
    enrolment,
    jwks,
    me,
    members,
    nodes,
    organization,
    sync,
    tokens,
    workers,
)

urlpatterns = [
    path(".well-known/jwks.json", jwks.jwks, name="jwks"),
    path("api/openapi.json", openapi.schema_view("UNIBOS hub API"), name="openapi"),
    path("api/auth/token", tokens.user_token, name="auth-token"),
    path("api/me", me.me, name="me"),
    path("api/organization", organization.organization, name="organization"),
    path("api/members", members.members, name="members"),
    path("api/members/<int:member_id>", members.member, name="member"),
    path("api/enrolment-tokens", enrolment.enrolment_tokens, name="enrolment-tokens"),
    path("api/nodes", nodes.nodes, name="nodes"),
    path("api/nodes/enrol", enrolment.enrol, name="node-enrol"),
    path("api/nodes/token", tokens.node_token, name="node-token"),
    path("api/nodes/<uuid:node_id>", nodes.node, name="node"),
    path("api/sync/push", sync.push, name="sync-push"),
    path("api/sync/changes", sync.changes, name="sync-changes"),
    path("api/conflicts", sync.conflicts, name="conflicts"),
    path("api/conflicts/<int:conflict_id>/resolve", sync.resolve, name="conflict-resolve"),
    path("api/workers", workers.workers, name="workers"),
    path("api/queues", workers.queues, name="queues"),
    path("api/alerts", workers.alerts, name="alerts"),
]
