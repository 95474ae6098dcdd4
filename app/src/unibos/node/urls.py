"""The node's API (unibos.urls includes it on a node)."""

from django.urls import include, path

from unibos.api import openapi
from unibos.node import views

urlpatterns = [
    path("api/openapi.json", openapi.schema_view("UNIBOS node API"), name="openapi"),
    path("api/auth/token", views.token, name="auth-token"),
    path("api/me", views.me, name="me"),
    path("api/node", views.node, name="this-node"),
    path("", include("unibos.sync.node_urls")),
]
