"""The node's record and conflict API (unibos.node.urls includes it)."""

from django.urls import path

from unibos.sync import node_records, node_views

urlpatterns = [
    path("api/records/<str:collection>", node_records.collection, name="records"),
    path("api/records/<str:collection>/<str:record_id>", node_records.record, name="record"),
    path(
        "api/records/<str:collection>/<str:record_id>/documents/<str:field>",
        node_records.document,
        name="record-document",
    ),
    path("api/conflicts", node_views.conflicts, name="conflicts"),
    path("api/conflicts/<int:conflict_id>/resolve", node_views.resolve, name="conflict-resolve"),
]
