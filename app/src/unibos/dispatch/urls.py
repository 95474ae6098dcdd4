"""The hub's task distribution API (unibos.api.urls includes it)."""

from django.urls import path

from unibos.dispatch import views

urlpatterns = [
    path("api/workers", views.workers, name="workers"),
    path("api/queues", views.queues, name="queues"),
    path("api/alerts", views.alerts, name="alerts"),
]
