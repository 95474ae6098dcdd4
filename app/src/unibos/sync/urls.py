"""The hub's sync API (unibos.api.urls includes it)."""

from django.urls import path

from unibos.sync import views

urlpatterns = [
    path("api/sync/push", views.push, name="sync-push"),
    path("api/sync/changes", views.changes, name="sync-changes"),
    path("api/conflicts", views.conflicts, name="conflicts"),
    path("api/conflicts/<int:conflict_id>/resolve", views.resolve, name="conflict-resolve"),
]
