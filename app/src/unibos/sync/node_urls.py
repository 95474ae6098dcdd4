"""The node's conflict API (unibos.node.urls includes it)."""

from django.urls import path

from unibos.sync import node_views

urlpatterns = [
    path("api/conflicts", node_views.conflicts, name="conflicts"),
    path("api/conflicts/<int:conflict_id>/resolve", node_views.resolve, name="conflict-resolve"),
]
