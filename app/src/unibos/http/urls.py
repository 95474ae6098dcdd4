"""The URL map of this deployment: health for all, then the hub's or the node's API.

Django's refusals answer JSON in the API's error shape (unibos.http.errors), not its
HTML pages: an unknown path or a path parameter its route does not match is a JSON 404.
"""

from django.conf import settings
from django.urls import include, path

from unibos.http import health

urlpatterns = [
    path("api/health", health.health, name="health"),
    path("api/ready", health.ready, name="ready"),
]

# The development profile plays the hub's part as well as every other.
if settings.UNIBOS_DEPLOYMENT_TYPE in ("hub", "development"):
    urlpatterns.append(path("", include("unibos.http.hub.urls")))
elif settings.UNIBOS_DEPLOYMENT_TYPE == "node":
    urlpatterns.append(path("", include("unibos.http.node.urls")))

handler400 = "unibos.http.errors.bad_request"
handler403 = "unibos.http.errors.permission_denied"
handler404 = "unibos.http.errors.page_not_found"
handler500 = "unibos.http.errors.server_error"
