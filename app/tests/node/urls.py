"""The hub's API at the root, as live_server serves it, and a node's under /node/.

One process plays both parts, and their paths overlap (/api/me, /api/auth/token).
"""

from django.urls import include, path

urlpatterns = [
    path("node/", include("unibos.http.node.urls")),
    path("", include("unibos.http.urls")),
]

# Django looks its error handlers up on the root URLconf: the deployment's JSON ones.
handler400 = "unibos.http.errors.bad_request"
handler403 = "unibos.http.errors.permission_denied"
handler404 = "unibos.http.errors.page_not_found"
handler500 = "unibos.http.errors.server_error"
