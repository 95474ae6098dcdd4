"""The node's API (unibos.http.urls includes it on a node)."""

from django.urls import path

from unibos.http import openapi
from unibos.http.node import conflicts, identity, peers, records

urlpatterns = [
    path("api/openapi.json", openapi.schema_view("UNIBOS node API"), name="openapi"),
    path("api/auth/token", identity.token, name="auth-token"),
    path("api/me", identity.me, name="me"),
    path("api/node", identity.node, name="this-node"),
    path("api/records/<str:collection>", records.collection, name="records"),
    path("api/records/<str:collection>/<str:record_id>", records.record, name="record"),
    path(
        "api/records/<str:collection>/<str:record_id>/documents/<str:field>",
        records.document,
        name="record-document",
    ),
    path("api/peers/heartbeat", peers.heartbeat, name="peer-heartbeat"),
    path("api/peers/operations", peers.operations, name="peer-operations"),
    path("api/conflicts", conflicts.conflicts, name="conflicts"),
    path("api/conflicts/<int:conflict_id>/resolve", conflicts.resolve, name="conflict-resolve"),
]
