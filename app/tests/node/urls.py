"""The hub's API at the root, as live_server serves it, and a node's under /node/.

One process plays both parts, and their paths overlap (/api/me, /api/auth/token).
"""

from django.urls import include, path

urlpatterns = [
    path("node/", include("unibos.http.node.urls")),
    path("", include("unibos.http.urls")),
]
